"""The register as screening sees it: register persons (names in every script, birth, nationality,
memberships and posts with their units' names and the parent units' names) in an index, and the
units against which the register records allegations, built once per process and rebuilt when
the register changes (keyed by its latest revision).

Two kinds of lead come out of :func:`screen_record`:

- **person** leads: the pure screener (:mod:`asylon.screening.score`): name index for the
  candidates, then name, birth date, birth place, nationality and role/membership features;
- **unit** leads: the applicant's declared ``conduct.roles`` (organisation and period) against
  the units the register holds allegations against (or whose direct parent the applicant
  names, as "General Intelligence Directorate" for its Branch 251), in the allegation's
  period. A unit lead says nothing about who the applicant is: it says that the applicant's own
  account places them in a unit the register documents crimes by, at the time. It is scored
  from the core's role feature alone (``UNIT_BIAS``): same unit in an overlapping period 0.73,
  same unit with a period unknown 0.50, another period 0.27, so only overlapping periods pass
  the default threshold. UNHCR Guidelines No. 5, para 19 and Background Note paras 59-62:
  membership of such a unit is a reason to examine individual responsibility, never by itself
  a ground for exclusion.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max

from asylon.screening.features import Feature, role_feature
from asylon.screening.records import ApplicantRecord, Membership, PartialDate, RegisterPerson
from asylon.screening.score import DEFAULT_THRESHOLD, Hit, Screener
from asylon.web.register import models as db

__all__ = ["UNIT_BIAS", "Lead", "RegisterIndex", "current_index", "revision_key"]

UNIT_BIAS = -2.0


def _date(value: str | None) -> PartialDate | None:
    try:
        return PartialDate.parse(value)
    except ValueError:
        return None


def _texts(names: Iterable[dict[str, Any]], primary: bool | None = None) -> tuple[str, ...]:
    out = []
    for n in names or []:
        kind = n.get("kind", "primary")
        if primary is None or (kind == "primary") == primary:
            out.append(str(n.get("text", "")))
    return tuple(t for t in out if t)


@dataclass(frozen=True)
class Lead:
    """A hit with its kind (person or unit) and the allegations behind it (record ids)."""

    kind: str
    hit: Hit
    allegation_ids: tuple[str, ...]


@dataclass
class RegisterIndex:
    key: tuple[Any, ...]
    screener: Screener
    unit_memberships: dict[str, list[Membership]] = field(default_factory=dict)
    unit_names: dict[str, str] = field(default_factory=dict)
    unit_allegations: dict[str, list[str]] = field(default_factory=dict)
    person_allegations: dict[str, list[str]] = field(default_factory=dict)
    person_pks: dict[str, int] = field(default_factory=dict)
    unit_pks: dict[str, int] = field(default_factory=dict)

    def screen_record(
        self,
        applicant: ApplicantRecord,
        threshold: float = DEFAULT_THRESHOLD,
        all_hits: bool = False,
    ) -> list[Lead]:
        leads = [
            Lead("person", h, tuple(self.person_allegations.get(h.register_id, ())))
            for h in self.screener.screen(applicant, threshold, all_hits)
        ]
        if applicant.roles:
            for unit_id, memberships in self.unit_memberships.items():
                role = role_feature(applicant.roles, memberships, self.screener.comparer)
                if role.weight <= 0 and not all_hits:
                    continue
                if role.value in ("no_shared_unit", "none_declared", "no_memberships"):
                    continue
                score = 1.0 / (1.0 + math.exp(-(UNIT_BIAS + role.weight)))
                if score < threshold and not all_hits:
                    continue
                lead = Feature(
                    "lead", "unit", 0.0,
                    "the applicant's own account names a unit the register records allegations "
                    "against; this says nothing about identity and is a reason to examine "
                    "individual responsibility, not a finding",
                )  # fmt: skip
                hit = Hit(applicant.id, unit_id, self.unit_names[unit_id], score, (role, lead))
                leads.append(Lead("unit", hit, tuple(self.unit_allegations[unit_id])))
        leads.sort(key=lambda lead: -lead.hit.score)
        return leads

    def register_pk(self, kind: str, register_id: str) -> int | None:
        return (self.person_pks if kind == "person" else self.unit_pks).get(register_id)


def revision_key() -> tuple[Any, ...]:
    """The register's latest revision: every change of the register adds one."""
    stamp = db.Revision.objects.aggregate(n=Max("pk"), at=Max("at"))
    return (db.Revision.objects.count(), stamp["n"], stamp["at"])


def _build(key: tuple[Any, ...]) -> RegisterIndex:
    units = {u.record_id: u for u in db.Unit.objects.all()}

    def unit_names(unit_id: str, parent: bool = True) -> tuple[str, ...]:
        unit = units.get(unit_id)
        if unit is None:
            return ()
        own = _texts(unit.names)
        if parent and unit.parent_id and unit.parent_id in units:
            own += _texts(units[unit.parent_id].names)
        return own

    positions = {p.record_id: p for p in db.Position.objects.all()}
    memberships: dict[str, list[Membership]] = {}
    for m in db.Membership.objects.all():
        memberships.setdefault(m.person_id, []).append(
            Membership(unit_names(m.unit_id), m.role, _date(m.start_date), _date(m.end_date))
        )
    for o in db.Occupancy.objects.all():
        post = positions.get(o.position_id)
        if post is None:
            continue
        memberships.setdefault(o.person_id, []).append(
            Membership(unit_names(post.unit_id), post.title, _date(o.start_date), _date(o.end_date))
        )
    persons = []
    person_pks = {}
    for p in db.Person.objects.all():
        born = _date(p.birth_date)
        persons.append(
            RegisterPerson(
                id=p.record_id,
                names=_texts(p.names, primary=True),
                aliases=_texts(p.names, primary=False),
                birth_dates=(born,) if born else (),
                birth_places=(p.birth_place,) if p.birth_place else (),
                nationalities=tuple(p.nationality or ()),
                memberships=tuple(memberships.get(p.record_id, ())),
            )
        )
        person_pks[p.record_id] = p.pk
    index = RegisterIndex(key, Screener(persons), person_pks=person_pks)
    index.unit_pks = {u.record_id: u.pk for u in units.values()}
    incidents = {i.record_id: i for i in db.Incident.objects.all()}
    for a in db.Allegation.objects.all().order_by("record_id"):
        if a.person_id:
            index.person_allegations.setdefault(a.person_id, []).append(a.record_id)
        if a.unit_id and a.unit_id in units:
            incident = incidents.get(a.incident_id)
            start = _date(incident.start_date) if incident else None
            end = _date(incident.end_date) if incident and incident.end_date else start
            index.unit_memberships.setdefault(a.unit_id, []).append(
                Membership(unit_names(a.unit_id), None, start, end)
            )
            index.unit_allegations.setdefault(a.unit_id, []).append(a.record_id)
            primary = _texts(units[a.unit_id].names, primary=True)
            index.unit_names[a.unit_id] = primary[0] if primary else a.unit_id
    return index


_LOCK = threading.Lock()
_CACHE: dict[str, RegisterIndex] = {}


def current_index() -> RegisterIndex:
    """The index of the register as it is now (built once per process and register revision)."""
    key = revision_key()
    with _LOCK:
        cached = _CACHE.get("index")
        if cached is None or cached.key != key:
            cached = _build(key)
            _CACHE["index"] = cached
        return cached
