"""The tamper-evident audit log: the hash chain written by real requests, ``asylon audit
verify`` naming an altered entry, a deleted entry and a deleted last entry, appends from many
threads and processes at once, and the application and database refusing to change entries.
Runs on SQLite and on PostgreSQL (``ASYLON_TEST_DB=postgres``)."""

from __future__ import annotations

import itertools
import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from django.db import IntegrityError, connection, transaction
from django.test import Client as Browser

from asylon.cli import main
from asylon.web.accounts.models import Team, User
from asylon.web.audit.chain import canonical_text, entry_hash, normalise_details
from asylon.web.audit.models import AuditEntry, AuditHead
from asylon.web.audit.services import HEAD_RESTORED, record, verify
from asylon.web.cases.models import Case, Client

PASSWORD = "correct horse battery staple"
REPO = Path(__file__).resolve().parents[2]
POSTGRES = os.environ.get("ASYLON_TEST_DB") == "postgres"


@pytest.fixture
def world(db: None) -> dict[str, Any]:
    team = Team.objects.create(name="Moscow office")
    caseworker = User.objects.create_user("cw", password=PASSWORD, team=team)
    client = Client.objects.create(full_name="Salekh Example", team=team, nationalities=["SY"])
    case = Case.objects.create(client=client, team=team, jurisdiction="ru")
    return {"caseworker": caseworker, "case": case}


def browse(world: dict[str, Any], password: bool = False) -> None:
    """A caseworker opens the case, its client and findings: three entries, or four with a
    login through the login page first (``password``)."""
    b = Browser()
    if password:
        login = b.post("/en/accounts/login/", {"username": "cw", "password": PASSWORD})
        assert login.status_code == 302
    else:
        b.force_login(world["caseworker"])
    pk = world["case"].pk
    for url in (f"/en/cases/{pk}/", f"/en/cases/{pk}/client/", f"/en/cases/{pk}/findings/"):
        assert b.get(url).status_code == 200, url


def chain() -> list[AuditEntry]:
    return list(AuditEntry.objects.order_by("sequence"))


def problems(*, triggers: bool = False) -> list[str]:
    """What verify reports (the attacker's dropped triggers left out unless asked for)."""
    found = [p.message for p in verify().problems]
    return found if triggers else [p for p in found if "append-only trigger" not in p]


def drop_trigger(name: str) -> None:
    """What an attacker with database access does first (rolled back with the test)."""
    on = f" ON {'audit_auditentry' if 'entry' in name else 'audit_audithead'}" if POSTGRES else ""
    with connection.cursor() as cur:
        cur.execute(f"DROP TRIGGER {name}{on}")


ENTRY_TRIGGER = "audit_auditentry_append_only" if POSTGRES else "audit_auditentry_no_update"


def raw(sql: str, *params: Any) -> None:
    with connection.cursor() as cur:
        cur.execute(sql, params)


# --- the chain written by the application --------------------------------------------------


def test_requests_write_a_chain_that_verifies(world: dict[str, Any]) -> None:
    browse(world, password=True)
    entries = chain()
    actions = [e.action for e in entries]
    assert actions == ["login", "view_case", "view_client", "view_findings"]
    assert [e.sequence for e in entries] == [1, 2, 3, 4]
    assert entries[0].previous_hash == ""
    for before, after in itertools.pairwise(entries):
        assert after.previous_hash == before.entry_hash
    head = AuditHead.objects.get()
    assert (head.sequence, head.entry_hash) == (4, entries[-1].entry_hash)
    report = verify()
    assert report.ok and report.entries == 4 and report.last_sequence == 4


def test_the_hash_covers_every_field_in_canonical_json(world: dict[str, Any]) -> None:
    entry = record(world["caseworker"], "screen_case", world["case"], threshold=0.85, run=4)
    fields = {
        "sequence": entry.sequence,
        "at": entry.at,
        "user_id": world["caseworker"].pk,
        "action": "screen_case",
        "object_type": "case",
        "object_id": str(world["case"].pk),
        "details": {"threshold": 0.85, "run": 4},
        "previous_hash": entry.previous_hash,
    }
    assert entry.entry_hash == entry_hash(**fields)
    stored = AuditEntry.objects.get(pk=entry.pk)  # as the database gives it back
    assert stored.details == {"threshold": 0.85, "run": 4} and stored.at == entry.at
    for name, other in [("action", "view_case"), ("user_id", None), ("details", {"run": 5})]:
        assert entry_hash(**{**fields, name: other}) != entry.entry_hash, name


