"""``asylon screen``: a stored case (``--case``), every case (``--all-cases``), or applicants in a
file (``--applicants FILE.csv|FILE.jsonl``, nothing stored) against the register.

The JSON output is a list of hits, each with ``applicant_id``, ``register_id``,
``register_name``, ``score`` (0-1), ``features`` and ``allegations`` (and ``kind``: person or
unit); only hits at or above the threshold unless ``--all``. CSV is flat: one row per hit,
features and allegations as JSON in their cells. Exit status 2 for bad input.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import click

from asylon.screening.score import DEFAULT_THRESHOLD
from asylon.web.commandline import setup_django

EXIT_INVALID = 2
CSV_COLUMNS = (
    "applicant_id",
    "kind",
    "register_id",
    "register_name",
    "score",
    "features",
    "allegations",
)


@click.command("screen")
@click.option("--case", "case_id", default=None, help="A stored case (its number, or case-N).")
@click.option("--all-cases", is_flag=True, help="Every stored case (batch mode).")
@click.option("--applicants", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Applicants in a CSV or JSON lines file (nothing about them is stored).")  # fmt: skip
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json")
@click.option(
    "--threshold", type=click.FloatRange(0, 1), default=DEFAULT_THRESHOLD, show_default=True
)
@click.option("--all", "all_hits", is_flag=True, help="Every candidate, whatever its score.")
def screen_cmd(
    case_id: str | None, all_cases: bool, applicants: Path | None, fmt: str, threshold: float,
    all_hits: bool,
) -> None:  # fmt: skip
    """Screen applicants against the accountability register: leads for a person to judge."""
    if sum(bool(x) for x in (case_id, all_cases, applicants)) != 1:
        click.echo("error: give one of --case, --all-cases or --applicants", err=True)
        sys.exit(EXIT_INVALID)
    setup_django()
    from asylon.web.screening import services
    from asylon.web.screening.applicants import ApplicantError, parse_applicants

    if applicants is not None:
        kind = "csv" if applicants.suffix.lower() == ".csv" else "jsonl"
        try:
            records = parse_applicants(applicants.read_text(encoding="utf-8"), kind)
        except ApplicantError as err:
            click.echo(f"error: {applicants.name}: {err}", err=True)
            sys.exit(EXIT_INVALID)
        hits = services.screen_records(records, threshold, all_hits)
    else:
        from asylon.web.cases.models import Case

        if case_id is not None:
            pk = case_id.removeprefix("case-")
            case = Case.objects.filter(pk=int(pk)).first() if pk.isdigit() else None
            if case is None:
                click.echo(f"error: no case {case_id!r}", err=True)
                sys.exit(EXIT_INVALID)
            runs = [services.screen_case(case, None, threshold)]
        else:
            runs = services.screen_batch(None, threshold)
        hits = [services.hit_dict(h) for run in runs for h in run.hits.all()]
    if fmt == "json":
        click.echo(json.dumps(hits, ensure_ascii=False, indent=2))
        return
    writer = csv.writer(sys.stdout)
    writer.writerow(CSV_COLUMNS)
    for h in hits:
        writer.writerow([
            h["applicant_id"], h["kind"], h["register_id"], h["register_name"], h["score"],
            json.dumps(h["features"], ensure_ascii=False),
            json.dumps(h["allegations"], ensure_ascii=False),
        ])  # fmt: skip
