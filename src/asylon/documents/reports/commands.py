"""``asylon report``: publishable reports as HTML, PDF or JSON, in English, Russian or Arabic.

    asylon report asylum-practice --asylum-country RU,DE --origin SY --from 2011 --to 2025 \\
        --format pdf --lang ru --output ru-vs-de.pdf
    asylon report caseload --format html --lang ar [--team NAME] > caseload.html
    asylon report victims --format pdf --lang ar [--exact] --output victims.pdf

The report goes to standard output when no ``--output`` is named (PDF as bytes). Invalid
options exit with status 2 and an ``error: --option: ...`` line on standard error; the output
file is written only once the whole report is made (a temporary file renamed over it), so an
error leaves nothing behind and a failed run never truncates an earlier report.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import NoReturn

import click

from asylon.documents.errors import DocumentError
from asylon.documents.i18n import LANGUAGES
from asylon.documents.reports.rendering import render, translator
from asylon.web.commandline import setup_django

EXIT_INVALID = 2
FORMATS = ("html", "pdf", "json")


def fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(EXIT_INVALID)


def write(data: bytes, output: Path | None) -> None:
    """``data`` to ``output`` atomically, or to standard output."""
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, output)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _year(option: str, text: str | None, default: int) -> int:
    if text is None:
        return default
    value = text.strip()
    if not (value.isascii() and value.isdigit() and len(value) == 4):
        fail(f"{option}: expected a year such as 2011, got {text!r}")
    return int(value)


def countries(values: Sequence[str]) -> list[str]:
    """The ``--asylum-country`` values (repeated or comma lists) as ISO alpha-3 codes."""
    from asylon.stats.practice import country_code

    out: list[str] = []
    for value in values:
        for item in value.split(","):
            if not item.strip():
                continue
            try:
                code = country_code(item)
            except ValueError:
                fail(
                    f"--asylum-country: unknown country {item.strip()!r}: expected an ISO code "
                    "such as RU or DEU, or a country name"
                )
            if code not in out:
                out.append(code)
    if not out:
        fail("--asylum-country: name at least one country of asylum, e.g. RU or RU,DE")
    return out


def _origin(text: str) -> str:
    from asylon.documents.reports.practice_report import ORIGIN
    from asylon.stats.practice import country_code

    try:
        code = country_code(text)
    except ValueError:
        code = None
    if code != ORIGIN:
        fail(
            f"--origin: only Syria (SY) is available, from the UNHCR tables shipped in "
            f"data/unhcr-syria-asylum; got {text!r}"
        )
    return code


def output_options(command: Callable[..., None]) -> Callable[..., None]:
    """Every report's ``--format``, ``--lang`` and ``--output``."""
    for option in reversed(
        (
            click.option(
                "--format", "fmt", type=click.Choice(FORMATS), default="html", show_default=True
            ),
            click.option("--lang", type=click.Choice(LANGUAGES), default="en", show_default=True),
            click.option(
                "--output",
                "-o",
                type=click.Path(dir_okay=False, path_type=Path),
                default=None,
                help="File to write (default: standard output).",
            ),
        )
    ):
        command = option(command)
    return command


@click.group("report")
def report_group() -> None:
    """Publishable reports with summary figures, tables, charts, methods and sources."""


@report_group.command("asylum-practice")
@click.option(
    "--asylum-country",
    "asylum_countries",
    multiple=True,
    required=True,
    help="Country of asylum (ISO code or name); repeat it or give a comma list to compare.",
)
@click.option("--origin", default="SY", show_default=True, help="Country of origin (only SY).")
@click.option("--from", "first", default=None, help="First year (default 2011).")
@click.option("--to", "last", default=None, help="Last year (default: the latest in the data).")
@output_options
def asylum_practice_cmd(
    asylum_countries: tuple[str, ...],
    origin: str,
    first: str | None,
    last: str | None,
    fmt: str,
    lang: str,
    output: Path | None,
) -> None:
    """How countries of asylum decided Syrians' applications, from UNHCR's tables."""
    from asylon.documents.reports import practice_report
    from asylon.stats import unhcr

    _origin(origin)
    codes = countries(asylum_countries)
    tables = unhcr.load()
    known = sorted({r.year for r in tables.decisions})
    first_year = _year("--from", first, max(2011, known[0]))
    last_year = _year("--to", last, known[-1])
    for option, year in (("--from", first_year), ("--to", last_year)):
        if not known[0] <= year <= known[-1]:
            fail(f"{option}: the UNHCR tables cover {known[0]} to {known[-1]}, got {year}")
    if last_year < first_year:
        fail(f"--to: {last_year} is before --from {first_year}")
    for code in codes:
        if not any(
            r.country == code and first_year <= r.year <= last_year
            for table in (tables.decisions, tables.applications, tables.population)
            for r in table
        ):
            fail(
                f"--asylum-country: UNHCR's tables have no figure on Syrians in {code} "
                f"in {first_year}-{last_year}"
            )
    try:
        t = translator(lang)
        if fmt == "json":
            values = practice_report.as_json(tables, codes, first_year, last_year, t)
            data = (json.dumps(values, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
        else:
            doc = practice_report.build(tables, codes, first_year, last_year, t, today=date.today())
            data = render(practice_report.NAME, doc, t, fmt)  # type: ignore[arg-type]
    except DocumentError as err:
        fail(str(err))
    write(data, output)


@report_group.command("caseload")
@output_options
@click.option("--team", default=None, help="One team's cases (default: the whole organisation).")
def caseload_cmd(fmt: str, lang: str, output: Path | None, team: str | None) -> None:
    """The organisation's own figures from the case database, disclosure-controlled."""
    setup_django()
    from django.utils import translation

    from asylon.documents.reports import caseload_report

    try:
        figures = caseload_report.load(team)
    except caseload_report.UnknownTeam as err:
        fail(f"--team: {err}")
    try:
        t = translator(lang)
        if fmt == "json":
            data = (json.dumps(figures.to_dict(), ensure_ascii=False, indent=2) + "\n").encode(
                "utf-8"
            )
        else:
            with translation.override(lang):
                doc = caseload_report.build(figures, t, today=date.today(), team=team)
            data = render(caseload_report.NAME, doc, t, fmt)  # type: ignore[arg-type]
    except DocumentError as err:
        fail(str(err))
    write(data, output)


@report_group.command("victims")
@output_options
@click.option(
    "--exact",
    is_flag=True,
    help="Exact counts, for register staff only (default: disclosure-controlled, for publication).",
)
@click.option(
    "--strata",
    type=click.Choice(("governorate", "year")),
    default=None,
    help="Also estimate each governorate or year on its own (seconds per stratum).",
)
def victims_cmd(fmt: str, lang: str, output: Path | None, exact: bool, strata: str | None) -> None:
    """Unique persons of the latest linkage run, the source overlap and the estimate of the
    total with its interval, method and assumptions."""
    setup_django()
    from django.utils import translation

    from asylon.documents.reports import victims_report

    try:
        t = translator(lang)
        with translation.override(lang):
            figures, estimate = victims_report.load(exact, strata)
            if fmt == "json":
                doc = figures.to_dict()
                doc["estimate"] = estimate
                data = (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
            else:
                values = victims_report.build(figures, estimate, t, today=date.today())
                data = render(victims_report.NAME, values, t, fmt)  # type: ignore[arg-type]
    except DocumentError as err:
        fail(str(err))
    write(data, output)