def test_canonical_numbers_follow_rfc_8785() -> None:
    assert canonical_text({"b": 0.85, "a": [1e-7, -2.5, 1e20, 123.456, 0.000001]}) == (
        '{"a":[1e-7,-2.5,100000000000000000000,123.456,0.000001],"b":0.85}'
    )
    assert canonical_text({"é": "ا", "z": None, "t": True}) == '{"t":true,"z":null,"é":"ا"}'
    assert normalise_details({"n": 2.0, "t": (1, 2), 3: "x"}) == {"n": 2, "t": [1, 2], "3": "x"}
    with pytest.raises(ValueError):
        normalise_details({"n": float("nan")})


# --- tampering -----------------------------------------------------------------------------


def test_an_altered_entry_is_named(world: dict[str, Any]) -> None:
    browse(world)
    middle = chain()[1]
    drop_trigger(ENTRY_TRIGGER)
    raw("UPDATE audit_auditentry SET object_id = %s WHERE id = %s", "999", middle.pk)
    assert f"entry {middle.pk} (sequence 2): content does not match its hash" in problems()


def test_an_entry_rewritten_with_its_hash_breaks_the_next_link(world: dict[str, Any]) -> None:
    browse(world)
    middle = chain()[1]
    forged = {
        "sequence": 2,
        "at": middle.at,
        "user_id": middle.user_id,
        "action": "view_case",
        "object_type": "case",
        "object_id": "999",
        "details": middle.details,
        "previous_hash": middle.previous_hash,
    }
    drop_trigger(ENTRY_TRIGGER)
    raw(
        "UPDATE audit_auditentry SET action = %s, object_id = %s, entry_hash = %s WHERE id = %s",
        "view_case",
        "999",
        entry_hash(**forged),
        middle.pk,
    )
    last = chain()[2]
    found = problems()
    assert (
        f"entry {last.pk} (sequence 3) does not link to sequence 2 (its previous hash differs)"
        in found
    )
    assert not any("content does not match" in p for p in found), "the forged entry hashes right"


def test_a_deleted_middle_entry_leaves_a_named_gap(world: dict[str, Any]) -> None:
    browse(world)
    if POSTGRES:
        drop_trigger(ENTRY_TRIGGER)
    raw("DELETE FROM audit_auditentry WHERE sequence = 2")
    assert problems() == ["sequence 2 missing: an entry was deleted"]


def test_a_deleted_last_entry_is_caught_by_the_head(world: dict[str, Any]) -> None:
    browse(world)
    if POSTGRES:
        drop_trigger(ENTRY_TRIGGER)
    raw("DELETE FROM audit_auditentry WHERE sequence = 3")
    assert problems() == [
        "the head says sequence 3 but the last entry is 2: the last entry was deleted"
    ]


def test_an_entry_forged_past_the_head_is_named(world: dict[str, Any]) -> None:
    browse(world)
    last = chain()[-1]
    raw(
        "INSERT INTO audit_auditentry (sequence, at, action, object_type, object_id, details, "
        "previous_hash, entry_hash) VALUES (4, %s, 'login', '', '', '{}', %s, %s)",
        last.at.isoformat(),
        last.entry_hash,
        "0" * 64,
    )
    found = problems()
    assert (
        "the head says sequence 3 but the last entry is 4: entries were added outside the application"
        in found
    )


def test_a_deleted_head_is_made_again_and_stays_in_the_chain(world: dict[str, Any]) -> None:
    browse(world)
    if POSTGRES:
        drop_trigger("audit_audithead_advance")
    raw("DELETE FROM audit_audithead")
    assert problems() == ["the chain head is missing: it was deleted"]
    entry = record(world["caseworker"], "view_case", world["case"])
    restored = AuditEntry.objects.get(action=HEAD_RESTORED)
    assert (restored.sequence, entry.sequence) == (4, 5)
    assert restored.details == {"last_sequence": 3}
    assert problems() == [
        f"entry {restored.pk} (sequence 4): the chain head had been deleted and was made "
        "again from the last entry"
    ]


