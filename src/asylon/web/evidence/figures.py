"""What the place page shows, read from the evidence store: the indicators per source, the
monthly chart and one page of the events with their source texts.

The store may be missing (never built on this server) or unreadable (a broken or half-copied
file): every read goes through :func:`reading_store`, which turns either into
:class:`StoreUnavailable` so the page says what an administrator runs instead of failing.
The chart is an SVG in a ``data:`` URI shown by an ``<img>``: the Content-Security-Policy
allows images from ``data:`` but no inline style, and matplotlib's SVG carries a ``<style>``
element, so it is never inlined in the page.
"""

from __future__ import annotations

import base64
import logging
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import duckdb
from django.utils.translation import gettext_lazy as _

from asylon.evidence import boundaries, store
from asylon.evidence.gazetteer import Gazetteer, Place, PlaceError, place_names
from asylon.evidence.indicators import Area, Indicators, SourceFigures, compute
from asylon.web.evidence.names import place_name

log = logging.getLogger(__name__)

EVENTS_PER_PAGE = 50
CHART_LANGUAGES = ("en", "ru", "ar")
VIOLENCE_LABELS: dict[str, Any] = {
    "state-based": _("state-based armed conflict"),
    "non-state": _("fighting between non-state groups"),
    "one-sided": _("one-sided violence against civilians"),
}
VIOLENCE_CODES = {1: "state-based", 2: "non-state", 3: "one-sided"}
_URL = re.compile(r"^https?://\S+$")


class StoreUnavailable(Exception):
    """The evidence store is not built (``missing``) or cannot be read (``unreadable``)."""

    def __init__(self, reason: Literal["missing", "unreadable"]) -> None:
        super().__init__(reason)
        self.reason = reason


@contextmanager
def reading_store() -> Iterator[None]:
    """Turn a missing or unreadable store, at connection or query time, into StoreUnavailable."""
    try:
        yield
    except store.StoreMissing as err:
        raise StoreUnavailable("missing") from err
    except (duckdb.Error, OSError) as err:
        log.warning("the evidence store cannot be read: %s", err)
        raise StoreUnavailable("unreadable") from err


@contextmanager
def connection() -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the store, closed afterwards."""
    with reading_store():
        con = store.connect()
        try:
            yield con
        finally:
            con.close()


@dataclass(frozen=True)
class SourceInfo:
    source: str
    title: str
    citation: str
    coverage_from: date | None
    coverage_to: date | None
    caveat: str


def sources(con: duckdb.DuckDBPyConnection) -> list[SourceInfo]:
    """The sources in the store with their coverage, as the form page lists them."""
    rows = con.execute(
        "SELECT source, title, citation, coverage_from, coverage_to, coalesce(caveat, '') "
        "FROM sources ORDER BY source"
    ).fetchall()
    return [SourceInfo(*row) for row in rows]


def governorate_of(area: Area) -> Place | None:
    """The governorate the assessment would read for this area (None for the whole country)."""
    gazetteer = Gazetteer.load()
    code: str | None = None
    if area.kind == "governorate":
        code = area.code
    elif area.code in gazetteer and area.kind != "country":
        place = gazetteer.get(area.code)
        code = place.adm1 or (place.code if place.kind == "governorate" else None)
    elif area.kind == "radius" and area.lat is not None and area.lon is not None:
        code = boundaries.assign([area.lat], [area.lon], [1])[0][0]
    return gazetteer.get(code) if code else None


# --- indicators -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One source's figures, with its breakdowns as (translated title, rows) for the page."""

    f: SourceFigures
    breakdowns: list[tuple[str, list[tuple[str, float]]]] = field(default_factory=list)


def _round(value: float | None, digits: int = 1) -> float | None:
    """Sums of shares of multi-day events carry float noise (355.99999): shown rounded."""
    return None if value is None else round(value, digits)


