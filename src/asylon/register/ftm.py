"""The register as FollowTheMoney (FtM 4) entities, both ways, so the register exchanges data
with the investigative ecosystem (OpenSanctions, Aleph) and export -> import gives the same
register.

Each record is one entity; the record id is the entity id.

============  ==============  =====================================================
record        FtM schema      properties (record field <- -> FtM property)
============  ==============  =====================================================
person        Person          names: primary -> name, alias -> alias, weak_alias, kunya
                              and laqab -> weakAlias; gender, birthDate, birthPlace,
                              nationality, deathDate, description, notes
unit          Organization    names as for a person; kind -> classification,
                              parent_id -> parent, abbreviation, country,
                              place -> address, description, notes
position      Position        title -> name, unit_id -> organization, description, notes
membership    Membership      person_id -> member, unit_id -> organization, role,
                              startDate, endDate, description
occupancy     Occupancy       person_id -> holder, position_id -> post, startDate,
                              endDate, description
incident      Event           title -> name, violation_types -> keywords, startDate,
                              endDate, place -> location, country, description, notes
victim        Person          name, gender, description, notes
allegation    UnknownLink     person_id / unit_id -> subject, incident_id -> object,
                              role, certainty -> status, description
source        Document        citation -> title, title -> name, publisher,
                              date -> publishedAt, url -> sourceUrl, description, notes
evidence      Document        title, sha256 -> contentHash, size -> fileSize,
                              media_type -> mimeType, file_name -> fileName,
                              obtained_on -> date, description, notes
============  ==============  =====================================================

Every record's ``source_ids`` become ``proof`` (the FtM link from a thing to the documents
that prove it). What FtM has no property for travels in the entity's ``asylon`` object, which
followthemoney keeps beside ``properties`` (an :class:`EntityProxy`'s ``context``): the record
type where a schema serves two (person/victim, source/evidence), which weak aliases are a kunya
or a laqab, the names and fields to verify, gazetteer place codes, victim counts, legal
qualifications, the mode of liability and pinpoint of an allegation, a source's kind, an
evidence item's kind, origin and the records it documents (FtM's ``proven`` is only the reverse
of ``proof``, not a property one sets), a victim's age and incidents. Each field lives in exactly one
place. Entities from elsewhere (without ``asylon``) import too, with the defaults: a Person is
a person, a Document with a content hash an evidence item, otherwise a source of kind
``other``; an UnknownLink's subject is a person or a unit as the batch says.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from followthemoney import model
from followthemoney.exc import InvalidData
from followthemoney.proxy import EntityProxy
from pydantic import ValidationError

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
)
from asylon.register.register import RecordError, Register, validation_message

__all__ = ["FtmError", "dump_lines", "from_entity", "read_lines", "register_from_ftm", "to_entity"]

CONTEXT = "asylon"


class FtmError(ValueError):
    """An entity that cannot become a register record; ``where`` names it (a line)."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where, self.message = where, message


# --- record -> entity -----------------------------------------------------------------------


class _Out:
    """An entity being written: properties through followthemoney (so they are checked and
    cleaned as FtM cleans them), extras into the ``asylon`` context."""

    def __init__(self, schema: str, record: Record) -> None:
        self.proxy = model.make_entity(schema)
        self.proxy.id = record.id
        self.extra: dict[str, Any] = {}
        self.add("proof", record.source_ids)
        if record.verify:
            self.extra["verify"] = list(record.verify)
        if record.notes is not None:
            self.text("notes", record.notes)

    def add(self, prop: str, values: Any) -> None:
        if values is None:
            return
        items = list(values) if isinstance(values, list | tuple) else [values]
        for value in items:
            self.proxy.add(prop, str(value))

    def text(self, prop: str, value: str | None) -> None:
        """A text field: an FtM property where the schema has it, else the context."""
        if value is None:
            return
        if prop in self.proxy.schema.properties:
            self.add(prop, value)
        else:
            self.extra[prop] = value

    def done(self, record_type: str, mark: bool) -> dict[str, Any]:
        if mark:
            self.extra["type"] = record_type
        data = self.proxy.to_dict()
        if self.extra:
            data[CONTEXT] = self.extra
        return data


def _names_out(out: _Out, names: tuple[Name, ...]) -> None:
    prop = {"primary": "name", "alias": "alias"}
    for name in names:
        out.add(prop.get(name.kind, "weakAlias"), name.text)
    for kind in ("kunya", "laqab"):
        if texts := [n.text for n in names if n.kind == kind]:
            out.extra[kind] = texts
    if flagged := [n.text for n in names if n.verify]:
        out.extra["verify_names"] = flagged


