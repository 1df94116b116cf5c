"""The victim-lists report: unique persons of the latest linkage run, the source overlap and
the estimate of the total, with its method, its assumptions and its uncertainty in words.

The figures are those of the statistics page (:mod:`asylon.web.victims.counts`), and so are
the words: every sentence comes from the web application's catalogue, already translated
there, and is looked up in the report's language (the command renders inside
``django.utils.translation.override(lang)``). The report is **disclosure-controlled by
default**, as a researcher sees the page: counts of 1 to 4 persons withheld with the cells
that would give them back, the number recorded taken from the controlled table. ``exact``
gives register staff the exact counts, and says so at the top. No name and no record id is
in either.

An estimate is never a bare number: the report gives the 95% interval, the method, the
sampler's convergence and every warning, or says that the lists cannot support one and why.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as web_gettext
from django.utils.translation import ngettext as web_ngettext

from asylon.documents.errors import DocumentError
from asylon.documents.i18n import Translator
from asylon.stats.disclosure import MARKER, Cell

if TYPE_CHECKING:
    from asylon.linkage.estimate.notes import Note
    from asylon.web.victims.counts import CountTable, Figures

NAME = "victims"


class NoRun(DocumentError):
    """There is no linkage run to report on."""


def load(exact: bool, strata: str | None = None) -> tuple[Figures, dict[str, Any]]:
    """The latest run's figures and estimate, controlled unless ``exact`` (Django set up);
    with ``strata`` (governorate or year) the estimate stratified so is under ``by``."""
    from asylon.web.victims import counts
    from asylon.web.victims.linking import latest_run

    run = latest_run()
    if run is None:
        raise NoRun("no linkage run yet: link the victim lists first (asylon victims link)")
    figures = counts.figures(run, controlled=not exact)
    estimate = counts.estimate_for(run)
    if not exact:
        estimate = counts.public_estimate(estimate, figures.persons)
    if strata is not None:
        estimate = {**estimate, "by": stratified(run, figures, strata, exact)}
    return figures, estimate


def stratified(
    run: Any, figures: Figures, by: str, exact: bool, settings: Any = None
) -> dict[str, Any]:
    """The stratified estimate, as the report shows it. Controlled, a stratum whose number of
    persons the published table withholds has its estimate withheld too (an estimate near a
    small count would give the count back), and each stratum's number recorded is the
    published one."""
    from asylon.web.victims import counts

    doc = counts.estimate_by(run, by, settings)
    published: dict[str, Any] = {}
    if not exact:  # the controlled table the report prints for this dimension
        table = figures.tables[by].table
        published = {r: c[0].value for r, c in zip(table.rows, table.cells, strict=True)}
    strata = []
    for part in doc.get("strata", []):
        label = part["stratum"]
        first = (part.get("estimates") or [{}])[0]
        observed = part["observed"] if exact else published.get(label)
        withheld = not exact and observed is None
        strata.append(
            {
                "stratum": label,
                "label": counts.display(by, label),
                "observed": observed,
                "withheld": withheld,
                "identified": bool(first.get("identified")) and not withheld,
                "median": None if withheld else first.get("median"),
                "lower": None if withheld else first.get("lower"),
                "upper": None if withheld else first.get("upper"),
                "reasons": [] if withheld else _published(first, exact, _constant(observed)),
            }
        )
    return {
        "dimension": by,
        "identified": bool(doc.get("identified")),
        "median": doc.get("median"),
        "lower": doc.get("lower"),
        "upper": doc.get("upper"),
        "observed": doc.get("observed") if exact else figures.persons,
        "reasons": _published(
            doc,
            exact,
            lambda n: published.get(n.stratum) if n.stratum else figures.persons,
        ),
        "strata": strata,
    }


def _published(
    doc: dict[str, Any], exact: bool, observed: Callable[[Note], int | None]
) -> list[dict[str, Any]]:
    """``doc``'s reasons (as codes and values, translated when the report is built); in a
    controlled report, a number observed they quote is the published one (an exact count in
    a sentence would give a withheld or rounded one back)."""
    from asylon.linkage.estimate.notes import Note
    from asylon.web.victims.counts import published_notes

    raw = doc.get("reason_notes") or []
    notes = [Note.from_dict(n) for n in raw] if exact else published_notes(raw, observed)
    return [n.to_dict() for n in notes]


def _constant(value: int | None) -> Callable[[Note], int | None]:
    return lambda _note: value


def _sentences(t: Translator, notes: list[dict[str, Any]]) -> list[str]:
    """Reasons or warnings in the report's language, numbers written as it writes them."""
    from asylon.web.victims.estimate_text import notes_text

    def number(value: float, decimals: int) -> str:
        return _fixed(t, value, decimals) if decimals else t.number(round(value))

    sentences: list[str] = notes_text(notes, number)
    return sentences