def columns(ind: Indicators) -> list[Column]:
    out = []
    for f in ind.sources:
        f = replace(
            f,
            deaths_best=_round(f.deaths_best),
            deaths_low=_round(f.deaths_low),
            deaths_high=_round(f.deaths_high),
            civilian_deaths=_round(f.civilian_deaths),
            per_100k=_round(f.per_100k, 2),
        )
        tables = [
            (
                _("By type of violence"),
                [(str(VIOLENCE_LABELS.get(k, k)), v) for k, v in f.by_violence_type.items()],
            ),
            (_("One-sided violence, by perpetrator"), list(f.one_sided_by_perpetrator.items())),
            (_("By the two sides (largest first)"), list(f.by_side.items())),
            (_("By cause of death"), list(f.by_cause.items())),
        ]
        shown = [(str(t), [(k, round(v, 1)) for k, v in rows]) for t, rows in tables if rows]
        out.append(Column(f, shown))
    return out


# --- the monthly chart --------------------------------------------------------------------------


@dataclass(frozen=True)
class Chart:
    uri: str
    start: date
    end: date
    sources: list[SourceFigures]
    # each month (its first day) with one value per charted source (None: not covered)
    months: list[tuple[date, list[float | None]]]
    charted: list[SourceFigures]

    @property
    def source_titles(self) -> str:
        return "; ".join(f.title for f in self.sources)


