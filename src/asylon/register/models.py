"""The accountability register's records: who is alleged to have done what, where, when, on
whose word. Pure: pydantic models, no I/O, no Django.

The shapes follow FollowTheMoney (see :mod:`asylon.register.ftm`) and the event -> act ->
involvement model of violation documentation:

- an :class:`Incident` is what happened (violation types, date or period, place, victim counts,
  candidate legal qualifications);
- an :class:`Allegation` links a :class:`Person` or a :class:`Unit` to an incident with a role,
  a mode of liability and a certainty, and always cites at least one :class:`Source`;
- :class:`Unit` records form a hierarchy (branch within directorate within service) through
  ``parent_id``; a :class:`Membership` places a person in a unit, an :class:`Occupancy` in a
  :class:`Position`, each over a dated period;
- an :class:`EvidenceItem` is a stored file, known by its SHA-256;
- a :class:`Victim` is optional and access-restricted.

Records are immutable values (frozen models, tuples for lists) normalised on the way in:
text is stripped, names have single spaces and NFC form, lists hold no duplicates, names are
ordered by kind. So two records that mean the same are equal, and their canonical JSON
(:mod:`asylon.register.canonical`) is the same.

Dates are ISO dates, possibly partial (``2011``, ``2011-04``, ``2011-04-29``), because sources
often give no more. ``verify`` lists the fields a curator was not sure of (``birth_date``,
``birth_place`` ...); a name carries its own ``verify`` flag.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from asylon.register.values import (
    Country,
    Ids,
    Label,
    Labels,
    MediaType,
    Name,
    Names,
    PartialDate,
    RecordId,
    Sha256,
    Text,
    Url,
    VictimCount,
    _unique,
    _Value,
    script_of,
)
from asylon.register.vocabulary import (
    ALLEGATION_ROLES,
    CERTAINTIES,
    EVIDENCE_KINDS,
    LIABILITY_MODES,
    NAME_KINDS,
    SOURCE_KINDS,
    UNIT_KINDS,
    VICTIM_COUNT_CATEGORIES,
    VIOLATION_TYPES,
    AllegationRole,
    Certainty,
    EvidenceKind,
    Gender,
    LiabilityMode,
    SourceKind,
    UnitKind,
    ViolationType,
)

__all__ = [
    "ALLEGATION_ROLES",
    "CERTAINTIES",
    "EVIDENCE_KINDS",
    "LIABILITY_MODES",
    "NAME_KINDS",
    "RECORD_TYPES",
    "SOURCE_KINDS",
    "UNIT_KINDS",
    "VICTIM_COUNT_CATEGORIES",
    "VIOLATION_TYPES",
    "Allegation",
    "EvidenceItem",
    "Incident",
    "Membership",
    "Name",
    "Occupancy",
    "Person",
    "Position",
    "Record",
    "Source",
    "Unit",
    "Victim",
    "VictimCount",
    "script_of",
]

# --- records --------------------------------------------------------------------------------


class Record(_Value):
    """What every record has: an id, sources, curator notes and the fields to verify."""

    id: RecordId
    source_ids: Ids = ()
    notes: Text | None = None
    verify: Labels = ()

    @property
    def label(self) -> str:
        """A short human label (no personal data beyond the record's own name)."""
        return self.id

    def references(self) -> Iterable[tuple[str, str, tuple[str, ...]]]:
        """``(field, id, record types it may name)`` for every id this record points to."""
        for source_id in self.source_ids:
            yield "source_ids", source_id, ("source",)


def _period(start: str | None, end: str | None) -> None:
    if start is not None and end is not None and end < start[: len(end)]:
        raise ValueError(f"the period ends ({end}) before it starts ({start})")


class Source(Record):
    """A public or private source: a judgment, an indictment, a sanctions listing, a report.

    ``citation`` must let anyone find it (court, date, case number; regulation and entry)."""

    type: Literal["source"] = "source"
    kind: SourceKind
    citation: Text
    title: Label | None = None
    publisher: Label | None = None
    date: PartialDate | None = None
    url: Url | None = None
    description: Text | None = None

    @property
    def label(self) -> str:
        return self.citation


class Unit(Record):
    """An organisation or unit; ``parent_id`` is the unit it belongs to."""

    type: Literal["unit"] = "unit"
    names: Names
    kind: UnitKind
    parent_id: RecordId | None = None
    abbreviation: Label | None = None
    country: Country = "SY"
    place: Label | None = None
    place_code: Label | None = None
    description: Text | None = None

    @property
    def label(self) -> str:
        return _primary(self.names)

    def references(self) -> Iterable[tuple[str, str, tuple[str, ...]]]:
        yield from super().references()
        if self.parent_id is not None:
            yield "parent_id", self.parent_id, ("unit",)

    @model_validator(mode="after")
    def _not_own_parent(self) -> Unit:
        if self.parent_id == self.id:
            raise ValueError("a unit cannot be its own parent")
        return self


class Position(Record):
    """A post in a unit (``Head of the Investigation Section of Branch 251``)."""

    type: Literal["position"] = "position"
    title: Label
    unit_id: RecordId
    description: Text | None = None

    @property
    def label(self) -> str:
        return self.title

    def references(self) -> Iterable[tuple[str, str, tuple[str, ...]]]:
        yield from super().references()
        yield "unit_id", self.unit_id, ("unit",)


class Person(Record):
    """A person named in an allegation: names in several scripts, identity details."""

    type: Literal["person"] = "person"
    names: Names
    gender: Gender | None = None
    birth_date: PartialDate | None = None
    birth_place: Label | None = None
    birth_place_code: Label | None = None
    nationality: Annotated[tuple[Country, ...], AfterValidator(_unique)] = ()
    death_date: PartialDate | None = None
    description: Text | None = None

    @property
    def label(self) -> str:
        return _primary(self.names)


class Membership(Record):
    """A person's membership of a unit over a period, with a role or rank."""

    type: Literal["membership"] = "membership"
    person_id: RecordId
    unit_id: RecordId
    role: Label | None = None
    start_date: PartialDate | None = None
    end_date: PartialDate | None = None
    description: Text | None = None

    def references(self) -> Iterable[tuple[str, str, tuple[str, ...]]]:
        yield from super().references()
        yield "person_id", self.person_id, ("person",)
        yield "unit_id", self.unit_id, ("unit",)

    @model_validator(mode="after")
    def _dates(self) -> Membership:
        _period(self.start_date, self.end_date)
        return self


class Occupancy(Record):
    """A person holding a position over a period."""

    type: Literal["occupancy"] = "occupancy"
    person_id: RecordId
    position_id: RecordId
    start_date: PartialDate | None = None
    end_date: PartialDate | None = None
    description: Text | None = None

    def references(self) -> Iterable[tuple[str, str, tuple[str, ...]]]:
        yield from super().references()
        yield "person_id", self.person_id, ("person",)
        yield "position_id", self.position_id, ("position",)

    @model_validator(mode="after")
    def _dates(self) -> Occupancy:
        _period(self.start_date, self.end_date)
        return self


class Incident(Record):
    """A violation or a pattern of violations: what, when, where, how many."""

    type: Literal["incident"] = "incident"
    title: Label
    violation_types: Annotated[
        tuple[ViolationType, ...], Field(min_length=1), AfterValidator(_unique)
    ]
    start_date: PartialDate
    end_date: PartialDate | None = None
    place: Label | None = None
    place_code: Label | None = None
    country: Country = "SY"
    victim_counts: tuple[VictimCount, ...] = ()
    description: Text
    legal_qualifications: Labels = ()

    @property
    def label(self) -> str:
        return self.title

    def references(self) -> Iterable[tuple[str, str, tuple[str, ...]]]:
        yield from super().references()
        for count in self.victim_counts:
            if count.source_id is not None:
                yield "victim_counts", count.source_id, ("source",)

    @model_validator(mode="after")
    def _dates(self) -> Incident:
        _period(self.start_date, self.end_date)
        return self


class Victim(Record):
    """A victim of one or more incidents. Optional and access-restricted: the register never
    needs a victim's name to hold an allegation."""

    type: Literal["victim"] = "victim"
    incident_ids: Annotated[tuple[RecordId, ...], Field(min_length=1), AfterValidator(_unique)]
    name: Label | None = None
    gender: Gender | None = None
    age: int | None = Field(default=None, ge=0, le=130)
    description: Text | None = None

    def references(self) -> Iterable[tuple[str, str, tuple[str, ...]]]:
        yield from super().references()
        for incident_id in self.incident_ids:
            yield "incident_ids", incident_id, ("incident",)


class Allegation(Record):
    """A person or a unit alleged to be responsible for an incident, on the word of at least
    one source, with the certainty that source gives. ``description`` says what is alleged in
    the words of the presumption of innocence ("alleged", "convicted by ... at first
    instance")."""

    type: Literal["allegation"] = "allegation"
    person_id: RecordId | None = None
    unit_id: RecordId | None = None
    incident_id: RecordId
    role: AllegationRole
    mode_of_liability: LiabilityMode = "unspecified"
    certainty: Certainty
    description: Text
    pinpoint: Text | None = None
    source_ids: Annotated[tuple[RecordId, ...], Field(min_length=1), AfterValidator(_unique)]

    @property
    def subject_id(self) -> str:
        return self.person_id or self.unit_id or ""

    def references(self) -> Iterable[tuple[str, str, tuple[str, ...]]]:
        yield from super().references()
        if self.person_id is not None:
            yield "person_id", self.person_id, ("person",)
        if self.unit_id is not None:
            yield "unit_id", self.unit_id, ("unit",)
        yield "incident_id", self.incident_id, ("incident",)

    @model_validator(mode="after")
    def _one_subject(self) -> Allegation:
        if (self.person_id is None) == (self.unit_id is None):
            raise ValueError("an allegation names exactly one of person_id and unit_id")
        return self


class EvidenceItem(Record):
    """A file kept as evidence, known by the SHA-256 of its bytes taken at ingest;
    ``related_ids`` are the records it documents."""

    type: Literal["evidence"] = "evidence"
    title: Label
    kind: EvidenceKind
    sha256: Sha256
    size: int = Field(ge=0)
    media_type: MediaType
    file_name: Label | None = None
    obtained_from: Label | None = None
    obtained_on: PartialDate | None = None
    related_ids: Ids = ()
    description: Text | None = None

    @property
    def label(self) -> str:
        return self.title

    def references(self) -> Iterable[tuple[str, str, tuple[str, ...]]]:
        yield from super().references()
        for related in self.related_ids:
            yield "related_ids", related, RECORD_TYPES


def _primary(names: tuple[Name, ...]) -> str:
    latin = [n.text for n in names if n.kind == "primary" and n.script == "latn"]
    return latin[0] if latin else names[0].text


AnyRecord = Annotated[
    Source
    | Unit
    | Position
    | Person
    | Membership
    | Occupancy
    | Incident
    | Victim
    | Allegation
    | EvidenceItem,
    Field(discriminator="type"),
]

RECORD_CLASSES: dict[str, type[Record]] = {
    "source": Source,
    "unit": Unit,
    "position": Position,
    "person": Person,
    "membership": Membership,
    "occupancy": Occupancy,
    "incident": Incident,
    "victim": Victim,
    "allegation": Allegation,
    "evidence": EvidenceItem,
}
RECORD_TYPES: tuple[str, ...] = tuple(RECORD_CLASSES)
"""In dependency order: a record only points to records of the types before it (units to
units too, evidence items to anything)."""
