"""Who may ask for, decide and take a bulk export, and the files themselves.

Rules (the pages and the API both go through here):

- Anyone who sees people (not a researcher) and belongs to a team may request an export of
  cases they can see (:func:`asylon.web.cases.access.visible_cases`), narrowed by status,
  jurisdiction, or to the cases assigned to them.
- A supervisor or administrator of the request's team decides it, never their own (four
  eyes); a request of another team does not exist for them (404).
- Approval freezes the scope (the case ids the requester sees at that moment), sets the expiry
  (``ASYLON_EXPORT_VALID_HOURS``, default 24) and the number of downloads
  (``ASYLON_EXPORT_MAX_DOWNLOADS``, default 1).
- Only the requester downloads, while the approval holds; access is checked again at download
  time and a case the requester no longer sees is left out. The file is generated as it is
  sent and never stored.
- Everything is audited by ids and counts, never by a name, and never with the free-text
  reasons (which may name someone).
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from asylon.law.facts import CaseFileError
from asylon.web.accounts.models import User
from asylon.web.audit.services import record
from asylon.web.cases.access import visible_cases
from asylon.web.cases.casefile import to_case_file
from asylon.web.cases.models import Case
from asylon.web.exports.models import ExportRequest

DECIDER_ROLES = (User.Role.SUPERVISOR, User.Role.ADMIN)
FORMATS = {
    ExportRequest.Kind.CASE_FILES: (ExportRequest.Format.ZIP, ExportRequest.Format.JSONL),
    ExportRequest.Kind.CLIENTS: (ExportRequest.Format.CSV,),
}
JURISDICTIONS = tuple(Case.Jurisdiction.values)
MAX_REASON = 2000
CHUNK = 500  # ids per IN (...) query: SQLite limits the parameters of one statement
DOWNLOAD_CSP = "default-src 'none'; sandbox"


def valid_hours() -> float:
    return float(getattr(settings, "ASYLON_EXPORT_VALID_HOURS", 24))


def max_downloads() -> int:
    return max(int(getattr(settings, "ASYLON_EXPORT_MAX_DOWNLOADS", 1)), 1)


class ExportError(Exception):
    """A refused input or action; ``field`` names the input at fault ("" for the whole)."""

    def __init__(self, field: str, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.field, self.message, self.status = field, message, status


# --- who ------------------------------------------------------------------------------------


def sees_people(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.role != User.Role.RESEARCHER


def may_request(user: Any) -> bool:
    return sees_people(user) and user.team_id is not None


def may_decide(user: Any) -> bool:
    """A supervisor or administrator with a team decides that team's requests."""
    return sees_people(user) and user.role in DECIDER_ROLES and user.team_id is not None


def visible_requests(user: Any) -> QuerySet[ExportRequest]:
    """Requests the user may open: their own, and their team's if they decide for it."""
    if not sees_people(user):
        return ExportRequest.objects.none()
    mine = Q(requester_id=user.pk)
    if may_decide(user):
        mine |= Q(team_id=user.team_id)
    return ExportRequest.objects.filter(mine).select_related("requester", "decided_by")


def own_requests(user: Any) -> QuerySet[ExportRequest]:
    return visible_requests(user).filter(requester_id=user.pk)


def decision_queue(user: Any) -> QuerySet[ExportRequest]:
    """Pending requests of the user's team made by someone else, oldest first."""
    if not may_decide(user):
        return ExportRequest.objects.none()
    return (
        ExportRequest.objects.filter(team_id=user.team_id, status=ExportRequest.Status.PENDING)
        .exclude(requester_id=user.pk)
        .select_related("requester")
        .order_by("requested_at", "id")
    )


def get_request(user: Any, pk: int) -> ExportRequest:
    """The request, or 404 for anyone who may not open it (researchers, other teams)."""
    row = visible_requests(user).filter(pk=pk).first()
    if row is None:
        raise Http404("no such export request")
    return row


