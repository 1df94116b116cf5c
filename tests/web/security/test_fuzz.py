"""Fuzzing: the case-file parser never raises anything but its documented CaseFileError, and
the API answers no generated request with a server error (schemathesis against its own
OpenAPI document, in-process through the WSGI application, as a caseworker with a token).

The schemathesis run is marked ``slow`` (it still runs in ``make test``); its example count
keeps it under about a minute.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import schemathesis
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig

from asylon.law.facts import CaseFileError, case_from_data, parse_case_file
from tests.web.security.conftest import World

EXAMPLES = 10  # per API operation: about 40 s for the whole API on a busy machine
LAW_CASES = sorted((Path(__file__).parents[2] / "law_cases").glob("*.yaml"))


def _plain(value: Any) -> Any:
    """YAML's dates as ISO strings, as a JSON case file would carry them."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


VALID = [_plain(yaml.safe_load(p.read_text(encoding="utf-8"))["case"]) for p in LAW_CASES]

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
    | st.sampled_from(["2019-02-30", "0000-00-00", "asylon.case/1", "eu:de", "ru", "SY", ""]),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=20,
)


def _paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(doc, dict):
        for k, v in doc.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out += _paths(v, (*prefix, i))
    return out


@st.composite
def mutated_case_files(draw: st.DrawFn) -> Any:
    doc = copy.deepcopy(draw(st.sampled_from(VALID)))
    for _ in range(draw(st.integers(1, 4))):
        paths = [p for p in _paths(doc) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = doc
        for key in path[:-1]:
            parent = parent[key]
        action = draw(st.sampled_from(["replace", "delete", "add", "duplicate"]))
        if action == "replace":
            parent[path[-1]] = draw(json_values)
        elif action == "delete":
            del parent[path[-1]]
        elif action == "add" and isinstance(parent, dict):
            parent[draw(st.text(max_size=12))] = draw(json_values)
        elif action == "duplicate" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[path[-1]]))
    return doc


def _only_case_file_errors(call: Any) -> None:
    try:
        call()
    except CaseFileError as err:
        assert err.errors, "a CaseFileError names what is wrong"


def test_the_seeds_are_valid() -> None:
    assert len(VALID) > 20
    for doc in VALID:
        case_from_data(doc)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(json_values)
def test_arbitrary_data(data: Any) -> None:
    _only_case_file_errors(lambda: case_from_data(data))
    _only_case_file_errors(lambda: parse_case_file(json.dumps(data), "json"))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_case_files())
def test_mutated_case_files(doc: Any) -> None:
    _only_case_file_errors(lambda: case_from_data(doc))
    _only_case_file_errors(lambda: parse_case_file(json.dumps(doc), "json"))
    _only_case_file_errors(lambda: parse_case_file(yaml.safe_dump(doc), "yaml"))


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_arbitrary_bytes(text: bytes) -> None:
    _only_case_file_errors(lambda: parse_case_file(text, "json"))
    _only_case_file_errors(lambda: parse_case_file(text, "yaml"))


# --- the API against its OpenAPI document -------------------------------------------------


OWNED = ("case_id", "assessment_id", "document_id", "event_id", "hit_id")


@pytest.fixture
def wsgi_in_test_transaction() -> Iterator[None]:
    """The WSGI handler closes a connection that is not in autocommit at each request's start
    and end (Django's test client unhooks this too): the test's transaction must survive."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.slow
@pytest.mark.usefixtures("wsgi_in_test_transaction")
def test_api_never_answers_with_a_server_error(w: World) -> None:
    """Every operation of the OpenAPI document, a few generated requests each (schemathesis's
    pytest loader does not run under pytest 9, so the operations are driven here)."""
    from asylon.web.wsgi import application

    # NUL bytes are left out here: test_nul_bytes.py tries them on every text input
    config = SchemathesisConfig.from_dict({"generation": {"allow-x00": False}})
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application, config=config)
    owned = dict(zip(OWNED, (w.case, w.assessment, w.document, w.event, w.hit), strict=True))
    headers = {"Authorization": f"Bearer {w.tokens['a']}"}
    failures: list[str] = []
    statuses: list[int] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(), use_real_ids=st.booleans())
        def run(case: Any, use_real_ids: bool) -> None:
            if use_real_ids:  # the caller's own objects, so the handlers run to the end
                for key in list(case.path_parameters or {}):
                    if key in owned:
                        case.path_parameters[key] = owned[key].pk
            response = case.call(headers=headers)
            statuses.append(response.status_code)
            try:
                case.validate_response(response, checks=(not_a_server_error,))
            except Exception:
                failures.append(
                    f"{case.method} {case.formatted_path} -> {response.status_code}: "
                    f"query={case.query!r} body={case.body!r}"[:600]
                )
                raise

        try:
            run()
        except Exception as err:  # the request failures are collected above
            if not failures or not failures[-1].startswith(operation.method.upper()):
                failures.append(f"{operation.label}: {type(err).__name__}: {err}"[:600])
    assert failures == [], "\n".join(failures)
    assert operations >= 30 and len(statuses) >= 3 * operations
    assert sum(200 <= s < 300 for s in statuses) >= operations, "most requests never got through"
    print(f"{len(statuses)} requests to {operations} operations: {sorted(set(statuses))}")
