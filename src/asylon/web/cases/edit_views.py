"""Pages that write: opening a client and case, recording findings. Thin, as views.py."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from asylon.law import CaseFileError
from asylon.web.audit.services import record
from asylon.web.cases import concurrency
from asylon.web.cases.access import visible_cases
from asylon.web.cases.casefile import to_case_file
from asylon.web.cases.concurrency import CONFLICT
from asylon.web.cases.family import RECIPROCAL, FamilyLinkForm
from asylon.web.cases.forms import (
    APPLICANT_KEYS,
    CaseSettingsForm,
    ClientCaseForm,
    ClientForm,
    FindingsForm,
    json_copy,
)
from asylon.web.cases.models import Case, Client, FamilyLink
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
            languages=d["languages"],
            contact=d["contact"].strip(),
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
                concurrency.check(locked, concurrency.posted_revision(request))
                form = FindingsForm(request.POST, findings=_findings(locked))
                form.full_clean()
                before, after = form.current(), form.values()
                facts = json_copy(locked.facts or {})
                facts["claim"] = {**(facts.get("claim") or {}), "findings": form.merged()}
                locked.facts = facts
                to_case_file(locked)  # validates the whole case file; raises before any write
                locked.save(update_fields=["facts", concurrency.bump(locked)])
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
        except concurrency.StaleEdit:
            case.refresh_from_db()
            form.add_error(None, CONFLICT)
            context = {"case": case, "form": form, "revision": case.revision}
            return render(request, "cases/findings_form.html", context, status=409)
    return render(request, "cases/findings_form.html", {"case": case, "form": form}, status=400)


def _findings(case: Case) -> dict[str, Any]:
    return dict(((case.facts or {}).get("claim") or {}).get("findings") or {})


def _applicant_from(form: ClientForm, stored: dict[str, Any]) -> dict[str, Any]:
    """The stored applicant section with the client form's keys replaced (others kept)."""
    kept = {k: v for k, v in stored.items() if k not in APPLICANT_KEYS}
    return {**kept, **form.applicant()}


def _client_snapshot(client: Client) -> dict[str, Any]:
    return json_copy(
        {
            "full_name": client.full_name,
            "aliases": client.aliases,
            "born": client.born.isoformat() if client.born else None,
            "sex": client.sex,
            "nationalities": client.nationalities,
            "stateless": client.stateless,
            "home_country": client.home_country,
            "home_place": client.home_place,
            "languages": client.languages,
            "contact": client.contact,
        }
    )


@login_required
def edit_client(request: HttpRequest, pk: int) -> HttpResponse:
    """The client of a case: names, birth, nationality, home area, languages, contact, family.
    The applicant section of every case of this client follows, in one transaction."""
    case = _case(request, pk)
    client = case.client
    if request.method != "POST":
        record(request.user, "view_client", case, client=client.pk)
        form = ClientForm(initial=ClientForm.initial_for(client))
        return _client_page(request, case, form, FamilyLinkForm(case=case, user=request.user))
    form = ClientForm(request.POST)
    if form.is_valid():
        try:
            with transaction.atomic():
                locked = Client.objects.select_for_update().get(pk=client.pk)
                concurrency.check(locked, concurrency.posted_revision(request))
                before = _client_snapshot(locked)
                d = form.cleaned_data
                for name in ("full_name", "aliases", "born", "sex", "nationalities"):
                    setattr(locked, name, d[name])
                for name in ("stateless", "home_country", "home_place", "languages"):
                    setattr(locked, name, d[name])
                locked.contact = d["contact"].strip()
                concurrency.bump(locked)
                locked.save()
                for other in Case.objects.select_for_update().filter(client=locked):
                    facts = json_copy(other.facts or {})
                    facts["applicant"] = _applicant_from(form, facts.get("applicant") or {})
                    other.facts = facts
                    other.client = locked
                    to_case_file(other)  # validates before anything is written
                    other.save(update_fields=["facts", concurrency.bump(other)])
                after = _client_snapshot(locked)
                changed = [k for k in after if before[k] != after[k]]
                record(
                    request.user,
                    "edit_client",
                    case,
                    client=locked.pk,
                    before={k: before[k] for k in changed},
                    after={k: after[k] for k in changed},
                )
            messages.success(request, _("Saved."))
            return redirect("cases:client", pk=case.pk)
        except CaseFileError as err:
            for path, message in err.errors:
                form.add_error(None, f"{path}: {message}" if path else message)
        except concurrency.StaleEdit:
            case.client.refresh_from_db()
            form.add_error(None, CONFLICT)
            family = FamilyLinkForm(case=case, user=request.user)
            return _client_page(
                request, case, form, family, status=409, revision=case.client.revision
            )
    return _client_page(
        request, case, form, FamilyLinkForm(case=case, user=request.user), status=400
    )


