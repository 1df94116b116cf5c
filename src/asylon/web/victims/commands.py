"""``asylon victims``: import a source's list, link every record into persons, count them,
and write the source overlap for ``asylon estimate --overlap``.

The command line is the operator's: it sees exact counts (``counts --controlled`` applies the
researchers' disclosure control). An import that fails exits with status 2, names the file,
row and column, and writes nothing. Django is set up only when a command runs.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from asylon.web.commandline import setup_django, user_named

EXIT_INVALID = 2


@click.group("victims")
def victims_group() -> None:
    """Victim lists: import, link into persons, count, and the source overlap."""


@victims_group.command("import")
@click.argument("source")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--mapping", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Column mapping (YAML or JSON).")  # fmt: skip
@click.option("--description", default="", help="What the source is (kept with the source).")
@click.option("--user", "username", default=None, help="Record the import as this user.")
def import_cmd(
    source: str, file: Path, mapping: Path, description: str, username: str | None
) -> None:
    """Import FILE (CSV or XLSX) as the list of SOURCE; all or nothing. A source id already
    stored for SOURCE updates its record."""
    setup_django()
    from asylon.web.victims.importing import ImportFailed, import_list, read_mapping

    user = user_named(username)
    try:
        cols = read_mapping(mapping)
        with file.open("rb") as fh:
            report = import_list(source, fh, file.name, cols, user, description)
    except ImportFailed as err:
        for problem in err.problems:
            click.echo(f"error: {problem}", err=True)
        click.echo("nothing was imported", err=True)
        sys.exit(EXIT_INVALID)
    click.echo(f"imported {file.name} as {report.source}: {report}")


@victims_group.command("link")
@click.option("--threshold", default=None, type=click.FloatRange(0, 1, min_open=True, max_open=True),
              help="Link records whose match probability is at least this (default 0.5: more "
                   "likely one person than two; groups joined only when cohesive).")  # fmt: skip
@click.option("--seed", default=0, show_default=True, type=int)
@click.option("--estimate/--no-estimate", default=True, show_default=True,
              help="Also estimate the total from the run's overlap (kept with the run).")  # fmt: skip
@click.option("--user", "username", default=None, help="Record the run as this user.")
def link_cmd(threshold: float | None, seed: int, estimate: bool, username: str | None) -> None:
    """Link every stored record into persons, under every reviewer's judgement."""
    setup_django()
    from asylon.web.victims import jobs
    from asylon.web.victims.counts import estimate_for
    from asylon.web.victims.linking import DEFAULT_THRESHOLD, run_linkage

    try:
        with jobs.exclusive():
            jobs.write_status("running", threshold=threshold or DEFAULT_THRESHOLD)
            try:
                run = run_linkage(user_named(username), threshold or DEFAULT_THRESHOLD, seed)
            except ValueError as err:
                jobs.write_status("failed", error=str(err))
                raise
            except BaseException as err:
                # the kind of error only: a message could quote a record
                jobs.write_status("failed", error=type(err).__name__)
                raise
            jobs.write_status("done", run=run.pk)
            click.echo(
                f"linkage run {run.pk}: {run.n_records} records, {run.n_persons} persons, "
                f"{run.n_judgements} judgements applied, {len(run.refused)} merges refused"
            )
            if estimate:
                doc = estimate_for(run)
                click.echo(_estimate_line(doc))
    except (ValueError, jobs.Busy) as err:
        click.echo(f"error: {err}", err=True)
        sys.exit(EXIT_INVALID)


@victims_group.command("load-demo")
@click.option("--people", default=600, show_default=True, type=click.IntRange(10, 100_000),
              help="People in the generated population (some on no list).")  # fmt: skip
@click.option("--sources", default=3, show_default=True, type=click.IntRange(2, 5))
@click.option("--seed", default=2016, show_default=True, type=int)
def load_demo_cmd(people: int, sources: int, seed: int) -> None:
    """Generated, fictional victim lists for the demo, imported and linked (once: nothing
    happens when a victim list is stored already)."""
    setup_django()
    from asylon.web.victims import jobs
    from asylon.web.victims.counts import estimate_for
    from asylon.web.victims.demo import load_demo
    from asylon.web.victims.linking import run_linkage

    reports = load_demo(people, sources, seed)
    if not reports:
        click.echo("victim lists are stored already: the demo lists were not loaded")
        return
    for report in reports:
        click.echo(f"imported the generated list {report.source}: {report}")
    try:
        with jobs.exclusive():
            run = run_linkage(None, seed=0)
            jobs.write_status("done", run=run.pk)
    except jobs.Busy as err:
        click.echo(f"error: {err}", err=True)
        sys.exit(EXIT_INVALID)
    click.echo(f"linkage run {run.pk}: {run.n_records} records, {run.n_persons} persons")
    click.echo(_estimate_line(estimate_for(run)))


