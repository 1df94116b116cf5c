"""Fixtures for the whole suite."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(scope="session", autouse=True)
def quick_password_hashing(django_test_environment: None) -> Iterator[None]:
    """Argon2 at its cheapest for the run (see :mod:`tests.hashers`); ``override_settings``
    sends the signal that empties Django's cache of hashers."""
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=["tests.hashers.QuickArgon2PasswordHasher"]):
        yield


@pytest.fixture(scope="session")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The country-evidence store built from the shipped data once for the whole run (about
    8 s), not once per module and worker: the xdist workers share the run's temporary folder
    and build it under a lock, the first one to get there (pytest-xdist's documented way to
    share a session fixture). Tests only read it (``store.connect`` opens read-only); those that
    import into a store copy it first."""
    from asylon.evidence.store import build

    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    path = shared / "evidence.duckdb"
    with (shared / "evidence.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.exists():
            build(path)
    return path
