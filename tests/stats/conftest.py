"""The evidence-store fixture of tests/evidence, shared with the statistics tests."""

from tests.evidence.conftest import store_path

__all__ = ["store_path"]
