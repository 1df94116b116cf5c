"""Canonical JSON (RFC 8785 for the values records hold) and record hashes."""

from __future__ import annotations

import hashlib
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from asylon.register.canonical import canonical_json, record_json, record_sha256
from asylon.register.models import Person
from asylon.register.register import Register, parse_record


def test_keys_are_sorted_by_utf16_code_units() -> None:
    # RFC 8785, section 3.2.3: the sorting example (a subset without numbers)
    value = {
        "\u20ac": "Euro Sign",
        "\r": "Carriage Return",
        "\ufb33": "Hebrew Letter Dalet With Dagesh",
        "1": "One",
        "\U0001f600": "Emoji: Grinning Face",
        "\u0080": "Control",
        "\u00f6": "Latin Small Letter O With Diaeresis",
    }
    keys = list(json.loads(canonical_json(value)))
    assert keys == ["\r", "1", "\u0080", "\u00f6", "\u20ac", "\U0001f600", "\ufb33"]


def test_no_whitespace_utf8_and_minimal_escapes() -> None:
    text = canonical_json({"b": [1, True, None], "a": 'é"\\\n\t\x01\u2028ب'})
    assert text == '{"a":"é\\"\\\\\\n\\t\\u0001\u2028ب","b":[1,true,null]}'
    assert canonical_json({"a": {"d": 1, "c": 2}}) == '{"a":{"c":2,"d":1}}'


@pytest.mark.parametrize("bad", [1.5, float("nan"), {1: "x"}, "\ud800", object()])
def test_values_a_record_cannot_hold_are_refused(bad: object) -> None:
    with pytest.raises((TypeError, ValueError)):
        canonical_json({"x": bad} if not isinstance(bad, dict) else bad)


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(),
        lambda children: st.lists(children) | st.dictionaries(st.text(), children),
        max_leaves=20,
    )
)
def test_canonical_json_parses_back_and_is_stable(value: object) -> None:
    try:
        text = canonical_json(value)
    except ValueError:  # lone surrogates
        return
    assert json.loads(text) == value
    assert canonical_json(json.loads(text)) == text


def test_a_record_hash_ignores_spelling_that_means_the_same() -> None:
    a = Person(id="p", names=({"text": "A  B"}, {"text": "ب"}), nationality=("sy",))
    b = parse_record(
        {
            "nationality": ["SY"],
            "names": [{"text": "A B", "kind": "primary"}, {"text": "ب"}],
            "id": "p",
            "type": "person",
        }
    )
    assert record_json(a) == record_json(b)
    assert record_sha256(a) == hashlib.sha256(record_json(a).encode()).hexdigest()
    c = Person(id="p", names=({"text": "A B"}, {"text": "ب"}), birth_date="1970")
    assert record_sha256(c) != record_sha256(a)


def test_defaults_are_left_out_and_the_type_kept() -> None:
    p = Person(id="p", names=({"text": "A"},))
    assert record_json(p) == '{"id":"p","names":[{"text":"A"}],"type":"person"}'


def test_hashes_of_the_sample_register_are_stable(register: Register) -> None:
    first = {r.id: record_sha256(r) for r in register}
    again = {r.id: record_sha256(parse_record(json.loads(record_json(r)))) for r in register}
    assert first == again
    assert len(set(first.values())) == len(first)
