"""Fixtures for the whole suite."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(scope="session", autouse=True)
def quick_password_hashing(django_test_environment: None) -> Iterator[None]:
    """Argon2 at its cheapest for the run (see :mod:`tests.hashers`); ``override_settings``
    sends the signal that empties Django's cache of hashers."""
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=["tests.hashers.QuickArgon2PasswordHasher"]):
        yield
