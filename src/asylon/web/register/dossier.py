"""The dossier of a register person, for a prosecutor: everything the register holds about the
person, with the sources and the proof of integrity, built from the stored records.

- the person: names in every script (Latin, Arabic, Cyrillic first), aliases, kunya and
  laqab; birth date and place, nationality, death;
- memberships and posts held over time, each with its unit's hierarchy (service > directorate
  > branch);
- each allegation with its incident, role, mode of liability, certainty and sources (citation,
  URL, date), in the source's words;
- apart from those, the allegations against the units the person belonged to (the unit of each
  membership and the units above it), with the membership they come through and whether the
  incident falls in its period: context for a prosecutor examining command or contribution
  (Rome Statute Arts 25(3)(d), 28), never an allegation against the person;
- the evidence items documenting the person, the allegations or their incidents, with the
  SHA-256 of each file and its whole custody log;
- every record drawn on, with its review status, revision and the SHA-256 of its canonical
  JSON, and the revision history of the person's own records;
- what the dossier is: allegations from public sources, not findings of guilt; generated on a
  date by a user (by id) from a register version, the SHA-256 of ``asylon register export``.

Building a dossier reads; the caller writes the custody entries (viewed, exported) and the
audit entry before it builds, so the dossier shows its own viewing or export.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Max
from django.utils import timezone

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
)
from asylon.web.register import models as db
from asylon.web.register.records import to_core
from asylon.web.register.transfer import export_ftm

__all__ = [
    "Dossier",
    "display_name",
    "evidence_for",
    "names_by_script",
    "register_version",
    "related_ids",
    "unit_path",
]

SCRIPT_ORDER = ("latn", "arab", "cyrl", "other")
LANGUAGE_SCRIPT = {"ar": "arab", "ru": "cyrl"}


# --- names ----------------------------------------------------------------------------------


def names_by_script(names: Iterable[Name]) -> list[tuple[str, list[Name]]]:
    """The names grouped by script, Latin, Arabic, Cyrillic, then others; kinds in order."""
    groups: dict[str, list[Name]] = {}
    for name in names:
        groups.setdefault(name.script, []).append(name)
    return [(s, groups[s]) for s in SCRIPT_ORDER if s in groups]


def display_name(names: Sequence[Name] | Sequence[dict[str, Any]], language: str = "en") -> str:
    """The primary name in the script of ``language`` (Arabic for ``ar``, Cyrillic for ``ru``,
    else Latin), falling back to the primary Latin name, then to the first name."""
    parsed = [n if isinstance(n, Name) else Name.model_validate(n) for n in names]
    if not parsed:
        return ""
    primary = [n for n in parsed if n.kind == "primary"]
    wanted = LANGUAGE_SCRIPT.get(language[:2], "latn")
    for script in (wanted, "latn"):
        for name in primary:
            if name.script == script:
                return name.text
    return (primary or parsed)[0].text


# --- the unit hierarchy ---------------------------------------------------------------------


def unit_path(unit_id: str, units: dict[str, Unit]) -> list[Unit]:
    """The unit and the units it belongs to, the top first (a cycle stops the walk)."""
    path: list[Unit] = []
    seen: set[str] = set()
    current: str | None = unit_id
    while current is not None and current in units and current not in seen:
        seen.add(current)
        unit = units[current]
        path.append(unit)
        current = unit.parent_id
    return list(reversed(path))


def all_units() -> dict[str, Unit]:
    return {row.record_id: _core(row, Unit) for row in db.Unit.objects.all()}


# --- the register's version -----------------------------------------------------------------

_VERSION_CACHE: dict[tuple[Any, ...], str] = {}


def register_version() -> str:
    """The SHA-256 of the register's export (``asylon register export``, FtM JSON lines, each
    ending with a new line): anyone holding the same register gets the same hash. Cached until
    a revision is added (every change of the register is one)."""
    stamp = db.Revision.objects.aggregate(n=Max("pk"), at=Max("at"))
    key = (db.Revision.objects.count(), stamp["n"], stamp["at"])
    if key not in _VERSION_CACHE:
        digest = hashlib.sha256()
        for line in export_ftm():
            digest.update(line.encode("utf-8"))
            digest.update(b"\n")
        _VERSION_CACHE.clear()
        _VERSION_CACHE[key] = digest.hexdigest()
    return _VERSION_CACHE[key]


# --- what a dossier holds -------------------------------------------------------------------


@dataclass(frozen=True)
class RecordState:
    """A stored record drawn on: its review status, revision and canonical-JSON hash."""

    record_type: str
    record_id: str
    label: str
    status: str
    revision: int
    sha256: str


@dataclass(frozen=True)
class MembershipEntry:
    membership: Membership
    path: list[Unit]
    status: str


@dataclass(frozen=True)
class OccupancyEntry:
    occupancy: Occupancy
    position: Position | None
    path: list[Unit]
    status: str


@dataclass(frozen=True)
class AllegationEntry:
    allegation: Allegation
    status: str
    incident: Incident | None
    incident_pk: int | None
    sources: list[Source]


@dataclass(frozen=True)
class UnitAllegationEntry:
    """An allegation against a unit of the person's, through a membership or a post held."""

    entry: AllegationEntry
    unit: Unit
    through: str  # the membership's role or the post's title
    start_date: str | None  # the membership's or the post's period
    end_date: str | None
    direct: bool  # the membership's (post's) own unit, else a unit above it
    overlap: bool | None  # the incident within that period; None: not known


