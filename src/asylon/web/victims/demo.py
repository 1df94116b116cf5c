"""Fictional victim lists for the demo: the seeded generator's lists of
:mod:`asylon.linkage.records.synthetic`, written as CSV files with each source's own column
names, imported through the importer with mappings an operator would write, then linked.

No real person is in them: names are drawn from the name data, places from the gazetteer.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from asylon.web.victims.importing import ImportReport, import_list
from asylon.web.victims.mapping import VictimMapping

DESCRIPTION = "generated, fictional (asylon victims load-demo)"


def mapping_for(generated: Path) -> VictimMapping:
    """The generator writes ``column -> field``; a mapping is ``field -> column``."""
    columns = json.loads(generated.read_text(encoding="utf-8"))
    return VictimMapping.from_dict({"columns": {field: col for col, field in columns.items()}})


def import_generated(
    dataset: Any, folder: Path, user: Any = None, description: str = DESCRIPTION
) -> list[ImportReport]:
    """Write ``dataset``'s lists into ``folder`` and import each with its mapping."""
    reports = []
    for path in dataset.write_csv(folder):
        if path.suffix != ".csv":
            continue
        mapping = mapping_for(folder / f"{path.stem}.mapping.json")
        with path.open("rb") as fh:
            reports.append(import_list(path.stem, fh, path.name, mapping, user, description))
    return reports


def load_demo(people: int, sources: int, seed: int) -> list[ImportReport]:
    """Generate and import the demo's lists (nothing when any victim list is stored already)."""
    from asylon.linkage.records.synthetic import generate
    from asylon.web.victims.models import VictimSource

    if VictimSource.objects.exists():
        return []
    dataset = generate(people, sources, seed=seed)
    with tempfile.TemporaryDirectory(prefix="asylon-victims-demo-") as tmp:
        return import_generated(dataset, Path(tmp))
