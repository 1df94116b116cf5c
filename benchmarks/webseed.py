"""The web benchmark's database: seeding and its cache (used by ``bench_web.py``).

``seed_database(n, seed)`` fills a migrated, empty database (the one of this process's
environment) with ``n`` synthetic cases, fast:

- the per-case work that needs no database (``casegen.generate_case``, validation, the
  timeline derived from the facts, the check that the application can assess the case, the
  blind-index digests of the names) runs in a pool of forked processes, one per CPU the
  benchmark may use, and streams back in chunks;
- the main process inserts each batch of ``BATCH`` cases with ``bulk_create`` inside one
  transaction (clients, their blind-index rows, cases, assignments, timeline events,
  assessments; encryption at rest happens there, as the fields do it on every save), with
  ``PRAGMA synchronous=OFF`` on the seeding connection only.

The seeded database is cached under ``var/bench-cache/web-<key>/`` (the SQLite file, checkpointed,
and the data-key file its ciphertexts need, mode 0600; ``meta.json`` with what the run needs:
the seeding statistics, the caseworker's case ids and the names searched). The key hashes
(cases, seed, migration state, code version):

- migration state: every file under ``src/asylon/web/*/migrations/`` (name and content) and the
  Django version, so a new or changed migration invalidates the cache;
- code version: the asylon version, the rules version, and the content of this module, of
  ``casegen.py`` and of ``src/asylon/web/crypto/*.py`` (how the values and the blind index are
  stored).

A run copies the cached files into its own temporary directory (the benchmark writes: sessions,
audit entries, assessments), so the cache itself is never changed. Older entries beyond
``KEEP`` are deleted.
"""

from __future__ import annotations

import collections
import datetime as _dt
import hashlib
import json
import os
import random
import shutil
import sqlite3
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SRC_WEB = ROOT / "src" / "asylon" / "web"
CACHE_ROOT = ROOT / "var" / "bench-cache"
CACHE_FORMAT = 2
KEEP = 3  # cache entries kept (the newest used)
BATCH = 2000  # cases per insert transaction
CHUNK = 250  # cases per task of the preparation pool

CASEWORKER, SUPERVISOR = "bench-caseworker", "bench-supervisor"
TODAY = _dt.date.today()

# How the cases are spread over teams (shares of --cases): the benchmark caseworker's team, the
# supervisor's team and five other teams sharing the rest.
SHARE_CASEWORKER_TEAM = 0.05
SHARE_SUPERVISOR_TEAM = 0.20
OTHER_TEAMS = 5
CROSS_TEAM_ASSIGNED = 25  # cases of other teams assigned to the benchmark caseworker
SHARE_RESTRICTED = 0.01
SHARE_ASSESSED = 0.40  # cases with a stored assessment (a quarter of those with two)
SEARCH_NAMES = 200  # distinct client names of the caseworker's cases, for the search endpoints


# =========================================================================== the cache


def _hash_files(paths: list[Path], h: Any) -> None:
    for p in sorted(paths):
        h.update(str(p.relative_to(ROOT)).encode() + b"\0")
        h.update(p.read_bytes() + b"\0")


def cache_key(cases: int, seed: int) -> tuple[str, dict[str, Any]]:
    """(key, its components): what the cached database depends on."""
    from benchutil import version_of

    mig = hashlib.sha256()
    _hash_files(list(SRC_WEB.glob("*/migrations/*.py")), mig)
    mig.update(str(version_of("Django")).encode())
    code = hashlib.sha256()
    _hash_files([Path(__file__).resolve(), HERE / "casegen.py", *SRC_WEB.glob("crypto/*.py")], code)
    try:
        from asylon.law import rules_version

        rules = rules_version() if callable(rules_version) else rules_version
    except Exception:  # an unknown rules version only makes the key coarser
        rules = None
    code.update(f"{version_of('asylon')}|{rules}".encode())
    parts = {
        "format": CACHE_FORMAT,
        "cases": cases,
        "seed": seed,
        "migrations": mig.hexdigest()[:16],
        "code": code.hexdigest()[:16],
    }
    key = hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:16]
    return f"web-{cases}-{seed}-{key}", parts


