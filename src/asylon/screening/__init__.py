"""Screening applicants against the accountability register (Article 1F leads).

A hit is a lead for a person to judge, never an exclusion. Pure: records in, hits out.
"""

from asylon.screening.features import Feature
from asylon.screening.records import ApplicantRecord, Membership, PartialDate, RegisterPerson, Role
from asylon.screening.score import DEFAULT_THRESHOLD, Hit, Screener, score_pair

__all__ = [
    "DEFAULT_THRESHOLD",
    "ApplicantRecord",
    "Feature",
    "Hit",
    "Membership",
    "PartialDate",
    "RegisterPerson",
    "Role",
    "Screener",
    "score_pair",
]
