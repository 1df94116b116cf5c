"""The legal core: case file in, reasoned determination out. Pure: no I/O, no clock, no Django."""

from asylon.law.assess import assess, rules_version
from asylon.law.determination import Determination
from asylon.law.evidence import CountryEvidence, DangerReading, FixedEvidence, ViolenceLevel
from asylon.law.facts import CaseFile, CaseFileError, parse_case_file
from asylon.law.parameters import LawNotInForce

__all__ = [
    "CaseFile",
    "CaseFileError",
    "CountryEvidence",
    "DangerReading",
    "Determination",
    "FixedEvidence",
    "LawNotInForce",
    "ViolenceLevel",
    "assess",
    "parse_case_file",
    "rules_version",
]