# --- scope ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    kind: str
    fmt: str
    assigned_only: bool = False
    case_status: str = ""
    jurisdiction: str = ""

    def as_details(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "format": self.fmt,
            "assigned_only": self.assigned_only,
            "case_status": self.case_status,
            "jurisdiction": self.jurisdiction,
        }


def check_scope(scope: Scope) -> None:
    """Raise ExportError naming the first field at fault."""
    if scope.kind not in ExportRequest.Kind.values:
        raise ExportError("kind", _("Choose case files or the client list."))
    allowed = FORMATS[ExportRequest.Kind(scope.kind)]
    if scope.fmt not in allowed:
        raise ExportError(
            "format",
            _("This export comes as %(formats)s.") % {"formats": ", ".join(allowed)},
        )
    if scope.case_status and scope.case_status not in Case.Status.values:
        raise ExportError("status", _("Unknown case status."))
    if scope.jurisdiction and scope.jurisdiction not in JURISDICTIONS:
        raise ExportError("jurisdiction", _("Unknown jurisdiction."))


def scoped_cases(user: Any, scope: Scope) -> QuerySet[Case]:
    """The cases of the scope that ``user`` sees now."""
    cases = visible_cases(user)
    if scope.assigned_only:
        cases = cases.filter(
            pk__in=Case.assigned.through.objects.filter(user_id=user.pk).values("case_id")
        )
    if scope.case_status:
        cases = cases.filter(status=scope.case_status)
    if scope.jurisdiction:
        j = scope.jurisdiction
        cases = cases.filter(Q(jurisdiction=j) | Q(jurisdiction__startswith=f"{j}:"))
    return cases


def preview_count(user: Any, scope: Scope) -> int:
    check_scope(scope)
    return scoped_cases(user, scope).count()


def scope_of(row: ExportRequest) -> Scope:
    return Scope(row.kind, row.fmt, row.assigned_only, row.case_status, row.jurisdiction)


# --- workflow -------------------------------------------------------------------------------


def _reason(text: str, field_name: str = "reason") -> str:
    text = (text or "").strip()
    if not text:
        raise ExportError(field_name, _("Give a reason."))
    if len(text) > MAX_REASON:
        raise ExportError(field_name, _("At most %(n)d characters.") % {"n": MAX_REASON})
    return text


def create_request(user: Any, scope: Scope, reason: str) -> ExportRequest:
    if not sees_people(user):
        raise Http404("no exports for this user")
    if user.team_id is None:
        raise ExportError("", _("Only members of a team can request an export."), status=403)
    check_scope(scope)
    reason = _reason(reason)
    count = scoped_cases(user, scope).count()
    if count == 0:
        raise ExportError("", _("Nothing to export: no case matches."))
    with transaction.atomic():
        row = ExportRequest.objects.create(
            requester=user,
            team_id=user.team_id,
            kind=scope.kind,
            fmt=scope.fmt,
            assigned_only=scope.assigned_only,
            case_status=scope.case_status,
            jurisdiction=scope.jurisdiction,
            reason=reason,
            requested_count=count,
        )
        record(user, "export_requested", row, count=count, **scope.as_details())
    return row


def _decidable(user: Any, pk: int) -> ExportRequest:
    """The request locked for a decision; 404 unless the user decides for its team."""
    row = ExportRequest.objects.select_for_update().filter(pk=pk).first()
    if row is None or not may_decide(user) or row.team_id != user.team_id:
        raise Http404("no such export request")
    if row.requester_id == user.pk:
        raise ExportError(
            "", _("You cannot decide your own request: another supervisor must."), 403
        )
    if row.status != ExportRequest.Status.PENDING:
        raise ExportError("", _("This request was already decided."), 409)
    return row


def approve(user: Any, pk: int, reason: str) -> ExportRequest:
    reason = _reason(reason)
    with transaction.atomic():
        row = _decidable(user, pk)
        ids = sorted(scoped_cases(row.requester, scope_of(row)).values_list("pk", flat=True))
        if not ids:
            raise ExportError("", _("Nothing to export any more: no case matches."), 409)
        now = timezone.now()
        row.status = ExportRequest.Status.APPROVED
        row.decided_by, row.decided_at, row.decision_reason = user, now, reason
        row.case_ids = ids
        row.expires_at = now + timedelta(hours=valid_hours())
        row.max_downloads = max_downloads()
        row.save()
        record(
            user,
            "export_approved",
            row,
            requester=row.requester_id,
            count=len(ids),
            expires_at=row.expires_at.isoformat(timespec="seconds"),
            max_downloads=row.max_downloads,
        )
    return row


