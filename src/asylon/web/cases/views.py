"""Pages for caseworkers. Business rules live in services (access.py); views stay thin."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from asylon.web.audit.services import record
from asylon.web.cases.access import visible_cases


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    cases = visible_cases(request.user).select_related("client").order_by("-created_at")[:50]
    return render(request, "cases/dashboard.html", {"cases": cases})


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(visible_cases(request.user).select_related("client"), pk=pk)
    record(request.user, "view_case", case)
    return render(request, "cases/case_detail.html", {"case": case})