def _estimate_line(doc: dict[str, Any]) -> str:
    if not doc.get("identified"):
        reasons = "; ".join(doc.get("reasons") or []) or "not identified"
        return f"estimate: none ({reasons})"
    return (
        f"estimate ({doc['method']}): {doc['median']:,.0f}, 95% interval "
        f"{doc['lower']:,.0f} - {doc['upper']:,.0f} ({doc['observed']:,} recorded)"
    )


@victims_group.command("counts")
@click.option("--by", "by", multiple=True,
              type=click.Choice(["year", "month", "governorate", "cause", "status", "event"]),
              help="Which tables (repeat); default all.")  # fmt: skip
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("--controlled", is_flag=True, help="Apply the researchers' disclosure control.")
def counts_cmd(by: tuple[str, ...], fmt: str, controlled: bool) -> None:
    """Unique persons of the latest linkage run, by period, governorate, cause, status, and
    the source overlap."""
    setup_django()
    from asylon.web.victims.counts import DIMENSIONS, figures
    from asylon.web.victims.linking import latest_run

    run = latest_run()
    if run is None:
        click.echo("error: no linkage run yet (asylon victims link)", err=True)
        sys.exit(EXIT_INVALID)
    found = figures(run, controlled, by or tuple(DIMENSIONS))
    if fmt == "json":
        doc = found.to_dict()
        doc["estimate"] = run.estimate
        click.echo(json.dumps(doc, ensure_ascii=False, indent=2))
        return
    click.echo(f"linkage run {run.pk} ({run.created_at:%Y-%m-%d %H:%M}): {run.n_persons} persons")
    for t in [*found.tables.values(), found.overlap]:
        click.echo(f"\n{t.title}")
        for label, cell in t.lines():
            click.echo(f"  {label:<40} {cell.to_json():>8}")
        if t.table.column_totals:
            click.echo(f"  {'total':<40} {t.table.column_totals[0].to_json():>8}")
    if controlled:
        for note in found.overlap.table.notes:
            click.echo(f"\n{note}")
    if run.estimate:
        click.echo("\n" + _estimate_line(run.estimate))


@victims_group.command("overlap")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Write the overlap CSV here (one 0/1 column per source, then count).")  # fmt: skip
@click.option("--strata", type=click.Choice(["governorate", "year"]), default=None,
              help="One table per governorate or year, in a column of that name "
                   "(asylon estimate --strata NAME).")  # fmt: skip
def overlap_cmd(out: Path, strata: str | None) -> None:
    """The latest run's source overlap, as `asylon estimate --overlap FILE.csv` reads it."""
    setup_django()
    from asylon.web.victims.counts import (
        overlap,
        overlap_csv,
        overlap_strata_csv,
        person_facts,
        sources_of,
    )
    from asylon.web.victims.linking import latest_run

    run = latest_run()
    if run is None:
        click.echo("error: no linkage run yet (asylon victims link)", err=True)
        sys.exit(EXIT_INVALID)
    sources = sources_of(run)
    persons = person_facts(run)
    rows = overlap(persons, sources)
    if strata is None:
        out.write_text(overlap_csv(rows, sources), encoding="utf-8")
    else:
        try:
            out.write_text(overlap_strata_csv(persons, sources, strata), encoding="utf-8")
        except ValueError as err:
            click.echo(f"error: {err}", err=True)
            sys.exit(EXIT_INVALID)
    from asylon.web.audit.services import record

    record(None, "victims_export_overlap", run, run=run.pk, lists=len(sources), by="command line")
    click.echo(f"wrote {out}: {len(sources)} lists, {sum(n for _, n in rows):,} persons")


@victims_group.command("reindex")
def reindex_cmd() -> None:
    """Recompute the records' name digests under the current blind-index key (run after
    `asylon keys rotate-index`, before retiring the old index key)."""
    setup_django()
    from asylon.web.victims.names import reindex_all_records

    click.echo(f"{reindex_all_records()} victim records re-indexed")
