"""Pages that write: opening a client and case, recording findings. Thin, as views.py."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from asylon.law import CaseFileError
from asylon.web.audit.services import record
from asylon.web.cases.casefile import to_case_file
from asylon.web.cases.forms import ClientCaseForm, FindingsForm, json_copy
from asylon.web.cases.models import Case, Client
from asylon.web.cases.views import _case


class _Invalid(Exception):
    """Rolls the transaction back after the form has been given the errors."""


def _create(form: ClientCaseForm, user: Any) -> Case:
    d = form.cleaned_data
    with transaction.atomic():
        client = Client.objects.create(
            team=user.team,
            full_name=d["full_name"],
            aliases=d["aliases"],
            born=d["born"],
            sex=d["sex"],
            nationalities=d["nationalities"],
            stateless=d["stateless"],
            home_country=d["home_country"],
            home_place=d["home_place"],
        )
        facts: dict[str, Any] = {"applicant": form.applicant()}
        if d["procedure_kind"]:
            facts["procedure"] = {"kind": d["procedure_kind"]}
        case = Case.objects.create(
            client=client,
            team=user.team,
            jurisdiction=d["jurisdiction"],
            procedure_kind=d["procedure_kind"],
            restricted=d["restricted"],
            facts=facts,
        )
        case.assigned.add(user)
        if case.restricted:
            case.named_users.add(user)
        try:
            to_case_file(case)
        except CaseFileError as err:
            for path, message in err.errors:
                form.add_error(None, f"{path}: {message}" if path else message)
            raise _Invalid from err
        record(
            user,
            "create_case",
            case,
            client=client.pk,
            jurisdiction=case.jurisdiction,
            restricted=case.restricted,
        )
    return case


@login_required
def new_case(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = ClientCaseForm(request.POST or None)
    if request.method == "POST":
        if getattr(user, "team", None) is None or not user.sees_people:  # type: ignore[union-attr]
            form.add_error(None, _("Only members of a team can open cases."))
        if form.is_valid():
            try:
                case = _create(form, user)
                return redirect("cases:detail", pk=case.pk)
            except _Invalid:
                pass
        return render(request, "cases/client_form.html", {"form": form}, status=400)
    return render(request, "cases/client_form.html", {"form": form})


@login_required
def edit_findings(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    if request.method != "POST":
        form = FindingsForm(findings=_findings(case))
        record(request.user, "view_findings", case)
        return render(request, "cases/findings_form.html", {"case": case, "form": form})
    form = FindingsForm(request.POST, findings=_findings(case))
    if form.is_valid():
        try:
            with transaction.atomic():
                locked = Case.objects.select_for_update().select_related("client").get(pk=case.pk)
                form = FindingsForm(request.POST, findings=_findings(locked))
                form.full_clean()
                before, after = form.current(), form.values()
                facts = json_copy(locked.facts or {})
                facts["claim"] = {**(facts.get("claim") or {}), "findings": form.merged()}
                locked.facts = facts
                to_case_file(locked)  # validates the whole case file; raises before any write
                locked.save(update_fields=["facts"])
                changed = [p for p in after if before[p] != after[p]]
                record(
                    request.user,
                    "edit_findings",
                    locked,
                    before={p: before[p] for p in changed},
                    after={p: after[p] for p in changed},
                )
            return redirect("cases:detail", pk=case.pk)
        except CaseFileError as err:
            for path, message in err.errors:
                form.add_path_error(path, message)
    return render(request, "cases/findings_form.html", {"case": case, "form": form}, status=400)


def _findings(case: Case) -> dict[str, Any]:
    return dict(((case.facts or {}).get("claim") or {}).get("findings") or {})