def to_entity(record: Record) -> dict[str, Any]:
    """The FtM entity (as its JSON dict) of one record."""
    if isinstance(record, Person):
        out = _Out("Person", record)
        _names_out(out, record.names)
        out.add("gender", record.gender)
        out.add("birthDate", record.birth_date)
        out.add("birthPlace", record.birth_place)
        out.add("nationality", [c.lower() for c in record.nationality])
        out.add("deathDate", record.death_date)
        out.add("description", record.description)
        if record.birth_place_code is not None:
            out.extra["birth_place_code"] = record.birth_place_code
        return out.done("person", False)
    if isinstance(record, Unit):
        out = _Out("Organization", record)
        _names_out(out, record.names)
        out.add("classification", record.kind)
        out.add("parent", record.parent_id)
        out.add("abbreviation", record.abbreviation)
        out.add("country", record.country.lower())
        out.add("address", record.place)
        out.add("description", record.description)
        if record.place_code is not None:
            out.extra["place_code"] = record.place_code
        return out.done("unit", False)
    if isinstance(record, Position):
        out = _Out("Position", record)
        out.add("name", record.title)
        out.add("organization", record.unit_id)
        out.add("description", record.description)
        return out.done("position", False)
    if isinstance(record, Membership):
        out = _Out("Membership", record)
        out.add("member", record.person_id)
        out.add("organization", record.unit_id)
        out.add("role", record.role)
        out.add("startDate", record.start_date)
        out.add("endDate", record.end_date)
        out.add("description", record.description)
        return out.done("membership", False)
    if isinstance(record, Occupancy):
        out = _Out("Occupancy", record)
        out.add("holder", record.person_id)
        out.add("post", record.position_id)
        out.add("startDate", record.start_date)
        out.add("endDate", record.end_date)
        out.add("description", record.description)
        return out.done("occupancy", False)
    if isinstance(record, Incident):
        out = _Out("Event", record)
        out.add("name", record.title)
        out.add("keywords", record.violation_types)
        out.add("startDate", record.start_date)
        out.add("endDate", record.end_date)
        out.add("location", record.place)
        out.add("country", record.country.lower())
        out.add("description", record.description)
        if record.place_code is not None:
            out.extra["place_code"] = record.place_code
        if record.victim_counts:
            out.extra["victim_counts"] = [
                c.model_dump(mode="json", exclude_none=True) for c in record.victim_counts
            ]
        if record.legal_qualifications:
            out.extra["legal_qualifications"] = list(record.legal_qualifications)
        return out.done("incident", False)
    if isinstance(record, Victim):
        out = _Out("Person", record)
        out.add("name", record.name)
        out.add("gender", record.gender)
        out.add("description", record.description)
        out.extra["incident_ids"] = list(record.incident_ids)
        if record.age is not None:
            out.extra["age"] = record.age
        return out.done("victim", True)
    if isinstance(record, Allegation):
        out = _Out("UnknownLink", record)
        out.add("subject", record.subject_id)
        out.add("object", record.incident_id)
        out.add("role", record.role)
        out.add("status", record.certainty)
        out.add("description", record.description)
        out.extra["subject"] = "person" if record.person_id is not None else "unit"
        out.extra["mode_of_liability"] = record.mode_of_liability
        if record.pinpoint is not None:
            out.extra["pinpoint"] = record.pinpoint
        return out.done("allegation", False)
    if isinstance(record, Source):
        out = _Out("Document", record)
        out.add("title", record.citation)
        out.add("name", record.title)
        out.add("publisher", record.publisher)
        out.add("publishedAt", record.date)
        out.add("sourceUrl", record.url)
        out.add("description", record.description)
        out.extra["kind"] = record.kind
        return out.done("source", True)
    if isinstance(record, EvidenceItem):
        out = _Out("Document", record)
        out.add("title", record.title)
        out.add("contentHash", record.sha256)
        out.add("fileSize", record.size)
        out.add("mimeType", record.media_type)
        out.add("fileName", record.file_name)
        out.add("date", record.obtained_on)
        if record.related_ids:
            out.extra["related_ids"] = list(record.related_ids)
        out.add("description", record.description)
        out.extra["kind"] = record.kind
        if record.obtained_from is not None:
            out.extra["obtained_from"] = record.obtained_from
        return out.done("evidence", True)
    raise TypeError(f"no FtM mapping for {type(record).__name__}")


def dump_lines(register: Register) -> Iterator[str]:
    """FtM JSON lines (one entity a line, no trailing newline), in the register's order."""
    for record in register:
        yield json.dumps(to_entity(record), ensure_ascii=False, sort_keys=True)


