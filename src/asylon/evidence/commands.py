"""``asylon coi``: places, indicators, events, series and country guidance from the command line.

Every command has ``--format json`` (stable, documented in docs/cli.md). A place is a p-code,
a city code or a name in any script; an ambiguous name is an error listing the candidates, an
unknown one an error with the nearest names (exit status 2).
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click
import duckdb

from asylon.evidence import guidance, store
from asylon.evidence.gazetteer import Gazetteer, Place, PlaceError
from asylon.evidence.indicators import (
    Area,
    AreaError,
    Indicators,
    SourceFigures,
    compute,
    resolve_area,
)
from asylon.law.calendar import end_of_month

EXIT_INVALID = 2


class DayOrMonth(click.ParamType):  # type: ignore[type-arg]
    """A date (YYYY-MM-DD) or a whole month (YYYY-MM): (first day, is_month)."""

    name = "date"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> tuple[date, bool]:
        if isinstance(value, tuple):
            return value
        try:
            if len(value) == 7:
                return datetime.strptime(value, "%Y-%m").date(), True
            return date.fromisoformat(value), False
        except ValueError:
            self.fail(f"expected YYYY-MM-DD or YYYY-MM, got {value!r}", param, ctx)


DATE = DayOrMonth()


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(EXIT_INVALID)


def _area(query: str, kind: str | None, radius_km: float | None) -> Area:
    try:
        return resolve_area(query, kind, radius_km)
    except (PlaceError, AreaError) as err:
        _fail(
            str(err).replace("a radius", "--radius-km", 1)
            if isinstance(err, AreaError)
            else str(err)
        )
        raise  # unreachable


def _connect() -> duckdb.DuckDBPyConnection:
    try:
        return store.connect()
    except store.StoreMissing as err:
        _fail(str(err))
        raise


@click.group("coi")
def coi_group() -> None:
    """Country-of-origin information: how dangerous was this place on this date."""


@coi_group.command("places")
@click.argument("query")
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="text")
def places_cmd(query: str, fmt: str) -> None:
    """Places whose names match QUERY (any script), best first."""
    found = Gazetteer.load().search(query)
    if fmt == "json":
        click.echo(json.dumps([_place_dict(p) for p in found], ensure_ascii=False, indent=2))
        return
    for p in found:
        names = " / ".join(n for n in (p.name_en, p.name_ar, p.name_ru) if n)
        where = f" in {p.adm2 or p.adm1}" if (p.adm1 or p.adm2) else ""
        click.echo(f"{p.code:12} {p.kind:11} {names}{where}")


def _place_dict(p: Place) -> dict[str, Any]:
    return {
        "code": p.code,
        "kind": p.kind,
        "country": p.country,
        "name_en": p.name_en,
        "name_ar": p.name_ar,
        "name_ru": p.name_ru,
        "adm1": p.adm1,
        "adm2": p.adm2,
        "lat": p.lat,
        "lon": p.lon,
    }


def _area_options(f: Any) -> Any:
    f = click.option("--place", required=True, help="Name, p-code, city code or 'lat,lon'.")(f)
    f = click.option(
        "--kind",
        type=click.Choice(["governorate", "district", "city", "country"]),
        help="Settle an ambiguous name.",
    )(f)
    f = click.option("--radius-km", type=float, help="A radius around a city or point.")(f)
    f = click.option("--from", "start", type=DATE, required=True, help="YYYY-MM-DD or YYYY-MM")(f)
    return click.option(
        "--to", "end", type=DATE, required=True, help="YYYY-MM-DD, or YYYY-MM for the whole month"
    )(f)


@coi_group.command("indicators")
@_area_options
@click.option("--by", type=click.Choice(["day", "month"]), default=None)
@click.option("--format", "fmt", type=click.Choice(["json", "text", "csv"]), default="text")
def indicators_cmd(
    place: str,
    kind: str | None,
    radius_km: float | None,
    start: tuple[date, bool],
    end: tuple[date, bool],
    by: str | None,
    fmt: str,
) -> None:
    """Deaths, civilian deaths, events and breakdowns per source, with each source's coverage."""
    ind = _indicators(place, kind, radius_km, start, end, by)
    if fmt == "json":
        click.echo(json.dumps(ind.to_dict(), ensure_ascii=False, indent=2))
    elif fmt == "csv":
        click.echo(_csv(ind), nl=False)
    else:
        click.echo(_text(ind))


