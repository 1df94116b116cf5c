"""The starter register (data/register) and the YAML loader."""

from __future__ import annotations

from pathlib import Path

import pytest

from asylon.register.loader import check_places, load_folder, load_starter, records_from_yaml
from asylon.register.models import Allegation, Person, Source, Unit
from asylon.register.register import RecordError


@pytest.fixture(scope="module")
def starter():  # type: ignore[no-untyped-def]
    return load_starter()


def test_the_starter_register_is_big_enough(starter) -> None:  # type: ignore[no-untyped-def]
    counts = starter.counts()
    assert counts["person"] >= 40
    assert counts["unit"] >= 20
    assert counts["incident"] >= 6
    assert counts["victim"] == 0  # no victim is named in the starter register


def test_every_allegation_cites_a_source_that_exists(starter) -> None:  # type: ignore[no-untyped-def]
    allegations = starter.of_type(Allegation)
    assert len(allegations) >= 40
    for allegation in allegations:
        assert allegation.source_ids
        for source_id in allegation.source_ids:
            assert isinstance(starter.get(source_id), Source)


def test_every_person_has_names_in_three_scripts_and_an_allegation(starter) -> None:  # type: ignore[no-untyped-def]
    alleged = {a.person_id for a in starter.of_type(Allegation)}
    for person in starter.of_type(Person):
        scripts = {n.script for n in person.names if n.kind == "primary"}
        assert scripts == {"latn", "arab", "cyrl"}, person.id
        assert person.id in alleged, person.id


def test_the_people_convicted_in_europe_are_there(starter) -> None:  # type: ignore[no-untyped-def]
    certainty = {a.person_id: a.certainty for a in starter.of_type(Allegation) if a.person_id}
    assert certainty["person-anwar-raslan"] == "convicted_final"
    assert certainty["person-eyad-al-gharib"] == "convicted_final"
    assert certainty["person-alaa-mousa"] == "convicted"
    for name in ("ali-mamlouk", "jamil-hassan", "abdel-salam-mahmoud"):
        kinds = {
            a.certainty for a in starter.of_type(Allegation) if a.person_id == f"person-{name}"
        }
        assert "convicted_in_absentia" in kinds


def test_units_form_a_hierarchy(starter) -> None:  # type: ignore[no-untyped-def]
    units = {u.id: u for u in starter.of_type(Unit)}
    assert units["unit-gid-section-40"].parent_id == "unit-gid-branch-251"
    assert units["unit-gid-branch-251"].parent_id == "unit-gid"
    assert units["unit-mi-branch-235"].parent_id == "unit-mi"


def test_a_person_file_implies_its_person_and_derives_ids() -> None:
    doc = {
        "person": {"id": "person-x", "names": [{"text": "X"}]},
        "memberships": [{"unit_id": "unit-u"}],
        "allegations": [
            {
                "incident_id": "incident-i",
                "role": "commander",
                "certainty": "reported",
                "description": "d",
                "source_ids": ["s"],
            },
            {
                "unit_id": "unit-u",
                "incident_id": "incident-i",
                "role": "commander",
                "certainty": "reported",
                "description": "d",
                "source_ids": ["s"],
            },
        ],
    }
    ids = [r.id for _w, r in records_from_yaml(doc, "x.yaml")]
    assert ids == ["person-x", "membership-x-u", "allegation-x-i", "allegation-u-i"]


def test_problems_name_the_file_and_the_record(tmp_path: Path) -> None:
    folder = tmp_path / "register"
    (folder / "persons").mkdir(parents=True)
    (folder / "persons" / "x.yaml").write_text(
        "person:\n  id: person-x\n  names: [{text: X}]\n  birth_date: 1970-13\n", encoding="utf-8"
    )
    (folder / "units.yaml").write_text(
        "units:\n  - {id: unit-a, kind: branch, names: [{text: A}], parent_id: unit-none}\n",
        encoding="utf-8",
    )
    with pytest.raises(RecordError) as err:
        load_folder(folder)
    assert err.value.problems == [
        "register/persons/x.yaml: persons[0] (person-x): birth_date: Value error, no such date: '1970-13'"
    ]
    (folder / "persons" / "x.yaml").write_text(
        "person:\n  id: person-x\n  names: [{text: X}]\n", encoding="utf-8"
    )
    with pytest.raises(RecordError, match="unit-a: parent_id names unit-none"):
        load_folder(folder)


def test_place_codes_must_be_gazetteer_codes(starter) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RecordError, match="place_code SYC-NOWHERE"):
        check_places(
            [Unit(id="u", kind="branch", names=({"text": "U"},), place_code="SYC-NOWHERE")], ["SY"]
        )