def cache_dir(cases: int, seed: int) -> tuple[Path, dict[str, Any]]:
    name, parts = cache_key(cases, seed)
    return CACHE_ROOT / name, parts


def cache_lookup(cases: int, seed: int) -> tuple[Path, dict[str, Any] | None]:
    """(the entry's directory, its meta or None when there is no complete entry)."""
    where, _ = cache_dir(cases, seed)
    meta = where / "meta.json"
    if (where / "bench.sqlite3").exists() and (where / "data-keys.json").exists() and meta.exists():
        try:
            return where, json.loads(meta.read_text())
        except ValueError:
            return where, None
    return where, None


def checkpoint(db: Path) -> None:
    """Fold the write-ahead log into the database file, so the file alone is the database."""
    con = sqlite3.connect(db)
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.execute("PRAGMA journal_mode=DELETE")
    finally:
        con.close()


def cache_store(
    staging_var: Path, db: Path, key_file: Path, meta: dict[str, Any], cases: int, seed: int
) -> Path:
    """Copy a freshly seeded database into the cache (atomically: a complete entry or none)."""
    where, parts = cache_dir(cases, seed)
    CACHE_ROOT.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = CACHE_ROOT / f".{where.name}.{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(mode=0o700)
    checkpoint(db)
    shutil.copyfile(db, tmp / "bench.sqlite3")
    os.chmod(tmp / "bench.sqlite3", 0o600)
    shutil.copyfile(key_file, tmp / "data-keys.json")
    os.chmod(tmp / "data-keys.json", 0o600)
    (tmp / "meta.json").write_text(json.dumps({**meta, "cache_key": parts}) + "\n")
    shutil.rmtree(where, ignore_errors=True)
    os.replace(tmp, where)
    prune(keep=where)
    return where


def cache_restore(where: Path, var: Path, db: Path, key_file: Path) -> None:
    shutil.copyfile(where / "bench.sqlite3", db)
    shutil.copyfile(where / "data-keys.json", key_file)
    os.chmod(key_file, 0o600)
    os.utime(where / "meta.json")  # most recently used


def prune(keep: Path) -> None:
    entries = sorted(
        (p for p in CACHE_ROOT.glob("web-*") if p.is_dir() and p != keep),
        key=lambda p: (p / "meta.json").stat().st_mtime if (p / "meta.json").exists() else 0,
        reverse=True,
    )
    for old in entries[KEEP - 1 :]:
        shutil.rmtree(old, ignore_errors=True)


# =========================================================================== seeding


def _d(value: Any) -> _dt.date | None:
    return _dt.date.fromisoformat(value) if isinstance(value, str) else None


def _later(rng: random.Random, day: _dt.date, lo: int, hi: int) -> _dt.date:
    return day + _dt.timedelta(days=rng.randint(lo, hi))


