"""Pages: a case's screening (caseworkers of the case) and the review queue (register staff)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from asylon.web.audit.services import record
from asylon.web.cases.views import _case
from asylon.web.screening import services
from asylon.web.screening.models import Judgement


class JudgementForm(forms.Form):
    # no default: a confirmed match reaches the case's next assessment, so it is always chosen
    decision = forms.ChoiceField(
        label=_("Judgement"),
        choices=[("", _("— choose —")), *Judgement.Decision.choices],
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


def _hit_context(views: list[services.HitView], judge: bool) -> list[dict[str, Any]]:
    return [
        {
            "hit": v.hit,
            "judgement": v.judgement,
            "allegations": services.allegations(v.hit.allegation_ids),
            "form": JudgementForm(prefix=f"hit{v.hit.pk}") if judge else None,
        }
        for v in views
    ]


@login_required
def case_screening(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)  # 404 for a case the user may not see
    run, views = services.latest_hits(case)
    record(request.user, "view_screening", case, hits=[v.hit.pk for v in views])
    judge = services.may_judge(request.user)
    return render(
        request,
        "screening/case.html",
        {"case": case, "run": run, "entries": _hit_context(views, judge), "may_judge": judge},
    )


@login_required
@require_POST
def screen(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    services.screen_case(case, request.user)
    return redirect("screening:case", pk=case.pk)


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    if not services.may_judge(request.user):
        raise Http404("no such page")
    hits = services.queue(request.user)
    record(request.user, "view_screening_queue", None, hits=[h.pk for h in hits])
    entries = [
        {
            "hit": h,
            "allegations": services.allegations(h.allegation_ids),
            "form": JudgementForm(prefix=f"hit{h.pk}"),
        }
        for h in hits
    ]
    return render(request, "screening/queue.html", {"entries": entries})


@login_required
@require_POST
def screen_all(request: HttpRequest) -> HttpResponse:
    """Batch mode from the review queue: every case the reviewer may see is screened again."""
    if not services.may_judge(request.user):
        raise Http404("no such page")
    runs = services.screen_batch(request.user)
    hits = sum(r.hits.count() for r in runs)
    messages.success(
        request,
        ngettext(
            "%(cases)d case screened; %(hits)d hits.",
            "%(cases)d cases screened; %(hits)d hits.",
            len(runs),
        )
        % {"cases": len(runs), "hits": hits},
    )
    return redirect("screening:queue")


@login_required
@require_POST
def judge(request: HttpRequest, hit_id: int) -> HttpResponse:
    if not services.may_judge(request.user):
        raise Http404("no such page")
    hit = services.hit_for(request.user, hit_id)
    if hit is None:
        raise Http404("no such hit")
    form = JudgementForm(request.POST, prefix=f"hit{hit.pk}")
    if not form.is_valid():
        return render(
            request,
            "screening/queue.html",
            {
                "entries": [
                    {
                        "hit": hit,
                        "allegations": services.allegations(hit.allegation_ids),
                        "form": form,
                    }
                ]
            },
            status=400,
        )
    services.judge(hit, request.user, form.cleaned_data["decision"], form.cleaned_data["reason"])
    nxt = request.POST.get("next", "")
    if nxt == "case":
        return redirect("screening:case", pk=hit.case_id)
    return redirect("screening:queue")