def refuse(user: Any, pk: int, reason: str) -> ExportRequest:
    reason = _reason(reason)
    with transaction.atomic():
        row = _decidable(user, pk)
        row.status = ExportRequest.Status.REFUSED
        row.decided_by, row.decided_at, row.decision_reason = user, timezone.now(), reason
        row.save()
        record(user, "export_refused", row, requester=row.requester_id)
    return row


def cancel(user: Any, pk: int) -> ExportRequest:
    with transaction.atomic():
        row = ExportRequest.objects.select_for_update().filter(pk=pk).first()
        if row is None or row.requester_id != user.pk or not sees_people(user):
            raise Http404("no such export request")
        if row.status != ExportRequest.Status.PENDING:
            raise ExportError("", _("Only a request waiting for approval can be withdrawn."), 409)
        row.status = ExportRequest.Status.CANCELLED
        row.save(update_fields=["status"])
        record(user, "export_cancelled", row)
    return row


# --- download -------------------------------------------------------------------------------

REFUSALS = {
    ExportRequest.State.PENDING: (
        403,
        gettext_noop("This export is waiting for a supervisor's approval."),
    ),
    ExportRequest.State.REFUSED: (403, gettext_noop("This export was refused.")),
    ExportRequest.State.CANCELLED: (403, gettext_noop("This export was withdrawn.")),
    ExportRequest.State.USED: (
        410,
        gettext_noop("This export was already downloaded: request a new one."),
    ),
    ExportRequest.State.EXPIRED: (
        410,
        gettext_noop("This approval has expired: request a new one."),
    ),
}


@dataclass
class Download:
    export: ExportRequest
    case_ids: list[int]
    left_out: list[int] = field(default_factory=list)


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for i in range(0, len(ids), CHUNK):
        yield ids[i : i + CHUNK]


def still_visible(user: Any, ids: Sequence[int]) -> set[int]:
    seen: set[int] = set()
    for chunk in _chunks(ids):
        seen.update(visible_cases(user).filter(pk__in=list(chunk)).values_list("pk", flat=True))
    return seen


def take_download(user: Any, pk: int) -> Download:
    """Count one download of an approved export and freeze what goes into it.

    404 for anyone but the requester; a request that is not ready is refused (and that
    attempt is audited too)."""
    if not sees_people(user):
        raise Http404("no such export request")
    with transaction.atomic():
        row = ExportRequest.objects.select_for_update().filter(pk=pk).first()
        if row is None or row.requester_id != user.pk:
            raise Http404("no such export request")
        state = row.state_at(timezone.now())
        if state == ExportRequest.State.READY:
            ids = [int(i) for i in row.case_ids]
            seen = still_visible(user, ids)
            included = [i for i in ids if i in seen]
            left_out = [i for i in ids if i not in seen]
            row.downloads += 1
            row.last_download_at = timezone.now()
            row.save(update_fields=["downloads", "last_download_at"])
            record(
                user,
                "export_downloaded",
                row,
                kind=row.kind,
                format=row.fmt,
                download=row.downloads,
                of=row.max_downloads,
                count=len(included),
                case_ids=included,
                left_out=len(left_out),
                left_out_ids=left_out,
            )
            return Download(row, included, left_out)
    record(user, "export_download_refused", row, state=state)
    status, message = REFUSALS[ExportRequest.State(state)]
    raise ExportError("", _(message), status)


def _cases(ids: Sequence[int]) -> Iterator[Case]:
    for chunk in _chunks(ids):
        by_id = {c.pk: c for c in Case.objects.filter(pk__in=list(chunk)).select_related("client")}
        for i in chunk:
            if i in by_id:
                yield by_id[i]


