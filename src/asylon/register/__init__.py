"""The accountability register, pure: records (:mod:`.models`), a register of them
(:mod:`.register`), canonical JSON and record hashes (:mod:`.canonical`), FollowTheMoney
export and import (:mod:`.ftm`), CSV import with a column mapping (:mod:`.csvmap`), and the
one module that reads files, :mod:`.loader` (the YAML starter register in data/register).

The web application (``asylon.web.register``) stores the records with their revisions,
review status, evidence files and custody log; it calls this package, never the reverse.
"""

from asylon.register.canonical import canonical_json, record_json, record_sha256
from asylon.register.models import (
    Allegation,
    EvidenceItem,
    Incident,
    Membership,
    Name,
    Occupancy,
    Person,
    Position,
    Record,
    Source,
    Unit,
    Victim,
    VictimCount,
)
from asylon.register.register import RecordError, Register, parse_record

__all__ = [
    "Allegation",
    "EvidenceItem",
    "Incident",
    "Membership",
    "Name",
    "Occupancy",
    "Person",
    "Position",
    "Record",
    "RecordError",
    "Register",
    "Source",
    "Unit",
    "Victim",
    "VictimCount",
    "canonical_json",
    "parse_record",
    "record_json",
    "record_sha256",
]
