"""Timeline pages. The rules (validation, facts, deadlines, alerts) live in services."""

from __future__ import annotations

from datetime import UTC, date, datetime

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from asylon.web.audit.services import record
from asylon.web.cases.access import visible_cases
from asylon.web.cases.models import Case
from asylon.web.timeline import services
from asylon.web.timeline.details import DETAILS, DetailsError
from asylon.web.timeline.forms import CHOICE_LABELS, FIELD_LABELS, EventForm, KindForm
from asylon.web.timeline.models import TimelineEvent


def _case(request: HttpRequest, pk: int) -> Case:
    return get_object_or_404(visible_cases(request.user).select_related("client"), pk=pk)


def _page(request: HttpRequest, case: Case, form: EventForm, status: int = 200) -> HttpResponse:
    events = list(case.timeline_events.select_related("created_by").order_by("-on", "-id"))
    for e in events:
        e.rows = [
            (
                FIELD_LABELS.get(k, k),
                CHOICE_LABELS.get(v, v) if isinstance(v, str) else v,
            )
            for k, v in e.details.items()
        ]
    today = date.today()
    return render(
        request,
        "timeline/case_timeline.html",
        {
            "case": case,
            "events": events,
            "form": form,
            "kind_form": KindForm(initial={"kind": form.event_kind}),
            "deadlines": services.deadlines_for(case, today, events),
            "today": today,
        },
        status=status,
    )


@login_required
def case_timeline(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        if kind not in DETAILS:
            kind = TimelineEvent.Kind.DECISION
        form = EventForm(kind, request.POST)
        if form.is_valid():
            try:
                services.add_event(
                    case, request.user, kind, form.cleaned_data["on"], form.details()
                )
                return redirect("timeline:case", pk=case.pk)
            except DetailsError as err:
                form.add_details_error(err)
        return _page(request, case, form, status=400)
    kind = request.GET.get("kind", "")
    form = EventForm(kind if kind in DETAILS else TimelineEvent.Kind.DECISION)
    record(request.user, "view_timeline", case)
    return _page(request, case, form)


@login_required
@require_POST
def delete_view(request: HttpRequest, pk: int, event_id: int) -> HttpResponse:
    case = _case(request, pk)
    event = get_object_or_404(TimelineEvent, pk=event_id, case=case)
    services.delete_event(case, request.user, event)
    return redirect("timeline:case", pk=case.pk)


@require_GET
def ical_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The user's deadlines as iCalendar; the token in the address is the credential."""
    user = services.user_for_token(token)
    if user is None:
        raise Http404
    deadlines = services.deadlines_for_user(user, date.today())
    record(user, "ical_feed", None, deadlines=len(deadlines))
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    body = services.to_ical(deadlines, stamp, request.get_host())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="asylon-deadlines.ics"'
    response["Cache-Control"] = "private, no-store"
    return response
