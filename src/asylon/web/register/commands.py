"""``asylon register``: import, export, verify and load the starter register.

Imports are all or nothing and name the line or row that failed (exit status 2, nothing
written). ``verify`` exits with status 1 and names each mismatch. Django is set up only when
a command runs, so the ``asylon`` command starts fast.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from asylon.web.commandline import setup_django, user_named

EXIT_INVALID = 2
EXIT_MISMATCH = 1


@click.group("register")
def register_group() -> None:
    """The accountability register: import, export, verify, add evidence, load the starter."""


@register_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["ftm", "csv"]), default=None,
              help="ftm (JSON lines) or csv; default from the file name (.csv is csv).")  # fmt: skip
@click.option("--mapping", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="CSV column mapping (YAML or JSON); required for csv.")  # fmt: skip
@click.option("--user", "username", default=None, help="Record the revisions as this user.")
@click.option("--reason", default=None, help="Why (kept with every revision).")
def import_cmd(
    file: Path, fmt: str | None, mapping: Path | None, username: str | None, reason: str | None
) -> None:
    """Import records from FtM JSON lines or CSV; all or nothing."""
    setup_django()
    from django.core.exceptions import PermissionDenied

    from asylon.web.register.transfer import ImportFailed, import_csv, import_ftm, read_mapping

    fmt = fmt or ("csv" if file.suffix.lower() == ".csv" else "ftm")
    why = reason or f"import of {file.name}"
    user = user_named(username)
    try:
        if fmt == "csv":
            if mapping is None:
                raise ImportFailed("a CSV import needs --mapping FILE")
            text = file.read_text(encoding="utf-8-sig")
            report = import_csv(text, read_mapping(mapping), user, why)
        else:
            with file.open(encoding="utf-8") as fh:
                report = import_ftm(fh, user, why, name=f"{file.name} line")
    except (ImportFailed, PermissionDenied, UnicodeDecodeError) as err:
        click.echo(f"error: {err}; nothing was imported", err=True)
        sys.exit(EXIT_INVALID)
    click.echo(f"imported {file.name}: {report}")


@register_group.command("add-evidence")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--title", required=True, help="What the file is.")
@click.option(
    "--kind",
    required=True,
    help="testimony, document, photo, video, ... (the register's vocabulary).",
)
@click.option(
    "--related", "related", multiple=True, help="A record id the file documents (repeat)."
)
@click.option("--received-from", default="", help="Who handed the file over (custody log).")
@click.option("--reason", required=True, help="Why it is taken in (revision and custody log).")
@click.option("--user", "username", default=None, help="Record it as this user.")
def add_evidence_cmd(
    file: Path,
    title: str,
    kind: str,
    related: tuple[str, ...],
    received_from: str,
    reason: str,
    username: str | None,
) -> None:
    """Take a file in as an evidence item: SHA-256 at ingest, a draft record, custody 'received'."""
    setup_django()
    import uuid

    from asylon.register.register import RecordError
    from asylon.web.documents.validation import sniff
    from asylon.web.register.evidence import ingest_evidence
    from asylon.web.register.evidence_views import UNKNOWN_TYPE

    user = user_named(username)
    with file.open("rb") as fh:
        media_type = sniff(fh) or UNKNOWN_TYPE
        try:
            row = ingest_evidence(
                iter(lambda: fh.read(1 << 20), b""),
                record_id=f"evidence-{uuid.uuid4().hex[:12]}",
                title=title,
                kind=kind,
                media_type=media_type,
                user=user,
                reason=reason,
                received_from=received_from,
                file_name=file.name[:300],
                related_ids=related,
            )
        except (RecordError, ValueError) as err:
            click.echo(f"error: {file.name}: {err}; nothing was kept", err=True)
            sys.exit(EXIT_INVALID)
    click.echo(
        f"evidence item {row.record_id}: sha256 {row.file_sha256}, {row.size} bytes, {media_type}"
    )


@register_group.command("export")
@click.option("--format", "fmt", type=click.Choice(["ftm"]), default="ftm", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file (default: standard output).")  # fmt: skip
def export_cmd(fmt: str, output: Path | None) -> None:
    """Export the whole register as FollowTheMoney JSON lines."""
    setup_django()
    from asylon.web.audit.services import record
    from asylon.web.register.transfer import export_ftm

    lines = list(export_ftm())
    # a bulk export of allegations against named people: audited (by count, from the command line)
    record(None, "register_export", None, entities=len(lines), to_file=output is not None)
    if output is None:
        for line in lines:
            click.echo(line)
        return
    with output.open("w", encoding="utf-8") as fh:
        for line in lines:
            fh.write(line + "\n")
    click.echo(f"exported {len(lines)} entities to {output}", err=True)


@register_group.command("verify")
def verify_cmd() -> None:
    """Re-hash every record version, evidence file and custody log; name each mismatch."""
    setup_django()
    from asylon.web.register.integrity import verify_register

    report = verify_register()
    for problem in report.problems:
        click.echo(problem)
    summary = (
        f"{report.records} records, {report.revisions} revisions, {report.files} evidence "
        f"files, {report.custody_entries} custody entries"
    )
    if not report.ok:
        click.echo(f"register verify: {len(report.problems)} mismatches ({summary})", err=True)
        sys.exit(EXIT_MISMATCH)
    click.echo(f"register verified: {summary}; every hash matches")


@register_group.command("load-starter")
@click.option("--user", "username", default=None, help="Record the revisions as this user.")
def load_starter_cmd(username: str | None) -> None:
    """Load the starter register of public allegations (data/register); idempotent."""
    setup_django()
    from asylon.web.register.transfer import ImportFailed, load_starter

    try:
        report = load_starter(user_named(username))
    except ImportFailed as err:
        click.echo(f"error: {err}; nothing was loaded", err=True)
        sys.exit(EXIT_INVALID)
    click.echo(f"starter register: {report}")