def _indicators(
    place: str,
    kind: str | None,
    radius_km: float | None,
    start: tuple[date, bool],
    end: tuple[date, bool],
    by: str | None,
) -> Indicators:
    """Resolve the area and period given on the command line and compute the indicators."""
    area = _area(place, kind, radius_km)
    first, last = _dates(start, end)
    return compute(_connect(), area, first, last, by)  # type: ignore[arg-type]


def _dates(start: tuple[date, bool], end: tuple[date, bool]) -> tuple[date, date]:
    first = start[0]
    last = end[0]
    if end[1]:  # a whole month
        last = end_of_month(last)
    if last < first:
        _fail(f"--to ({last}) is before --from ({first})")
    return first, last


def _text(ind: Indicators) -> str:
    lines = [f"{ind.area.label} ({ind.area.code}), {ind.start} to {ind.end} ({ind.days} days)"]
    for s in ind.sources:
        lines.append(f"\n{s.title} [{s.source}]")
        if s.covered == "none":
            lines.append(f"  no data: coverage {s.coverage[0]} to {s.coverage[1]}")
            continue
        if s.covered == "partial":
            lines.append(f"  partly covered: coverage {s.coverage[0]} to {s.coverage[1]}")
        rows = [
            ("events", s.events),
            ("deaths (best)", s.deaths_best),
            (
                "deaths (low-high)",
                None
                if s.deaths_low is None
                else f"{s.deaths_low:,.1f} - {s.deaths_high or 0:,.1f}",
            ),
            (
                "civilian deaths",
                "not recorded by this source" if s.civilian_deaths is None else s.civilian_deaths,
            ),
            ("days with a lethal event", s.lethal_days),
            ("deaths per 100,000", _rate(s)),
        ]
        for label, value in rows:
            if value is not None:
                shown = f"{value:,.1f}" if isinstance(value, float) else str(value)
                lines.append(f"  {label:26} {shown}")
        for title, table in (
            ("by type of violence", s.by_violence_type),
            ("one-sided violence, by perpetrator", s.one_sided_by_perpetrator),
            ("by side A - side B", s.by_side),
            ("by cause (VDC)", s.by_cause),
            ("series", s.series),
        ):
            if table:
                lines.append(f"  {title}:")
                lines += [f"    {k:40} {v:,.1f}" for k, v in table.items()]
        if s.caveat:
            lines.append(f"  note: {s.caveat}")
        lines.append(f"  source: {s.citation}")
    lines += ["", *(f"note: {n}" for n in ind.notes)]
    return "\n".join(lines)


def _rate(s: SourceFigures) -> str | None:
    if s.per_100k is None or s.population is None:
        return None
    pop = s.population
    return f"{s.per_100k:.2f} (population {pop['population']:,}, {pop['year']}, {pop['source']})"


def _csv(ind: Indicators) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["source", "covered", "measure", "key", "value"])
    for s in ind.sources:
        scalars = {
            "events": s.events,
            "deaths_best": s.deaths_best,
            "deaths_low": s.deaths_low,
            "deaths_high": s.deaths_high,
            "civilian_deaths": s.civilian_deaths,
            "lethal_days": s.lethal_days,
            "deaths_per_100k": s.per_100k,
        }
        for measure, value in scalars.items():
            w.writerow(
                [
                    s.source,
                    s.covered,
                    measure,
                    "",
                    "no data" if s.covered == "none" else ("" if value is None else value),
                ]
            )
        for measure, table in (
            ("by_violence_type", s.by_violence_type),
            ("one_sided_by_perpetrator", s.one_sided_by_perpetrator),
            ("by_side", s.by_side),
            ("by_cause", s.by_cause),
            ("series", s.series),
        ):
            for key, value in table.items():
                w.writerow([s.source, s.covered, measure, key, value])
    return buf.getvalue()


