"""The victim-list pages: sources and the import form, persons (search by name in any
script), a person's records with the evidence of each merge and the split and merge forms, and
the counts with the source overlap and the estimate of the total.

Access (:mod:`.access`): records and persons are for the register's staff only (404 for anyone
else); the counts page is theirs and researchers' (who get disclosure-controlled aggregates
only). Every page that shows records is audited by object id and counts (never a name); so are
imports, linkage runs, splits, merges, counts and the overlap export. The rules live in
:mod:`.importing`, :mod:`.linking` and :mod:`.counts`; views call them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Max, Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from asylon.web.audit.services import record as audit
from asylon.web.victims import counts as figures_of
from asylon.web.victims import jobs
from asylon.web.victims.access import (
    may_import,
    may_judge,
    sees_counts,
    sees_exact_counts,
    sees_victims,
)
from asylon.web.victims.forms import ImportForm, LinkForm, MergeForm, SearchForm, SplitForm
from asylon.web.victims.importing import ImportFailed, import_list, parse_mapping
from asylon.web.victims.linking import (
    JudgementRefused,
    latest_run,
    members,
    merge,
    pending_judgements,
    run_linkage,
    split,
)
from asylon.web.victims.models import (
    ClusterMember,
    LinkJudgement,
    PersonCluster,
    VictimRecord,
    VictimSource,
)
from asylon.web.victims.names import matching_records

PAGE_SIZE = 50


def staff_only(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """A login, then 404 for anyone who may not see the records (the register's rule)."""

    @login_required
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not sees_victims(request.user):
            raise Http404("no such page")
        return view(request, *args, **kwargs)

    return wrapped


# --- sources and import -------------------------------------------------------------------


def _sources_page(request: HttpRequest, form: ImportForm, status: int = 200) -> HttpResponse:
    sources = VictimSource.objects.annotate(n_records=Count("records")).select_related(
        "imported_by"
    )
    return render(
        request,
        "victims/sources.html",
        {"sources": sources, "form": form if may_import(request.user) else None},
        status=status,
    )


@staff_only
@require_GET
def sources(request: HttpRequest) -> HttpResponse:
    return _sources_page(request, ImportForm())


@staff_only
@require_POST
def import_view(request: HttpRequest) -> HttpResponse:
    if not may_import(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _sources_page(request, form, 400)
    upload = form.cleaned_data["file"]
    try:
        mapping = parse_mapping(form.cleaned_data["mapping"], "mapping")
        report = import_list(
            form.cleaned_data["source"],
            upload,
            upload.name,
            mapping,
            request.user,
            form.cleaned_data["description"],
        )
    except ImportFailed as err:
        for problem in err.problems:
            form.add_error(None, problem)
        form.add_error(None, _("Nothing was imported."))
        return _sources_page(request, form, 400)
    messages.success(
        request,
        _("%(source)s: %(created)d records added, %(updated)d updated, %(unchanged)d unchanged.")
        % {
            "source": report.source,
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
        },
    )
    return redirect("victims:sources")


# --- persons ------------------------------------------------------------------------------


def _person_rows(clusters: list[PersonCluster]) -> list[dict[str, Any]]:
    """Each cluster with its records (decrypted for the page only)."""
    by_cluster: dict[int, list[VictimRecord]] = {c.pk: [] for c in clusters}
    found = (
        ClusterMember.objects.filter(cluster__in=clusters)
        .select_related("record", "record__source_list")
        .order_by("record__source_list__name", "record__source_id")
    )
    for m in found:
        by_cluster[m.cluster_id].append(m.record)
    return [{"cluster": c, "records": by_cluster[c.pk]} for c in clusters]


@staff_only
@require_GET
def persons(request: HttpRequest) -> HttpResponse:
    run = latest_run()
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    clusters = PersonCluster.objects.none()
    if run is not None:
        clusters = PersonCluster.objects.filter(run=run).order_by("-size", "cluster_id")
        if query:
            condition = matching_records(query)
            named = VictimRecord.objects.filter(condition) if condition is not None else None
            clusters = (
                clusters.filter(members__record__in=named).distinct()
                if named is not None
                else clusters.none()
            )
    page = Paginator(clusters, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = _person_rows(list(page))
    audit(
        request.user,
        "victims_view_persons",
        run,
        searched=bool(query),
        results=page.paginator.count,
        shown=len(rows),
    )
    return render(
        request,
        "victims/persons.html",
        {
            "run": run,
            "form": form,
            "rows": rows,
            "page": page,
            "records": VictimRecord.objects.count(),
            "link_form": LinkForm() if may_import(request.user) else None,
            "pending": pending_judgements(run) if run is not None else 0,
            "linking": jobs.running(),
            "last_link": jobs.last_status(),
        },
    )


@staff_only
@require_POST
def link_view(request: HttpRequest) -> HttpResponse:
    if not may_import(request.user):
        raise PermissionDenied
    form = LinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The threshold must be between 0.5 and 0.999."))
        return redirect("victims:persons")
    threshold = form.cleaned_data["threshold"]
    if not VictimRecord.objects.exists():
        messages.error(request, _("There are no victim records to link: import a list first."))
        return redirect("victims:persons")
    busy = _("A linkage run is in progress already: wait for it to finish.")
    if not settings.ASYLON_VICTIMS_LINK_IN_BACKGROUND:  # the tests' in-memory database
        try:
            with jobs.exclusive():
                run = run_linkage(request.user, threshold)
        except jobs.Busy:
            messages.error(request, busy)
            return redirect("victims:persons")
        except ValueError as err:
            messages.error(request, str(err))
            return redirect("victims:persons")
        messages.success(
            request,
            _("Linkage run %(run)d: %(records)d records, %(persons)d persons.")
            % {"run": run.pk, "records": run.n_records, "persons": run.n_persons},
        )
        return redirect("victims:persons")
    if not jobs.start(request.user.get_username(), threshold):
        messages.error(request, busy)
        return redirect("victims:persons")
    audit(request.user, "victims_link_started", None, threshold=threshold)
    messages.success(
        request,
        _(
            "The linkage has started. It takes about a minute for every few thousand records; "
            "this page shows the new run when it is done."
        ),
    )
    return redirect("victims:persons")


def _labels(records: list[VictimRecord]) -> dict[str, VictimRecord]:
    return {r.key: r for r in records}


def _person_context(request: HttpRequest, cluster: PersonCluster) -> dict[str, Any]:
    records = members(cluster)
    by_key = _labels(records)
    merges = [
        {**e, "left_record": by_key.get(e["left"]), "right_record": by_key.get(e["right"])}
        for e in cluster.evidence
    ]
    run = latest_run()
    current = run is not None and run.pk == cluster.run_id
    pks = [r.pk for r in records]
    judged = list(
        LinkJudgement.objects.filter(Q(left__in=pks) | Q(right__in=pks))
        .select_related("reviewer")
        .order_by("-created_at", "-pk")[:100]
    )
    names = {r.pk: r for r in records}
    return {
        "cluster": cluster,
        "records": records,
        "merges": merges,
        "current": current,
        "run": run,
        "may_judge": current and may_judge(request.user),
        "split_form": SplitForm(),
        "merge_form": MergeForm(),
        "judgements": [
            {"j": j, "left": names.get(j.left_id), "right": names.get(j.right_id)} for j in judged
        ],
        "pending": pending_judgements(run) if run is not None else 0,
    }


@staff_only
@require_GET
def person(request: HttpRequest, pk: int) -> HttpResponse:
    cluster = get_object_or_404(PersonCluster, pk=pk)
    context = _person_context(request, cluster)
    audit(request.user, "victims_view_person", cluster, records=len(context["records"]))
    return render(request, "victims/person.html", context)


def _judged(
    request: HttpRequest, cluster: PersonCluster, action: Callable[[], Any]
) -> HttpResponse:
    try:
        action()
    except JudgementRefused as err:
        messages.error(request, str(err))
    else:
        messages.success(request, _("Judgement recorded: it takes effect at the next linkage run."))
    return redirect("victims:person", pk=cluster.pk)


def _current_cluster(request: HttpRequest, pk: int) -> PersonCluster:
    if not may_judge(request.user):
        raise PermissionDenied
    cluster = get_object_or_404(PersonCluster, pk=pk)
    run = latest_run()
    if run is None or cluster.run_id != run.pk:
        raise PermissionDenied
    return cluster


@staff_only
@require_POST
def split_view(request: HttpRequest, pk: int) -> HttpResponse:
    cluster = _current_cluster(request, pk)
    form = SplitForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for the split."))
        return redirect("victims:person", pk=cluster.pk)
    record = get_object_or_404(
        VictimRecord, pk=form.cleaned_data["record"], memberships__cluster=cluster
    )
    return _judged(
        request, cluster, lambda: split(cluster, record, request.user, form.cleaned_data["reason"])
    )


@staff_only
@require_POST
def merge_view(request: HttpRequest, pk: int) -> HttpResponse:
    cluster = _current_cluster(request, pk)
    form = MergeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the other person's number and the reason for the merge."))
        return redirect("victims:person", pk=cluster.pk)
    other = PersonCluster.objects.filter(pk=form.cleaned_data["other"], run=cluster.run).first()
    if other is None:
        messages.error(request, _("There is no such person in the latest linkage run."))
        return redirect("victims:person", pk=cluster.pk)
    return _judged(
        request, cluster, lambda: merge(cluster, other, request.user, form.cleaned_data["reason"])
    )


# --- counts -------------------------------------------------------------------------------


@login_required
@require_GET
def counts(request: HttpRequest) -> HttpResponse:
    if not sees_counts(request.user):
        raise Http404("no such page")
    run = latest_run()
    controlled = not sees_exact_counts(request.user)
    wants_json = request.GET.get("format") == "json"
    if run is None:
        audit(request.user, "victims_view_counts", None, controlled=controlled, run=None)
        if wants_json:
            return JsonResponse({"format": "asylon.victim-counts/1", "run": None})
        return render(request, "victims/counts.html", {"run": None})
    figures = figures_of.figures(run, controlled)
    estimate = figures_of.estimate_for(run)
    if controlled:
        estimate = figures_of.public_estimate(estimate, figures.persons)
    audit(request.user, "victims_view_counts", run, controlled=controlled, run=run.pk)
    if wants_json:
        doc = figures.to_dict()
        doc["estimate"] = estimate
        return JsonResponse(doc, json_dumps_params={"ensure_ascii": False})
    return render(
        request,
        "victims/counts.html",
        {
            "run": run,
            "figures": figures,
            "tables": list(figures.tables.values()),
            "estimate": estimate,
            "assumptions": figures_of.ASSUMPTIONS,
            "exact": not controlled,
            "last_import": VictimSource.objects.aggregate(at=Max("imported_at"))["at"],
        },
    )


@staff_only
@require_GET
def overlap_csv(request: HttpRequest) -> HttpResponse:
    run = latest_run()
    if run is None:
        raise Http404("no linkage run yet")
    persons = figures_of.person_facts(run)
    sources = figures_of.sources_of(run)
    text = figures_of.overlap_csv(figures_of.overlap(persons, sources), sources)
    audit(request.user, "victims_export_overlap", run, run=run.pk, lists=len(sources))
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="victims-overlap-run-{run.pk}.csv"'
    return response