def chart_start(on: date) -> date:
    """The first day of the twelfth month back: the chart's 12 months end on ``on``."""
    month = on.year * 12 + on.month - 1 - 11
    return date(month // 12, month % 12 + 1, 1)


def chart(area: Area, on: date, lang: str) -> Chart:
    """Deaths per month per source over the 12 months ending on ``on`` (the last month counts
    up to ``on``), drawn by :func:`asylon.evidence.charts.plot_series`. Kept for the same
    store file, so paging through the events does not draw it again."""
    with reading_store():
        path = store.default_path()
        if not path.exists():
            raise store.StoreMissing(str(path))
        stat = path.stat()
        return _chart(str(path), (stat.st_mtime_ns, stat.st_size), area, on, lang)


@lru_cache(maxsize=32)
def _chart(path: str, stamp: tuple[int, int], area: Area, on: date, lang: str) -> Chart:
    # Matplotlib loads when a chart is drawn (about a second), not in every process that
    # loads the URLs (each management command does, for Django's checks)
    from asylon.evidence.charts import monthly_series, plot_series

    start = chart_start(on)
    con = store.connect(Path(path))
    try:
        ind = compute(con, area, start, on, "month")
    finally:
        con.close()
    gazetteer = Gazetteer.load()
    names: tuple[str, ...] = ()
    if area.kind != "radius" and area.code in gazetteer:
        names = place_names(gazetteer.get(area.code), lang)
    with tempfile.TemporaryDirectory(prefix="asylon-chart-") as folder:
        drawn = plot_series(
            ind, Path(folder) / "chart.svg", names, lang if lang in CHART_LANGUAGES else "en"
        )
        data = drawn.read_bytes()
    months, series = monthly_series(ind)
    charted = [f for f in ind.sources if f.source in series]
    rows = [
        (date(int(m[:4]), int(m[5:7]), 1), [_round(series[f.source][i]) for f in charted])
        for i, m in enumerate(months)
    ]
    uri = "data:image/svg+xml;base64," + base64.b64encode(data).decode("ascii")
    return Chart(uri, start, on, ind.sources, rows, charted)


# --- the events -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    """One report an event rests on, as its source records it."""

    outlet: str
    on: date | None
    on_text: str  # the source's date as written, where it is not a date
    headline: str
    url: str


@dataclass(frozen=True)
class EventRow:
    source: str
    source_title: str
    event_id: str
    start: date
    end: date
    where: str
    district: str
    governorate: str
    kind: str
    sides: str
    best: int | None
    low: int | None
    high: int | None
    civilians: int | None
    reports: list[Report]

    @property
    def shows_range(self) -> bool:
        """Whether the low and high estimates differ from the best one."""
        return (
            self.low is not None
            and self.high is not None
            and (self.low, self.high)
            != (
                self.best,
                self.best,
            )
        )

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class EventPage:
    rows: list[EventRow]
    total: int
    number: int
    pages: int
    first_index: int

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.pages else None

    @property
    def last_index(self) -> int:
        return self.first_index + len(self.rows) - 1


_EVENT_COLUMNS = (
    "source, event_id, date_start, date_end, type_of_violence, event_type, dyad_name, side_a, "
    "side_b, where_coordinates, adm1, adm2, best, low, high, deaths_civilians, source_office, "
    "source_date, source_headline, source_article"
)


def events(
    con: duckdb.DuckDBPyConnection,
    area: Area,
    start: date,
    end: date,
    page: int,
    lang: str,
    titles: dict[str, str],
) -> EventPage:
    """One page of the events in ``area`` that overlap the period, latest first."""
    cond, args = area.where()
    where = f"FROM events WHERE date_start <= ? AND date_end >= ? AND ({cond})"
    params: list[Any] = [end, start, *args]
    row = con.execute(f"SELECT count(*) {where}", params).fetchone()
    total = int(row[0]) if row else 0
    pages = max(1, -(-total // EVENTS_PER_PAGE))
    number = min(max(page, 1), pages)
    offset = (number - 1) * EVENTS_PER_PAGE
    found = con.execute(
        f"SELECT {_EVENT_COLUMNS} {where} "
        "ORDER BY date_start DESC, best DESC, source, event_id LIMIT ? OFFSET ?",
        [*params, EVENTS_PER_PAGE, offset],
    ).fetchall()
    gazetteer = Gazetteer.load()
    rows = [_event_row(r, gazetteer, lang, titles) for r in found]
    return EventPage(rows, total, number, pages, offset + 1)


def _event_row(
    r: tuple[Any, ...], gazetteer: Gazetteer, lang: str, titles: dict[str, str]
) -> EventRow:
    (source, event_id, start, end, violence, event_type, dyad, side_a, side_b, where) = r[:10]
    adm1, adm2, best, low, high, civilians, office, on, headline, article = r[10:]
    kind = VIOLENCE_CODES.get(violence) if violence is not None else None
    sides = dyad or " – ".join(s for s in (side_a, side_b) if s)
    return EventRow(
        source=source,
        source_title=titles.get(source, source),
        event_id=str(event_id),
        start=start,
        end=end,
        where=where or "",
        district=_unit(gazetteer, adm2, lang),
        governorate=_unit(gazetteer, adm1, lang),
        kind=str(VIOLENCE_LABELS[kind]) if kind else (event_type or ""),
        sides=sides,
        best=best,
        low=low,
        high=high,
        civilians=civilians,
        reports=_reports(office, on, headline, article),
    )


def _unit(gazetteer: Gazetteer, code: str | None, lang: str) -> str:
    if not code:
        return ""
    try:
        return f"{place_name(gazetteer.get(code), lang)} ({code})"
    except PlaceError:
        return code


def _reports(
    office: str | None, on: str | None, headline: str | None, article: str | None
) -> list[Report]:
    """The reports UCDP cites, split where its ``;``-joined fields line up; a field that is a
    web address becomes the link (http and https only)."""
    outlets, dates, headlines = ((v or "").split(";") for v in (office, on, headline))
    if office and len(outlets) == len(dates) == len(headlines):
        out = []
        for o, d, h in zip(outlets, dates, headlines, strict=True):
            url = next((v.strip() for v in (h, o) if _URL.match(v.strip())), "")
            day = _iso(d)
            text = "" if h.strip() == url else h.strip()
            out.append(Report(o.strip(), day, "" if day else d.strip(), text, url))
        return out
    if article or headline:
        return [Report("", None, on or "", (article or headline or "").strip(), "")]
    return []


def _iso(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None
