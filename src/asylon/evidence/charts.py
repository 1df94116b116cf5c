"""Charts of monthly recorded deaths per source (``asylon coi series --plot FILE.png|svg``).

One line per source that covers the period; a source without data for the period is named in
the legend as "no data" and never drawn as zero, and months outside a partly covering source's
coverage are gaps, not zeros. Sources are never added together. The footer carries each
source's citation and caveat.

Arabic: matplotlib (3.11, libraqm) would shape raw Arabic itself, but an SVG written with
``svg.fonttype = 'none'`` then holds logical-order text that depends on the viewer. Arabic text
is therefore shaped (``arabic-reshaper``), put in visual order with brackets mirrored
(``python-bidi``'s pure-Python algorithm: its Rust ``get_display`` does not mirror) and wrapped in
LEFT-TO-RIGHT OVERRIDE ... POP DIRECTIONAL FORMATTING, so that neither libraqm nor an SVG viewer
reorders it a second time. Rendering is headless (no pyplot, no global backend) and
deterministic: fixed ``svg.hashsalt``, no date in the metadata.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import arabic_reshaper  # type: ignore[import-untyped]
from bidi.algorithm import get_display  # type: ignore[import-untyped]
from matplotlib import rc_context
from matplotlib.artist import Artist
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.typing import RcKeyType

from asylon.evidence.gazetteer import place_names
from asylon.evidence.indicators import Indicators, SourceFigures
from asylon.law.calendar import end_of_month

__all__ = ["FORMATS", "monthly_series", "place_names", "plot_series", "visual"]

FORMATS = {".png": "png", ".svg": "svg"}
_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
_LRO, _PDF = "\u202d", "\u202c"
_RC: dict[RcKeyType, Any] = {
    "svg.hashsalt": "asylon",
    "svg.fonttype": "none",
    "font.family": "DejaVu Sans",
    "path.simplify": False,
}
_LABELS = {
    "en": {
        "title": "Recorded deaths per month, {start} – {end}",
        "y": "Recorded deaths (best estimate)",
        "x": "Month",
        "none": "no data for this period",
        "partial": "partial: source covers {first} – {last}",
        "empty": "No source has data for this period",
        "sources": "Sources",
    },
    "ru": {
        "title": "Зарегистрированные смерти по месяцам, {start} – {end}",
        "y": "Зарегистрированные смерти (наилучшая оценка)",
        "x": "Месяц",
        "none": "нет данных за этот период",
        "partial": "частично: источник охватывает {first} – {last}",
        "empty": "Ни один источник не содержит данных за этот период",
        "sources": "Источники",
    },
    "ar": {
        "title": "الوفيات المسجلة شهريًا، \u202a{start} – {end}\u202c",
        "y": "الوفيات المسجلة (أفضل تقدير)",
        "x": "الشهر",
        "none": "لا توجد بيانات لهذه الفترة",
        "partial": "جزئي: يغطي المصدر \u202a{first} – {last}\u202c",
        "empty": "لا يوجد مصدر لديه بيانات لهذه الفترة",
        "sources": "المصادر",
    },
}


def visual(text: str) -> str:
    """``text`` ready to draw: Arabic shaped, in visual order, locked against reordering
    (line by line: a newline ends a directional override)."""
    if "\n" in text:
        return "\n".join(visual(line) for line in text.split("\n"))
    if not _ARABIC.search(text):
        return text
    shaped: str = get_display(arabic_reshaper.reshape(text))
    return f"{_LRO}{shaped}{_PDF}"


def _months(start: date, end: date) -> list[str]:
    out, y, m = [], start.year, start.month
    while (y, m) <= (end.year, end.month):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _values(ind: Indicators, f: SourceFigures, months: list[str]) -> list[float | None]:
    if not f.series and f.deaths_best:
        raise ValueError(f"{f.source} has no series: compute the indicators with by='month'")
    totals: dict[str, float] = {}
    for key, value in f.series.items():  # monthly or daily keys
        totals[key[:7]] = totals.get(key[:7], 0.0) + value
    lo = max(ind.start, f.coverage[0] or ind.start)
    hi = min(ind.end, f.coverage[1] or ind.end)
    out: list[float | None] = []
    for month in months:
        y, m = int(month[:4]), int(month[5:])
        first = date(y, m, 1)
        last = end_of_month(first)
        out.append(None if last < lo or first > hi else totals.get(month, 0.0))
    return out


def monthly_series(ind: Indicators) -> tuple[list[str], dict[str, list[float | None]]]:
    """Months of the period and, per covering source, its deaths per month (``None`` = a
    month the source does not cover). Sources that do not cover the period are left out."""
    months = _months(ind.start, ind.end)
    return months, {f.source: _values(ind, f, months) for f in ind.sources if f.covered != "none"}


def _footer(ind: Indicators, width: int) -> list[str]:
    lines: list[str] = []
    for f in ind.sources:
        if f.caveat:
            lines += textwrap.wrap(f"• {f.title}: {f.caveat}", width, subsequent_indent="  ")
    citations = list(dict.fromkeys(f.citation for f in ind.sources if f.citation))
    for c in citations:
        lines += textwrap.wrap(f"• {c}", width, subsequent_indent="  ")
    return lines


def plot_series(
    ind: Indicators, out: Path, place_names: Sequence[str] = (), lang: str = "en"
) -> Path:
    """Draw ``ind`` (computed with ``by="month"``) to ``out``, PNG or SVG by its suffix."""
    out = Path(out)
    fmt = FORMATS.get(out.suffix.lower())
    if fmt is None:
        raise ValueError(
            f"unsupported chart format {out.suffix or '(no suffix)'!r}: use .png or .svg"
        )
    labels = _LABELS.get(lang)
    if labels is None:
        raise ValueError(f"unsupported language {lang!r}: use one of {', '.join(_LABELS)}")
    months, series = monthly_series(ind)
    footer = [labels["sources"] + ":", *_footer(ind, 150)]
    name = " — ".join(place_names) or ind.area.label
    title = labels["title"].format(start=ind.start.isoformat(), end=ind.end.isoformat())

    with rc_context(_RC):
        height = 6.0 + 0.16 * len(footer)
        fig = Figure(figsize=(11.0, height), dpi=100)
        bottom = (0.75 + 0.16 * len(footer)) / height
        fig.subplots_adjust(left=0.08, right=0.98, top=1 - 0.75 / height, bottom=bottom)
        ax = fig.add_subplot()
        x = list(range(len(months)))
        handles: list[Artist] = []
        legend: list[str] = []
        for f in ind.sources:
            label = f.title
            if f.source not in series:
                handles.append(Line2D([], [], linestyle="none"))
                legend.append(visual(f"{label}: {labels['none']}"))
                continue
            if f.covered == "partial":
                first, last = (d.isoformat() if d else "…" for d in f.coverage)
                label += f" ({labels['partial'].format(first=first, last=last)})"
            ys = [float("nan") if v is None else v for v in series[f.source]]
            (line,) = ax.plot(x, ys, marker="o", markersize=3, linewidth=1.5)
            line.set_gid(f"series-{f.source}")
            handles.append(line)
            legend.append(visual(label))
        if not series:
            ax.text(
                0.5,
                0.5,
                visual(labels["empty"]),
                ha="center",
                va="center",
                transform=ax.transAxes,
                fontsize=12,
                color="0.4",
            )
        step = max(1, -(-len(months) // 12))
        ax.set_xticks(x[::step], months[::step], rotation=45, ha="right")
        ax.set_xlim(-0.5, len(months) - 0.5)
        peak = max((v for vs in series.values() for v in vs if v is not None), default=0.0)
        ax.set_ylim(0, peak * (1.12 + 0.07 * len(handles)) if peak > 0 else 1)  # legend room
        ax.grid(True, linewidth=0.5, alpha=0.5)
        ax.set_xlabel(visual(labels["x"]))
        ax.set_ylabel(visual(labels["y"]))
        ax.set_title(visual(f"{name}\n{title}"), fontsize=13)
        ax.legend(handles, legend, loc="upper right", fontsize=8, framealpha=0.9)
        fig.text(
            0.01,
            0.01,
            visual("\n".join(footer)),
            fontsize=7.5,
            va="bottom",
            ha="left",
            color="0.25",
            linespacing=1.3,
        )
        metadata: dict[str, str | None] = {"Date": None} if fmt == "svg" else {}
        fig.savefig(out, format=fmt, metadata=metadata)
    return out