def _events_for(
    rng: random.Random, facts: dict[str, Any], jurisdiction: str, as_of: _dt.date
) -> list[tuple[str, _dt.date, dict[str, Any]]]:
    """A plausible procedural history for the facts: (kind, on, details), in entry order.

    Dates come from the facts (arrival, application, status, detention, offences) or lie
    between the application and ``as_of``, so the timeline agrees with the case file. Cases
    decided more than a year ago mostly have a decision (and appeals); recent ones have
    interviews, hearings and open deadlines. Court hearings may be scheduled after today.
    """
    app = facts.get("applicant") or {}
    proc = facts.get("procedure") or {}
    removal = facts.get("removal") or {}
    profile = jurisdiction.split(":", 1)[0]
    kind = proc.get("kind")
    arrived, applied = _d(app.get("arrived_on")), _d(proc.get("applied_on"))
    out: list[tuple[str, _dt.date, dict[str, Any]]] = []
    if arrived is not None:
        irregular = app.get("entered_irregularly")
        details: dict[str, Any] = {}
        if irregular is True:
            details["entry"] = "irregular"
        elif irregular is False:
            details["entry"] = rng.choice(("visa", "visa_free"))
        out.append(("arrival", arrived, details))
    old = as_of < TODAY - _dt.timedelta(days=365)
    if applied is not None:
        out.append(("application_lodged", applied, {"procedure": kind} if kind else {}))
        if profile == "ru" and kind == "refugee_status" and rng.random() < 0.7:
            cert = _later(rng, applied, 3, 10)
            if cert <= as_of:
                out.append(("certificate_issued", cert, {"number": f"C-{rng.randint(1, 99999)}"}))
        if (as_of - applied).days > 30 and rng.random() < 0.7:
            scheduled = _later(rng, applied, 5, 30)
            interview_on = _later(rng, scheduled, 7, 60)
            if scheduled <= as_of:
                out.append(("interview_scheduled", scheduled, {"interview_on": str(interview_on)}))
                if interview_on <= as_of and rng.random() < 0.85:
                    out.append(("interview_held", interview_on, {}))
        if (as_of - applied).days > 60 and rng.random() < (0.85 if old else 0.3):
            decided = _later(rng, applied, 30, (as_of - applied).days)
            decided = min(decided, as_of)
            outcome = rng.choices(
                ("granted", "refused", "temporary_asylum", "subsidiary_protection", "inadmissible"),
                weights=(35, 40, 10 if profile == "ru" else 0, 10 if profile == "eu" else 0, 5),
            )[0]
            details = {"outcome": outcome}
            notified = min(_later(rng, decided, 0, 10), as_of)
            if rng.random() < 0.8:
                details["notified_on"] = str(notified)
            out.append(("decision", decided, details))
            if outcome in ("refused", "inadmissible"):
                if "notified_on" in details and rng.random() < 0.7:
                    lodged = min(_later(rng, notified, 1, 25), as_of)
                    out.append(("appeal_lodged", lodged, {"instance": "court"}))
                    if not old and rng.random() < 0.4:
                        hearing = _later(rng, TODAY, 1, 60)
                        out.append(("court_hearing", hearing, {"court": "district court"}))
                    elif old:
                        out.append(
                            (
                                "appeal_decided",
                                min(_later(rng, lodged, 30, 400), as_of),
                                {"outcome": rng.choice(("allowed", "dismissed", "remitted"))},
                            )
                        )
            elif not proc.get("status_held"):
                status = {
                    "granted": "refugee_status",
                    "temporary_asylum": "temporary_asylum",
                    "subsidiary_protection": "subsidiary_protection",
                }[outcome]
                out.append(("status_granted", decided, {"status": status}))
    granted = _d(proc.get("status_granted_on"))
    if proc.get("status_held") and granted is not None:
        out.append(("status_granted", granted, {"status": proc["status_held"]}))
        renewed = _later(rng, granted, 300, 400)
        if renewed <= as_of and rng.random() < 0.4:
            out.append(("status_renewed", renewed, {"status": proc["status_held"]}))
    for det in removal.get("detention") or []:
        start, end = _d(det.get("from")), _d(det.get("to"))
        if start is None:
            continue
        if end is None and old:  # an old case: the detention has long ended
            end = min(as_of, start + _dt.timedelta(days=rng.randint(10, 90)))
        details = {
            "place": det.get("place") or "pre-removal detention centre",
            "basis": det.get("basis") or "pending_removal",
        }
        for key in ("periodic_review_available", "transit_zone"):
            if det.get(key) is not None:
                details[key] = det[key]
        if end is None and rng.random() < 0.5:
            details["next_review_on"] = str(_later(rng, max(start, TODAY), 1, 45))
        out.append(("detention_started", start, details))
        if end is not None:
            out.append(("detention_ended", end, {"reason": rng.choice(("released", "removed"))}))
    for off in removal.get("administrative_offences") or []:
        on = _d(off.get("on"))
        if on is None or not off.get("article"):
            continue
        details = {"article": off["article"]}
        if off.get("region"):
            details["region"] = off["region"]
        if off.get("removal_ordered") is not None:
            details["removal_ordered"] = off["removal_ordered"]
        if rng.random() < 0.5:
            details["fine"] = rng.choice((2000, 5000, 7000))
        out.append(("administrative_offence", on, details))
    return out


