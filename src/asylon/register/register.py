"""A whole register (or a batch of records): records by id, checked references, a stable
order. Pure."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, TypeVar

from pydantic import TypeAdapter, ValidationError

from asylon.register.models import RECORD_CLASSES, RECORD_TYPES, AnyRecord, Record

__all__ = [
    "RecordError",
    "Register",
    "derived_id",
    "id_spells_name",
    "parse_record",
    "validation_message",
]

R = TypeVar("R", bound=Record)
_ADAPTER: TypeAdapter[Any] = TypeAdapter(AnyRecord)


class RecordError(ValueError):
    """One or more records are invalid or point to records that do not exist. Each problem
    names the record (and, where known, where it came from: a file and line or row)."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


def validation_message(err: ValidationError) -> str:
    """``field.path: message`` for each error of a pydantic validation, joined by ``; ``."""
    parts = []
    for e in err.errors():
        loc = [str(p) for p in e["loc"] if not str(p).startswith("function-")]
        if loc and loc[0] in RECORD_CLASSES:  # the tag of the record-type union
            loc = loc[1:]
        path = ".".join(loc)
        parts.append(f"{path}: {e['msg']}" if path else str(e["msg"]))
    return "; ".join(parts)


def _slug(record_id: str) -> str:
    for prefix in ("person-", "unit-", "incident-", "position-"):
        if record_id.startswith(prefix):
            return record_id[len(prefix) :]
    return record_id


def derived_id(kind: str, data: Mapping[str, Any]) -> str | None:
    """The id of a link record that follows from what it links, where the data gives none:
    ``membership-<person>-<unit>``, ``occupancy-<person>-<position>``,
    ``allegation-<person or unit>-<incident>`` (each without the other ids' type prefix)."""
    person, unit = data.get("person_id"), data.get("unit_id")
    if kind == "membership" and person and unit:
        return f"membership-{_slug(str(person))}-{_slug(str(unit))}"
    if kind == "occupancy" and person and data.get("position_id"):
        return f"occupancy-{_slug(str(person))}-{_slug(str(data['position_id']))}"
    subject = person or unit
    if kind == "allegation" and subject and data.get("incident_id"):
        return f"allegation-{_slug(str(subject))}-{_slug(str(data['incident_id']))}"
    return None


def parse_record(data: Mapping[str, Any]) -> Record:
    """A record from its JSON form (with its ``type``); :class:`RecordError` if invalid."""
    kind = data.get("type")
    if kind not in RECORD_CLASSES:
        raise RecordError([f"type: expected one of {', '.join(RECORD_TYPES)}, got {kind!r}"])
    try:
        record: Record = _ADAPTER.validate_python(dict(data))
    except ValidationError as err:
        raise RecordError([validation_message(err)]) from None
    return record