# --- entity -> record -----------------------------------------------------------------------


class _In:
    """An entity being read: one value or a list per property, the context beside."""

    def __init__(self, proxy: EntityProxy, where: str) -> None:
        self.proxy, self.where = proxy, where
        context = proxy.context.get(CONTEXT) or {}
        if not isinstance(context, dict):
            raise FtmError(where, f"'{CONTEXT}' must be an object")
        self.extra: dict[str, Any] = context

    def many(self, prop: str) -> list[str]:
        return list(self.proxy.get(prop))

    def one(self, prop: str) -> str | None:
        values = self.proxy.get(prop)
        if len(values) > 1:
            raise FtmError(
                self.where, f"{prop} has {len(values)} values; the register keeps one: {values}"
            )
        return values[0] if values else None

    def text(self, prop: str) -> str | None:
        if prop in self.proxy.schema.properties:
            return self.one(prop)
        value = self.extra.get(prop)
        return None if value is None else str(value)

    def common(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.proxy.id, "source_ids": self.many("proof")}
        if "verify" in self.extra:
            data["verify"] = self.extra["verify"]
        if (notes := self.text("notes")) is not None:
            data["notes"] = notes
        return data


def _names_in(entity: _In) -> list[dict[str, Any]]:
    kinds = {t: k for k in ("kunya", "laqab") for t in entity.extra.get(k, [])}
    flagged = set(entity.extra.get("verify_names", []))
    names = []
    for prop, default in (("name", "primary"), ("alias", "alias"), ("weakAlias", "weak_alias")):
        for text in entity.many(prop):
            kind = kinds.get(text, default) if prop == "weakAlias" else default
            names.append({"text": text, "kind": kind, "verify": text in flagged})
    return names


def _drop_none(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v is not None}


def _person(e: _In) -> dict[str, Any]:
    return {
        "type": "person",
        "names": _names_in(e),
        "gender": e.one("gender"),
        "birth_date": e.one("birthDate"),
        "birth_place": e.one("birthPlace"),
        "birth_place_code": e.extra.get("birth_place_code"),
        "nationality": [c.upper() for c in e.many("nationality")],
        "death_date": e.one("deathDate"),
        "description": e.one("description"),
    }


def _unit(e: _In) -> dict[str, Any]:
    return {
        "type": "unit",
        "names": _names_in(e),
        "kind": e.one("classification") or "other",
        "parent_id": e.one("parent"),
        "abbreviation": e.one("abbreviation"),
        "country": (e.one("country") or "sy").upper(),
        "place": e.one("address"),
        "place_code": e.extra.get("place_code"),
        "description": e.one("description"),
    }


def _position(e: _In) -> dict[str, Any]:
    return {
        "type": "position",
        "title": e.one("name"),
        "unit_id": e.one("organization"),
        "description": e.one("description"),
    }


def _membership(e: _In) -> dict[str, Any]:
    return {
        "type": "membership",
        "person_id": e.one("member"),
        "unit_id": e.one("organization"),
        "role": e.one("role"),
        "start_date": e.one("startDate"),
        "end_date": e.one("endDate"),
        "description": e.text("description"),
    }


def _occupancy(e: _In) -> dict[str, Any]:
    return {
        "type": "occupancy",
        "person_id": e.one("holder"),
        "position_id": e.one("post"),
        "start_date": e.one("startDate"),
        "end_date": e.one("endDate"),
        "description": e.text("description"),
    }


def _incident(e: _In) -> dict[str, Any]:
    return {
        "type": "incident",
        "title": e.one("name"),
        "violation_types": e.many("keywords"),
        "start_date": e.one("startDate") or e.one("date"),
        "end_date": e.one("endDate"),
        "place": e.one("location"),
        "place_code": e.extra.get("place_code"),
        "country": (e.one("country") or "sy").upper(),
        "victim_counts": e.extra.get("victim_counts", []),
        "description": e.one("description"),
        "legal_qualifications": e.extra.get("legal_qualifications", []),
    }


def _victim(e: _In) -> dict[str, Any]:
    return {
        "type": "victim",
        "incident_ids": e.extra.get("incident_ids", []),
        "name": e.one("name"),
        "gender": e.one("gender"),
        "age": e.extra.get("age"),
        "description": e.one("description"),
    }


