"""Fixtures of the attack suite: one world per test module, built once and rolled back.

The world is the fictional demo (``load_demo``: teams Moscow, Berlin and Amman with their
cases), the starter register (``load_starter``) and, on one Moscow case ("the victim case"),
one object of every kind a URL can name: a document, a note, a timeline event, an assessment,
a screening hit, and a register evidence item. Building it takes a few seconds, so it is made
once per module inside an outer transaction that is rolled back when the module ends; every
test runs in a savepoint inside it (pytest-django's ``db``), so tests never see each other's
writes and no other test module ever sees the world.
"""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.test import Client as Browser
from django.test import override_settings

from asylon.web.accounts import mfa
from asylon.web.accounts.models import User, WebAuthnCredential
from asylon.web.api.models import ApiToken
from asylon.web.cases.models import Assessment, Case
from asylon.web.documents import services as documents
from asylon.web.documents.models import Document, Note
from asylon.web.register import models as reg
from asylon.web.register.evidence import ingest_evidence
from asylon.web.register.transfer import load_starter
from asylon.web.screening.models import ScreeningHit, ScreeningRun
from asylon.web.timeline.models import TimelineEvent
from tests.web.victims.world import victim_person

MOSCOW = "Moscow legal aid"
BERLIN = "Berlin counselling"
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class World:
    """Who is who, and the objects that belong to team A (Moscow)."""

    users: dict[str, User]
    tokens: dict[str, str]
    case: Case  # team A's victim case (not restricted)
    own_case: Case  # a case of team B (the attacker's own)
    document: Document
    note: Note
    event: TimelineEvent
    assessment: Assessment
    hit: ScreeningHit
    person: reg.Person
    unit: reg.Unit
    incident: reg.Incident
    evidence: reg.EvidenceItem
    documents_dir: Path
    key: WebAuthnCredential
    export: Any = None  # team A's caseworker's bulk-export request (pending approval)
    victim_person: Any = None  # a person of a victim-list linkage run (register staff only)
    names: list[str] = field(default_factory=list)  # every demo client's name and alias

    def browser(self, who: str | None, **kwargs: Any) -> Browser:
        """A browser logged in as ``who`` that has passed its second factor and re-authenticated
        just now: the strongest position an insider reaches (None: anonymous)."""
        b = Browser(**kwargs)
        if who is not None:
            user = self.users[who]
            b.force_login(user)
            session = b.session
            session[mfa.SESSION_VERIFIED] = user.pk
            session[mfa.SESSION_AUTH_AT] = int(time.time())
            session.save()
        return b

    def bearer(self, who: str) -> dict[str, str]:
        return {"HTTP_AUTHORIZATION": f"Bearer {self.tokens[who]}"}


def _build(documents_dir: Path) -> World:
    call_command("load_demo", stdout=io.StringIO())
    users = {
        "a": User.objects.get(username="demo-caseworker"),  # Moscow
        "b": User.objects.get(username="demo-caseworker-berlin"),
        "b_reviewer": User.objects.get(username="demo-reviewer"),  # Berlin, register reviewer
        "researcher": User.objects.get(username="demo-researcher"),
        "admin": User.objects.get(username="demo-admin"),
    }
    # register staff without a mandatory second factor (MFA binds admins and supervisors):
    # the Berlin reviewer, also allowed to record (takes evidence in)
    users["staff"] = users["b_reviewer"]
    users["staff"].user_permissions.add(Permission.objects.get(codename="edit_register"))
    users["staff"] = User.objects.get(pk=users["staff"].pk)  # no cached permissions
    load_starter(users["admin"])
    tokens = {who: ApiToken.issue(u, "attack suite")[1] for who, u in users.items()}
    case = (
        Case.objects.filter(team__name=MOSCOW, restricted=False)
        .exclude(assessments=None)
        .exclude(timeline_events=None)
        .order_by("pk")
        .first()
    )
    own_case = Case.objects.filter(team__name=BERLIN, restricted=False).order_by("pk").first()
    assert case is not None and own_case is not None
    a = users["a"]
    document = documents.add_document(
        case,
        a,
        SimpleUploadedFile("statement.pdf", PDF_BYTES, "application/pdf"),
        title="Statement of the victim",
    )
    note = documents.add_note(case, a, "A note only team A may read.")
    run = ScreeningRun.objects.create(case=case, user=a, threshold=0.5, register_version="test")
    hit = ScreeningHit.objects.create(
        run=run,
        case=case,
        applicant_key=f"client-{case.client_id}",
        kind="possible",
        register_id="person-test",
        register_name="Register Name",
        score=0.9,
    )
    evidence = ingest_evidence(
        [b"evidence bytes"],
        record_id="evidence-attacksuite1",
        title="Evidence item",
        kind=_first_evidence_kind(),
        media_type="text/plain",
        user=users["admin"],
        reason="taken in for the attack suite",
    )
    # an administrator's security key (a key of "a" would send "a" to the second-factor step)
    key = WebAuthnCredential.objects.create(
        user=users["admin"], name="victim's key", credential_id=b"victim-key", public_key=b"k"
    )
    export = _export_request(a)
    names: list[str] = []
    from asylon.web.cases.models import Client

    for c in Client.objects.all():
        names.append(c.full_name)
        names.extend(str(x.get("name", x)) if isinstance(x, dict) else str(x) for x in c.aliases)
    return World(
        users=users,
        tokens=tokens,
        case=case,
        own_case=own_case,
        document=document,
        note=note,
        event=case.timeline_events.order_by("pk").first(),  # type: ignore[arg-type]
        assessment=case.assessments.order_by("pk").first(),  # type: ignore[arg-type]
        hit=hit,
        person=reg.Person.objects.order_by("pk").first(),  # type: ignore[arg-type]
        unit=reg.Unit.objects.order_by("pk").first(),  # type: ignore[arg-type]
        incident=reg.Incident.objects.order_by("pk").first(),  # type: ignore[arg-type]
        evidence=evidence,
        documents_dir=documents_dir,
        key=key,
        export=export,
        victim_person=victim_person(),
        names=[n for n in names if n],
    )


def _export_request(user: User) -> Any:
    from asylon.web.exports.services import Scope, create_request

    return create_request(user, Scope(kind="case_files", fmt="zip"), "the attack suite")


def _first_evidence_kind() -> str:
    from asylon.register.vocabulary import EVIDENCE_KINDS

    return next(iter(EVIDENCE_KINDS))


@pytest.fixture(scope="module")
def world(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    """The demo world, once per module, rolled back after the module's last test."""
    docs = tmp_path_factory.mktemp("documents")
    with django_db_blocker.unblock(), override_settings(ASYLON_DOCUMENTS_DIR=str(docs)):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield _build(docs)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def w(world: World, db: None) -> World:
    """The world inside the test's own savepoint."""
    return world


def today() -> date:
    return date.today()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "slow: a long run (API fuzzing); still part of `make test`, never skipped"
    )