class Register:
    """Records by id (ids are unique across all types). Iteration is in dependency order,
    then by id, so exports and hashes of a register are reproducible."""

    def __init__(self, records: Iterable[Record] = ()) -> None:
        self._records: dict[str, Record] = {}
        problems = []
        for record in records:
            if record.id in self._records:
                problems.append(f"{record.id}: the id is used twice")
            self._records[record.id] = record
        if problems:
            raise RecordError(problems)

    def __len__(self) -> int:
        return len(self._records)

    def __contains__(self, record_id: object) -> bool:
        return record_id in self._records

    def __iter__(self) -> Iterator[Record]:
        rank = {kind: i for i, kind in enumerate(RECORD_TYPES)}
        ordered = sorted(self._records.values(), key=lambda r: (rank[_type(r)], r.id))
        return iter(_units_parents_first(ordered))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Register) and self._records == other._records

    def __hash__(self) -> int:  # pragma: no cover - registers are not dictionary keys
        raise TypeError("a Register is not hashable")

    def get(self, record_id: str) -> Record | None:
        return self._records.get(record_id)

    def of_type(self, cls: type[R]) -> list[R]:
        return [r for r in self if isinstance(r, cls)]

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(RECORD_TYPES, 0)
        for record in self._records.values():
            counts[_type(record)] += 1
        return counts

    def check(self, known: Mapping[str, str] | None = None) -> None:
        """Every id a record points to names a record of an allowed type, in this register or
        in ``known`` (id -> type: records already stored elsewhere); units form no cycle; and no
        victim's id spells their name. Raises :class:`RecordError` naming each problem.

        Record ids are stored and exchanged in clear (only the fields are encrypted at rest),
        so a victim's id that contains their name, in any script, is refused here, where
        records are admitted (a file loaded, an import, a record saved), and named by its
        incident, never by the id itself. Records stored before are still read."""
        known = known or {}
        problems = []
        for record in self:
            name = getattr(record, "name", None) if _type(record) == "victim" else None
            if name and id_spells_name(record.id, name):
                incidents = ", ".join(getattr(record, "incident_ids", ()))
                problems.append(
                    f"a victim of {incidents}: the id contains the victim's name (record ids "
                    "are stored and exchanged in clear): give an opaque id, such as victim- "
                    "and random letters and digits"
                )
            for field, target, types in record.references():
                found = self._records.get(target)
                kind = _type(found) if found is not None else known.get(target)
                if kind is None:
                    problems.append(f"{record.id}: {field} names {target}, which does not exist")
                elif kind not in types:
                    problems.append(
                        f"{record.id}: {field} names {target}, a {kind}, not a {' or '.join(types)}"
                    )
        problems.extend(self._cycles())
        if problems:
            raise RecordError(problems)

    def _cycles(self) -> list[str]:
        problems = []
        for record in self._records.values():
            seen = {record.id}
            parent = getattr(record, "parent_id", None)
            while parent is not None:
                if parent in seen:
                    problems.append(f"{record.id}: the units' parents form a cycle")
                    break
                seen.add(parent)
                parent = getattr(self._records.get(parent), "parent_id", None)
        return problems


def id_spells_name(record_id: str, name: str) -> bool:
    """Whether a word of ``record_id`` (three letters or more) is a word of ``name``, written
    the same way or in another script (:mod:`asylon.names`): the same Arabic reading in the
    variant lexicon (zoubi = الزعبي), or consonant skeletons of three letters or more that agree
    (Mohammed, محمد and Мухаммед are all MHMD; shorter skeletons, like Aleppo's and Labib's LB,
    say too little)."""
    from asylon.names.data import default_lexicon
    from asylon.names.normalise import fold_latin
    from asylon.names.parse import parse_name
    from asylon.names.skeleton import coarse_keys

    words = [w for w in re.split(r"[^a-z]+", record_id.lower()) if len(w) >= 3]
    if not words:
        return False
    tokens = [t.base for t in parse_name(name).tokens if not t.is_initial and len(t.base) >= 3]
    spelt = {fold_latin(t) for t in tokens}
    keys = {key for t in tokens for key in coarse_keys(t) if len(key) >= 3}
    lexicon = default_lexicon()
    readings = {i for t in tokens for i in lexicon.reading_ids(t)}
    return any(
        word in spelt
        or any(key in keys for key in coarse_keys(word) if len(key) >= 3)
        or bool(readings & lexicon.reading_ids(word))
        for word in words
    )


def _type(record: Record) -> str:
    return str(record.type)  # type: ignore[attr-defined]


def _units_parents_first(records: list[Record]) -> list[Record]:
    """Units ordered so that a parent comes before its children (then by id)."""
    units = {r.id: r for r in records if _type(r) == "unit"}
    placed: dict[str, None] = {}

    def place(unit_id: str, trail: frozenset[str]) -> None:
        if unit_id in placed or unit_id in trail:
            return
        parent = getattr(units[unit_id], "parent_id", None)
        if parent in units:
            place(parent, trail | {unit_id})
        placed[unit_id] = None

    for unit_id in units:
        place(unit_id, frozenset())
    ordered_units = iter([units[u] for u in placed])
    return [next(ordered_units) if _type(r) == "unit" else r for r in records]