def _cell(t: Translator, cell: Cell | None) -> dict[str, Any]:
    if cell is None or cell.value is None:
        return {"text": MARKER, "withheld": True}
    return {"text": t.number(cell.value), "withheld": False}


def _table(t: Translator, table: CountTable) -> dict[str, Any]:
    totals = table.table.column_totals
    return {
        "key": table.key,
        "title": str(table.title),
        "columns": [web_gettext("persons")],
        "has_total": False,
        "rows": [
            {"label": label, "cells": [_cell(t, cell)], "total": None}
            for label, cell in table.lines()
        ],
        "column_totals": {"cells": [_cell(t, totals[0])], "total": None} if totals else None,
    }


def _fixed(t: Translator, value: float, digits: int) -> str:
    """``value`` with exactly ``digits`` decimals in the language's notation (R-hat 1.00)."""
    mark = t.number(1.5)[1]  # the language's decimal mark
    return f"{value:.{digits}f}".replace(".", mark)


def _figure(t: Translator, value: Any) -> str:
    return t.number(round(float(value)))


def estimate_section(t: Translator, estimate: dict[str, Any]) -> dict[str, Any]:
    """The estimate in words: the figure with its interval, or why there is none."""
    from asylon.web.victims.counts import ASSUMPTIONS

    observed = estimate.get("observed")
    if observed is None:
        recorded = web_gettext(
            "Persons recorded by at least one list: withheld (fewer than the disclosure threshold)."
        )
    else:
        recorded = web_gettext("Persons recorded by at least one list: %(n)s.") % {
            "n": t.number(observed)
        }
    out: dict[str, Any] = {
        "heading": web_gettext("How many were there, documented or not?"),
        "recorded": recorded,
        "identified": bool(estimate.get("identified")),
        "reasons": _sentences(t, estimate.get("reason_notes") or []),
        "warnings": _sentences(t, estimate.get("warning_notes") or []),
        "assumptions_heading": web_gettext("What the estimate assumes"),
        "assumptions": [str(a) for a in ASSUMPTIONS],
        "figure": "",
        "method": "",
        "convergence": "",
    }
    if out["identified"]:
        out["figure"] = web_gettext("Estimated total: %(m)s (95%% interval %(lo)s to %(hi)s).") % {
            "m": _figure(t, estimate["median"]),
            "lo": _figure(t, estimate["lower"]),
            "hi": _figure(t, estimate["upper"]),
        }
        if estimate.get("method") == "lcmcr":
            method = web_gettext(
                "Method: multiple-systems estimation with a Bayesian latent-class model "
                "(LCMCR, Manrique-Vallier 2016); the figure is the posterior median."
            )
        else:
            method = web_gettext(
                "Method: multiple-systems estimation with a log-linear model chosen by an "
                "information criterion; the figure is the maximum-likelihood estimate."
            )
        lists = len(estimate.get("lists") or [])
        out["method"] = (
            method
            + " "
            + web_ngettext(
                "From the overlap of %(n)s list.", "From the overlap of %(n)s lists.", lists
            )
            % {"n": t.number(lists)}
        )
    else:
        out["figure"] = web_gettext("No estimate: these lists cannot support one.")
    estimates = estimate.get("estimates") or []
    diagnostics = estimates[0].get("diagnostics", {}) if estimates else {}
    if diagnostics.get("rhat"):
        out["convergence"] = web_gettext(
            "Convergence of the sampler: R-hat %(rhat)s over %(chains)s chains and %(draws)s "
            "draws (near 1.00 means the chains agree; above 1.1 the figure is not to be "
            "trusted, and a warning says so)."
        ) % {
            "rhat": _fixed(t, float(diagnostics["rhat"]), 2),
            "chains": t.number(diagnostics.get("chains", 0)),
            "draws": t.number(diagnostics.get("draws", 0)),
        }
    return out


