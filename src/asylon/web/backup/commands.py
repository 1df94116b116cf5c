"""``asylon backup`` and ``asylon restore``.

``asylon backup [--output FILE] [--key-file FILE]`` writes an encrypted archive of the database
and the stored documents; ``asylon backup keygen FILE`` makes a key; ``asylon backup verify
FILE`` decrypts and checks an archive without restoring it; ``asylon restore FILE [--force]``
restores one. The key comes from ``--key-file`` or ``ASYLON_BACKUP_KEY_FILE``; without one
nothing runs. Failures print ``error: ...`` on standard error and exit with status 1.
``--format json`` prints one stable JSON object (see docs/operations/backup.md).
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from asylon.web.backup.errors import BackupError
from asylon.web.commandline import setup_django

EXIT_FAILED = 1
_KEY_HELP = "The 32-byte backup key (default: $ASYLON_BACKUP_KEY_FILE)."
_FORMAT = click.Choice(["text", "json"])


def _fail(err: Exception) -> None:
    click.echo(f"error: {err}", err=True)
    sys.exit(EXIT_FAILED)


def _summary(manifest: dict[str, Any]) -> dict[str, Any]:
    db, docs = manifest["database"], manifest["documents"]
    return {
        "created_at": manifest["created_at"],
        "asylon_version": manifest["asylon_version"],
        "vendor": db["vendor"],
        "tables": len(db["tables"]),
        "rows": sum(db["tables"].values()),
        "migrations": len(db["migrations"]),
        "documents": docs["count"],
        "document_bytes": docs["bytes"],
        "missing_documents": len(docs.get("missing", [])),
    }


def _migration_notes(manifest: dict[str, Any]) -> list[str]:
    """How the backup's migration state compares with this Asylon's migrations."""
    from django.db.migrations.loader import MigrationLoader

    known = {f"{app}.{name}" for app, name in MigrationLoader(None).disk_migrations}
    applied = set(manifest["database"]["migrations"])
    notes = []
    if known - applied:
        notes.append(
            f"the backup predates {len(known - applied)} migrations of this Asylon: "
            "run `asylon manage migrate`"
        )
    if applied - known:
        notes.append(
            f"the backup has {len(applied - known)} migrations this Asylon does not know: it "
            "was made by a newer version"
        )
    return notes


def _default_output() -> Path:
    from asylon.paths import var_dir

    folder = var_dir() / "backups"
    folder.mkdir(mode=0o700, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return folder / f"asylon-{stamp}.asylon-backup"


def _inside_git_work_tree(path: Path) -> bool:
    return any((parent / ".git").exists() for parent in path.resolve().parents)


@click.group("backup", invoke_without_command=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Archive to write (default var/backups/asylon-<UTC time>.asylon-backup).")  # fmt: skip
@click.option("--key-file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=_KEY_HELP)  # fmt: skip
@click.option("--format", "fmt", type=_FORMAT, default="text", show_default=True)
@click.pass_context
def backup_group(ctx: click.Context, output: Path | None, key_file: Path | None, fmt: str) -> None:
    """Write an encrypted, consistent backup of the database and the stored documents."""
    if ctx.invoked_subcommand is not None:
        return
    from asylon.web.backup.crypto import load_key

    try:
        key = load_key(key_file)
        setup_django()
        from asylon.paths import var_dir
        from asylon.web.backup.archive import create_backup
        from asylon.web.backup.database import Database
        from asylon.web.documents.storage import documents_dir

        target = output or _default_output()
        manifest = create_backup(target, key, Database.from_django(), documents_dir(), var_dir())
    except BackupError as err:
        _fail(err)
    summary = {"file": str(target.resolve()), "size": target.stat().st_size, **_summary(manifest)}
    if fmt == "json":
        click.echo(json.dumps(summary, ensure_ascii=False))
        return
    click.echo(
        f"backup written to {summary['file']} ({summary['size']:,} bytes, encrypted): "
        f"{summary['vendor']} database, {summary['tables']} tables, {summary['rows']:,} rows; "
        f"{summary['documents']} documents ({summary['document_bytes']:,} bytes)"
    )
    if summary["missing_documents"]:
        click.echo(
            f"warning: {summary['missing_documents']} documents named by the database are "
            "missing from the document store (not in this backup)",
            err=True,
        )


@backup_group.command("keygen")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def keygen_cmd(file: Path) -> None:
    """Write a new random backup key to FILE (mode 0600; never overwrites)."""
    from asylon.web.backup.crypto import key_id, write_key

    if _inside_git_work_tree(file):
        _fail(BackupError(f"{file} is inside a git work tree: keep the key out of repositories"))
    try:
        key = write_key(file)
    except BackupError as err:
        _fail(err)
    click.echo(
        f"key written to {file} (key id {key_id(key).hex()}); keep a copy apart from the "
        "backups: without it no backup can be restored"
    )


@backup_group.command("verify")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--key-file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=_KEY_HELP)  # fmt: skip
@click.option("--format", "fmt", type=_FORMAT, default="text", show_default=True)
def verify_cmd(file: Path, key_file: Path | None, fmt: str) -> None:
    """Decrypt and check an archive (authentication, hashes, manifest) without restoring."""
    from asylon.web.backup.crypto import load_key

    try:
        key = load_key(key_file)
        from asylon.paths import var_dir
        from asylon.web.backup.archive import verify_backup

        manifest = verify_backup(file, key, var_dir())
    except BackupError as err:
        _fail(err)
    summary = {"file": str(file), "ok": True, **_summary(manifest)}
    if fmt == "json":
        click.echo(json.dumps(summary, ensure_ascii=False))
        return
    click.echo(
        f"{file}: authentic and complete; {summary['vendor']} backup of "
        f"{summary['created_at']}, {summary['tables']} tables, {summary['rows']:,} rows, "
        f"{summary['documents']} documents"
    )


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--key-file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=_KEY_HELP)  # fmt: skip
@click.option("--force", is_flag=True, help="Replace the content of a database that holds data.")
@click.option("--format", "fmt", type=_FORMAT, default="text", show_default=True)
def restore_cmd(file: Path, key_file: Path | None, force: bool, fmt: str) -> None:
    """Restore an encrypted backup into the configured database and document store."""
    from asylon.web.backup.crypto import load_key

    try:
        key = load_key(key_file)
        setup_django()
        from asylon.paths import var_dir
        from asylon.web.backup.archive import restore_backup
        from asylon.web.backup.database import SQLITE, Database
        from asylon.web.documents.storage import documents_dir

        target = Database.from_django()
        work = Path(target.name).parent if target.vendor == SQLITE else var_dir()
        if target.name.startswith("file:"):
            work = var_dir()
        report = restore_backup(file, key, target, documents_dir(), work, force=force)
    except BackupError as err:
        _fail(err)
    notes = report.notes + _migration_notes(report.manifest)
    summary = {
        **_summary(report.manifest),
        "documents_written": report.documents_written,
        "notes": notes,
    }
    if fmt == "json":
        click.echo(json.dumps(summary, ensure_ascii=False))
        return
    click.echo(
        f"restored the {summary['vendor']} backup of {summary['created_at']}: "
        f"{summary['tables']} tables, {summary['rows']:,} rows (counts verified), "
        f"{summary['documents']} documents ({report.documents_written} written, hashes "
        "verified)"
    )
    for note in notes:
        click.echo(f"note: {note}")
