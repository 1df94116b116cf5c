"""The register's pages: persons (search by name in any script), units (the hierarchy),
incidents, evidence items, the review queue with its workflow forms, each record's revision
history, and the dossier of a person as HTML and PDF.

Access: documentation staff and reviewers only (:mod:`.access`); for anyone else every page is
404. Every page showing a person, unit, incident, evidence item or record history is audited
by object id (never a name); every evidence item a page shows gets a ``viewed`` entry in its
custody log, every PDF and file download an ``exported`` one. The rules live in
:mod:`.records`, :mod:`.evidence` and :mod:`.dossier`; views call them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from asylon.register.models import EvidenceItem, Incident, Source, Unit
from asylon.web.accounts.decorators import reauthenticated
from asylon.web.audit.services import record as audit
from asylon.web.documents import storage
from asylon.web.documents.filenames import attachment_header, display_name
from asylon.web.register import models as db
from asylon.web.register.access import sees_register
from asylon.web.register.dossier import (
    all_units,
    build_dossier,
    evidence_for,
    names_by_script,
    related_ids,
    unit_path,
)
from asylon.web.register.dossier import (
    display_name as person_name,
)
from asylon.web.register.evidence import log_custody, open_evidence
from asylon.web.register.forms import (
    MOVES,
    IncidentFilterForm,
    PersonSearchForm,
    QueueFilterForm,
    TransitionForm,
)
from asylon.web.register.records import content_author_id, to_core, transition

try:  # the names package (asylon.names) folds spellings across scripts when it is installed
    from asylon.names.normalise import normalise_token
except ImportError:  # pragma: no cover - plain case-insensitive search without it
    normalise_token = None  # type: ignore[assignment]


def _fold_token(word: str) -> str:
    """One word's search key: :func:`asylon.names.normalise.normalise_token` (Arabic alef
    forms, ta marbuta, hamza seats and diacritics folded; Latin diacritics and case; ё as е),
    else the word in lower case."""
    return normalise_token(word) if normalise_token is not None else word.casefold()


PAGE_SIZE = 50
DOWNLOAD_CSP = "default-src 'none'; sandbox"
_ACTIVE_TYPES = ("html", "xml", "javascript", "svg")


def staff_only(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """A login, then 404 for anyone who is not documentation staff: the register does not
    exist for them."""

    @login_required
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not sees_register(request.user):
            raise Http404("no such page")
        return view(request, *args, **kwargs)

    return wrapped


def _language() -> str:
    return (get_language() or "en")[:2]


def _show_evidence(items: Iterable[db.EvidenceItem], user: Any, where: str) -> None:
    """A ``viewed`` custody entry for each evidence item a page shows."""
    for item in items:
        log_custody(item, db.CustodyEntry.Action.VIEWED, user, f"shown on {where}")


# --- persons --------------------------------------------------------------------------------


def _key(text: str) -> str:
    """A name folded for search: each word's comparison key, joined by single spaces."""
    return " ".join(_fold_token(word) for word in text.split())


def _matches(query: str, names: list[dict[str, Any]]) -> bool:
    return any(query in _key(str(n.get("text", ""))) for n in names)


@staff_only
@require_GET
def persons(request: HttpRequest) -> HttpResponse:
    form = PersonSearchForm(request.GET or None)
    rows = db.Person.objects.annotate(n_allegations=Count("allegations")).order_by("record_id")
    query = ""
    if form.is_valid():
        if status := form.cleaned_data["status"]:
            rows = rows.filter(status=status)
        query = _key(form.cleaned_data["q"] or "")
    found = [row for row in rows if _matches(query, row.names)] if query else list(rows)
    language = _language()
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    listed = [
        {
            "row": row,
            "name": person_name(row.names, language),
            "names": names_by_script(to_core(row).names),  # type: ignore[attr-defined]
        }
        for row in page
    ]
    audit(request.user, "register_view_persons", None, searched=bool(query), results=len(found))
    return render(
        request,
        "register/persons.html",
        {"form": form, "persons": listed, "page": page, "total": len(found)},
    )


def _unit_pks() -> dict[str, int]:
    return dict(db.Unit.objects.values_list("record_id", "pk"))