def test_a_rewritten_chain_is_caught_by_an_anchor(world: dict[str, Any]) -> None:
    """Someone who rewrites an entry, every later hash and the head leaves a consistent
    chain: only a head recorded outside the database catches it."""
    browse(world)
    anchor = f"3:{chain()[-1].entry_hash}"
    drop_trigger(ENTRY_TRIGGER)
    drop_trigger("audit_audithead_advance")
    previous = ""
    for e in chain():
        obj = "999" if e.sequence == 2 else e.object_id
        digest = entry_hash(
            sequence=e.sequence,
            at=e.at,
            user_id=e.user_id,
            action=e.action,
            object_type=e.object_type,
            object_id=obj,
            details=e.details,
            previous_hash=previous,
        )
        raw(
            "UPDATE audit_auditentry SET object_id = %s, previous_hash = %s, entry_hash = %s "
            "WHERE id = %s",
            obj,
            previous,
            digest,
            e.pk,
        )
        previous = digest
    raw("UPDATE audit_audithead SET entry_hash = %s", previous)
    assert problems(triggers=True) == [  # nothing but the dropped triggers shows
        f"the append-only trigger {ENTRY_TRIGGER} is missing: it was dropped",
        "the append-only trigger audit_audithead_advance is missing: it was dropped",
    ]
    result = CliRunner().invoke(main, ["audit", "verify", "--anchor", anchor])
    assert result.exit_code == 1
    assert (
        f"(sequence 3): its hash is not the anchored {anchor[2:14]}...: the chain was rewritten"
        in result.output
    )


# --- the command ---------------------------------------------------------------------------


def test_verify_and_tail_commands(world: dict[str, Any]) -> None:
    runner = CliRunner()
    browse(world)
    good = runner.invoke(main, ["audit", "verify"])
    head = AuditHead.objects.get()
    assert good.exit_code == 0, good.output
    assert "3 audit entries (sequences 1-3): the chain is intact" in good.output
    assert f"head: 3:{head.entry_hash}" in good.output
    anchored = runner.invoke(main, ["audit", "verify", "--anchor", f"3:{head.entry_hash}"])
    assert anchored.exit_code == 0
    as_json = runner.invoke(main, ["audit", "verify", "--format", "json"])
    assert '"ok": true' in as_json.output and '"problems": []' in as_json.output

    tail = runner.invoke(main, ["audit", "tail", "--n", "2", "--format", "json"])
    assert tail.exit_code == 0 and '"action": "view_client"' in tail.output
    assert "view_case" not in tail.output, "only the last two"
    text = runner.invoke(main, ["audit", "tail"]).output
    assert "Salekh" not in text and "Salekh" not in tail.output
    assert f"case:{world['case'].pk}" in text

    assert runner.invoke(main, ["audit", "verify", "--anchor", "3:nothex"]).exit_code == 2
    if POSTGRES:
        drop_trigger(ENTRY_TRIGGER)
    raw("DELETE FROM audit_auditentry WHERE sequence = 2")
    bad = runner.invoke(main, ["audit", "verify"])
    assert bad.exit_code == 1 and "sequence 2 missing: an entry was deleted" in bad.output


# --- refusals ------------------------------------------------------------------------------


def test_the_application_refuses_to_change_entries(world: dict[str, Any]) -> None:
    browse(world)
    entry = chain()[0]
    entry.action = "nothing happened"
    for attempt in (
        entry.save,
        entry.delete,
        lambda: AuditEntry.objects.filter(pk=entry.pk).update(action="x"),
        lambda: AuditEntry.objects.all().delete(),
        lambda: AuditEntry.objects.bulk_create([AuditEntry(action="x")]),
        lambda: AuditEntry.objects.create(action="unchained"),
    ):
        with pytest.raises(PermissionError):
            attempt()
    assert verify().ok


