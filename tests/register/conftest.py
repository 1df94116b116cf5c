"""Records of every type, small and made up (no real person), for the pure core's tests."""

from __future__ import annotations

import pytest

from asylon.register.models import (
    Allegation,
    EvidenceItem,
    Incident,
    Membership,
    Occupancy,
    Person,
    Position,
    Source,
    Unit,
    Victim,
)
from asylon.register.register import Register

SHA = "a" * 64


def sample_records() -> list:
    return [
        Source(
            id="source-report",
            kind="ngo_report",
            citation="A made-up report, 1 January 2020",
            title="Report",
            publisher="An NGO",
            date="2020-01-01",
            url="https://example.org/report?id=1#p2",
            description="Line one.\n\nLine two.",
            verify=("date",),
        ),
        Unit(
            id="unit-service",
            kind="service",
            names=({"text": "Example Service"}, {"text": "جهاز المثال"}, {"text": "Служба"}),
        ),
        Unit(
            id="unit-branch-1",
            kind="branch",
            parent_id="unit-service",
            names=({"text": "Branch 1"}, {"text": "Branch One", "kind": "alias"}),
            abbreviation="B1",
            place="Damascus",
            place_code="SYC-DAMASCUS",
            notes="curator's note",
        ),
        Position(id="position-head", title="Head of Branch 1", unit_id="unit-branch-1"),
        Person(
            id="person-a",
            names=(
                {"text": "Abu Example", "kind": "kunya"},
                {"text": "Ahmad  Example"},
                {"text": "أحمد المثال"},
                {"text": "Ахмад Пример", "verify": True},
                {"text": "the Lion", "kind": "laqab"},
                {"text": "Ahmed Example", "kind": "alias"},
                {"text": "Hamoudi", "kind": "weak_alias"},
            ),
            gender="male",
            birth_date="1970",
            birth_place="Homs",
            birth_place_code="SYC-HOMS",
            nationality=("SY",),
            description="A made-up person.",
            source_ids=("source-report",),
            verify=("birth_date",),
        ),
        Membership(
            id="membership-a",
            person_id="person-a",
            unit_id="unit-branch-1",
            role="Colonel",
            start_date="2010",
            end_date="2012-09",
            notes="membership note (FtM has no notes on a Membership)",
            source_ids=("source-report",),
        ),
        Occupancy(
            id="occupancy-a",
            person_id="person-a",
            position_id="position-head",
            start_date="2011-01-01",
            source_ids=("source-report",),
        ),
        Incident(
            id="incident-x",
            title="A made-up incident",
            violation_types=("torture", "arbitrary_detention"),
            start_date="2011-04",
            end_date="2012",
            place="Damascus",
            place_code="SYC-DAMASCUS",
            victim_counts=(
                {"category": "tortured", "low": 10, "high": 20, "source_id": "source-report"},
                {"category": "killed", "low": 1, "note": "at least"},
            ),
            description="What happened.",
            legal_qualifications=("crime against humanity of torture",),
            source_ids=("source-report",),
        ),
        Victim(id="victim-1", incident_ids=("incident-x",), gender="female", age=30),
        Allegation(
            id="allegation-a",
            person_id="person-a",
            incident_id="incident-x",
            role="superior",
            mode_of_liability="co_perpetration",
            certainty="reported",
            description="Alleged to have ...",
            pinpoint="p. 12",
            source_ids=("source-report",),
        ),
        Allegation(
            id="allegation-unit",
            unit_id="unit-branch-1",
            incident_id="incident-x",
            role="direct_perpetrator",
            certainty="reported",
            description="Staff of the branch allegedly ...",
            source_ids=("source-report",),
        ),
        EvidenceItem(
            id="EV-12",
            title="A scanned document",
            kind="document",
            sha256=SHA,
            size=1234,
            media_type="application/pdf",
            file_name="scan.pdf",
            obtained_from="a witness",
            obtained_on="2020-02",
            related_ids=("incident-x", "person-a"),
            source_ids=("source-report",),
        ),
    ]


@pytest.fixture
def register() -> Register:
    r = Register(sample_records())
    r.check()
    return r
