"""Imports (FtM JSON lines, CSV with a column mapping, the starter register) and exports.

An import is all or nothing: every record is parsed and checked first (its own fields, the ids
it names, in the batch or already stored, a stored file for each evidence item), then all are
saved in one transaction. The first problem is reported with where it is (``line 12``,
``row 5``) and nothing is written. Saving a record identical to the stored one changes
nothing, so importing the same file twice (or loading the starter register again) is a no-op.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from asylon.faults import checkpoint
from asylon.register.csvmap import ColumnMapping, MappingError, records_from_rows
from asylon.register.loader import load_starter as read_starter
from asylon.register.loader import starter_dir
from asylon.register.models import EvidenceItem as CoreEvidence
from asylon.register.models import Record
from asylon.register.register import RecordError, Register
from asylon.web.audit.services import record as audit
from asylon.web.documents import storage
from asylon.web.register.models import MODELS
from asylon.web.register.records import _author, known_ids, save_record, to_core
from asylon.yamlfile import safe_load

__all__ = [
    "ImportFailed",
    "ImportReport",
    "export_ftm",
    "import_csv",
    "import_ftm",
    "import_records",
    "load_starter",
    "stored_register",
]


class ImportFailed(Exception):
    """An import that wrote nothing; the message names the line or row and what is wrong."""


@dataclass(frozen=True)
class ImportReport:
    created: int
    updated: int
    unchanged: int

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


def _located(problems: Iterable[str], where_of: dict[str, str]) -> list[str]:
    """Prefix each problem ``<record id>: ...`` with where that record came from."""
    out = []
    for problem in problems:
        record_id = problem.split(":", 1)[0]
        where = where_of.get(record_id)
        out.append(f"{where}: {problem}" if where else problem)
    return out


def import_records(items: list[tuple[str, Record]], user: Any, reason: str) -> ImportReport:
    """Save a batch of records, all or none. Raises :class:`ImportFailed`."""
    _author(user)  # refuses a user who is not documentation staff, before anything else
    where_of: dict[str, str] = {}
    for where, record in items:
        if record.id in where_of:
            raise ImportFailed(f"{where}: {record.id} is already at {where_of[record.id]}")
        where_of[record.id] = where
    register = Register(r for _w, r in items)
    refs = {target for r in register for _f, target, _t in r.references()}
    try:
        register.check(known_ids(refs - set(where_of)))
    except RecordError as err:
        raise ImportFailed(_located(err.problems, where_of)[0]) from None
    for record in register.of_type(CoreEvidence):
        if not storage.exists(record.sha256):
            raise ImportFailed(
                f"{where_of[record.id]}: {record.id}: no stored file has SHA-256 {record.sha256}"
            )
    created = updated = 0
    with transaction.atomic():
        stored = known_ids(where_of)
        for record in register:
            revisions_before = _revision_of(record)
            try:
                _row, changed = save_record(
                    record, user, reason, check=False, audited=False, stored=stored
                )
            except RecordError as err:
                raise ImportFailed(_located(err.problems, where_of)[0]) from None
            checkpoint("register-import")
            if changed:
                created += revisions_before == 0
                updated += revisions_before > 0
        report = ImportReport(created, updated, len(register) - created - updated)
        audit(user, "register_import", None, reason=reason, **report.__dict__)
    return report


def _revision_of(record: Record) -> int:
    row = MODELS[str(record.type)].objects.filter(record_id=record.id).only("revision").first()  # type: ignore[attr-defined]
    return row.revision if row is not None else 0


def import_ftm(lines: Iterable[str], user: Any, reason: str, name: str = "line") -> ImportReport:
    """Import FtM JSON lines (``name`` labels the lines in messages, e.g. ``file.ftm line``)."""
    # FollowTheMoney builds its schema model from YAML when imported (about a second): loaded
    # by the imports and exports that need it, not by every process that loads the URLs
    from asylon.register.ftm import FtmError, read_lines, register_from_ftm

    try:
        items = register_from_ftm(read_lines(lines, name))
    except FtmError as err:
        raise ImportFailed(str(err)) from None
    return import_records(items, user, reason)


def import_csv(text: str, mapping: Any, user: Any, reason: str) -> ImportReport:
    """Import CSV ``text`` through a column mapping (a dict, see :mod:`asylon.register.csvmap`)."""
    try:
        columns = ColumnMapping.from_dict(mapping)
        reader = csv.DictReader(io.StringIO(text, newline=""))
        items = records_from_rows(columns, reader.fieldnames or [], reader)
    except (MappingError, csv.Error) as err:
        raise ImportFailed(f"column mapping: {err}") from None
    except RecordError as err:
        raise ImportFailed(err.problems[0]) from None
    return import_records(items, user, reason)


def read_mapping(path: Path) -> Any:
    text = path.read_text(encoding="utf-8")
    return json.loads(text) if path.suffix == ".json" else safe_load(text)


def stored_register() -> Register:
    """Every stored record, as core records."""
    return Register(to_core(row) for model in MODELS.values() for row in model.objects.all())


def export_ftm() -> Iterator[str]:
    """The stored register as FtM JSON lines."""
    from asylon.register.ftm import dump_lines  # see import_ftm

    return dump_lines(stored_register())


def load_starter(user: Any = None, folder: Path | None = None) -> ImportReport:
    """Load the starter register (data/register): public allegations with their sources.
    Idempotent: records already stored as they are in the files are left alone."""
    try:
        register = read_starter(folder)
    except RecordError as err:
        raise ImportFailed("; ".join(err.problems)) from None
    folder = folder or starter_dir()
    items = [(f"{folder.name} {r.id}", r) for r in register]
    return import_records(items, user, f"starter register ({folder.name}/, public sources)")