@staff_only
@require_GET
def person(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(db.Person, pk=pk)
    with transaction.atomic():
        audit(request.user, "register_view_person", row)
        items = evidence_for(related_ids(row))
        _show_evidence(items, request.user, f"the register page of person {row.pk}")
    dossier = build_dossier(row, request.user, with_version=False)
    return render(
        request,
        "register/person.html",
        {
            "d": dossier,
            "name": person_name(dossier.person.names, _language()),
            "unit_pks": _unit_pks(),
        },
    )


def _dossier_context(request: HttpRequest, row: db.Person, fmt: str) -> dict[str, Any]:
    """Custody entries for the evidence items, the audit entry, then the dossier (so it shows
    its own viewing or export)."""
    action = db.CustodyEntry.Action.VIEWED if fmt == "html" else db.CustodyEntry.Action.EXPORTED
    for item in evidence_for(related_ids(row)):
        log_custody(item, action, request.user, f"dossier ({fmt}) of register person {row.pk}")
    dossier = build_dossier(row, request.user)
    audit(
        request.user,
        "register_dossier",
        row,
        format=fmt,
        language=_language(),
        register_version=dossier.register_version,
        evidence_items=len(dossier.evidence),
    )
    return {
        "d": dossier,
        "name": person_name(dossier.person.names, _language()),
        "for_pdf": fmt == "pdf",
    }


@staff_only
@require_GET
def dossier(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(db.Person, pk=pk)
    with transaction.atomic():
        context = _dossier_context(request, row, "html")
    return render(request, "register/dossier.html", context)


@staff_only
@require_GET
@reauthenticated
def dossier_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from asylon.web.register.pdf import render_pdf  # WeasyPrint loads only when a PDF is made

    row = get_object_or_404(db.Person, pk=pk)
    with transaction.atomic():  # no custody or audit entry for a PDF that was not made
        context = _dossier_context(request, row, "pdf")
        pdf = render_pdf(render_to_string("register/dossier.html", context, request=request))
    response = HttpResponse(pdf, content_type="application/pdf")
    stamp = context["d"].generated_at.strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="dossier-person-{pk}-{stamp}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = DOWNLOAD_CSP
    response["Cache-Control"] = "private, no-store"
    return response


# --- units ----------------------------------------------------------------------------------


def _tree(units: dict[str, Unit]) -> list[tuple[Unit, list[Any]]]:
    children: dict[str | None, list[Unit]] = {}
    for unit in units.values():
        parent = unit.parent_id if unit.parent_id in units else None
        children.setdefault(parent, []).append(unit)

    def branch(parent: str | None, seen: frozenset[str]) -> list[tuple[Unit, list[Any]]]:
        kids = sorted(children.get(parent, []), key=lambda u: u.label)
        return [(u, branch(u.id, seen | {u.id})) for u in kids if u.id not in seen]

    return branch(None, frozenset())


@staff_only
@require_GET
def units(request: HttpRequest) -> HttpResponse:
    found = all_units()
    audit(request.user, "register_view_units", None, results=len(found))
    return render(request, "register/units.html", {"tree": _tree(found), "unit_pks": _unit_pks()})


@staff_only
@require_GET
def unit(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(db.Unit, pk=pk)
    units_by_id = all_units()
    core = units_by_id[row.record_id]
    memberships = [
        to_core(m)
        for m in db.Membership.objects.filter(unit_id=row.record_id).order_by("start_date")
    ]
    positions = [to_core(p) for p in db.Position.objects.filter(unit_id=row.record_id)]
    occupancies = [
        to_core(o)
        for o in db.Occupancy.objects.filter(position_id__in=[p.id for p in positions]).order_by(
            "start_date"
        )
    ]
    allegations = [to_core(a) for a in db.Allegation.objects.filter(unit_id=row.record_id)]
    incidents = {
        i.record_id: (to_core(i), i.pk)
        for i in db.Incident.objects.filter(record_id__in=[a.incident_id for a in allegations])  # type: ignore[attr-defined]
    }
    person_ids = [m.person_id for m in memberships] + [o.person_id for o in occupancies]  # type: ignore[attr-defined]
    people = {
        p.record_id: (person_name(p.names, _language()), p.pk)
        for p in db.Person.objects.filter(record_id__in=person_ids)
    }
    audit(request.user, "register_view_unit", row)
    return render(
        request,
        "register/unit.html",
        {
            "row": row,
            "unit": core,
            "path": unit_path(row.record_id, units_by_id),
            "children": sorted(
                (u for u in units_by_id.values() if u.parent_id == row.record_id),
                key=lambda u: u.label,
            ),
            "names": names_by_script(core.names),
            "memberships": memberships,
            "positions": positions,
            "occupancies": occupancies,
            "allegations": [(a, incidents.get(a.incident_id)) for a in allegations],  # type: ignore[attr-defined]
            "people": people,
            "sources": _sources(core.source_ids),
            "unit_pks": _unit_pks(),
        },
    )


def _sources(ids: Iterable[str]) -> list[Source]:
    wanted = list(dict.fromkeys(ids))
    rows = {s.record_id: s for s in db.Source.objects.filter(record_id__in=wanted)}
    return [to_core(rows[i]) for i in wanted if i in rows]  # type: ignore[misc]


# --- incidents ------------------------------------------------------------------------------


@staff_only
@require_GET
def incidents(request: HttpRequest) -> HttpResponse:
    form = IncidentFilterForm(request.GET or None)
    found = [to_core(i) for i in db.Incident.objects.order_by("start_date", "record_id")]
    if form.is_valid() and (violation := form.cleaned_data["violation"]):
        found = [i for i in found if violation in i.violation_types]  # type: ignore[attr-defined]
    pks = dict(db.Incident.objects.values_list("record_id", "pk"))
    counts = dict(
        db.Allegation.objects.values("incident_id")
        .annotate(n=Count("pk"))
        .values_list("incident_id", "n")
    )
    audit(request.user, "register_view_incidents", None, results=len(found))
    return render(
        request,
        "register/incidents.html",
        {
            "form": form,
            "incidents": [(i, pks[i.id], counts.get(i.id, 0)) for i in found],
        },
    )


@staff_only
@require_GET
def incident(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(db.Incident, pk=pk)
    core = to_core(row)
    assert isinstance(core, Incident)
    allegations = [to_core(a) for a in db.Allegation.objects.filter(incident_id=row.record_id)]
    people = {
        p.record_id: (person_name(p.names, _language()), p.pk)
        for p in db.Person.objects.filter(
            record_id__in=[a.person_id for a in allegations]  # type: ignore[attr-defined]
        )
    }
    units_by_id = all_units()
    cited = [*core.source_ids, *(c.source_id for c in core.victim_counts if c.source_id)]
    for allegation in allegations:
        cited += allegation.source_ids
    with transaction.atomic():
        audit(request.user, "register_view_incident", row)
        items = evidence_for([row.record_id, *(a.id for a in allegations)])
        _show_evidence(items, request.user, f"the register page of incident {row.pk}")
    return render(
        request,
        "register/incident.html",
        {
            "row": row,
            "incident": core,
            "allegations": sorted(allegations, key=lambda a: a.id),
            "people": people,
            "units": units_by_id,
            "unit_pks": _unit_pks(),
            "sources": {s.id: s for s in _sources(cited)},
            "evidence": [(to_core(i), i) for i in items],
        },
    )


# --- evidence items -------------------------------------------------------------------------


@staff_only
@require_GET
def evidence_item(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(db.EvidenceItem, pk=pk)
    with transaction.atomic():
        audit(request.user, "register_view_evidence", row)
        _show_evidence([row], request.user, f"the register page of evidence item {row.pk}")
    core = to_core(row)
    assert isinstance(core, EvidenceItem)
    return render(
        request,
        "register/evidence.html",
        {
            "row": row,
            "item": core,
            "custody": db.CustodyEntry.objects.filter(item=row).order_by("number"),
            "sources": _sources(core.source_ids),
        },
    )


@staff_only
@require_GET
@reauthenticated
def evidence_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    row = get_object_or_404(db.EvidenceItem, pk=pk)
    try:
        content = open_evidence(
            row,
            request.user,
            f"downloaded from the register page of evidence item {row.pk}",
            action=db.CustodyEntry.Action.EXPORTED,
        )
    except storage.StorageError as err:
        return render(
            request,
            "register/evidence_integrity_error.html",
            {"row": row, "missing": isinstance(err, storage.BlobMissing)},
            status=409,
        )
    media_type = row.media_type
    if any(active in media_type for active in _ACTIVE_TYPES):
        media_type = "application/octet-stream"  # never rendered by the browser as ours
    response = FileResponse(content, content_type=media_type)
    stem = f"evidence-{row.pk}"
    response["Content-Disposition"] = attachment_header(display_name(row.file_name) or stem, stem)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = DOWNLOAD_CSP
    response["Cache-Control"] = "private, no-store"
    return response


# --- the review workflow --------------------------------------------------------------------


def _model(record_type: str) -> type[db.RegisterRecord]:
    if record_type not in db.MODELS:
        raise Http404("no such record type")
    return db.MODELS[record_type]


def _record_label(row: db.RegisterRecord) -> str:
    if isinstance(row, db.Person | db.Unit):
        return person_name(row.names, _language())
    try:
        return str(to_core(row).label)
    except ValueError:
        return str(row.record_id)


def _transition_form(row: db.RegisterRecord, user: Any, back: str, data: Any = None) -> Any:
    form = TransitionForm(
        row.status,
        user,
        data,
        initial={"back": back},
        auto_id=f"id_{row.RECORD_TYPE}_{row.pk}_%s",
    )
    return form if form.offers_a_step else None


@staff_only
@require_GET
def review_queue(request: HttpRequest) -> HttpResponse:
    form = QueueFilterForm(request.GET or None)
    wanted = form.cleaned_data["record_type"] if form.is_valid() else ""
    sections = []
    for status in (db.Status.DRAFT, db.Status.PEER_REVIEWED):
        waiting = []
        for record_type, model in db.MODELS.items():
            if wanted and record_type != wanted:
                continue
            waiting += [
                (record_type, pk)
                for pk in model.objects.filter(status=status)
                .order_by("record_id")
                .values_list("pk", flat=True)
            ]
        page = Paginator(waiting, PAGE_SIZE).get_page(request.GET.get(f"page_{status}"))
        entries = []
        for record_type, pk in page:
            row = db.MODELS[record_type].objects.get(pk=pk)
            entries.append(
                {
                    "row": row,
                    "label": _record_label(row),
                    "author": content_author_id(row),
                    "form": _transition_form(row, request.user, "queue"),
                }
            )
        sections.append({"status": status, "page": page, "entries": entries})
    audit(request.user, "register_view_queue", None)
    return render(request, "register/queue.html", {"form": form, "sections": sections})


def _history_page(
    request: HttpRequest, row: db.RegisterRecord, form: Any = None, status: int = 200
) -> HttpResponse:
    revisions = db.Revision.objects.filter(
        record_type=row.RECORD_TYPE, record_id=row.record_id
    ).order_by("-number")
    return render(
        request,
        "register/record.html",
        {
            "row": row,
            "label": _record_label(row),
            "revisions": revisions,
            "author": content_author_id(row),
            "form": form or _transition_form(row, request.user, "record"),
            "page_link": _page_link(row),
        },
        status=status,
    )


def _page_link(row: db.RegisterRecord) -> tuple[str, int] | None:
    names = {"person": "register:person", "unit": "register:unit"}
    names |= {"incident": "register:incident", "evidence": "register:evidence"}
    return (names[row.RECORD_TYPE], row.pk) if row.RECORD_TYPE in names else None


@staff_only
@require_GET
def record_history(request: HttpRequest, record_type: str, pk: int) -> HttpResponse:
    row = get_object_or_404(_model(record_type), pk=pk)
    audit(request.user, "register_view_record", row)
    return _history_page(request, row)


@staff_only
@require_POST
def record_transition(request: HttpRequest, record_type: str, pk: int) -> HttpResponse:
    row = get_object_or_404(_model(record_type), pk=pk)
    form = TransitionForm(row.status, request.user, request.POST)
    if form.is_valid():
        to = form.cleaned_data["to"]
        try:
            transition(row, to, request.user, form.cleaned_data["reason"])
        except PermissionDenied:
            if (row.status, to) in MOVES and content_author_id(row) == request.user.pk:
                form.add_error("to", _("A second person reviews: you wrote this version yourself."))
            else:
                form.add_error("to", _("You may not take this step."))
        except ValueError:
            form.add_error("to", _("This step is not possible from the record's current status."))
        else:
            messages.success(request, _("The review status was changed and kept as a revision."))
            if form.cleaned_data.get("back") == "queue":
                return redirect("register:queue")
            return redirect("register:record", record_type=record_type, pk=pk)
    return _history_page(request, row, form=form, status=400)