@dataclass(frozen=True)
class EvidenceEntry:
    item: EvidenceItem
    row: db.EvidenceItem
    custody: list[db.CustodyEntry]
    status: str


@dataclass
class Dossier:
    person: Person
    row: db.Person
    names: list[tuple[str, list[Name]]]
    memberships: list[MembershipEntry]
    occupancies: list[OccupancyEntry]
    allegations: list[AllegationEntry]
    unit_allegations: list[UnitAllegationEntry]
    evidence: list[EvidenceEntry]
    sources: list[Source]
    records: list[RecordState]
    history: list[db.Revision]
    generated_at: datetime
    generated_by: int | None
    generated_by_name: str
    register_version: str
    source_numbers: dict[str, int] = field(default_factory=dict)

    def source_refs(self, record: Record) -> list[int]:
        return [self.source_numbers[s] for s in record.source_ids if s in self.source_numbers]


def _core(row: db.RegisterRecord, cls: type[Any]) -> Any:
    record = to_core(row)
    assert isinstance(record, cls)
    return record


def evidence_for(record_ids: Iterable[str]) -> list[db.EvidenceItem]:
    """The evidence items whose ``related_ids`` name any of ``record_ids``."""
    wanted = set(record_ids)
    if not wanted:
        return []
    # related_ids is a JSON list of ids (letters, digits, '.', '-'): each id is looked for as
    # a quoted string in the list's text, then checked exactly (works on SQLite and PostgreSQL).
    rows = db.EvidenceItem.objects.none()
    for record_id in sorted(wanted):
        rows = rows | db.EvidenceItem.objects.filter(related_ids__icontains=f'"{record_id}"')
    found = [row for row in rows.distinct() if wanted & set(row.related_ids)]
    return sorted(found, key=lambda r: r.record_id)


def related_ids(row: db.Person) -> list[str]:
    """The records whose evidence items belong in a person's dossier: the person, their
    memberships, posts held and allegations, and the incidents of those allegations."""
    ids = [row.record_id]
    for model in (db.Membership, db.Occupancy):
        ids += model.objects.filter(person_id=row.record_id).values_list("record_id", flat=True)
    for allegation_id, incident_id in db.Allegation.objects.filter(
        person_id=row.record_id
    ).values_list("record_id", "incident_id"):
        ids += [allegation_id, incident_id]
    return ids


def _bounds(start: str | None, end: str | None) -> tuple[str, str] | None:
    """A period of partial dates (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``) as the first and last
    day it may cover, comparable as text; None when neither end is known."""
    if start is None and end is None:
        return None
    low = (start or "0001") + "-01-01"[len(start or "0001") - 4 :]
    high = (end or "9999") + "-12-31"[len(end or "9999") - 4 :]
    return low[:10], high[:10]