def _allegation(e: _In, subject_type: Callable[[str], str | None]) -> dict[str, Any]:
    subject = e.one("subject")
    if subject is None:
        raise FtmError(e.where, "the UnknownLink has no subject")
    kind = e.extra.get("subject") or subject_type(subject)
    if kind not in ("person", "unit"):
        raise FtmError(e.where, f"subject {subject} is neither a person nor a unit of the batch")
    return {
        "type": "allegation",
        f"{kind}_id": subject,
        "incident_id": e.one("object"),
        "role": e.one("role"),
        "certainty": e.one("status"),
        "mode_of_liability": e.extra.get("mode_of_liability"),
        "description": e.text("description"),
        "pinpoint": e.extra.get("pinpoint"),
    }


def _source(e: _In) -> dict[str, Any]:
    return {
        "type": "source",
        "kind": e.extra.get("kind", "other"),
        "citation": e.one("title") or e.one("name"),
        "title": e.one("name") if e.one("title") else None,
        "publisher": e.one("publisher"),
        "date": e.one("publishedAt"),
        "url": e.one("sourceUrl"),
        "description": e.one("description"),
    }


def _evidence(e: _In) -> dict[str, Any]:
    size = e.one("fileSize")
    return {
        "type": "evidence",
        "title": e.one("title") or e.one("fileName"),
        "kind": e.extra.get("kind", "other"),
        "sha256": e.one("contentHash"),
        "size": int(float(size)) if size is not None else None,
        "media_type": e.one("mimeType"),
        "file_name": e.one("fileName"),
        "obtained_from": e.extra.get("obtained_from"),
        "obtained_on": e.one("date"),
        "related_ids": e.extra.get("related_ids", []),
        "description": e.one("description"),
    }


_READERS: dict[str, Callable[[_In], dict[str, Any]]] = {
    "Organization": _unit,
    "PublicBody": _unit,
    "Position": _position,
    "Membership": _membership,
    "Occupancy": _occupancy,
    "Event": _incident,
}


def from_entity(
    data: dict[str, Any],
    where: str = "entity",
    subject_type: Callable[[str], str | None] = lambda _id: None,
) -> Record:
    """The register record of one FtM entity (a JSON dict). ``subject_type`` tells, for an
    UnknownLink from elsewhere, whether its subject id is a person or a unit. Raises
    :class:`FtmError` naming ``where`` and what is wrong."""
    from asylon.register.register import parse_record

    try:
        proxy = model.get_proxy(data, cleaned=False)
    except (InvalidData, KeyError, TypeError, ValueError) as err:
        raise FtmError(where, f"not a FollowTheMoney entity: {err}") from None
    if not proxy.id:
        raise FtmError(where, "the entity has no id")
    entity = _In(proxy, where)
    schema = proxy.schema.name
    marked = entity.extra.get("type")
    if schema == "Person":
        fields = _victim(entity) if marked == "victim" else _person(entity)
    elif schema == "Document":
        is_evidence = marked == "evidence" or (marked is None and entity.many("contentHash"))
        fields = _evidence(entity) if is_evidence else _source(entity)
    elif schema == "UnknownLink":
        fields = _allegation(entity, subject_type)
    elif schema in _READERS:
        fields = _READERS[schema](entity)
    else:
        raise FtmError(where, f"the register holds no {schema} entities")
    try:
        return parse_record(_drop_none({**entity.common(), **fields}))
    except RecordError as err:
        raise FtmError(where, f"{proxy.id}: {err}") from None
    except ValidationError as err:  # pragma: no cover - parse_record converts these
        raise FtmError(where, validation_message(err)) from None


def read_lines(lines: Iterable[str], name: str = "line") -> list[tuple[str, dict[str, Any]]]:
    """``(where, entity dict)`` for each non-empty JSON line; :class:`FtmError` names the
    first line that is not a JSON object."""
    entities = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{name} {n}"
        try:
            data = json.loads(line)
        except json.JSONDecodeError as err:
            raise FtmError(where, f"not JSON: {err.msg}") from None
        if not isinstance(data, dict):
            raise FtmError(where, "expected a JSON object (one entity a line)")
        entities.append((where, data))
    return entities


def register_from_ftm(entities: Iterable[tuple[str, dict[str, Any]]]) -> list[tuple[str, Record]]:
    """The records of a batch of entities, each with where it came from. An UnknownLink's
    subject type is looked up in the batch when the entity does not say it."""
    entities = list(entities)
    kinds = {}
    for _where, data in entities:
        schema = data.get("schema")
        extra = data.get(CONTEXT) or {}
        if schema == "Person" and extra.get("type") != "victim":
            kinds[str(data.get("id"))] = "person"
        elif schema in ("Organization", "PublicBody"):
            kinds[str(data.get("id"))] = "unit"
    return [(where, from_entity(data, where, kinds.get)) for where, data in entities]