def test_the_database_refuses_update_and_an_out_of_order_head(world: dict[str, Any]) -> None:
    browse(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        raw("UPDATE audit_auditentry SET details = '{}' WHERE sequence = 1")
    with pytest.raises(IntegrityError), transaction.atomic():
        raw("UPDATE audit_audithead SET sequence = 2")
    if POSTGRES:
        with pytest.raises(IntegrityError), transaction.atomic():
            raw("DELETE FROM audit_auditentry WHERE sequence = 3")
        with pytest.raises(IntegrityError), transaction.atomic():
            raw("DELETE FROM audit_audithead")
    assert verify().ok and len(chain()) == 3


# --- many writers at once ------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    not POSTGRES,
    reason="SQLite's shared-cache test database refuses concurrent writers outright; "
    "test_concurrent_processes_on_a_sqlite_file covers SQLite",
)
def test_concurrent_appends_from_threads_keep_one_chain() -> None:
    threads, each = 8, 15
    errors: list[BaseException] = []
    start = threading.Barrier(threads)

    def work(n: int) -> None:
        try:
            start.wait()
            for i in range(each):
                record(None, "concurrent", None, thread=n, i=i)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    pool = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    assert not errors, errors
    assert [e.sequence for e in chain()] == list(range(1, threads * each + 1))
    report = verify()
    assert report.ok, [p.message for p in report.problems]
    assert AuditHead.objects.get().sequence == threads * each


WRITER = """
import sys, django
django.setup()
from asylon.web.audit.services import record
for i in range(int(sys.argv[2])):
    record(None, "concurrent", None, process=int(sys.argv[1]), i=i)
"""


@pytest.mark.skipif(POSTGRES, reason="a SQLite file, as in production on one machine")
def test_concurrent_processes_on_a_sqlite_file(tmp_path: Path) -> None:
    """Like gunicorn workers on the embedded database: entries written before the chain
    existed are chained by the migration; then four processes append at once; the chain
    verifies and the migration's triggers are in the file."""
    db = tmp_path / "asylon.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db}",
        "DJANGO_SETTINGS_MODULE": "asylon.web.settings",
    }
    env.pop("ASYLON_TEST_DB", None)

    def asylon(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "asylon.cli", *args],
            env=env,
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=300,
        )

    # the audit table as it was before the chain: its first migration (and what that needs)
    assert asylon("manage", "migrate", "audit", "0001", "-v0").returncode == 0
    with sqlite3.connect(db) as con:  # entries from before the chain, out of id order
        con.execute(
            "INSERT INTO audit_auditentry (at, action, object_type, object_id, details) VALUES "
            "('2026-01-02 10:00:00.5', 'view_case', 'case', '3', '{\"threshold\": 0.85}'), "
            "('2026-01-01 09:00:00', 'export_case_file', 'case', '3', '{}')"
        )
    assert asylon("manage", "migrate", "-v0").returncode == 0
    with sqlite3.connect(db) as con:
        rows = con.execute("SELECT id, sequence FROM audit_auditentry ORDER BY sequence").fetchall()
    assert rows == [(2, 1), (1, 2)], "chained in the order written"

    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(n), "25"], env=env, cwd=REPO, stderr=subprocess.PIPE
        )
        for n in range(4)
    ]
    for w in writers:
        _, err = w.communicate(timeout=300)
        assert w.returncode == 0, err.decode()
    done = asylon("audit", "verify")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "102 audit entries (sequences 1-102): the chain is intact" in done.stdout

    with sqlite3.connect(db) as con:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            con.execute("UPDATE audit_auditentry SET action = 'x' WHERE sequence = 5")
        con.execute("DELETE FROM audit_auditentry WHERE sequence = 50")
    broken = asylon("audit", "verify")
    assert broken.returncode == 1 and "sequence 50 missing: an entry was deleted" in broken.stdout


def test_logins_failures_and_logouts_are_on_record(world: dict[str, Any]) -> None:
    b = Browser()
    assert b.post("/en/accounts/login/", {"username": "cw", "password": "wrong"}).status_code == 200
    b.post("/en/accounts/login/", {"username": "nobody-here", "password": "wrong"})
    b.post("/en/accounts/login/", {"username": "cw", "password": PASSWORD})
    b.post("/en/accounts/logout/")
    entries = chain()
    assert [e.action for e in entries] == ["login_failed", "login", "logout"]
    cw = world["caseworker"]
    assert entries[0].user_id is None and entries[0].object_id == str(cw.pk)
    assert all(e.object_id == str(cw.pk) for e in entries)
    assert "nobody-here" not in str([e.details for e in entries])
    assert verify().ok