def _status_for(events: list[tuple[str, _dt.date, dict[str, Any]]], kind: str, old: bool) -> str:
    """The case's status (``Case.Status``) as its history suggests."""
    kinds = {k for k, _, _ in events}
    if "status_granted" in kinds:
        return "protected"
    if old:
        return "closed"
    if "appeal_lodged" in kinds:
        return "appeal"
    if kind in ("removal", "extradition"):
        return "removal"
    return "waiting" if "application_lodged" in kinds else "open"


def _team_layout(n: int) -> list[tuple[str, int]]:
    """(team name, number of cases) for ``n`` cases."""
    mine = max(1, round(n * SHARE_CASEWORKER_TEAM))
    sup = max(1, round(n * SHARE_SUPERVISOR_TEAM))
    rest = n - mine - sup
    layout = [("Bench caseworker team", mine), ("Bench supervisor team", sup)]
    for k in range(OTHER_TEAMS):
        layout.append((f"Bench team {k + 1}", rest // OTHER_TEAMS + (k < rest % OTHER_TEAMS)))
    return layout


# The pool's state (set before forking: the workers inherit it).
_POOL: dict[str, Any] = {}


def _prepare(i: int) -> dict[str, Any]:
    """Everything about case ``i`` that needs no database, as plain data."""
    import casegen
    from asylon.law import assess, parse_case_file
    from asylon.web.cases.casefile import SECTIONS, validated
    from asylon.web.cases.models import Case
    from asylon.web.crypto.blind_index import name_digests
    from asylon.web.timeline.details import DetailsError, validate_details
    from asylon.web.timeline.models import TimelineEvent
    from asylon.web.timeline.services import facts_from_timeline, merge_facts

    seed = _POOL["seed"]
    raw = casegen.generate_case(i, seed)
    parsed = parse_case_file(json.dumps(raw), "json")
    data = json.loads(parsed.model_dump_json(by_alias=True, exclude_none=True))
    applicant = data.get("applicant", {})
    name = applicant.pop("name", None) or {}
    facts = {k: data[k] for k in SECTIONS if k in data}
    facts["applicant"] = applicant
    home = applicant.get("habitual_residence") or {}
    crng = random.Random(f"{seed}:case:{i}")
    created_offset = crng.randint(0, 3 * 365 * 86400)
    jurisdiction = parsed.jurisdiction
    kind = (data.get("procedure") or {}).get("kind", "")
    erng = random.Random(f"{seed}:events:{i}")
    history = _events_for(erng, facts, jurisdiction, parsed.as_of)
    status = _status_for(history, kind, parsed.as_of < TODAY - _dt.timedelta(days=365))
    errors: list[str] = []
    events = []
    for ekind, on, details in history:
        try:
            clean = validate_details(ekind, on, details)
        except DetailsError as err:
            errors.append(f"{raw['id']}: {ekind} on {on}: {err}")
            continue
        events.append((ekind, on.isoformat(), clean))
    # What the application would assess: stored facts with the timeline laid over them.
    case = Case(jurisdiction=jurisdiction, procedure_kind=kind, facts=facts)
    evs = [TimelineEvent(kind=k, on=_dt.date.fromisoformat(on), details=d) for k, on, d in events]
    doc = {
        "format": "asylon.case/1",
        "id": f"case-{i}",
        "jurisdiction": jurisdiction,
        "as_of": parsed.as_of.isoformat(),
        **{
            k: v
            for k, v in merge_facts(facts, facts_from_timeline(case, evs)).items()
            if k in SECTIONS and v is not None
        },
    }
    doc["applicant"] = {**doc.get("applicant", {}), "name": name}
    det = None
    try:
        det = assess(validated(doc)).to_dict()
    except Exception as exc:
        errors.append(f"{raw['id']}: {type(exc).__name__}: {exc}")
    full_name = name.get("full") or f"Client {i}"
    aliases = name.get("aliases", [])
    assessed = crng.random() < SHARE_ASSESSED
    return {
        "i": i,
        "errors": errors,
        "client": {
            "full_name": full_name,
            "aliases": aliases,
            "born": applicant.get("born"),
            "sex": applicant.get("sex", ""),
            "nationalities": applicant.get("nationalities", []),
            "stateless": applicant.get("stateless"),
            "home_country": home.get("country", ""),
            "home_place": home.get("place", "") or "",
        },
        "digests": sorted(name_digests([full_name, *aliases], _POOL["index_key"])),
        "case": {
            "jurisdiction": jurisdiction,
            "procedure_kind": kind,
            "facts": facts,
            "status": status,
        },
        "created_offset": created_offset,
        "events": events,
        "as_of": parsed.as_of.isoformat(),
        "assessments": (
            (2 if crng.random() < 0.25 else 1, doc, det) if assessed and det is not None else None
        ),
    }


def _prepare_chunk(bounds: tuple[int, int]) -> list[dict[str, Any]]:
    return [_prepare(i) for i in range(*bounds)]


def seed_database(n: int, seed: int, processes: int | None = None) -> dict[str, Any]:
    """Seed ``n`` cases into the (migrated, empty) database of this process's environment.

    Users get unusable passwords here: the benchmark sets them on each run (``prepare_run``).
    """
    import multiprocessing

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asylon.web.settings")
    django.setup()
    from django.db import connection, transaction
    from django.utils import timezone

    from asylon.web.accounts.models import Team, User
    from asylon.web.cases.access import visible_cases
    from asylon.web.cases.models import Assessment, Case, Client, ClientNameKey
    from asylon.web.crypto.keys import configured_path, init_key_file
    from asylon.web.timeline.models import TimelineEvent

    t0 = time.perf_counter()
    ring, _ = init_key_file(configured_path()[0])
    _POOL.update(seed=seed, index_key=ring.index_keys[ring.index_current], kid=ring.index_current)

    # Spread creation times over three years (bulk_create would stamp them all "now").
    for model in (Client, Case, TimelineEvent, Assessment):
        model._meta.get_field("created_at").auto_now_add = False  # type: ignore[attr-defined]

    rng = random.Random(f"{seed}:layout")
    layout = _team_layout(n)
    team_of_case: list[int] = [t for t, (_, count) in enumerate(layout) for _ in range(count)]
    rng.shuffle(team_of_case)
    others = [i for i in range(n) if team_of_case[i] != 0]
    cross = set(rng.sample(others, min(CROSS_TEAM_ASSIGNED, len(others))))
    restricted = set(rng.sample(range(n), max(1, round(n * SHARE_RESTRICTED))))
    now = timezone.now()
    errors: list[str] = []
    processes = processes or max(1, len(os.sched_getaffinity(0)))
    chunks = [(a, min(n, a + CHUNK)) for a in range(0, n, CHUNK)]
    ctx = multiprocessing.get_context("fork")
    pool = ctx.Pool(processes) if processes > 1 else None  # forked before any connection opens

    with connection.cursor() as cur:
        cur.execute("PRAGMA synchronous=OFF")  # seeding only: a crash here loses a bench DB
    with transaction.atomic():
        teams = [Team.objects.create(name=name) for name, _ in layout]
        cw = User(username=CASEWORKER, role=User.Role.CASEWORKER, team=teams[0])
        sup = User(username=SUPERVISOR, role=User.Role.SUPERVISOR, team=teams[1])
        for user in (cw, sup):
            user.set_unusable_password()
            user.save()
        colleagues: list[list[Any]] = []
        for t, team in enumerate(teams):
            staff = [cw] if t == 0 else []
            for k in range(4 - len(staff)):
                u = User(username=f"bench-{t}-{k}", role=User.Role.CASEWORKER, team=team)
                u.set_unusable_password()
                staff.append(u)
            User.objects.bulk_create([u for u in staff if u.pk is None])
            colleagues.append(list(User.objects.filter(team=team, role=User.Role.CASEWORKER)))

    stats: collections.Counter[str] = collections.Counter()
    statuses: collections.Counter[str] = collections.Counter()
    mine: dict[int, tuple[str, str]] = {}  # case pk -> (as_of, client name), caseworker's cases
    t_prep_wait = 0.0
    t_insert = 0.0
    kid = ring.index_current
    through_a, through_n = Case.assigned.through, Case.named_users.through

    def insert(batch: list[dict[str, Any]]) -> None:
        clients, cases = [], []
        for p in batch:
            team = teams[team_of_case[p["i"]]]
            created = now - _dt.timedelta(seconds=p["created_offset"])
            client = Client(team=team, created_at=created, **p["client"])
            clients.append(client)
            cases.append(
                Case(
                    client=client,
                    team=team,
                    restricted=p["i"] in restricted,
                    created_at=created,
                    **p["case"],
                )
            )
        with transaction.atomic():
            Client.objects.bulk_create(clients, batch_size=1000)
            keys = []
            for client, case, p in zip(clients, cases, batch, strict=True):
                case.client = client
                keys += [
                    ClientNameKey(client_id=client.pk, kid=kid, digest=d) for d in p["digests"]
                ]
            ClientNameKey.objects.bulk_create(keys, batch_size=2000)
            Case.objects.bulk_create(cases, batch_size=1000)
            assigned, named, events, assessments = [], [], [], []
            for case, p in zip(cases, batch, strict=True):
                i = p["i"]
                t = team_of_case[i]
                staff = colleagues[t]
                assigned.append(through_a(case_id=case.pk, user_id=staff[i % len(staff)].pk))
                if i in cross:
                    assigned.append(through_a(case_id=case.pk, user_id=cw.pk))
                if i in restricted:
                    pick = random.Random(f"{seed}:named:{i}").choice(staff)
                    named.append(through_n(case_id=case.pk, user_id=pick.pk))
                for ekind, on, details in p["events"]:
                    events.append(
                        TimelineEvent(
                            case=case,
                            kind=ekind,
                            on=on,
                            details=details,
                            created_at=case.created_at,
                        )
                    )
                if p["assessments"]:
                    takes, doc, det = p["assessments"]
                    stats["cases_with_assessment"] += 1
                    for k in range(takes):
                        assessments.append(
                            Assessment(
                                case=case,
                                as_of=doc["as_of"],
                                jurisdiction=case.jurisdiction,
                                rules_version=det["rules_version"],
                                outcome=det["outcome"],
                                case_file=doc,
                                determination=det,
                                created_by=cw if t == 0 else None,
                                created_at=min(
                                    now, case.created_at + _dt.timedelta(days=10 * (k + 1))
                                ),
                            )
                        )
                if t == 0 or i in cross:
                    mine[case.pk] = (p["as_of"], p["client"]["full_name"])
                statuses[case.status] += 1
            through_a.objects.bulk_create(assigned, batch_size=5000)
            through_n.objects.bulk_create(named, batch_size=5000)
            TimelineEvent.objects.bulk_create(events, batch_size=2000)
            Assessment.objects.bulk_create(assessments, batch_size=200)
        stats["cases"] += len(cases)
        stats["timeline_events"] += len(events)
        stats["assessments"] += len(assessments)
        stats["name_keys"] += len(keys)

    batch: list[dict[str, Any]] = []
    done_at = time.perf_counter()
    results = pool.imap(_prepare_chunk, chunks) if pool else map(_prepare_chunk, chunks)
    try:
        while True:
            tw = time.perf_counter()
            try:
                chunk = next(results)
            except StopIteration:
                break
            t_prep_wait += time.perf_counter() - tw
            for p in chunk:
                if p["errors"]:
                    errors += p["errors"]
                elif not errors:
                    batch.append(p)
            if errors:
                continue  # report every failing case, insert nothing more
            if len(batch) >= BATCH:
                ti = time.perf_counter()
                insert(batch)
                t_insert += time.perf_counter() - ti
                batch = []
                if stats["cases"] % 20_000 < BATCH:
                    rate = stats["cases"] / (time.perf_counter() - done_at)
                    print(
                        f"  seeded {stats['cases']:,} / {n:,} ({rate:,.0f} cases/s)",
                        file=__import__("sys").stderr,
                        flush=True,
                    )
    finally:
        if pool:
            pool.close()
            pool.join()
    if errors:
        return {"errors": errors[:50], "error_count": len(errors)}
    if batch:
        ti = time.perf_counter()
        insert(batch)
        t_insert += time.perf_counter() - ti

    cw_ids = sorted(visible_cases(cw).values_list("pk", flat=True))
    sup_count = visible_cases(sup).count()
    names_rng = random.Random(f"{seed}:names")
    names = sorted({mine[pk][1] for pk in cw_ids if pk in mine})
    names_rng.shuffle(names)
    seconds = time.perf_counter() - t0
    return {
        "errors": [],
        "seconds": seconds,
        "cases_per_second": n / seconds if seconds else 0.0,
        "prepare_processes": processes,
        "insert_seconds": t_insert,
        "waiting_for_preparation_seconds": t_prep_wait,
        "cases": stats["cases"],
        "teams": [{"name": name, "cases": count} for name, count in layout],
        "users": {
            CASEWORKER: {"role": "caseworker", "team": layout[0][0], "visible": len(cw_ids)},
            SUPERVISOR: {"role": "supervisor", "team": layout[1][0], "visible": sup_count},
        },
        "cross_team_assigned": CROSS_TEAM_ASSIGNED,
        "restricted": len(restricted),
        "statuses": dict(statuses.most_common()),
        "timeline_events": stats["timeline_events"],
        "assessments": stats["assessments"],
        "cases_with_assessment": stats["cases_with_assessment"],
        "name_index_rows": stats["name_keys"],
        "caseworker_cases": [[pk, mine[pk][0]] for pk in cw_ids if pk in mine],
        "search_names": names[:SEARCH_NAMES],
    }


def prepare_run(passwords: dict[str, str], totp_secret: str) -> dict[str, Any]:
    """On a restored (or fresh) database, before a run: the two benchmark users' passwords, the
    supervisor's authenticator (MFA is mandatory for supervisors) and the caseworker's API
    token. Returns {"token": ...}."""
    import io

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asylon.web.settings")
    django.setup()
    from django.core.management import call_command

    from asylon.web.accounts.mfa import provision_totp
    from asylon.web.accounts.models import User

    for username, password in passwords.items():
        user = User.objects.get(username=username)
        user.set_password(password)
        user.save(update_fields=["password"])
    provision_totp(User.objects.get(username=SUPERVISOR), totp_secret)
    out = io.StringIO()
    call_command(
        "create_api_token", CASEWORKER, "--name", "bench", stdout=out, stderr=io.StringIO()
    )
    return {"token": out.getvalue().strip()}
