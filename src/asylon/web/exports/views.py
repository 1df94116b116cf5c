"""Pages: my export requests, the request form (with a preview count), one request (decision
for the supervisor, download for the requester), and the supervisor's approval queue.

Researchers get 404 everywhere (they see no person). The download is a POST (it uses up the
approval: a link prefetch must not) and wants a recent re-authentication
(:func:`asylon.web.accounts.decorators.reauthenticated`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from asylon.web.accounts.decorators import reauthenticated
from asylon.web.exports import services
from asylon.web.exports.forms import DecisionForm, ExportRequestForm
from asylon.web.exports.models import ExportRequest


def _people_only(request: HttpRequest) -> None:
    if not services.sees_people(request.user):
        raise Http404("no exports for this user")


@login_required
def request_list(request: HttpRequest) -> HttpResponse:
    _people_only(request)
    user = request.user
    return render(
        request,
        "exports/list.html",
        {
            "requests": services.own_requests(user)[:200],
            "may_request": services.may_request(user),
            "may_decide": services.may_decide(user),
            "queue_size": services.decision_queue(user).count(),
            "valid_hours": services.valid_hours(),
        },
    )


@login_required
def new_request(request: HttpRequest) -> HttpResponse:
    _people_only(request)
    user = request.user
    form = ExportRequestForm(request.POST or None)
    count = None
    status = 200
    if request.method == "POST":
        scope_ok = form.is_valid() or not (set(form.errors) - {"reason"})
        if scope_ok and "kind" in form.cleaned_data and "fmt" in form.cleaned_data:
            count = services.preview_count(user, form.scope())
        if request.POST.get("action") != "preview":
            if form.is_valid():
                try:
                    row = services.create_request(user, form.scope(), form.cleaned_data["reason"])
                except services.ExportError as err:
                    form.add_error_from(err)
                else:
                    messages.success(
                        request, _("Your request was sent to a supervisor of your team.")
                    )
                    return redirect("exports:detail", pk=row.pk)
            status = 400
    return render(
        request,
        "exports/form.html",
        {"form": form, "count": count, "may_request": services.may_request(user)},
        status=status,
    )


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    _people_only(request)
    if not services.may_decide(request.user):
        raise Http404("no approval queue for this user")
    return render(
        request, "exports/queue.html", {"requests": services.decision_queue(request.user)}
    )


def _detail(
    request: HttpRequest, row: ExportRequest, form: DecisionForm | None = None, status: int = 200
) -> HttpResponse:
    user = request.user
    decides = (
        services.may_decide(user)
        and row.team_id == user.team_id
        and row.requester_id != user.pk
        and row.status == ExportRequest.Status.PENDING
    )
    return render(
        request,
        "exports/detail.html",
        {
            "export": row,
            "state": row.state,
            "is_requester": row.requester_id == user.pk,
            "decides": decides,
            "form": form or DecisionForm(),
            "current_count": (
                services.scoped_cases(row.requester, services.scope_of(row)).count()
                if decides
                else None
            ),
        },
        status=status,
    )


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    _people_only(request)
    return _detail(request, services.get_request(request.user, pk))


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    _people_only(request)
    row = services.get_request(request.user, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        act = services.approve if form.cleaned_data["decision"] == "approve" else services.refuse
        try:
            act(request.user, pk, form.cleaned_data["reason"])
        except services.ExportError as err:
            form.add_error("reason" if err.field == "reason" else None, err.message)
            return _detail(request, row, form, status=err.status)
        messages.success(request, _("Your decision was recorded."))
        return redirect("exports:queue")
    return _detail(request, row, form, status=400)


@login_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    _people_only(request)
    try:
        services.cancel(request.user, pk)
    except services.ExportError as err:
        messages.error(request, err.message)
    return redirect("exports:detail", pk=pk)


@login_required
@require_POST
@reauthenticated(guard=lambda request, pk: services.get_request(request.user, pk))
def download(request: HttpRequest, pk: int) -> HttpResponseBase:
    _people_only(request)
    try:
        taken = services.take_download(request.user, pk)
    except services.ExportError as err:
        row = services.get_request(request.user, pk)
        messages.error(request, err.message)
        return _detail(request, row, status=err.status)
    return services.response_for(taken)
