"""The register's records validate and normalise their input (pure core)."""

from __future__ import annotations

import pytest

from asylon.register.models import (
    Allegation,
    Incident,
    Name,
    Person,
    Source,
    Unit,
    Victim,
    script_of,
)
from asylon.register.register import RecordError, Register, parse_record


def test_names_are_normalised_and_ordered_by_kind() -> None:
    p = Person(
        id="person-x",
        names=(
            {"text": "Abu X", "kind": "kunya"},
            {"text": "  X   Y "},
            {"text": "إكس"},
        ),
    )
    assert [n.text for n in p.names] == ["X Y", "إكس", "Abu X"]
    assert [n.script for n in p.names] == ["latn", "arab", "latn"]
    assert p.label == "X Y"


def test_scripts_are_read_from_the_letters() -> None:
    assert script_of("Анвар") == "cyrl"
    assert script_of("أنور") == "arab"
    assert script_of("Anwar") == "latn"
    assert script_of("123") == "other"


@pytest.mark.parametrize(
    "names, message",
    [
        ((), "at least 1"),
        (({"text": "A", "kind": "alias"},), "kind 'primary'"),
        (({"text": "A"}, {"text": "A", "kind": "alias"}), "listed twice"),
        (({"text": "   "},), "must not be empty"),
    ],
)
def test_bad_names_are_refused(names: tuple, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Person(id="person-x", names=names)


@pytest.mark.parametrize("value", ["2011", "2011-04", "2011-04-29", 2011])
def test_partial_dates(value: object) -> None:
    assert Person(id="p", names=({"text": "A"},), birth_date=value).birth_date == str(value)


@pytest.mark.parametrize("value", ["2011-13", "2011-02-30", "11-04-2011", "2011/04"])
def test_impossible_dates_are_refused(value: str) -> None:
    with pytest.raises(ValueError, match="date"):
        Person(id="p", names=({"text": "A"},), birth_date=value)


@pytest.mark.parametrize("record_id", ["person x", "-x", "x-", "", "ä", "x" * 129])
def test_bad_ids_are_refused(record_id: str) -> None:
    with pytest.raises(ValueError, match="record id"):
        Person(id=record_id, names=({"text": "A"},))


def test_countries_are_iso_codes() -> None:
    assert Person(id="p", names=({"text": "A"},), nationality=("sy",)).nationality == ("SY",)
    with pytest.raises(ValueError, match="ISO 3166"):
        Person(id="p", names=({"text": "A"},), nationality=("XX",))


def _allegation(**fields: object) -> Allegation:
    base: dict[str, object] = {
        "id": "allegation-1",
        "incident_id": "incident-1",
        "role": "commander",
        "certainty": "reported",
        "description": "alleged",
        "source_ids": ("source-1",),
    }
    return Allegation.model_validate({**base, **fields})


def test_an_allegation_names_exactly_one_subject_and_a_source() -> None:
    assert _allegation(person_id="person-1").subject_id == "person-1"
    assert _allegation(unit_id="unit-1").subject_id == "unit-1"
    with pytest.raises(ValueError, match="exactly one"):
        _allegation(person_id="person-1", unit_id="unit-1")
    with pytest.raises(ValueError, match="exactly one"):
        _allegation()
    with pytest.raises(ValueError, match="source_ids"):
        _allegation(person_id="person-1", source_ids=())
    with pytest.raises(ValueError, match="certainty"):
        _allegation(person_id="person-1", certainty="proven")


def test_periods_do_not_end_before_they_start() -> None:
    with pytest.raises(ValueError, match="ends"):
        Incident(
            id="i",
            title="t",
            violation_types=("killing",),
            start_date="2012-05",
            end_date="2011",
            description="d",
        )


def test_unknown_fields_and_types_are_refused() -> None:
    with pytest.raises(RecordError, match="type"):
        parse_record({"type": "ghost", "id": "x"})
    with pytest.raises(RecordError, match="nickname"):
        parse_record({"type": "person", "id": "x", "names": [{"text": "A"}], "nickname": "B"})
    with pytest.raises(RecordError, match=r"violation_types\.0"):
        parse_record(
            {
                "type": "incident",
                "id": "i",
                "title": "t",
                "violation_types": ["genocide"],
                "start_date": "2012",
                "description": "d",
            }
        )


def test_records_are_values(register: Register) -> None:
    person = register.get("person-a")
    assert person is not None
    again = parse_record(person.model_dump(mode="json"))
    assert again == person and hash(again) == hash(person)
    assert Name(text="A") == Name(text=" A ")


def test_dangling_references_and_cycles_are_named(register: Register) -> None:
    records = list(register)
    bad = Unit(id="unit-loop", kind="branch", parent_id="unit-loop2", names=({"text": "L"},))
    bad2 = Unit(id="unit-loop2", kind="branch", parent_id="unit-loop", names=({"text": "M"},))
    orphan = _allegation(person_id="person-nobody", incident_id="incident-x")
    wrong = _allegation(id="allegation-2", person_id="unit-service", incident_id="incident-x")
    with pytest.raises(RecordError) as err:
        Register([*records, bad, bad2, orphan, wrong]).check()
    problems = err.value.problems
    assert "allegation-1: person_id names person-nobody, which does not exist" in problems
    assert "allegation-1: source_ids names source-1, which does not exist" in problems
    assert "allegation-2: person_id names unit-service, a unit, not a person" in problems
    assert "unit-loop: the units' parents form a cycle" in problems
    # records stored elsewhere count as known
    Register([orphan]).check(
        {"person-nobody": "person", "incident-x": "incident", "source-1": "source"}
    )


def test_ids_are_unique_across_types() -> None:
    s = Source(id="x", kind="other", citation="c")
    u = Unit(id="x", kind="branch", names=({"text": "U"},))
    with pytest.raises(RecordError, match="used twice"):
        Register([s, u])


def test_iteration_puts_parents_first(register: Register) -> None:
    order = [r.id for r in register]
    assert order.index("unit-service") < order.index("unit-branch-1")
    assert order.index("source-report") < order.index("person-a") < order.index("allegation-a")
    assert register.counts()["allegation"] == 2


# Record ids are stored and exchanged in clear (only the fields are encrypted at rest): a
# victim's id must not spell their name, in their script or another. Records are judged where
# they are admitted (Register.check: a file loaded, an import, a record saved).
@pytest.mark.parametrize(
    "record_id, name",
    [
        ("victim-omar-zoubi", "عمر خالد الزعبي"),  # the Arabic name, romanised into the id
        ("victim-zoubi-2", "Omar al-Zoubi"),  # the family name, article dropped
        ("v-mohammed-2013", "Мухаммед"),  # the Cyrillic name, romanised
        ("incident-douma-victim-ali-3", "Ali Hasan"),
    ],
)
def test_a_victim_id_that_spells_the_name_is_refused(record_id: str, name: str) -> None:
    data = {"type": "victim", "id": record_id, "incident_ids": ["incident-x"], "name": name}
    victim = parse_record(data)  # a record already stored is still read
    with pytest.raises(RecordError, match="contains the victim's name") as refused:
        Register([victim]).check({"incident-x": "incident"})
    message = str(refused.value)
    assert "a victim of incident-x" in message  # named by its incident
    assert name not in message and record_id not in message


@pytest.mark.parametrize(
    "record_id, name",
    [
        ("victim-7f3a9c", "Mohammed Ahmad"),  # opaque
        ("victim-aleppo-12", "Labib Hasan"),  # a place sharing a two-letter skeleton (LB)
        ("victim-homs-2013", "Fatima Yusuf"),
        ("victim-1", None),
    ],
)
def test_opaque_and_unrelated_ids_are_admitted(record_id: str, name: str | None) -> None:
    victim = Victim(id=record_id, incident_ids=("incident-x",), name=name)
    Register([victim]).check({"incident-x": "incident"})