def _interval(t: Translator, lower: Any, upper: Any) -> str:
    return f"{_figure(t, lower)}\u2013{_figure(t, upper)}"


def strata_section(t: Translator, by: dict[str, Any]) -> dict[str, Any]:
    """The stratified estimate's table and its words."""
    heading = (
        t.gettext("Estimates by governorate")
        if by["dimension"] == "governorate"
        else t.gettext("Estimates by year of death or disappearance")
    )
    none = t.gettext("none")
    rows = []
    for s in by["strata"]:
        if s["withheld"]:
            rows.append({"label": s["label"], "observed": MARKER, "estimate": MARKER,
                         "interval": MARKER, "withheld": True, "reasons": []})  # fmt: skip
            continue
        rows.append(
            {
                "label": s["label"],
                "observed": t.number(s["observed"]),
                "estimate": _figure(t, s["median"]) if s["identified"] else none,
                "interval": _interval(t, s["lower"], s["upper"]) if s["identified"] else "",
                "withheld": False,
                "reasons": _sentences(t, s["reasons"]),
            }
        )
    total = {
        "label": t.gettext("Total over the strata"),
        "observed": MARKER if by["observed"] is None else t.number(by["observed"]),
        "estimate": _figure(t, by["median"]) if by["identified"] else none,
        "interval": _interval(t, by["lower"], by["upper"]) if by["identified"] else "",
    }
    return {
        "heading": heading,
        "intro": t.gettext(
            "Each stratum is estimated on its own, from the overlap of the lists among its "
            "persons; the total adds up the strata's draws. A stratum with few persons gives "
            "a wide interval, or no estimate at all: its reasons are given."
        ),
        "columns": [t.gettext("Recorded"), t.gettext("Estimate"), t.gettext("95% interval")],
        "rows": rows,
        "total": total,
        "total_reasons": _sentences(t, by["reasons"]),
    }


def build(
    figures: Figures, estimate: dict[str, Any], t: Translator, *, today: date
) -> dict[str, Any]:
    """The values of the victims template (``doc``)."""
    run = figures.run
    rule = figures.overlap.table.rule
    if figures.controlled:
        disclosure = [
            web_gettext(
                "x: withheld, because it counts fewer than %(n)s persons, or so that such a "
                "count cannot be worked out from the totals. Zeros are shown."
            )
            % {"n": t.number(rule.threshold)}
        ]
        if rule.rounding_base:
            disclosure.append(
                web_gettext(
                    "Counts are rounded to the nearest %(base)s, each on its own, so totals "
                    "may not equal the sum of their parts."
                )
                % {"base": t.number(rule.rounding_base)}
            )
        scope = ""
    else:
        disclosure = []
        scope = web_gettext(
            "Exact counts: you may see the records themselves. Tables published outside the "
            "register must be disclosure-controlled; researchers see them so."
        )
    return {
        "lang": t.lang,
        "dir": t.direction,
        "title": web_gettext("Victim lists"),
        "subtitle": web_gettext("Counts and estimate"),
        "date": t.date(today),
        "run": web_gettext(
            "Unique persons of linkage run %(n)s (%(at)s): each person is counted once, however "
            "many records and sources name them."
        )
        % {"n": t.number(run.pk), "at": run.created_at.strftime("%Y-%m-%d %H:%M")},
        "scope": scope,
        "controlled": figures.controlled,
        "disclosure_heading": web_gettext("Disclosure control"),
        "disclosure": disclosure,
        "marker": MARKER,
        "estimate": estimate_section(t, estimate),
        "strata": strata_section(t, estimate["by"]) if estimate.get("by") else None,
        "overlap_heading": web_gettext("Source overlap"),
        "overlap_note": web_gettext(
            "Each row counts the persons recorded by exactly that combination of sources."
        ),
        "overlap": _table(t, figures.overlap),
        "persons_heading": web_gettext("Unique persons"),
        "persons_note": web_gettext(
            "Where a person's records disagree, the value most of them give is counted (ties: "
            "the earliest date, else the first value in order)."
        ),
        "tables": [_table(t, table) for table in figures.tables.values()],
    }
