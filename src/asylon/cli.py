"""The ``asylon`` command: one entry point for every job.

``--format json`` output is stable and documented (docs/cli.md). Invalid input exits with
status 2, prints the field path and what was expected on standard error, and prints nothing on
standard output for that input.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import click

from asylon import __version__
from asylon.law import CaseFile, CaseFileError, CountryEvidence, LawNotInForce, assess
from asylon.law.determination import determination_json_schema
from asylon.law.explain import render_comparison, render_text
from asylon.law.facts import case_file_json_schema, parse_case_file

EXIT_INVALID = 2
SUFFIXES = {".json": "json", ".yaml": "yaml", ".yml": "yaml"}


def _dump(obj: Any, pretty: bool) -> str:
    if pretty:
        return json.dumps(obj, ensure_ascii=False, indent=2)
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def _iter_cases(inputs: tuple[str, ...]) -> Iterator[tuple[str, CaseFile | CaseFileError]]:
    """Yield (source, case or error) for files, directories and JSON lines on stdin (``-``)."""
    for item in inputs:
        if item == "-":
            for n, line in enumerate(sys.stdin, 1):
                if line.strip():
                    src = f"<stdin>:{n}"
                    try:
                        yield src, parse_case_file(line, "json", src)
                    except CaseFileError as err:
                        yield src, err
            continue
        path = Path(item)
        files = (
            sorted(p for p in path.iterdir() if p.suffix in SUFFIXES) if path.is_dir() else [path]
        )
        for f in files:
            try:
                text = f.read_text(encoding="utf-8")
            except OSError as exc:
                yield str(f), CaseFileError([("", f"cannot read file: {exc.strerror}")], str(f))
                continue
            fmt = SUFFIXES.get(f.suffix, "yaml")
            try:
                yield str(f), parse_case_file(text, fmt, str(f))  # type: ignore[arg-type]
            except CaseFileError as err:
                yield str(f), err


def _report(err: Exception) -> None:
    click.echo(f"error: {err}", err=True)


def _evidence(choice: str | None) -> CountryEvidence | None:
    """The country-evidence store: the one named, none, or the built default if it exists."""
    if choice == "none":
        return None
    from asylon.evidence.reading import StoreEvidence
    from asylon.evidence.store import StoreMissing, default_path

    path = Path(choice) if choice else default_path()
    if choice is None and not path.exists():
        return None
    try:
        return StoreEvidence(path)
    except StoreMissing as err:
        _report(err)
        sys.exit(EXIT_INVALID)


class _LazyGroup(click.Group):
    """A group whose commands from other modules are imported when they run (click's pattern
    for lazy subcommands): ``asylon manage`` need not load Numba, DuckDB or FollowTheMoney,
    about a second at every start."""

    def __init__(self, *args: Any, lazy: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = lazy  # command name -> "module:attribute"

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy and cmd_name not in self.commands:
            module, _, attribute = self.lazy[cmd_name].partition(":")
            self.add_command(getattr(importlib.import_module(module), attribute), cmd_name)
        return super().get_command(ctx, cmd_name)


@click.group(
    cls=_LazyGroup,
    lazy={
        "audit": "asylon.web.audit.commands:audit_group",
        "backup": "asylon.web.backup.commands:backup_group",
        "coi": "asylon.evidence.commands:coi_group",
        "estimate": "asylon.linkage.estimate.commands:estimate_cmd",
        "keys": "asylon.web.crypto.commands:keys_group",
        "register": "asylon.web.register.commands:register_group",
        "restore": "asylon.web.backup.commands:restore_cmd",
        "screen": "asylon.web.screening.commands:screen_cmd",
        "report": "asylon.documents.reports.commands:report_group",
        "victims": "asylon.web.victims.commands:victims_group",
    },
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(__version__, prog_name="asylon")
def main() -> None:
    """Asylon: asylum protection and accountability."""


@main.command("assess")
@click.argument("inputs", nargs=-1, required=True)
@click.option(
    "--jurisdiction", "-j", help="Override the file's jurisdiction: unhcr, eu, eu:de, ru."
)
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Override the decision date (YYYY-MM-DD): selects law and evidence.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["json", "text"]), default="json", show_default=True
)
@click.option("--compare", help="Assess the same facts under several profiles, e.g. unhcr,eu,ru.")
@click.option("--all-steps", is_flag=True, help="Text: include steps that do not apply.")
@click.option(
    "--evidence",
    "evidence_choice",
    default=None,
    help="Evidence store file, or 'none' (default: the built store, if there is one).",
)
def assess_cmd(
    inputs: tuple[str, ...],
    jurisdiction: str | None,
    as_of: Any,
    fmt: str,
    compare: str | None,
    all_steps: bool,
    evidence_choice: str | None,
) -> None:
    """Assess case files (files, directories, or JSON lines on stdin with '-').

    Several inputs print one determination per line (JSON lines)."""
    day: date | None = as_of.date() if as_of else None
    evidence = _evidence(evidence_choice)
    many = len(inputs) > 1 or inputs[0] == "-" or Path(inputs[0]).is_dir()
    failed = False
    first = True
    for src, case in _iter_cases(inputs):
        if isinstance(case, CaseFileError):
            _report(case)
            failed = True
            continue
        try:
            if compare:
                out = _compare(case, compare, day, fmt, many, evidence)
            else:
                det = assess(case, evidence, as_of=day, jurisdiction=jurisdiction).to_dict()
                out = (
                    render_text(det, all_steps=all_steps) if fmt == "text" else _dump(det, not many)
                )
        except (LawNotInForce, CaseFileError) as err:
            _report(CaseFileError([("", str(err))], src))
            failed = True
            continue
        if fmt == "text" and not first:
            click.echo("")
        click.echo(out)
        first = False
    if failed:
        sys.exit(EXIT_INVALID)


def _compare(
    case: CaseFile,
    profiles: str,
    day: date | None,
    fmt: str,
    many: bool,
    evidence: CountryEvidence | None,
) -> str:
    results: dict[str, dict[str, Any] | str] = {}
    for j in [p.strip() for p in profiles.split(",") if p.strip()]:
        try:
            checked = CaseFile.model_validate({**case.model_dump(by_alias=True), "jurisdiction": j})
            results[j] = assess(checked, evidence, as_of=day).to_dict()
        except LawNotInForce as err:
            results[j] = f"not in force: {err}"
        except ValueError as err:
            raise CaseFileError([("jurisdiction", str(err).splitlines()[-1].strip())]) from err
    if fmt == "text":
        return render_comparison(case.id, results)
    return _dump(
        {"format": "asylon.comparison/1", "case_id": case.id, "determinations": results}, not many
    )


@main.group("evidence")
def evidence_group() -> None:
    """Build and extend the country-evidence store (conflict events, recorded deaths)."""


@evidence_group.command("build")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Store file (default: var/evidence.duckdb or $ASYLON_EVIDENCE_DB).",
)
def evidence_build(out: Path | None) -> None:
    """Build the store from the data shipped in data/ (UCDP GED, VDC, OCHA, CBS)."""
    from asylon.evidence.store import build

    report = build(out)
    click.echo(f"evidence store {report.path} built in {report.seconds:.1f} s")
    for source, n in report.events.items():
        click.echo(f"  {source}: {n:,} events")
    click.echo(
        f"  placed in a governorate: {report.located_adm1:,}; in a district: "
        f"{report.located_adm2:,}"
    )


@evidence_group.command("import")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--kind", type=click.Choice(["ucdp", "acled"]), required=True)
@click.option("--source", "source", required=True, help="A short name for this source.")
@click.option("--title", default="", help="A human title for the source.")
@click.option("--store", type=click.Path(dir_okay=False, path_type=Path), default=None)
def evidence_import(csv_file: Path, kind: str, source: str, title: str, store: Path | None) -> None:
    """Add a UCDP GED release or your own ACLED export; all rows or none."""
    from asylon.evidence.importers import ImportFileError
    from asylon.evidence.store import StoreMissing, import_file

    try:
        n = import_file(csv_file, kind, source, title or source, store)
    except (ImportFileError, StoreMissing, ValueError) as err:
        _report(err)
        sys.exit(EXIT_INVALID)
    click.echo(f"imported {n:,} events from {csv_file.name} as source {source!r}")


@main.command("schema")
@click.argument("which", type=click.Choice(["case-file", "determination"]))
def schema_cmd(which: str) -> None:
    """Print the JSON Schema of the case file or of the determination."""
    schema = case_file_json_schema() if which == "case-file" else determination_json_schema()
    click.echo(_dump(schema, True))


@main.command("demo")
@click.option(
    "--examples",
    type=click.Path(exists=True, file_okay=False),
    default="examples",
    show_default=True,
)
def demo_cmd(examples: str) -> None:
    """Assess the example case files and print the determinations as text."""
    click.echo(f"Asylon {__version__} — assessing the examples in {examples}/\n")
    evidence = _evidence(None)
    if evidence is None:
        click.echo("(no evidence store: run 'asylon evidence build' for country evidence)\n")
    for _src, case in _iter_cases((examples,)):
        if isinstance(case, CaseFileError):
            _report(case)
            sys.exit(EXIT_INVALID)
        click.echo(render_text(assess(case, evidence).to_dict()))
        click.echo("\n" + "=" * 100 + "\n")
    click.echo(
        "Compare one case under every profile:\n  .venv/bin/asylon assess --compare "
        "unhcr,eu:de,ru --format text examples/opposition-activist-eu-2013.yaml"
    )


@main.command("manage", context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def manage_cmd(args: tuple[str, ...]) -> None:
    """Django management commands for the web application (migrate, createsuperuser, ...)."""
    import os

    from django.core.management import execute_from_command_line

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asylon.web.settings")
    execute_from_command_line(["asylon manage", *args])


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int)
def serve_cmd(host: str, port: int, workers: int) -> None:
    """Serve the web application with gunicorn (a production-grade WSGI server)."""
    import os

    from gunicorn.app.base import BaseApplication

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asylon.web.settings")
    from asylon.web.wsgi import application

    class _Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("accesslog", None)  # no request lines (URLs may carry personal data)
            self.cfg.set("preload_app", True)  # import once in the master, then fork

        def load(self) -> Any:
            return application

    click.echo(f"Asylon at http://{host}:{port}/en/ (Ctrl-C to stop)")
    _Server().run()


if __name__ == "__main__":  # pragma: no cover
    main()
