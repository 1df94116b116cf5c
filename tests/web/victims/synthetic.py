"""The synthetic generator's lists, written to CSV and imported through the importer with
mappings made from the generator's own column names (as an operator would write them)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from asylon.web.victims.importing import ImportReport, import_list
from asylon.web.victims.mapping import VictimMapping


def mapping_for(generated: Path) -> VictimMapping:
    """The generator writes ``column -> field``; our mapping is ``field -> column``."""
    columns = json.loads(generated.read_text(encoding="utf-8"))
    return VictimMapping.from_dict({"columns": {field: col for col, field in columns.items()}})


def import_synthetic(dataset: Any, folder: Path, user: Any = None) -> list[ImportReport]:
    paths = dataset.write_csv(folder)
    reports = []
    for path in paths:
        if not path.name.endswith(".csv"):
            continue
        source = path.stem
        cols = mapping_for(folder / f"{source}.mapping.json")
        with path.open("rb") as fh:
            reports.append(import_list(source, fh, path.name, cols, user, "synthetic list"))
    return reports
