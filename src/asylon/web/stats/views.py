"""Statistics pages. What to compute lives in practice, caseload and deaths; the views put it
together. Every page needs a login; each has a JSON face (``?format=json``).

Access: asylum practice (UNHCR's public tables) and documented deaths (the evidence store) are
open to every role: they hold no personal data. The caseload page is open to every role too,
but shows only disclosure-controlled aggregates (see :mod:`asylon.web.stats.caseload`): a
researcher's over all the organisation's cases, anyone else's over the cases they may see.
Each view of the caseload is audited, with its scope and nothing about any person.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from asylon.stats import unhcr
from asylon.stats.practice import compare
from asylon.web.audit.services import record
from asylon.web.evidence.figures import StoreUnavailable
from asylon.web.evidence.names import language
from asylon.web.stats import caseload as caseload_figures
from asylon.web.stats import deaths, practice
from asylon.web.stats.forms import DeathsForm, PracticeForm


def _wants_json(request: HttpRequest) -> bool:
    return request.GET.get("format") == "json"


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "stats/index.html")


@login_required
@require_GET
def practice_page(request: HttpRequest) -> HttpResponse:
    """Decisions on Syrians' applications per country of asylum and year (UNHCR)."""
    lang = language()
    params = request.GET.copy()
    params.pop("format", None)
    form = PracticeForm(params or None, lang)
    status = 400 if form.is_bound and not form.is_valid() else 200
    codes, first, last = form.values()
    if _wants_json(request):
        cmp = compare(unhcr.load(), codes, first, last)
        return JsonResponse(cmp.to_dict(), status=status, json_dumps_params={"ensure_ascii": False})
    countries = [practice.country(c, first, last, lang) for c in codes]
    context: dict[str, Any] = {
        "form": form,
        "first": first,
        "last": last,
        "countries": countries,
        "comparison": practice.comparison(codes, first, last, lang) if len(codes) > 1 else None,
        "rate_definitions": practice.RATE_DEFINITIONS,
        "definitions": practice.definitions(),
        "attribution": unhcr.ATTRIBUTION,
        "source_note": unhcr.SOURCE_NOTE,
    }
    return render(request, "stats/practice.html", context, status=status)


@login_required
@require_GET
def caseload_page(request: HttpRequest) -> HttpResponse:
    """The organisation's figures, disclosure-controlled for every role; audited."""
    figures = caseload_figures.caseload(request.user)
    record(
        request.user,
        "view_caseload_statistics",
        scope=figures.scope,
        format="json" if _wants_json(request) else "html",
    )
    if _wants_json(request):
        return JsonResponse(figures.to_dict(), json_dumps_params={"ensure_ascii": False})
    return render(
        request,
        "stats/caseload.html",
        {
            "figures": figures,
            "tables": list(figures.tables.values()),
            "threshold": figures.rule.threshold,
        },
    )


@login_required
@require_GET
def deaths_page(request: HttpRequest) -> HttpResponse:
    """Documented deaths by governorate and month, per source, from the evidence store."""
    lang = language()
    params = request.GET.copy()
    params.pop("format", None)
    form = DeathsForm(params or None)
    status = 400 if form.is_bound and not form.is_valid() else 200
    start, end = form.values()
    found = None
    unavailable = None
    try:
        found = deaths.documented(start, end, lang)
    except StoreUnavailable as err:
        unavailable = err.reason
    if _wants_json(request):
        if found is None:
            return JsonResponse({"unavailable": unavailable}, status=503)
        return JsonResponse(deaths.as_json(found), json_dumps_params={"ensure_ascii": False})
    return render(
        request,
        "stats/deaths.html",
        {"form": form, "start": start, "end": end, "deaths": found, "unavailable": unavailable},
        status=status,
    )
