"""The claim page (fears, military service) and the conduct page (roles, acts, convictions,
danger), each a set of forms over one part of the case file. All or nothing: the whole case file
is validated before anything is written, and an error is shown on the field it concerns."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.forms import BaseFormSet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from asylon.law import CaseFileError
from asylon.law.facts import Act, Conduct, Conviction, Fear, MilitaryService, Role
from asylon.web.audit.services import record
from asylon.web.cases import concurrency
from asylon.web.cases.casefile import to_case_file
from asylon.web.cases.concurrency import CONFLICT
from asylon.web.cases.forms import json_copy
from asylon.web.cases.models import Case
from asylon.web.cases.sections import SectionItemForm, item_form, item_formset
from asylon.web.cases.views import _case


@dataclass(frozen=True)
class Part:
    """One list (``many``) or one object of the case file, edited on a page."""

    prefix: str
    path: tuple[str, ...]
    legend: Any
    item_legend: Any
    form: type[SectionItemForm]
    many: bool

    @property
    def dotted(self) -> str:
        return ".".join(self.path)


PAGES: dict[str, tuple[Any, Any, list[Part]]] = {
    "claim": (
        _("The claim"),
        _(
            "What the person fears and why. Record the account as given; your findings on it "
            "(credibility, risk) belong on the findings page."
        ),
        [
            Part("fears", ("claim", "fears"), _("Fears"), _("Fear"), item_form(Fear), True),
            Part(
                "military_service",
                ("claim", "military_service"),
                _("Military service"),
                "",
                item_form(MilitaryService),
                False,
            ),
        ],
    ),
    "conduct": (
        _("Conduct (Article 1F and the danger exceptions)"),
        _(
            "Roles, acts and convictions that may raise exclusion (Art 1F) or the danger "
            "exceptions (Art 33(2)). Exclusion needs serious reasons for considering that the "
            "person is individually responsible: record what is found, not what is suspected, "
            "and leave a question at “not decided” until it is decided."
        ),
        [
            Part("roles", ("conduct", "roles"), _("Roles"), _("Role"), item_form(Role), True),
            Part("acts", ("conduct", "acts"), _("Acts"), _("Act"), item_form(Act), True),
            Part(
                "convictions",
                ("conduct", "convictions"),
                _("Convictions"),
                _("Conviction"),
                item_form(Conviction),
                True,
            ),
            Part(
                "danger",
                ("conduct",),
                _("Danger to the host country"),
                "",
                item_form(Conduct, {"danger_to_security", "danger_to_community"}),
                False,
            ),
        ],
    ),
}
_FORMSETS = {
    part.prefix: item_formset(
        {"fears": Fear, "roles": Role, "acts": Act, "convictions": Conviction}[part.prefix]
    )
    for _title, _intro, parts in PAGES.values()
    for part in parts
    if part.many
}


def _get(facts: dict[str, Any], path: tuple[str, ...]) -> Any:
    node: Any = facts
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    return node


def _bind(part: Part, facts: dict[str, Any], data: Any = None) -> Any:
    stored = _get(facts, part.path)
    if part.many:
        initial = [part.form.initial_for(item) for item in stored or []]
        return _FORMSETS[part.prefix](data, initial=initial, prefix=part.prefix, auto_id="%s")
    return part.form(
        data, initial=part.form.initial_for(stored or {}), prefix=part.prefix, auto_id="%s"
    )


def _items(formset: BaseFormSet[Any]) -> tuple[list[dict[str, Any]], list[int]]:
    """The stored list and, for each item, the index of the form it came from."""
    items, origin = [], []
    for i, form in enumerate(formset.forms):
        if formset.can_delete and formset._should_delete_form(form):
            continue
        if i >= formset.initial_form_count() and not form.has_changed():
            continue  # the empty entry offered for a new item
        item = form.item()
        if any(v not in (None, []) for v in item.values()):
            items.append(item)
            origin.append(i)
    return items, origin


def _apply(part: Part, bound: Any, facts: dict[str, Any]) -> list[int]:
    """Write one part into ``facts``; returns the form index of each stored item."""
    *parents, last = part.path
    node = facts
    for key in parents:
        if not isinstance(node.get(key), dict):
            node[key] = {}
        node = node[key]
    if part.many:
        items, origin = _items(bound)
        if items or last in node:  # an empty list stays as it was stored: [] or absent
            node[last] = items
        return origin
    own = {spec.keys[0] for spec in part.form.section_specs}
    kept = {k: v for k, v in (node.get(last) or {}).items() if k not in own}
    merged = {**kept, **bound.item()}
    if merged:
        node[last] = merged
    else:
        node.pop(last, None)
    return []


_INDEX = re.compile(r"^\[(\d+)\]\.?")


def _place_error(parts: list[tuple[Part, Any, list[int]]], path: str, message: str) -> bool:
    """Put a case-file error on the form field it concerns; False if no field supplies it."""
    for part, bound, origin in parts:
        if not (
            path == part.dotted
            or path.startswith(part.dotted + ".")
            or path.startswith(part.dotted + "[")
        ):
            continue
        rest = path[len(part.dotted) :]
        form = bound
        if part.many:
            m = _INDEX.match(rest)
            if not m or int(m.group(1)) >= len(origin):
                continue
            form = bound.forms[origin[int(m.group(1))]]
            rest = rest[m.end() :]
        rest = re.sub(r"\[\d+\]", "", rest.lstrip("."))
        name = form.field_for(rest) if rest else None
        if name:
            form.add_error(name, message)
            return True
    return False


@login_required
def edit_section(request: HttpRequest, pk: int, page: str) -> HttpResponse:
    if page not in PAGES:
        raise Http404
    parts = PAGES[page][2]
    case = _case(request, pk)
    facts = case.facts or {}
    if request.method != "POST":
        record(request.user, f"view_{page}", case)
        bound = [(part, _bind(part, facts)) for part in parts]
        return _render(request, case, page, bound)
    bound = [(part, _bind(part, facts, request.POST)) for part in parts]
    errors: list[str] = []
    placed: list[tuple[Part, Any, list[int]]] = []
    if all(b.is_valid() for _p, b in bound):
        try:
            with transaction.atomic():
                locked = Case.objects.select_for_update().select_related("client").get(pk=case.pk)
                concurrency.check(locked, concurrency.posted_revision(request))
                before = json_copy(locked.facts or {})
                after = json_copy(before)
                placed = [(part, b, _apply(part, b, after)) for part, b in bound]
                locked.facts = after
                to_case_file(locked)  # validates the whole case file; raises before any write
                locked.save(update_fields=["facts", concurrency.bump(locked)])
                changed = sorted(
                    {
                        p.dotted
                        for p, _b, _o in placed
                        if _get(before, p.path) != _get(after, p.path)
                    }
                )
                record(
                    request.user,
                    f"edit_{page}",
                    locked,
                    before={p: _get(before, tuple(p.split("."))) for p in changed},
                    after={p: _get(after, tuple(p.split("."))) for p in changed},
                )
            messages.success(request, _("Saved."))
            return redirect("cases:section", pk=case.pk, page=page)
        except CaseFileError as err:
            for path, message in err.errors:
                if not _place_error(placed, path, f"{path}: {message}"):
                    errors.append(f"{path}: {message}" if path else message)
        except concurrency.StaleEdit:
            case.refresh_from_db()
            errors.append(str(CONFLICT))
            return _render(request, case, page, bound, errors, status=409, revision=case.revision)
    return _render(request, case, page, bound, errors, status=400)


def _render(
    request: HttpRequest,
    case: Case,
    page: str,
    bound: list[tuple[Part, Any]],
    errors: list[str] | None = None,
    status: int = 200,
    revision: int | None = None,
) -> HttpResponse:
    title, intro, _parts = PAGES[page]
    return render(
        request,
        "cases/section_form.html",
        {
            "case": case,
            "page": page,
            "title": title,
            "intro": intro,
            "parts": bound,
            "errors": errors or [],
            "revision": revision,
        },
        status=status,
    )