def _case_documents(ids: Sequence[int], failed: list[int]) -> Iterator[tuple[int, bytes]]:
    for case in _cases(ids):
        try:
            doc = to_case_file(case)
        except CaseFileError:
            failed.append(case.pk)  # the messages may quote the facts: only the id
            continue
        yield case.pk, json.dumps(doc, ensure_ascii=False, indent=2, default=str).encode()


def _manifest(download: Download, failed: list[int]) -> bytes:
    row = download.export
    body = {
        "format": "asylon.export/1",
        "export": row.pk,
        "kind": row.kind,
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "approved_at": row.decided_at.isoformat(timespec="seconds") if row.decided_at else None,
        "cases": [i for i in download.case_ids if i not in failed],
        "left_out_no_longer_visible": download.left_out,
        "not_exported_invalid": failed,
    }
    return json.dumps(body, indent=2).encode()


class _Pipe(io.RawIOBase):
    """A write-only, unseekable sink: zipfile writes into it, the response drains it."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, b: Any) -> int:
        self.parts.append(bytes(b))
        return len(b)

    def drain(self) -> bytes:
        out = b"".join(self.parts)
        self.parts.clear()
        return out


def zip_stream(download: Download) -> Iterator[bytes]:
    pipe, failed = _Pipe(), []  # type: ignore[var-annotated]
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for case_id, data in _case_documents(download.case_ids, failed):
            archive.writestr(f"case-{case_id}.json", data)
            yield pipe.drain()
        archive.writestr("manifest.json", _manifest(download, failed))
    yield pipe.drain()


def jsonl_stream(download: Download) -> Iterator[bytes]:
    failed: list[int] = []
    for _case_id, data in _case_documents(download.case_ids, failed):
        yield json.dumps(json.loads(data), ensure_ascii=False).encode() + b"\n"


CSV_COLUMNS = (
    "client_id",
    "full_name",
    "aliases",
    "born",
    "sex",
    "nationalities",
    "home_country",
    "home_place",
    "languages",
    "contact",
    "case_ids",
)


def _cell(value: Any) -> str:
    """A CSV cell that a spreadsheet will not run as a formula (OWASP: prefix with ')."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_stream(download: Download) -> Iterator[bytes]:
    clients: dict[int, Any] = {}
    cases_of: dict[int, list[int]] = {}
    for case in _cases(download.case_ids):
        clients.setdefault(case.client_id, case.client)
        cases_of.setdefault(case.client_id, []).append(case.pk)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    yield ("\ufeff" + buffer.getvalue()).encode()  # a BOM: spreadsheets read UTF-8 then
    for client_id in sorted(clients):
        c = clients[client_id]
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(
            [
                _cell(v)
                for v in (
                    c.pk,
                    c.full_name,
                    "; ".join(c.aliases or []),
                    c.born.isoformat() if c.born else "",
                    c.sex,
                    " ".join(c.nationalities or []),
                    c.home_country,
                    c.home_place,
                    " ".join(c.languages or []),
                    c.contact,
                    " ".join(str(i) for i in cases_of[client_id]),
                )
            ]
        )
        yield buffer.getvalue().encode()


CONTENT = {
    ExportRequest.Format.ZIP: ("application/zip", "zip", zip_stream),
    ExportRequest.Format.JSONL: ("application/x-ndjson; charset=utf-8", "jsonl", jsonl_stream),
    ExportRequest.Format.CSV: ("text/csv; charset=utf-8", "csv", csv_stream),
}


def response_for(download: Download) -> StreamingHttpResponse:
    """The file, generated as it is sent; an attachment that no browser renders or keeps."""
    content_type, extension, stream = CONTENT[ExportRequest.Format(download.export.fmt)]
    chunks: Iterable[bytes] = stream(download)
    response = StreamingHttpResponse(chunks, content_type=content_type)
    name = f"asylon-export-{download.export.pk}-{download.export.kind}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = DOWNLOAD_CSP
    response["Cache-Control"] = "private, no-store"
    return response
