"""A test-only URLconf: the project's URLs plus a view that fails after reading a case, so the
suite can see what a 500 logs and shows."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from asylon.web.cases.models import Case
from asylon.web.urls import urlpatterns as project


def broken(request: HttpRequest, pk: int) -> HttpResponse:
    case = Case.objects.select_related("client").get(pk=pk)
    request.session["last"] = case.client.full_name  # personal data in play when it fails
    raise RuntimeError(f"broken view failed on case {case.pk}")


urlpatterns = [*project, path("broken/<int:pk>/", broken)]
