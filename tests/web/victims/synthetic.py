"""The synthetic generator's lists, written to CSV and imported through the importer with
mappings made from the generator's own column names (as an operator would write them): the
demo's loader (:mod:`asylon.web.victims.demo`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from asylon.web.victims.demo import import_generated, mapping_for
from asylon.web.victims.importing import ImportReport

__all__ = ["import_synthetic", "mapping_for"]


def import_synthetic(dataset: Any, folder: Path, user: Any = None) -> list[ImportReport]:
    return import_generated(dataset, folder, user, "synthetic list")