@coi_group.command("events")
@_area_options
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="text")
@click.option("--limit", type=int, default=200, show_default=True)
def events_cmd(
    place: str,
    kind: str | None,
    radius_km: float | None,
    start: Any,
    end: Any,
    fmt: str,
    limit: int,
) -> None:
    """The events themselves, each with its source texts."""
    area = _area(place, kind, radius_km)
    first, last = _dates(start, end)
    for event in _events(_connect(), area, first, last, limit):
        if fmt == "json":
            click.echo(json.dumps(event, ensure_ascii=False, default=str))
        else:
            click.echo(
                f"{event['date_start']} {event['source']}#{event['event_id']} "
                f"{event['dyad_name'] or event['event_type'] or ''}: {event['best']} deaths"
                f" ({event['deaths_civilians'] if event['deaths_civilians'] is not None else '?'}"
                f" civilians) at {event['where_coordinates'] or event['adm_2'] or ''}\n"
                f"    {event['source_office'] or ''} {event['source_date'] or ''}: "
                f"{event['source_headline'] or ''}"
            )


def _events(
    con: duckdb.DuckDBPyConnection, area: Area, first: date, last: date, limit: int
) -> Iterator[dict[str, Any]]:
    cond, args = area.where()
    cur = con.execute(
        f"SELECT * FROM events WHERE date_start <= ? AND date_end >= ? AND ({cond}) "
        f"ORDER BY date_start, source, event_id LIMIT ?",
        [last, first, *args, limit],
    )
    names = [d[0] for d in cur.description]
    for row in cur.fetchall():
        yield dict(zip(names, row, strict=True))


@coi_group.command("series")
@_area_options
@click.option("--by", type=click.Choice(["day", "month"]), default="month", show_default=True)
@click.option(
    "--plot",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also draw a chart (.png or .svg).",
)
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="csv")
def series_cmd(
    place: str,
    kind: str | None,
    radius_km: float | None,
    start: Any,
    end: Any,
    by: str,
    plot: Path | None,
    fmt: str,
) -> None:
    """Deaths per month (or day) for each source, side by side; optionally a chart."""
    ind = _indicators(place, kind, radius_km, start, end, by)
    if fmt == "json":
        click.echo(
            json.dumps(
                {s.source: s.series if s.covered != "none" else "no data" for s in ind.sources},
                indent=2,
            )
        )
    else:
        keys = sorted({k for s in ind.sources for k in s.series})
        w = csv.writer(sys.stdout)
        w.writerow([by, *(s.source for s in ind.sources)])
        for k in keys:
            w.writerow(
                [
                    k,
                    *(
                        "no data" if s.covered == "none" else s.series.get(k, 0)
                        for s in ind.sources
                    ),
                ]
            )
    area = ind.area
    if plot is not None:
        from asylon.evidence.charts import plot_series

        gaz = Gazetteer.load()
        names: list[str] = []
        if area.kind != "radius" or area.code in gaz:
            p = gaz.get(area.code)
            names = [n for n in (p.name_en, p.name_ar, p.name_ru) if n]
        try:
            plot_series(ind, plot, names)
        except ValueError as err:
            _fail(str(err))
        click.echo(f"chart written to {plot}", err=True)


@coi_group.command("guidance")
@click.option("--country", default="SY", show_default=True)
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), required=True)
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="text")
def guidance_cmd(country: str, as_of: Any, fmt: str) -> None:
    """The EUAA country guidance in force on a date, with its 15(c) levels per governorate."""
    version = guidance.guidance_for(country.upper(), as_of.date())
    if version is None:
        _fail(f"no country guidance for {country.upper()} in force on {as_of.date()}")
        return
    gaz = Gazetteer.load()
    levels = {
        code: guidance.level(version, code) for code in sorted(version.indiscriminate_violence)
    }
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "version": version.model_dump(mode="json"),
                    "levels": {c: (lv.value if lv else None) for c, (lv, _) in levels.items()},
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    click.echo(f"{version.title} — in force from {version.effective_from}")
    for code, (lv, _cite) in levels.items():
        click.echo(f"  {code} {gaz.get(code).name_en:16} {lv.value if lv else 'unknown'}")