def periods_overlap(
    a: tuple[str | None, str | None], b: tuple[str | None, str | None]
) -> bool | None:
    """Whether two periods of partial dates can overlap; None when either is not known."""
    first, second = _bounds(*a), _bounds(*b)
    if first is None or second is None:
        return None
    return first[0] <= second[1] and second[0] <= first[1]


def _state(row: db.RegisterRecord, label: str) -> RecordState:
    return RecordState(row.RECORD_TYPE, row.record_id, label, row.status, row.revision, row.sha256)


def _unit_allegations(
    memberships: Sequence[MembershipEntry],
    occupancies: Sequence[OccupancyEntry],
    units: dict[str, Unit],
    sources_by_id: dict[str, Source],
) -> list[tuple[UnitAllegationEntry, db.Allegation, db.Incident | None]]:
    """The allegations against the unit of each membership and post held and the units above
    it, once per allegation (through the closest unit, posts first: a post names the unit), the
    incident's period set against the membership's or the post's."""
    via: dict[str, tuple[str, str | None, str | None, bool]] = {}
    periods: list[tuple[list[Unit], str, str | None, str | None]] = [
        (o.path, o.position.title if o.position else o.occupancy.position_id,
         o.occupancy.start_date, o.occupancy.end_date)
        for o in occupancies
    ] + [
        (m.path, m.membership.role or "", m.membership.start_date, m.membership.end_date)
        for m in memberships
    ]  # fmt: skip
    for depth in range(max((len(p[0]) for p in periods), default=0)):
        for path, through, start, end in periods:  # the closest units first
            if depth < len(path):
                via.setdefault(path[-1 - depth].id, (through, start, end, depth == 0))
    if not via:
        return []
    rows = list(db.Allegation.objects.filter(unit_id__in=list(via)).order_by("record_id"))
    incident_rows = {
        i.record_id: i
        for i in db.Incident.objects.filter(record_id__in=[r.incident_id for r in rows])
    }
    out = []
    for a_row in rows:
        allegation = _core(a_row, Allegation)
        i_row = incident_rows.get(allegation.incident_id)
        incident = _core(i_row, Incident) if i_row is not None else None
        through, start, end, direct = via[allegation.unit_id]
        overlap = (
            periods_overlap(
                (incident.start_date, incident.end_date or incident.start_date), (start, end)
            )
            if incident is not None
            else None
        )
        entry = AllegationEntry(
            allegation, a_row.status, incident, i_row.pk if i_row is not None else None,
            [sources_by_id[s] for s in allegation.source_ids if s in sources_by_id],
        )  # fmt: skip
        unit = units[allegation.unit_id]
        found = UnitAllegationEntry(entry, unit, through, start, end, direct, overlap)
        out.append((found, a_row, i_row))
    out.sort(
        key=lambda t: (
            t[0].overlap is not True, not t[0].direct,
            t[0].entry.incident.start_date if t[0].entry.incident else "", t[0].entry.allegation.id,
        )
    )  # fmt: skip
    return out


