"""The case-file contract: strict validation naming the field path, JSON and YAML alike."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from asylon.law import CaseFileError, parse_case_file
from asylon.law.facts import case_file_json_schema, load_document

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.yaml"))


def base() -> dict:
    return load_document(EXAMPLES[0].read_text(), "yaml")


def errors_for(doc: dict) -> list[tuple[str, str]]:
    with pytest.raises(CaseFileError) as exc:
        parse_case_file(json.dumps(doc), "json")
    return exc.value.errors


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_validate_in_yaml_and_json(path: Path) -> None:
    from_yaml = parse_case_file(path.read_text(), "yaml")
    from_json = parse_case_file(json.dumps(load_document(path.read_text(), "yaml")), "json")
    assert from_yaml == from_json


def test_yaml_on_key_is_a_field_not_a_boolean() -> None:
    case = parse_case_file(EXAMPLES[0].read_text(), "yaml")
    assert case.removal is not None
    assert str(case.removal.administrative_offences[0].on) == "2016-01-20"


def test_unknown_field_is_named() -> None:
    doc = base()
    doc["applicant"]["favourite_colour"] = "blue"
    assert errors_for(doc) == [
        ("applicant.favourite_colour", "unknown field (not in asylon.case/1)")
    ]


def test_wrong_type_is_not_coerced() -> None:
    doc = base()
    doc["applicant"]["entered_irregularly"] = "yes"
    [(path, msg)] = errors_for(doc)
    assert path == "applicant.entered_irregularly" and "boolean" in msg


def test_impossible_date_in_yaml_names_the_field() -> None:
    text = EXAMPLES[0].read_text().replace("born: 1978-02-11", "born: 1978-02-30")
    with pytest.raises(CaseFileError) as exc:
        parse_case_file(text, "yaml")
    [(path, msg)] = exc.value.errors
    assert path == "applicant.born" and "date" in msg


def test_unknown_country_code() -> None:
    doc = base()
    doc["applicant"]["nationalities"] = ["SY", "XX"]
    [(path, msg)] = errors_for(doc)
    assert path == "applicant.nationalities[1]" and "ISO 3166-1 alpha-2" in msg


def test_end_before_start() -> None:
    doc = base()
    doc["removal"]["detention"] = [{"from": "2016-05-01", "to": "2016-04-01", "basis": "none"}]
    [(path, msg)] = errors_for(doc)
    assert path == "removal.detention[0].to" and msg == "2016-04-01 is before from (2016-05-01)"


def test_born_after_application() -> None:
    doc = base()
    doc["applicant"]["born"] = "2016-06-01"
    doc["applicant"].pop("arrived_on")
    [(path, msg)] = errors_for(doc)
    assert path == "procedure.applied_on" and "before applicant.born" in msg


def test_bad_enum_and_bad_jurisdiction() -> None:
    doc = base()
    doc["claim"]["findings"]["risk_of_persecution"] = "likely"
    doc["jurisdiction"] = "us"
    errs = dict(errors_for(doc))
    assert "claim.findings.risk_of_persecution" in errs
    assert (
        "'none', 'remote', 'reasonable_likelihood' or 'substantial'"
        in errs["claim.findings.risk_of_persecution"]
    )


def test_jurisdiction_pattern() -> None:
    doc = base()
    doc["jurisdiction"] = "eu-de"
    [(path, msg)] = errors_for(doc)
    assert path == "jurisdiction" and "eu:de" in msg


def test_dangling_evidence_reference() -> None:
    doc = base()
    doc["claim"]["fears"][0]["evidence"] = ["ev-nowhere"]
    [(path, msg)] = errors_for(doc)
    assert path == "claim.fears[0].evidence" and "ev-nowhere" in msg


def test_required_fields_and_format() -> None:
    doc = base()
    del doc["as_of"]
    doc["format"] = "asylon.case/2"
    errs = dict(errors_for(doc))
    assert errs["as_of"] == "required field is missing"
    assert "format" in errs


def test_invalid_syntax() -> None:
    with pytest.raises(CaseFileError) as exc:
        parse_case_file("{not json", "json")
    assert "not valid JSON" in str(exc.value)
    with pytest.raises(CaseFileError):
        parse_case_file("a: [unclosed", "yaml")


def test_null_is_unknown_not_false() -> None:
    doc = base()
    doc["applicant"]["entered_irregularly"] = None
    case = parse_case_file(json.dumps(doc), "json")
    assert case.applicant is not None and case.applicant.entered_irregularly is None


def test_schema_names_every_section() -> None:
    schema = case_file_json_schema()
    assert schema["$schema"].endswith("2020-12/schema")
    assert set(schema["properties"]) >= {
        "format",
        "id",
        "jurisdiction",
        "as_of",
        "procedure",
        "applicant",
        "claim",
        "conduct",
        "removal",
        "evidence",
    }
    assert schema["additionalProperties"] is False
