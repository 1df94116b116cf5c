"""A country-evidence store built once per test session from the shipped data."""

from __future__ import annotations

from pathlib import Path

import pytest

from asylon.evidence.store import build


@pytest.fixture(scope="session")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("evidence") / "evidence.duckdb"
    build(path)
    return path
