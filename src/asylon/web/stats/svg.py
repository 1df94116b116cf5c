"""The interactive chart of the asylum-practice page: an inline SVG the server writes.

The Content-Security-Policy forbids inline scripts and inline styles, so the chart carries no
``style`` attribute and no ``<style>`` element: colours and sizes are SVG presentation
attributes (``fill=``, ``stroke=``, ``font-size=``), which the policy does not govern. Each bar
segment and each point of the rate line has a ``<title>`` (the browser's tooltip on hover, read
by screen readers); each year is a focusable group whose ``data-tip`` the static
``stats.js`` shows in the ``<output>`` under the chart on focus or hover, so the exact numbers
are reachable by keyboard too. Every text is escaped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from asylon.stats.practice import DECISION_KINDS, Decisions

COLOURS = {
    "recognised": "#0072B2",
    "complementary": "#56B4E9",
    "temporary_asylum": "#009E73",
    "rejected": "#D55E00",
    "otherwise_closed": "#999999",
}
WIDTH, HEIGHT = 760, 340
LEFT, RIGHT, TOP, BOTTOM = 64, 56, 16, 44


def _nice_top(peak: float) -> float:
    if peak <= 0:
        return 1.0
    step = 10 ** (len(str(int(peak))) - 1)
    return float(-(-peak // step) * step) if peak > step else float(step)


def _number(value: int) -> str:
    return f"{value:,}".replace(",", "\u202f")  # narrow no-break space: clear in every language


def decisions_svg(
    chart_id: str,
    years: Sequence[int],
    decisions: Sequence[Decisions | None],
    names: Mapping[str, str],
    title: str,
    source: str,
) -> SafeString:
    """Stacked bars of the decisions by type per year with the total recognition rate, as an
    inline SVG with tooltips. ``names`` labels each decision kind, ``"rate"``, ``"total"`` and
    ``"none"`` (no decision recorded); ``source`` is printed under the chart."""
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    totals = [d.total if d else 0 for d in decisions]
    top = _nice_top(max(totals, default=0))
    slot = plot_w / max(len(years), 1)
    bar = slot * 0.7

    def y(value: float) -> float:
        return TOP + plot_h - value / top * plot_h

    parts: list[str] = []
    for i in range(5):  # grid and left axis
        value = top * i / 4
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#dddddd" stroke-width="1"/>'
                '<text x="{}" y="{}" font-size="11" text-anchor="end" fill="#333333">{}</text>'
                '<text x="{}" y="{}" font-size="11" text-anchor="start" fill="#333333">{}%</text>',
                LEFT,
                WIDTH - RIGHT,
                f"{y(value):.1f}",
                f"{y(value):.1f}",
                LEFT - 6,
                f"{y(value) + 4:.1f}",
                _number(int(value)),
                WIDTH - RIGHT + 6,
                f"{y(value) + 4:.1f}",
                i * 25,
            )
        )
    points: list[tuple[float, float, str]] = []
    for n, (year, d) in enumerate(zip(years, decisions, strict=True)):
        x = LEFT + n * slot + (slot - bar) / 2
        segments: list[str] = []
        lines = [str(year)]
        base = 0
        if d is None:
            lines.append(names["none"])
        else:
            for kind in DECISION_KINDS:
                value = int(getattr(d, kind))
                if value:
                    tip = f"{year} — {names[kind]}: {_number(value)}"
                    segments.append(
                        format_html(
                            '<rect x="{}" y="{}" width="{}" height="{}" fill="{}">'
                            "<title>{}</title></rect>",
                            f"{x:.1f}",
                            f"{y(base + value):.1f}",
                            f"{bar:.1f}",
                            f"{y(base) - y(base + value):.1f}",
                            COLOURS[kind],
                            tip,
                        )
                    )
                    base += value
                lines.append(f"{names[kind]}: {_number(value)}")
            lines.append(f"{names['total']}: {_number(d.total)}")
            rate = d.total_recognition_rate
            if rate is not None:
                lines.append(f"{names['rate']}: {rate:.1%}")
                points.append((x + bar / 2, TOP + plot_h - rate * plot_h, f"{year} — {lines[-1]}"))
        summary = "; ".join(lines)
        parts.append(
            format_html(
                '<g class="year" tabindex="0" data-tip="{}"><title>{}</title>'
                '<rect x="{}" y="{}" width="{}" height="{}" fill="#ffffff" fill-opacity="0"/>'
                "{}"
                '<text x="{}" y="{}" font-size="11" text-anchor="middle" fill="#333333">{}</text>'
                "</g>",
                summary,
                summary,
                f"{LEFT + n * slot:.1f}",
                TOP,
                f"{slot:.1f}",
                plot_h,
                mark_safe("".join(segments)),
                f"{x + bar / 2:.1f}",
                HEIGHT - BOTTOM + 16,
                year,
            )
        )
    if points:
        path = " ".join(f"{px:.1f},{py:.1f}" for px, py, _t in points)
        parts.append(
            format_html(
                '<polyline points="{}" fill="none" stroke="#000000" stroke-width="2"/>', path
            )
        )
        parts.append(
            format_html_join(
                "",
                '<circle cx="{}" cy="{}" r="4" fill="#000000"><title>{}</title></circle>',
                ((f"{px:.1f}", f"{py:.1f}", t) for px, py, t in points),
            )
        )
    legend = format_html_join(
        "",
        '<li><svg width="12" height="12" aria-hidden="true"><rect width="12" height="12" '
        'fill="{}"/></svg> {}</li>',
        [(COLOURS[k], names[k]) for k in DECISION_KINDS] + [("#000000", names["rate"])],
    )
    return format_html(
        '<figure class="interactive-chart" id="{}">'
        '<svg viewBox="0 0 {} {}" role="group" aria-label="{}" class="interactive" '
        'direction="ltr" font-family="DejaVu Sans, sans-serif">'
        '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#333333"/>{}</svg>'
        '<output class="chart-tip" for="{}" aria-live="polite"></output>'
        '<ul class="chart-legend">{}</ul>'
        "<figcaption>{}</figcaption></figure>",
        chart_id,
        WIDTH,
        HEIGHT,
        title,
        LEFT,
        WIDTH - RIGHT,
        TOP + plot_h,
        TOP + plot_h,
        mark_safe("".join(parts)),
        chart_id,
        legend,
        escape(source),
    )
