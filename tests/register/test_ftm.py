"""FollowTheMoney export and import: the register round-trips exactly; entities from elsewhere
import with defaults; errors name the line."""

from __future__ import annotations

import json

import pytest
from followthemoney import model

from asylon.register.ftm import (
    FtmError,
    dump_lines,
    from_entity,
    read_lines,
    register_from_ftm,
    to_entity,
)
from asylon.register.loader import load_starter
from asylon.register.models import Person
from asylon.register.register import Register


def _round_trip(register: Register) -> Register:
    lines = list(dump_lines(register))
    return Register(r for _w, r in register_from_ftm(read_lines(lines)))


def test_every_record_type_round_trips_exactly(register: Register) -> None:
    back = _round_trip(register)
    assert back == register
    for record in register:
        assert back.get(record.id) == record


def test_the_starter_register_round_trips_exactly() -> None:
    starter = load_starter()
    assert _round_trip(starter) == starter


def test_entities_use_the_ftm_schemata(register: Register) -> None:
    schemata = {r.id: to_entity(r)["schema"] for r in register}
    assert schemata == {
        "source-report": "Document",
        "unit-service": "Organization",
        "unit-branch-1": "Organization",
        "position-head": "Position",
        "person-a": "Person",
        "membership-a": "Membership",
        "occupancy-a": "Occupancy",
        "incident-x": "Event",
        "victim-1": "Person",
        "allegation-a": "UnknownLink",
        "allegation-unit": "UnknownLink",
        "EV-12": "Document",
    }
    for record in register:
        entity = model.get_proxy(to_entity(record), cleaned=False)  # FtM accepts every value
        assert entity.id == record.id


def test_the_mapping_uses_ftm_properties(register: Register) -> None:
    person = to_entity(register.get("person-a"))  # type: ignore[arg-type]
    props = person["properties"]
    assert props["name"] == ["Ahmad Example", "أحمد المثال", "Ахмад Пример"]
    assert props["alias"] == ["Ahmed Example"]
    assert props["weakAlias"] == ["Hamoudi", "Abu Example", "the Lion"]
    assert props["nationality"] == ["sy"] and props["birthDate"] == ["1970"]
    assert props["proof"] == ["source-report"]
    assert person["asylon"] == {
        "kunya": ["Abu Example"],
        "laqab": ["the Lion"],
        "verify_names": ["Ахмад Пример"],
        "verify": ["birth_date"],
        "birth_place_code": "SYC-HOMS",
    }
    unit = to_entity(register.get("unit-branch-1"))  # type: ignore[arg-type]
    assert unit["properties"]["parent"] == ["unit-service"]
    link = to_entity(register.get("allegation-a"))  # type: ignore[arg-type]
    assert link["properties"]["subject"] == ["person-a"]
    assert link["properties"]["object"] == ["incident-x"]
    assert link["properties"]["status"] == ["reported"]
    evidence = to_entity(register.get("EV-12"))  # type: ignore[arg-type]
    assert evidence["properties"]["contentHash"] == ["a" * 64]
    assert evidence["asylon"]["related_ids"] == ["incident-x", "person-a"]


def test_entities_from_elsewhere_import_with_defaults() -> None:
    person = {
        "id": "os-1",
        "schema": "Person",
        "properties": {
            "name": ["Jane Roe"],
            "alias": ["J. Roe"],
            "weakAlias": ["JR"],
            "birthDate": ["1960-02"],
            "nationality": ["sy"],
        },
    }
    org = {"id": "os-2", "schema": "PublicBody", "properties": {"name": ["Some Office"]}}
    link = {
        "id": "os-3",
        "schema": "UnknownLink",
        "properties": {
            "subject": ["os-1"],
            "object": ["ev-1"],
            "role": ["commander"],
            "status": ["reported"],
            "description": ["alleged"],
            "proof": ["doc-1"],
        },
    }
    doc = {"id": "doc-1", "schema": "Document", "properties": {"title": ["A report"]}}
    event = {
        "id": "ev-1",
        "schema": "Event",
        "properties": {
            "name": ["E"],
            "date": ["2012"],
            "keywords": ["killing"],
            "description": ["d"],
        },
    }
    items = register_from_ftm(
        [(f"line {i}", e) for i, e in enumerate([person, org, link, doc, event], 1)]
    )
    records = {r.id: r for _w, r in items}
    p = records["os-1"]
    assert isinstance(p, Person)
    assert [(n.text, n.kind) for n in p.names] == [
        ("Jane Roe", "primary"),
        ("J. Roe", "alias"),
        ("JR", "weak_alias"),
    ]
    assert records["os-2"].kind == "other"  # type: ignore[attr-defined]
    assert records["os-3"].person_id == "os-1"  # type: ignore[attr-defined]
    assert records["doc-1"].kind == "other"  # type: ignore[attr-defined]
    assert records["ev-1"].start_date == "2012"  # type: ignore[attr-defined]
    Register(records.values()).check()


@pytest.mark.parametrize(
    "line, message",
    [
        ("not json", "line 2: not JSON"),
        ("[1, 2]", "line 2: expected a JSON object"),
        (
            '{"id": "x", "schema": "Vessel", "properties": {}}',
            "line 2: the register holds no Vessel",
        ),
        (
            '{"id": "x", "schema": "Nothing", "properties": {}}',
            "line 2: not a FollowTheMoney entity",
        ),
        ('{"schema": "Person", "properties": {"name": ["A"]}}', "line 2: the entity has no id"),
        (
            '{"id": "x", "schema": "Person", "properties": {"name": ["A"], "birthDate": ["1970", "1971"]}}',
            "line 2: birthDate has 2 values",
        ),
        ('{"id": "x", "schema": "Person", "properties": {"alias": ["A"]}}', "line 2: x: names"),
        (
            '{"id": "x", "schema": "UnknownLink", "properties": {"subject": ["nobody"]}}',
            "line 2: subject nobody is neither",
        ),
    ],
)
def test_a_bad_entity_is_named_by_its_line(line: str, message: str) -> None:
    good = json.dumps({"id": "s", "schema": "Document", "properties": {"title": ["t"]}})
    with pytest.raises(FtmError) as err:
        register_from_ftm(read_lines([good, line], "line"))
    assert str(err.value).startswith(message)


def test_from_entity_reads_one_entity() -> None:
    record = from_entity(
        {
            "id": "u",
            "schema": "Organization",
            "properties": {"name": ["U"], "classification": ["branch"]},
        }
    )
    assert record.kind == "branch"  # type: ignore[attr-defined]
