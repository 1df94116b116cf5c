"""Static charts of the statistics (PNG or SVG bytes), for the web pages and the reports.

Three charts, each drawn from the pure results of :mod:`asylon.stats`:

- :func:`decisions_chart`: decisions on Syrians' applications by type and year in one country of
  asylum (stacked bars: refugee status, complementary protection, temporary asylum, rejected,
  otherwise closed), with the total recognition rate as a line on a second axis;
- :func:`rates_chart`: countries compared, the refugee-status rate and the total recognition
  rate per year, one line per country (two panels sharing the years);
- :func:`deaths_chart`: documented deaths per month, one line per source, never added together;
  a month a source does not cover is a gap, not 0.

Every text (title, axes, legend, source line) is passed in by the caller already translated, so
one function serves English, Russian and Arabic; every chart prints its source line in the
figure. The conventions are those of :mod:`asylon.evidence.charts`: a headless
:class:`~matplotlib.figure.Figure` (no pyplot, no global backend), DejaVu Sans (Latin, Cyrillic
and Arabic glyphs), SVG text kept as text with a fixed hash salt and no date, so the same input
gives the same bytes; Arabic is shaped and put in visual order by
:func:`asylon.evidence.charts.visual`.
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from matplotlib import rc_context
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter
from matplotlib.typing import RcKeyType

from asylon.evidence.charts import visual
from asylon.stats.deaths import DeathTable
from asylon.stats.practice import DECISION_KINDS, Decisions

__all__ = [
    "DECISION_KINDS",
    "Format",
    "Labels",
    "deaths_chart",
    "decisions_chart",
    "month_range",
    "monthly_deaths",
    "rates_chart",
    "visual",
]

Format = Literal["png", "svg"]
# Colour-blind-safe (Okabe-Ito): protection in blues and greens, refusals in orange, grey closed.
_KIND_COLOURS = {
    "recognised": "#0072B2",
    "complementary": "#56B4E9",
    "temporary_asylum": "#009E73",
    "rejected": "#D55E00",
    "otherwise_closed": "#999999",
}
_LINE_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
_RC: dict[RcKeyType, Any] = {
    "svg.hashsalt": "asylon-stats",
    "svg.fonttype": "none",
    "font.family": "DejaVu Sans",
    "path.simplify": False,
}
_WRAP = 140


@dataclass(frozen=True)
class Labels:
    """The chart's texts, already translated. ``legend`` names the series by key (decision
    kinds and ``"rate"``, country codes, or source names); ``source`` is printed in the figure
    (one or more lines); ``note`` is an optional line above it (e.g. "no data")."""

    title: str
    x: str
    y: str
    source: str
    legend: Mapping[str, str] = field(default_factory=dict)
    y2: str = ""
    panels: tuple[str, ...] = ()
    empty: str = "No data"


def _footer(text: str) -> list[str]:
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        lines += textwrap.wrap(paragraph, _WRAP) or [""]
    return lines


def _figure(footer: list[str], height: float = 5.6, panels: int = 1) -> tuple[Figure, float]:
    total = height + 0.17 * len(footer) + (panels - 1) * 2.6
    fig = Figure(figsize=(10.0, total), dpi=100)
    bottom = (0.9 + 0.17 * len(footer)) / total
    fig.subplots_adjust(left=0.09, right=0.9, top=1 - 0.7 / total, bottom=bottom, hspace=0.35)
    return fig, total


def _source_line(fig: Figure, footer: list[str]) -> None:
    text = "\n".join(footer)
    drawn = visual(text)
    rtl = drawn != text  # Arabic: aligned to the right, as the page reads
    fig.text(
        0.99 if rtl else 0.01,
        0.01,
        drawn,
        fontsize=8,
        va="bottom",
        ha="right" if rtl else "left",
        multialignment="right" if rtl else "left",
        color="0.2",
        linespacing=1.3,
        gid="chart-source",
    )


def _empty(ax: Axes, text: str) -> None:
    ax.text(
        0.5,
        0.5,
        visual(text),
        ha="center",
        va="center",
        transform=ax.transAxes,
        fontsize=12,
        color="0.4",
    )


def _save(fig: Figure, fmt: Format) -> bytes:
    if fmt not in ("png", "svg"):
        raise ValueError(f"unsupported chart format {fmt!r}: use png or svg")
    metadata: dict[str, str | None] = {"Date": None} if fmt == "svg" else {"Software": None}
    out = io.BytesIO()
    fig.savefig(out, format=fmt, metadata=metadata)
    return out.getvalue()


def _label(labels: Labels, key: str) -> str:
    return visual(labels.legend.get(key, key))


def decisions_chart(
    years: Sequence[int],
    decisions: Sequence[Decisions | None],
    labels: Labels,
    fmt: Format = "svg",
) -> bytes:
    """Stacked bars of the decisions by type per year (``decisions[i]`` for ``years[i]``;
    ``None`` where UNHCR has no decision that year) and the total recognition rate as a line
    on the right-hand axis (a gap where there is no substantive decision)."""
    if len(years) != len(decisions):
        raise ValueError("one entry of decisions per year")
    footer = _footer(labels.source)
    with rc_context(_RC):
        fig, _height = _figure(footer)
        ax = fig.add_subplot()
        x = list(range(len(years)))
        base = [0.0] * len(years)
        for kind in DECISION_KINDS:
            values = [float(getattr(d, kind)) if d else 0.0 for d in decisions]
            if not any(values):
                continue
            bars = ax.bar(
                x,
                values,
                bottom=base,
                color=_KIND_COLOURS[kind],
                label=_label(labels, kind),
                width=0.7,
            )
            for n, patch in enumerate(bars.patches):
                patch.set_gid(f"bar-{kind}-{years[n]}")
            base = [b + v for b, v in zip(base, values, strict=True)]
        if not any(base):
            _empty(ax, labels.empty)
        ax.set_xticks(x, [str(y) for y in years], rotation=45 if len(years) > 10 else 0)
        ax.set_xlim(-0.6, len(years) - 0.4)
        ax.set_ylim(0, max(base, default=0.0) * 1.15 or 1)
        ax.set_xlabel(visual(labels.x))
        ax.set_ylabel(visual(labels.y))
        ax.grid(True, axis="y", linewidth=0.5, alpha=0.5)
        ax.set_axisbelow(True)
        rates = [
            math.nan if d is None or d.total_recognition_rate is None else d.total_recognition_rate
            for d in decisions
        ]
        handles, names = ax.get_legend_handles_labels()
        if any(not math.isnan(r) for r in rates):
            right = ax.twinx()
            (line,) = right.plot(x, rates, color="#000000", marker="o", markersize=4, linewidth=1.8)
            line.set_gid("line-rate")
            right.set_ylim(0, 1.05)
            right.yaxis.set_major_formatter(PercentFormatter(1.0))
            right.set_ylabel(visual(labels.y2))
            handles.append(line)
            names.append(_label(labels, "rate"))
        if handles:
            ax.legend(handles, names, loc="upper left", fontsize=8, framealpha=0.9)
        ax.set_title(visual(labels.title), fontsize=13)
        _source_line(fig, footer)
        return _save(fig, fmt)


def rates_chart(
    years: Sequence[int],
    series: Mapping[str, Sequence[Decisions | None]],
    labels: Labels,
    fmt: Format = "svg",
) -> bytes:
    """Countries compared: the refugee-status rate (top panel) and the total recognition rate
    (bottom panel) per year, one line per country (``series[code][i]`` for ``years[i]``;
    ``labels.legend[code]`` names it, ``labels.panels`` titles the two panels)."""
    for code, values in series.items():
        if len(values) != len(years):
            raise ValueError(f"{code}: one entry per year")
    footer = _footer(labels.source)
    panels = labels.panels or ("refugee_status_rate", "total_recognition_rate")
    with rc_context(_RC):
        fig, _height = _figure(footer, height=4.2, panels=2)
        axes = fig.subplots(2, 1, sharex=True)
        x = list(range(len(years)))
        measures = ("refugee_status_rate", "total_recognition_rate")
        drawn = False
        for ax, measure, panel in zip(axes, measures, panels, strict=True):
            for n, (code, values) in enumerate(series.items()):
                ys = [
                    math.nan if d is None or getattr(d, measure) is None else getattr(d, measure)
                    for d in values
                ]
                drawn = drawn or any(not math.isnan(v) for v in ys)
                (line,) = ax.plot(
                    x,
                    ys,
                    marker="o",
                    markersize=4,
                    linewidth=1.6,
                    color=_LINE_COLOURS[n % len(_LINE_COLOURS)],
                    label=_label(labels, code),
                )
                line.set_gid(f"line-{measure}-{code}")
            ax.set_ylim(-0.02, 1.05)
            ax.yaxis.set_major_formatter(PercentFormatter(1.0))
            ax.set_ylabel(visual(labels.y))
            ax.set_title(visual(panel), fontsize=11)
            ax.grid(True, linewidth=0.5, alpha=0.5)
        if not drawn:
            _empty(axes[0], labels.empty)
        axes[0].legend(loc="upper left", fontsize=8, framealpha=0.9)
        axes[1].set_xticks(x, [str(y) for y in years], rotation=45 if len(years) > 10 else 0)
        axes[1].set_xlim(-0.4, len(years) - 0.6 if len(years) > 1 else 0.4)
        axes[1].set_xlabel(visual(labels.x))
        fig.suptitle(visual(labels.title), fontsize=13)
        _source_line(fig, footer)
        return _save(fig, fmt)


def month_range(start: date, end: date) -> list[str]:
    """``YYYY-MM`` of every month from ``start`` to ``end``."""
    out, y, m = [], start.year, start.month
    while (y, m) <= (end.year, end.month):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def monthly_deaths(
    tables: Sequence[DeathTable],
) -> tuple[list[str], dict[str, list[float | None]]]:
    """The months of the tables' period and, per source, its deaths per month: 0 for a month it
    covers without a recorded death, ``None`` (no data) for a month outside its coverage.
    The tables must be grouped by ``("month",)``."""
    if not tables:
        return [], {}
    start = min(t.start for t in tables)
    end = max(t.end for t in tables)
    months = month_range(start, end)
    out: dict[str, list[float | None]] = {}
    for t in tables:
        if t.by != ("month",):
            raise ValueError("the tables must be grouped by month only")
        first = max(t.start, t.source.coverage_from or t.start)
        last = min(t.end, t.source.coverage_to or t.end)
        covered = set(month_range(first, last)) if first <= last else set()
        values = {k[0]: v for k, v in t.rows}
        out[t.source.source] = [
            (round(values.get(m, 0.0), 2) if m in covered else None) for m in months
        ]
    return months, out


def deaths_chart(tables: Sequence[DeathTable], labels: Labels, fmt: Format = "svg") -> bytes:
    """Documented deaths per month, one line per source (:func:`asylon.stats.deaths.documented`
    grouped by month); ``labels.legend[source]`` names a source (default: its title)."""
    months, series = monthly_deaths(tables)
    footer = _footer(labels.source)
    titles = {t.source.source: t.source.title for t in tables}
    with rc_context(_RC):
        fig, _height = _figure(footer)
        ax = fig.add_subplot()
        x = list(range(len(months)))
        for n, (source, values) in enumerate(series.items()):
            ys = [math.nan if v is None else v for v in values]
            (line,) = ax.plot(
                x,
                ys,
                marker="o",
                markersize=2.5,
                linewidth=1.4,
                color=_LINE_COLOURS[n % len(_LINE_COLOURS)],
                label=visual(labels.legend.get(source, titles.get(source, source))),
            )
            line.set_gid(f"line-{source}")
        if not any(v for vs in series.values() for v in vs if v is not None):
            _empty(ax, labels.empty)
        if months:
            step = max(1, -(-len(months) // 14))
            ax.set_xticks(x[::step], months[::step], rotation=45, ha="right")
            ax.set_xlim(-0.5, len(months) - 0.5)
            ax.legend(loc="upper right", fontsize=8, framealpha=0.9)
        peak = max((v for vs in series.values() for v in vs if v is not None), default=0.0)
        ax.set_ylim(0, peak * 1.2 if peak > 0 else 1)
        ax.grid(True, linewidth=0.5, alpha=0.5)
        ax.set_xlabel(visual(labels.x))
        ax.set_ylabel(visual(labels.y))
        ax.set_title(visual(labels.title), fontsize=13)
        _source_line(fig, footer)
        return _save(fig, fmt)