def build_dossier(
    row: db.Person, user: Any, *, at: datetime | None = None, with_version: bool = True
) -> Dossier:
    """The dossier of the stored person ``row``, as generated by ``user`` now (or ``at``);
    ``with_version=False`` leaves out the register's version (a page, not a dossier)."""
    person = _core(row, Person)
    units = all_units()
    unit_rows = {u.record_id: u for u in db.Unit.objects.all()}
    states: dict[str, RecordState] = {person.id: _state(row, person.label)}
    cited: list[str] = list(person.source_ids)

    memberships = []
    for m_row in db.Membership.objects.filter(person_id=row.record_id).order_by(
        "start_date", "record_id"
    ):
        membership = _core(m_row, Membership)
        path = unit_path(membership.unit_id, units)
        memberships.append(MembershipEntry(membership, path, m_row.status))
        states[membership.id] = _state(m_row, membership.id)
        cited.extend(membership.source_ids)
        for unit in path:
            states.setdefault(unit.id, _state(unit_rows[unit.id], unit.label))

    occupancies = []
    for o_row in db.Occupancy.objects.filter(person_id=row.record_id).order_by(
        "start_date", "record_id"
    ):
        occupancy = _core(o_row, Occupancy)
        p_row = db.Position.objects.filter(record_id=occupancy.position_id).first()
        position = _core(p_row, Position) if p_row is not None else None
        path = unit_path(position.unit_id, units) if position is not None else []
        occupancies.append(OccupancyEntry(occupancy, position, path, o_row.status))
        states[occupancy.id] = _state(o_row, occupancy.id)
        cited.extend(occupancy.source_ids)
        if p_row is not None and position is not None:
            states[position.id] = _state(p_row, position.label)
            cited.extend(position.source_ids)
        for unit in path:
            states.setdefault(unit.id, _state(unit_rows[unit.id], unit.label))

    allegation_rows = list(db.Allegation.objects.filter(person_id=row.record_id))
    incident_rows = {
        i.record_id: i
        for i in db.Incident.objects.filter(record_id__in=[a.incident_id for a in allegation_rows])
    }
    incidents = {k: _core(v, Incident) for k, v in incident_rows.items()}
    source_rows = {s.record_id: s for s in db.Source.objects.all()}
    sources_by_id = {k: _core(v, Source) for k, v in source_rows.items()}
    allegations = []
    for a_row in allegation_rows:
        allegation = _core(a_row, Allegation)
        incident = incidents.get(allegation.incident_id)
        allegations.append(
            AllegationEntry(
                allegation,
                a_row.status,
                incident,
                incident_rows[allegation.incident_id].pk if incident is not None else None,
                [sources_by_id[s] for s in allegation.source_ids if s in sources_by_id],
            )
        )
        states[allegation.id] = _state(a_row, allegation.id)
        cited.extend(allegation.source_ids)
        if incident is not None:
            states[incident.id] = _state(incident_rows[incident.id], incident.label)
            cited.extend(incident.source_ids)
    allegations.sort(key=lambda e: (e.incident.start_date if e.incident else "", e.allegation.id))
    unit_allegations = []
    for u, a_row, i_row in _unit_allegations(memberships, occupancies, units, sources_by_id):
        unit_allegations.append(u)
        states.setdefault(u.entry.allegation.id, _state(a_row, u.entry.allegation.id))
        cited.extend(u.entry.allegation.source_ids)
        if u.entry.incident is not None and i_row is not None:
            states.setdefault(u.entry.incident.id, _state(i_row, u.entry.incident.label))
            cited.extend(u.entry.incident.source_ids)

    related = related_ids(row)
    evidence = []
    for e_row in evidence_for(related):
        item = _core(e_row, EvidenceItem)
        custody = list(db.CustodyEntry.objects.filter(item=e_row).order_by("number"))
        evidence.append(EvidenceEntry(item, e_row, custody, e_row.status))
        states[item.id] = _state(e_row, item.label)
        cited.extend(item.source_ids)

    numbers: dict[str, int] = {}
    for source_id in cited:
        if source_id in sources_by_id and source_id not in numbers:
            numbers[source_id] = len(numbers) + 1
    sources = [sources_by_id[s] for s in numbers]
    for source_id in numbers:
        states[source_id] = _state(source_rows[source_id], sources_by_id[source_id].label)

    own = [r for r in related if r not in incidents]
    history = list(
        db.Revision.objects.filter(record_id__in=own).order_by("record_type", "record_id", "number")
    )
    order = {kind: i for i, kind in enumerate(db.MODELS)}
    signed_in = user is not None and getattr(user, "is_authenticated", False)
    return Dossier(
        person=person,
        row=row,
        names=names_by_script(person.names),
        memberships=memberships,
        occupancies=occupancies,
        allegations=allegations,
        unit_allegations=unit_allegations,
        evidence=evidence,
        sources=sources,
        records=sorted(states.values(), key=lambda s: (order[s.record_type], s.record_id)),
        history=history,
        generated_at=at or timezone.now(),
        generated_by=user.pk if signed_in else None,
        generated_by_name=user.get_username() if signed_in else "",
        register_version=register_version() if with_version else "",
        source_numbers=numbers,
    )
