"""Country-evidence pages. What to read lives in forms, figures, readings and dates; the views
only put it together. A missing or unreadable evidence store is a banner, never an error page.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from asylon.evidence.indicators import compute
from asylon.web.audit.services import record
from asylon.web.cases.access import visible_cases
from asylon.web.evidence import figures
from asylon.web.evidence.dates import KeyDate, dates_that_matter, home_area
from asylon.web.evidence.forms import PlaceForm, Query
from asylon.web.evidence.names import (
    KIND_LABELS,
    area_label,
    language,
    place_label,
    place_name,
)
from asylon.web.evidence.readings import (
    HIGH_RATE_PER_100K,
    RECENT_DAYS,
    DateReading,
    governorates,
    guidance_in_force,
    read_dates,
)

COMMON = {"recent_days": RECENT_DAYS, "high_rate": HIGH_RATE_PER_100K}


def _query_string(params: QueryDict | None = None, **changes: Any) -> str:
    """``params`` as a query string in their order, some replaced (a None value removes one)."""
    out = QueryDict(mutable=True)
    for key, values in (params or QueryDict()).lists():
        if key not in changes:
            out.setlist(key, values)
        elif changes[key] is not None:
            out[key] = str(changes[key])
    for key, value in changes.items():
        if key not in out and value is not None:
            out[key] = str(value)
    return out.urlencode()


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


def _sources() -> tuple[list[figures.SourceInfo], str | None]:
    """The store's sources, or the reason the store cannot be read."""
    try:
        with figures.connection() as con:
            return figures.sources(con), None
    except figures.StoreUnavailable as err:
        return [], err.reason


@login_required
@require_GET
def place_page(request: HttpRequest) -> HttpResponse:
    """How dangerous was this place on this date: the indicators per source, the monthly
    chart, the events with their sources, the guidance in force and the assessment's reading.
    Open to every role: figures about places are not personal data."""
    params = request.GET.copy()
    params.pop("page", None)
    form = PlaceForm(params or None)
    sources, unavailable = _sources()
    context: dict[str, Any] = {
        **COMMON,
        "form": form,
        "sources": sources,
        "has_vdc": any(s.source == "vdc" for s in sources),
    }
    status = 200
    if form.is_bound and not form.is_valid():
        status = 400
        context["alternatives"] = [
            (label, _query_string(params, place=code, kind=None))
            for label, code in form.alternatives
        ]
    if form.query is not None:
        context.update(_place_results(request, form.query, params, sources, unavailable))
        unavailable = context.pop("unavailable", unavailable)
    context["unavailable"] = unavailable
    return render(request, "evidence/place.html", context, status=status)


def _place_results(
    request: HttpRequest,
    q: Query,
    params: QueryDict,
    sources: list[figures.SourceInfo],
    unavailable: str | None,
) -> dict[str, Any]:
    lang = language()
    governorate = figures.governorate_of(q.area)
    scope = [governorate] if governorate else (governorates() if q.area.kind == "country" else [])
    out: dict[str, Any] = {
        "q": q,
        "area_label": area_label(q.area, lang),
        "area_kind": KIND_LABELS.get(q.area.kind, q.area.kind),
        "governorate": governorate,
        "governorate_name": place_name(governorate, lang) if governorate else "",
        "guidance": guidance_in_force(q.on, scope, lang),
    }
    as_read = q.area.kind == "governorate" and q.end == q.on and q.days == RECENT_DAYS
    if governorate is not None and not as_read:
        out["reading_link"] = _query_string(place=governorate.code, on=q.on.isoformat())
    if unavailable:
        return out
    try:
        with figures.connection() as con:
            titles = {s.source: s.title for s in sources}
            ind = compute(con, q.area, q.start, q.end)
            out["indicators"] = ind
            out["columns"] = figures.columns(ind)
            out["chart"] = figures.chart(q.area, q.on, lang)
            page = figures.events(con, q.area, q.start, q.end, _page_number(request), lang, titles)
        out["events"] = page
        out["previous_link"] = _query_string(params, page=page.previous) if page.previous else ""
        out["next_link"] = _query_string(params, page=page.next) if page.next else ""
        if governorate is not None:
            key = KeyDate(q.on, ())
            out["reading"] = read_dates(governorate, [key], sources, date.today(), lang)[0]
    except figures.StoreUnavailable as err:
        out["unavailable"] = err.reason
    return out


@login_required
@require_GET
def case_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The evidence for the client's home area on each date that matters in the case.
    A case the user may not see is 404 (a researcher sees none); the view is audited."""
    case = get_object_or_404(visible_cases(request.user).select_related("client"), pk=pk)
    record(request.user, "view_case_evidence", case)
    lang = language()
    today = date.today()
    home = home_area(case)
    dates = dates_that_matter(case, today)
    sources, unavailable = _sources()
    readings: list[DateReading] = []
    if home.governorate is not None:
        try:
            readings = read_dates(
                home.governorate, dates, sources, today, lang, with_store=unavailable is None
            )
        except figures.StoreUnavailable as err:
            unavailable = err.reason
            readings = read_dates(home.governorate, dates, [], today, lang, with_store=False)
    unit = home.governorate
    rows: list[tuple[DateReading, str]] = []
    if unit is not None:
        rows = [(r, _query_string(place=unit.code, on=r.on.isoformat())) for r in readings]
    return render(
        request,
        "evidence/case.html",
        {
            **COMMON,
            "case": case,
            "home": home,
            "home_label": place_label(home.found, lang) if home.found else "",
            "governorate_name": place_name(unit, lang) if unit else "",
            "dates": dates,
            "rows": rows,
            "unavailable": unavailable,
        },
    )
