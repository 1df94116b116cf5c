"""Pages for caseworkers. Business rules live in services (access, casefile, assessing)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from asylon.law import CaseFileError, LawNotInForce
from asylon.web.accounts.decorators import reauthenticated
from asylon.web.audit.services import record
from asylon.web.cases.access import visible_cases
from asylon.web.cases.assessing import assess_case, compare_case
from asylon.web.cases.case_list import found, listed
from asylon.web.cases.casefile import import_case, to_case_file
from asylon.web.cases.links import missing_link
from asylon.web.cases.models import Assessment, Case
from asylon.web.crypto.blind_index import cases_named, query_digest
from asylon.web.lawtext import profile_name
from asylon.web.timeline.alert_cache import cached_alerts, data_version

MAX_CASE_FILE_BYTES = 1_000_000


class AsOfForm(forms.Form):
    as_of = forms.DateField(
        label=_("Decision date"),
        initial=date.today,
        help_text=_("Selects the law in force and the country evidence."),
    )


class ImportForm(forms.Form):
    case_file = forms.FileField(label=_("Case file (asylon.case/1, JSON or YAML)"))


def _case(request: HttpRequest, pk: int) -> Case:
    return get_object_or_404(visible_cases(request.user).select_related("client"), pk=pk)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "cases/dashboard.html", _dashboard_context(request, ImportForm()))


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Find a client"), max_length=100, required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("any")), *Case.Status.choices]
    )


PAGE_SIZE = 50


@dataclass(frozen=True)
class CaseRow:
    """One line of the case list, every value it shows worked out once for the page."""

    pk: int
    url: str
    client_name: str
    restricted: bool
    jurisdiction: str  # the profile's name, translated
    status: str  # translated
    created_at: datetime


def urls_by_pk(viewname: str) -> Callable[[int], str]:
    """``reverse(viewname, args=[pk])`` for many primary keys: one reverse, then the key put
    in its place (fifty reverses were 3.5 ms of a dashboard)."""
    head, sep, tail = reverse(viewname, args=[0]).rpartition("/0/")
    if not sep:  # a pattern without /<pk>/: reverse each
        return lambda pk: reverse(viewname, args=[pk])
    return lambda pk: f"{head}/{pk}/{tail}"


def _page(user: Any, ids: list[int]) -> list[CaseRow]:
    """The list's rows for these case ids, newest first, with only what the list shows.

    The facts and the client's contact details, never shown here, are not fetched (nor
    decrypted) at all; the rows are read through the access rule again, whatever the ids.
    The labels are translated once a page, not once a row (a status's display name rebuilt
    and translated the whole choice list each time: 2.7 ms for fifty rows).
    """
    rows = (
        visible_cases(user)
        .filter(pk__in=ids)
        .select_related("client")
        .only(
            "jurisdiction", "status", "restricted", "created_at", "client__full_name", "client__id"
        )
        .order_by("-created_at", "-pk")
    )
    statuses = {value: str(label) for value, label in Case.Status.choices}
    profiles: dict[str, str] = {}
    url = urls_by_pk("cases:detail")
    return [
        CaseRow(
            pk=case.pk,
            url=url(case.pk),
            client_name=case.client.full_name,
            restricted=case.restricted,
            jurisdiction=profiles.get(case.jurisdiction)
            or profiles.setdefault(case.jurisdiction, profile_name(case.jurisdiction)),
            status=statuses.get(case.status, case.status),
            created_at=case.created_at,
        )
        for case in rows
    ]


def _dashboard_context(request: HttpRequest, form: ImportForm) -> dict[str, object]:
    search = SearchForm(request.GET or None)
    q = status = ""
    if search.is_valid():
        q, status = search.cleaned_data["q"].strip(), search.cleaned_data["status"]
    version = data_version()  # one read for the kept case list and the alerts
    if q:
        cases = cases_named(visible_cases(request.user), q)  # exact names, by the blind index
        if status:
            cases = cases.filter(status=status)
        total, ids = found(cases, 0, PAGE_SIZE)
    else:
        total, ids = listed(request.user, status, PAGE_SIZE, version)
    page = _page(request.user, ids)
    alerts = cached_alerts(request.user, date.today(), version)
    # Every view of the list is a read of clients' names: which cases it showed, in the list
    # and in the alerts, is on record (ids only). A search also keeps who was looked for, as
    # the query's keyed digest, never the name.
    shown = {
        "cases": [c.pk for c in page],
        "alerts": sorted({line.case_id for lines in alerts.lines.values() for line in lines}),
    }
    if q:
        record(
            request.user, "search_cases", query=query_digest(q), found=total, via="page", **shown
        )
    else:
        record(request.user, "view_case_list", total=total, **shown)
    return {
        "cases": page,
        "total": total,
        "shown": min(total, PAGE_SIZE),
        "search": search,
        "import_form": form,
        "alerts": alerts,
    }


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    record(request.user, "view_case", case)
    assessments = list(case.assessments.all()[:20])
    return render(
        request,
        "cases/case_detail.html",
        _detail(case, assessments[0] if assessments else None, assessments[1:], AsOfForm()),
    )


def _detail(
    case: Case, latest: Assessment | None, earlier: list[Assessment], form: AsOfForm
) -> dict[str, Any]:
    missing = []
    if latest is not None:
        missing = [
            {**m, "link": missing_link(case.pk, m["field"])}
            for m in latest.determination.get("missing", [])
        ]
    return {
        "case": case,
        "latest": latest,
        "earlier": earlier,
        "form": form,
        "missing": missing,
    }


@login_required
@require_POST
def assess_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    form = AsOfForm(request.POST)
    if form.is_valid():
        try:
            assess_case(case, request.user, form.cleaned_data["as_of"])
            return redirect("cases:detail", pk=case.pk)
        except (CaseFileError, LawNotInForce) as err:
            form.add_error("as_of", str(err))
    return render(request, "cases/case_detail.html", _detail(case, None, [], form), status=400)


@login_required
def assessment_detail(request: HttpRequest, pk: int, assessment_id: int) -> HttpResponse:
    case = _case(request, pk)
    assessment = get_object_or_404(Assessment, pk=assessment_id, case=case)
    record(request.user, "view_assessment", case, assessment=assessment.pk)
    return render(request, "cases/case_detail.html", _detail(case, assessment, [], AsOfForm()))


@login_required
def compare_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    form = AsOfForm(request.GET or None)
    as_of = form.cleaned_data["as_of"] if form.is_valid() else date.today()
    results = compare_case(case, request.user, as_of)
    ids: list[str] = []
    for r in results.values():
        if isinstance(r, dict):
            ids += [s["id"] for s in r["steps"] if s["id"] not in ids]
    rows = []
    for sid in ids:
        cells = [
            next((s["answer"] for s in r["steps"] if s["id"] == sid), "")
            if isinstance(r, dict)
            else ""
            for r in results.values()
        ]
        if any(c not in ("not_applicable", "") for c in cells):
            rows.append((sid, cells))
    return render(
        request,
        "cases/compare.html",
        {"case": case, "results": results, "rows": rows, "as_of": as_of, "form": form},
    )


@login_required
@reauthenticated(guard=_case)
def export_case_file(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    doc = to_case_file(case)
    record(request.user, "export_case_file", case)
    response = JsonResponse(doc, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="case-{case.pk}.json"'
    return response


@login_required
@require_POST
def import_view(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST, request.FILES)
    user = request.user
    if form.is_valid() and getattr(user, "team", None) is None:
        form.add_error(None, _("Only members of a team can open cases."))
    if form.is_valid():
        upload = form.cleaned_data["case_file"]
        if upload.size > MAX_CASE_FILE_BYTES:
            form.add_error("case_file", _("The file is larger than 1 MB."))
        else:
            fmt = "json" if upload.name.lower().endswith(".json") else "yaml"
            try:
                case = import_case(
                    upload.read(),
                    fmt,
                    user.team,
                    user,
                    then=lambda new: record(user, "import_case_file", new),
                )
                return redirect("cases:detail", pk=case.pk)
            except CaseFileError as err:
                for path, message in err.errors:
                    form.add_error("case_file", f"{path}: {message}" if path else message)
    return render(request, "cases/dashboard.html", _dashboard_context(request, form), status=400)