def _client_page(
    request: HttpRequest,
    case: Case,
    form: Any,
    family_form: Any,
    status: int = 200,
    revision: int | None = None,
) -> HttpResponse:
    links = [
        (link.relative, link.get_relation_display(), link.pk)
        for link in case.client.family_links.select_related("relative")
    ]
    visible = set(visible_cases(request.user).values_list("client_id", flat=True))
    family = [
        {
            "name": relative.full_name if relative.pk in visible else None,
            "relation": relation,
            "case": relative.cases.filter(pk__in=visible_cases(request.user)).first(),
            "link": link_pk,
        }
        for relative, relation, link_pk in links
    ]
    return render(
        request,
        "cases/client_edit.html",
        {
            "case": case,
            "form": form,
            "family": family,
            "family_form": family_form,
            "revision": revision,
        },
        status=status,
    )


@login_required
@require_POST
def add_family_link(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    form = FamilyLinkForm(request.POST, case=case, user=request.user)
    if form.is_valid():
        relative = form.cleaned_data["relative"]
        relation = form.cleaned_data["relation"]
        with transaction.atomic():
            FamilyLink.objects.update_or_create(
                client=case.client, relative=relative, defaults={"relation": relation}
            )
            FamilyLink.objects.get_or_create(
                client=relative,
                relative=case.client,
                defaults={"relation": RECIPROCAL.get(relation, relation)},
            )
            record(
                request.user,
                "link_family",
                case,
                client=case.client.pk,
                relative=relative.pk,
                relation=relation,
            )
        messages.success(request, _("Family member linked."))
        return redirect("cases:client", pk=case.pk)
    return _client_page(
        request, case, ClientForm(initial=ClientForm.initial_for(case.client)), form, status=400
    )


@login_required
def case_settings(request: HttpRequest, pk: int) -> HttpResponse:
    """Jurisdiction, procedure, status, caseworkers, restriction. Restricting or opening a
    case is for its supervisors and its assigned caseworkers only."""
    case = _case(request, pk)
    user: Any = request.user
    initial = {
        "jurisdiction": case.jurisdiction,
        "procedure_kind": case.procedure_kind,
        "status": case.status,
        "assigned": list(case.assigned.all()),
        "restricted": case.restricted,
        "named_users": list(case.named_users.all()),
    }
    if request.method != "POST":
        record(user, "view_case_settings", case)
        form = CaseSettingsForm(initial=initial, case=case)
        return render(request, "cases/case_settings.html", {"case": case, "form": form})
    form = CaseSettingsForm(request.POST, initial=initial, case=case)
    may_restrict = user.role in ("admin", "supervisor") or case.assigned.filter(pk=user.pk).exists()
    if form.is_valid() and not may_restrict and form.has_changed():
        for name in ("restricted", "named_users", "assigned"):
            if name in form.changed_data:
                form.add_error(
                    name,
                    _("Only a supervisor or a caseworker assigned to the case may change this."),
                )
    if form.is_valid():
        d = form.cleaned_data
        try:
            with transaction.atomic():
                locked = Case.objects.select_for_update().select_related("client").get(pk=case.pk)
                concurrency.check(locked, concurrency.posted_revision(request))
                before = _settings_snapshot(locked)
                locked.jurisdiction = d["jurisdiction"]
                locked.procedure_kind = d["procedure_kind"]
                locked.status = d["status"]
                locked.restricted = d["restricted"]
                facts = json_copy(locked.facts or {})
                procedure = dict(facts.get("procedure") or {})
                if d["procedure_kind"]:
                    procedure["kind"] = d["procedure_kind"]
                else:
                    procedure.pop("kind", None)
                if procedure:
                    facts["procedure"] = procedure
                else:
                    facts.pop("procedure", None)
                locked.facts = facts
                to_case_file(locked)
                concurrency.bump(locked)
                locked.save()
                locked.assigned.set(d["assigned"])
                named = set(d["named_users"]) | ({user} if d["restricted"] else set())
                locked.named_users.set(named)
                after = _settings_snapshot(locked)
                changed = [k for k in after if before[k] != after[k]]
                record(
                    user,
                    "edit_case_settings",
                    locked,
                    before={k: before[k] for k in changed},
                    after={k: after[k] for k in changed},
                )
            messages.success(request, _("Saved."))
            return redirect("cases:detail", pk=case.pk)
        except CaseFileError as err:
            for path, message in err.errors:
                form.add_error(None, f"{path}: {message}" if path else message)
        except concurrency.StaleEdit:
            case.refresh_from_db()
            form.add_error(None, CONFLICT)
            context = {"case": case, "form": form, "revision": case.revision}
            return render(request, "cases/case_settings.html", context, status=409)
    return render(request, "cases/case_settings.html", {"case": case, "form": form}, status=400)


def _settings_snapshot(case: Case) -> dict[str, Any]:
    return {
        "jurisdiction": case.jurisdiction,
        "procedure_kind": case.procedure_kind,
        "status": case.status,
        "restricted": case.restricted,
        "assigned": sorted(u.username for u in case.assigned.all()),
        "named_users": sorted(u.username for u in case.named_users.all()),
    }
