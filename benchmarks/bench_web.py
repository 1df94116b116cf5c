"""Web latency under load: the dashboard, a case page and the assess endpoint, 10,000 cases.

    python benchmarks/bench_web.py [--cases 10000] [--users 50] [--think-ms 500-1500] [--nice -10]

Builds a throwaway SQLite database and evidence store in a temporary directory (never the
repository's var/), migrates it, seeds ``--cases`` synthetic cases (facts from
``benchmarks/casegen.py``, timeline events derived from them, stored assessments for a share),
logs in through the login form, creates an API token, and measures each endpoint on a fresh
``asylon serve`` (gunicorn) on a loopback port: 50 users with ``locust``, each waiting a think
time between an answer and its next request, after a warm-up; then, on another fresh server,
``wrk`` with 50 connections and no think time (capacity). Prints one table: p50 / p99 / max
latency, throughput and errors of each endpoint beside the target (p99 < 200 ms) and beside the
baseline measured in the same run on the same kind of server: Django's own login page
(``/en/accounts/login/``, no database work), the floor a Django + gunicorn stack gives here.

Every response is checked: its status must be the one the endpoint answers on success (200,
or 201 for the assess endpoint); anything else (a 302 to the login page means the session
cookie failed) and every socket error or timeout is an error in the table.

Writes ``benchmarks/results/web-latest.json``.
Exit status: 0 done (target met or not); 1 a seeded case failed validation or the engine
(a seeding bug); 2 set-up failed (no wrk or locust, the server did not start, login failed, a probe
request failed); 3 errors during the measurement (the report is written first).
"""

from __future__ import annotations

import argparse
import collections
import datetime as _dt
import http.cookiejar
import json
import math
import os
import platform
import random
import re
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from benchutil import cpu_model, log, percentile, version_of

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results" / "web-latest.json"
VENV_BIN = Path(sys.executable).parent
TARGET_P99_MS = 200.0
MIN_ANSWERS = 100  # fewer answers in a timed run: no p99 to speak of, the target is missed
CONNECTIONS = 50
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


# =========================================================================== seeding
# Runs in a subprocess with the throwaway database's environment (``--internal-seed``).


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


def seed_database(n: int, seed: int, passwords: dict[str, str]) -> dict[str, Any]:
    """Seed ``n`` cases into the (migrated, empty) database of this process's environment."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asylon.web.settings")
    django.setup()
    from django.db import transaction
    from django.utils import timezone

    import casegen
    from asylon.law import assess, parse_case_file
    from asylon.web.accounts.models import Team, User
    from asylon.web.cases.access import visible_cases
    from asylon.web.cases.casefile import SECTIONS, validated
    from asylon.web.cases.models import Assessment, Case, Client
    from asylon.web.timeline.details import DetailsError, validate_details
    from asylon.web.timeline.models import TimelineEvent
    from asylon.web.timeline.services import facts_from_timeline, merge_facts

    # Spread creation times over three years (bulk_create would stamp them all "now").
    for model in (Client, Case, TimelineEvent, Assessment):
        model._meta.get_field("created_at").auto_now_add = False  # type: ignore[attr-defined]

    t0 = time.perf_counter()
    rng = random.Random(f"{seed}:layout")
    layout = _team_layout(n)
    team_of_case: list[int] = [t for t, (_, count) in enumerate(layout) for _ in range(count)]
    rng.shuffle(team_of_case)
    now = timezone.now()
    errors: list[str] = []

    with transaction.atomic():
        teams = [Team.objects.create(name=name) for name, _ in layout]
        cw = User(username=CASEWORKER, role=User.Role.CASEWORKER, team=teams[0])
        sup = User(username=SUPERVISOR, role=User.Role.SUPERVISOR, team=teams[1])
        for user in (cw, sup):
            user.set_password(passwords[user.username])
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

        clients, cases, as_ofs, events_of, dets = [], [], [], [], []
        for i in range(n):
            raw = casegen.generate_case(i, seed)
            parsed = parse_case_file(json.dumps(raw), "json")
            data = json.loads(parsed.model_dump_json(by_alias=True, exclude_none=True))
            applicant = data.get("applicant", {})
            name = applicant.pop("name", None) or {}
            facts = {k: data[k] for k in SECTIONS if k in data}
            facts["applicant"] = applicant
            home = applicant.get("habitual_residence") or {}
            team = teams[team_of_case[i]]
            created = now - _dt.timedelta(seconds=rng.randint(0, 3 * 365 * 86400))
            client = Client(
                full_name=name.get("full") or f"Client {i}",
                aliases=name.get("aliases", []),
                team=team,
                born=applicant.get("born"),
                sex=applicant.get("sex", ""),
                nationalities=applicant.get("nationalities", []),
                stateless=applicant.get("stateless"),
                home_country=home.get("country", ""),
                home_place=home.get("place", "") or "",
                created_at=created,
            )
            case = Case(
                client=client,
                team=team,
                jurisdiction=parsed.jurisdiction,
                procedure_kind=(data.get("procedure") or {}).get("kind", ""),
                facts=facts,
                created_at=created,
            )
            erng = random.Random(f"{seed}:events:{i}")
            history = _events_for(erng, facts, case.jurisdiction, parsed.as_of)
            case.status = _status_for(
                history, case.procedure_kind, parsed.as_of < TODAY - _dt.timedelta(days=365)
            )
            events = []
            for kind, on, details in history:
                try:
                    clean = validate_details(kind, on, details)
                except DetailsError as err:
                    errors.append(f"{raw['id']}: {kind} on {on}: {err}")
                    continue
                events.append(TimelineEvent(kind=kind, on=on, details=clean, created_at=created))
            # What the application would assess: stored facts with the timeline laid over them.
            doc = {
                "format": "asylon.case/1",
                "id": f"case-{i}",
                "jurisdiction": case.jurisdiction,
                "as_of": parsed.as_of.isoformat(),
                **{
                    k: v
                    for k, v in merge_facts(facts, facts_from_timeline(case, events)).items()
                    if k in SECTIONS and v is not None
                },
            }
            doc["applicant"] = {**doc.get("applicant", {}), "name": name}
            try:
                det = assess(validated(doc)).to_dict()
            except Exception as exc:
                errors.append(f"{raw['id']}: {type(exc).__name__}: {exc}")
                continue
            clients.append(client)
            cases.append(case)
            as_ofs.append(parsed.as_of.isoformat())
            events_of.append(events)
            dets.append((doc, det) if rng.random() < SHARE_ASSESSED else None)
        if errors:
            return {"errors": errors[:50], "error_count": len(errors)}

        Client.objects.bulk_create(clients, batch_size=2000)
        for case, client in zip(cases, clients, strict=True):
            case.client = client
        Case.objects.bulk_create(cases, batch_size=2000)

        through = Case.assigned.through
        assigned = []
        for k, case in enumerate(cases):
            staff = colleagues[teams.index(case.team)]
            assigned.append(through(case_id=case.pk, user_id=staff[k % len(staff)].pk))
        others = [c for c in cases if c.team_id != teams[0].pk]
        for case in rng.sample(others, min(CROSS_TEAM_ASSIGNED, len(others))):
            assigned.append(through(case_id=case.pk, user_id=cw.pk))
        through.objects.bulk_create(assigned, batch_size=5000)

        restricted = rng.sample(cases, max(1, round(n * SHARE_RESTRICTED)))
        Case.objects.filter(pk__in=[c.pk for c in restricted]).update(restricted=True)
        named = Case.named_users.through
        named_rows = []
        for case in restricted:
            staff = colleagues[teams.index(case.team)]
            named_rows.append(named(case_id=case.pk, user_id=rng.choice(staff).pk))
        named.objects.bulk_create(named_rows)

        rows = []
        for case, events in zip(cases, events_of, strict=True):
            for e in events:
                e.case = case
                rows.append(e)
        TimelineEvent.objects.bulk_create(rows, batch_size=5000)

        assessments = []
        for case, pair in zip(cases, dets, strict=True):
            if pair is None:
                continue
            doc, det = pair
            takes = 2 if rng.random() < 0.25 else 1
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
                        created_by=cw if case.team_id == teams[0].pk else None,
                        created_at=min(now, case.created_at + _dt.timedelta(days=10 * (k + 1))),
                    )
                )
        Assessment.objects.bulk_create(assessments, batch_size=500)

    as_of_by_pk = {c.pk: a for c, a in zip(cases, as_ofs, strict=True)}
    cw_ids = sorted(visible_cases(cw).values_list("pk", flat=True))
    sup_count = visible_cases(sup).count()
    return {
        "errors": [],
        "seconds": time.perf_counter() - t0,
        "cases": len(cases),
        "teams": [{"name": name, "cases": count} for name, count in layout],
        "users": {
            CASEWORKER: {"role": "caseworker", "team": layout[0][0], "visible": len(cw_ids)},
            SUPERVISOR: {"role": "supervisor", "team": layout[1][0], "visible": sup_count},
        },
        "cross_team_assigned": CROSS_TEAM_ASSIGNED,
        "restricted": len(restricted),
        "statuses": dict(collections.Counter(c.status for c in cases).most_common()),
        "timeline_events": len(rows),
        "assessments": len(assessments),
        "cases_with_assessment": sum(1 for p in dets if p is not None),
        "caseworker_cases": [[pk, as_of_by_pk[pk]] for pk in cw_ids],
    }


def probe_queries(user_cases: dict[str, Any]) -> dict[str, Any]:
    """SQL queries and in-process time of one request to each endpoint (Django test client,
    no server): what one request costs the database, for the table."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asylon.web.settings")
    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from asylon.web.accounts.models import User

    out: dict[str, Any] = {}

    def measure(name: str, client: Any, method: str, path: str, **kw: Any) -> None:
        call = getattr(client, method)
        call(path, **kw)  # warm: templates, profiles, connection
        with CaptureQueriesContext(connection) as queries:
            t0 = time.perf_counter()
            response = call(path, **kw)
            ms = (time.perf_counter() - t0) * 1000
        out[name] = {"queries": len(queries), "ms": ms, "status": response.status_code}

    anon = Client(SERVER_NAME="127.0.0.1")
    measure("baseline", anon, "get", "/en/accounts/login/")
    for key, username in (("dashboard", CASEWORKER), ("dashboard_supervisor", SUPERVISOR)):
        c = Client(SERVER_NAME="127.0.0.1")
        c.force_login(User.objects.get(username=username))
        measure(key, c, "get", "/en/")
    c = Client(SERVER_NAME="127.0.0.1")
    c.force_login(User.objects.get(username=CASEWORKER))
    pk, as_of = user_cases["case"]
    measure("case_page", c, "get", f"/en/cases/{pk}/")
    measure(
        "assess",
        c,
        "post",
        f"/api/cases/{pk}/assess",
        data=json.dumps({"as_of": as_of}),
        content_type="application/json",
        headers={"authorization": f"Bearer {user_cases['token']}"},
    )
    return out


# =========================================================================== the server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def fetch(
    url: str,
    method: str = "GET",
    data: bytes | None = None,
    headers: dict[str, str] | None = None,
    opener: urllib.request.OpenerDirector | None = None,
) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) without following redirects."""
    opener = opener or urllib.request.build_opener(NoRedirect)
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with opener.open(req, timeout=60) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def login(base: str, username: str, password: str) -> str:
    """Log in through the form (CSRF token from the page); the Cookie header of the session."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    url = f"{base}/en/accounts/login/"
    status, _, body = fetch(url, opener=opener)
    found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if status != 200 or not found:
        raise RuntimeError(f"login page: status {status}, CSRF token found: {bool(found)}")
    form = urllib.parse.urlencode(
        {
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": found.group(1).decode(),
            "next": "/en/",
        }
    ).encode()
    status, headers, _ = fetch(
        url,
        "POST",
        form,
        {"Content-Type": "application/x-www-form-urlencoded", "Referer": url},
        opener,
    )
    if status != 302 or headers.get("Location") != "/en/":
        raise RuntimeError(f"login as {username}: status {status}, to {headers.get('Location')}")
    cookies = {c.name: c.value for c in jar}
    if "sessionid" not in cookies:
        raise RuntimeError(f"login as {username}: no session cookie")
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def start_server(env: dict[str, str], port: int, workers: int, log_path: Path) -> Any:
    cmd = [
        str(VENV_BIN / "asylon"),
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]
    with log_path.open("wb") as out:
        proc = subprocess.Popen(
            cmd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with status {proc.returncode}")
        try:
            if fetch(f"http://127.0.0.1:{port}/en/accounts/login/")[0] == 200:
                return proc
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError("the server did not answer within 60 s")


def log_problems(path: Path, label: str) -> list[str]:
    """Error lines the server logged so far (read before stopping it: stopping interrupts
    busy workers, which log that too)."""
    return [
        f"{label}: {ln}"
        for ln in path.read_text(errors="replace").splitlines()
        if re.search(r"ERROR|CRITICAL|Traceback|WORKER TIMEOUT", ln)
    ]


def renice(pid: int, nice: int) -> None:
    """Set the niceness of a process and of its scheduling autogroup (Linux groups the
    processes of a session and shares the CPU between groups first, so a process's own
    niceness counts only within its session)."""
    os.setpriority(os.PRIO_PROCESS, pid, nice)
    autogroup = Path(f"/proc/{pid}/autogroup")
    if autogroup.exists():
        try:
            autogroup.write_text(str(nice))
        except OSError as err:
            log(f"could not set the autogroup niceness of {pid}: {err}")


def stop_server(proc: Any) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGINT)  # gunicorn: quick shutdown of the master and its workers
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


class CpuMeter:
    """CPU time of the whole machine, of the server's processes and of wrk over one run, to
    show how much of the machine the run had (other processes may be running)."""

    def __init__(self, server_pid: int) -> None:
        self.server_pid = server_pid
        self.tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

    def _machine(self) -> tuple[float, float]:
        try:
            vals = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
        except (OSError, ValueError):
            return 0.0, 0.0
        idle = vals[3] + vals[4]
        return (sum(vals) - idle) / self.tick, sum(vals) / self.tick

    def _server(self) -> float:
        total = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if stat.parent.name == str(self.server_pid) or fields[1] == str(self.server_pid):
                total += int(fields[11]) + int(fields[12])
        return total / self.tick

    def __enter__(self) -> CpuMeter:
        self.busy0, self.total0 = self._machine()
        self.server0 = self._server()
        return self

    def __exit__(self, *exc: object) -> None:
        busy, total = self._machine()
        self.busy = busy - self.busy0
        self.total = max(total - self.total0, 1e-9)
        self.server = self._server() - self.server0

    def shares(self, client_cpu: float) -> dict[str, float]:
        """Shares of the machine's CPU time (1.0 = every core busy the whole run)."""
        return {
            "machine_busy": self.busy / self.total,
            "server": self.server / self.total,
            "load_generator": client_cpu / self.total,
            "others": max(0.0, self.busy - self.server - client_cpu) / self.total,
        }


# =========================================================================== the load generator

LUA = r"""-- generated by benchmarks/bench_web.py: one endpoint, requests spread over `specs`
local specs = %(specs)s
local method = %(method)s
local reqs, counter, threads = {}, 0, {}
counts, issued = {}, 0  -- globals: the main state reads them with thread:get

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  for k, v in pairs(%(headers)s) do wrk.headers[k] = v end
  for i, s in ipairs(specs) do reqs[i] = wrk.format(method, s[1], nil, s[2]) end
  counter = tid * 7919
end

function request()
  counter = counter + 1
  issued = issued + 1
  return reqs[(counter %% #reqs) + 1]
end

function response(status, headers, body)
  local k = tostring(status)
  counts[k] = (counts[k] or 0) + 1
end

function done(summary, latency, requests)
  local statuses, sent = {}, 0
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("counts")) do statuses[k] = (statuses[k] or 0) + v end
    sent = sent + t:get("issued")
  end
  local parts = {}
  for k, v in pairs(statuses) do table.insert(parts, string.format('"%%s": %%d', k, v)) end
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"duration_us": %%d, "requests": %%d, "sent": %%d, "bytes": %%d, ' ..
    '"errors": {"connect": %%d, "read": %%d, "write": %%d, "status": %%d, "timeout": %%d}, ' ..
    '"latency_us": {"min": %%d, "mean": %%.1f, "stdev": %%.1f, "max": %%d, ' ..
    '"p50": %%d, "p90": %%d, "p99": %%d, "p999": %%d}, "statuses": {%%s}}\n',
    summary.duration, summary.requests, sent, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.min, latency.mean, latency.stdev, latency.max,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency:percentile(99.9), table.concat(parts, ", ")))
end
"""

# The users: locust, one user per simulated person, waiting a think time between an answer and
# the next request. Each request opens its connection just before it is sent, as a browser's
# next click does with a server that closes every connection (gunicorn's sync workers do): a
# worker that accepted an idle connection would wait for its request instead of serving others.
LOCUSTFILE = r'''"""Generated by benchmarks/bench_web.py: one endpoint, users with think time."""

import json
import os
import time

from locust import FastHttpUser, between, events, task

SPECS = json.loads(os.environ["BENCH_SPECS"])  # [[method, path, body or null], ...]
HEADERS = json.loads(os.environ["BENCH_HEADERS"])
THINK = [float(x) for x in os.environ["BENCH_THINK_S"].split(",")]
OUT = os.environ["BENCH_OUT"]
state = {"next": 0, "t0": None, "sent": 0, "samples": []}


@events.test_start.add_listener
def _start(**kwargs):
    state["t0"] = time.monotonic()


@events.quitting.add_listener
def _quit(**kwargs):
    with open(OUT, "w") as out:
        json.dump({"sent": state["sent"], "samples": state["samples"]}, out)


class BenchUser(FastHttpUser):
    wait_time = between(*THINK)

    @task
    def one(self):
        method, path, body = SPECS[state["next"] % len(SPECS)]
        state["next"] += 1
        state["sent"] += 1
        started = time.monotonic()
        t = time.perf_counter()
        r = self.client.request(
            method, path, data=body, headers=HEADERS, allow_redirects=False, name="bench"
        )
        micros = int((time.perf_counter() - t) * 1e6)
        # [start (s from the test start), latency (us), status; 0 = no answer (socket error)]
        state["samples"].append([started - state["t0"], micros, getattr(r, "status_code", 0) or 0])
'''


def run_locust(
    host: str,
    specs: list[tuple[str, str | None]],
    method: str,
    headers: dict[str, str],
    think_s: tuple[float, float],
    users: int,
    warmup: float,
    seconds: float,
    tmp: Path,
) -> dict[str, Any]:
    """Run ``users`` users for ``warmup + seconds``; the samples of requests started after the
    warm-up, the requests sent and left unanswered, and the CPU time locust used."""
    locustfile = tmp / "locustfile.py"
    locustfile.write_text(LOCUSTFILE)
    out = tmp / "locust-out.json"
    out.unlink(missing_ok=True)
    env = {
        **os.environ,
        "BENCH_SPECS": json.dumps([[method, path, body] for path, body in specs]),
        "BENCH_HEADERS": json.dumps(headers),
        "BENCH_THINK_S": f"{think_s[0]},{think_s[1]}",
        "BENCH_OUT": str(out),
    }
    cmd = [
        str(VENV_BIN / "locust"),
        "-f",
        str(locustfile),
        "--headless",
        "--only-summary",
        "--loglevel",
        "ERROR",
        "-u",
        str(users),
        "-r",
        str(users),  # every user started within the first second
        "-t",
        f"{math.ceil(warmup + seconds)}s",
        "--host",
        host,
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if not out.exists():  # locust exits 1 when a request "failed"; only a missing file is fatal
        raise RuntimeError(f"locust failed ({done.returncode}): {done.stderr[-2000:]}")
    data = json.loads(out.read_text())
    samples = [x for x in data["samples"] if x[0] >= warmup]
    return {
        "seconds": math.ceil(warmup + seconds) - warmup,
        "samples": samples,
        "warmup_requests": len(data["samples"]) - len(samples),
        "unfinished": max(0, data["sent"] - len(data["samples"])),
        "client_cpu_seconds": (after.ru_utime + after.ru_stime)
        - (before.ru_utime + before.ru_stime),
    }


def summarise_samples(run: dict[str, Any], expect: int) -> dict[str, Any]:
    """The users run as the report keeps it (exact nearest-rank percentiles of every answer)."""
    answered = sorted(us for _, us, status in run["samples"] if status)
    statuses = collections.Counter(status for _, _, status in run["samples"])
    bad_status = sum(v for k, v in statuses.items() if k and k != expect)
    no_answer = statuses.get(0, 0)
    secs = run["seconds"]

    def p(q: float) -> float:
        return percentile(answered, q) / 1000 if answered else 0.0

    return {
        "seconds": secs,
        "requests": len(answered),
        "unfinished": run["unfinished"],
        "per_second": len(answered) / secs if secs else 0.0,
        "p50_ms": p(50),
        "p90_ms": p(90),
        "p99_ms": p(99),
        "p999_ms": p(99.9),
        "max_ms": answered[-1] / 1000 if answered else 0.0,
        "mean_ms": sum(answered) / len(answered) / 1000 if answered else 0.0,
        "statuses": dict(sorted(statuses.items())),
        "errors": bad_status + no_answer,
        "errors_detail": {"unexpected_status": bad_status, "no_answer": no_answer},
        "warmup_requests": run["warmup_requests"],
    }


def _lua_str(s: str) -> str:
    return json.dumps(s)  # a JSON string literal is a valid Lua string literal for ASCII


def lua_script(method: str, specs: list[tuple[str, str | None]], headers: dict[str, str]) -> str:
    rows = ",\n  ".join(
        "{" + _lua_str(path) + ", " + (_lua_str(body) if body is not None else "nil") + "}"
        for path, body in specs
    )
    head = "{" + ", ".join(f"[{_lua_str(k)}] = {_lua_str(v)}" for k, v in headers.items()) + "}"
    return LUA % {
        "specs": "{\n  " + rows + "\n}",
        "method": _lua_str(method),
        "headers": head,
    }


def run_wrk(
    url: str, script: Path, seconds: float, connections: int, threads: int, timeout_s: int
) -> dict[str, Any]:
    cmd = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, math.ceil(seconds))}s",
        f"--timeout={timeout_s}s",
        "-s",
        str(script),
        url,
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("WRKJSON ")), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    out: dict[str, Any] = json.loads(line[len("WRKJSON ") :])
    out["wrk_cpu_seconds"] = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return out


def summarise(r: dict[str, Any], expect: int) -> dict[str, Any]:
    """One wrk run as the report keeps it; errors = unexpected statuses + socket errors."""
    secs = r["duration_us"] / 1e6
    statuses = {int(k): v for k, v in r["statuses"].items()}
    bad_status = sum(v for k, v in statuses.items() if k != expect)
    sock = sum(v for k, v in r["errors"].items() if k != "status")
    lat = r["latency_us"]
    return {
        "seconds": secs,
        "requests": r["requests"],
        # sent but not answered when the run ended (at most one per connection)
        "unfinished": max(0, r["sent"] - sum(statuses.values())),
        "per_second": r["requests"] / secs if secs else 0.0,
        "p50_ms": lat["p50"] / 1000,
        "p90_ms": lat["p90"] / 1000,
        "p99_ms": lat["p99"] / 1000,
        "p999_ms": lat["p999"] / 1000,
        "max_ms": lat["max"] / 1000,
        "mean_ms": lat["mean"] / 1000,
        "statuses": statuses,
        "errors": bad_status + sock,
        "errors_detail": {"unexpected_status": bad_status, **r["errors"]},
    }


# =========================================================================== main


def machine() -> dict[str, Any]:
    return {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpu_model": cpu_model(),
        "cores": os.cpu_count(),
        "loadavg_at_start": os.getloadavg() if hasattr(os, "getloadavg") else None,
    }


def wrk_version() -> str:
    done = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)
    first = (done.stdout or done.stderr).splitlines()
    return first[0].split(" [")[0] if first else "wrk"


def subprocess_json(args: list[str], env: dict[str, str], what: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{what} failed ({done.returncode}):\n{done.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def endpoints_for(
    seeded: dict[str, Any], cookies: dict[str, str], token: str, cases: list[list[Any]]
) -> list[dict[str, Any]]:
    """The endpoints measured, in order (the assess endpoint writes, so it comes last)."""
    users = seeded["users"]
    return [
        {
            "key": "baseline",
            "label": "floor: Django login page",
            "who": "anonymous",
            "method": "GET",
            "specs": [("/en/accounts/login/", None)],
            "headers": {},
            "expect": 200,
            "marker": b'name="csrfmiddlewaretoken"',
        },
        {
            "key": "dashboard",
            "label": "dashboard /en/",
            "who": f"caseworker, sees {users[CASEWORKER]['visible']:,}",
            "method": "GET",
            "specs": [("/en/", None)],
            "headers": {"Cookie": cookies[CASEWORKER]},
            "expect": 200,
            "marker": b'<section id="alerts">',
        },
        {
            "key": "dashboard_supervisor",
            "label": "dashboard /en/",
            "who": f"supervisor, sees {users[SUPERVISOR]['visible']:,}",
            "method": "GET",
            "specs": [("/en/", None)],
            "headers": {"Cookie": cookies[SUPERVISOR]},
            "expect": 200,
            "marker": b'<section id="alerts">',
        },
        {
            "key": "case_page",
            "label": "case page /en/cases/<id>/",
            "who": f"caseworker, {len(cases):,} ids",
            "method": "GET",
            "specs": [(f"/en/cases/{pk}/", None) for pk, _ in cases],
            "headers": {"Cookie": cookies[CASEWORKER]},
            "expect": 200,
            "marker": b'action="/en/cases/',
        },
        {
            "key": "assess",
            "label": "POST /api/cases/<id>/assess",
            "who": f"API token, {len(cases):,} ids",
            "method": "POST",
            "specs": [
                (f"/api/cases/{pk}/assess", json.dumps({"as_of": as_of})) for pk, as_of in cases
            ],
            "headers": {"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            "expect": 201,
            "marker": b'"determination"',
        },
    ]


def main(argv: list[str] | None = None) -> int:
    cores = os.cpu_count() or 1
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", type=int, default=10_000, help="cases to seed (default 10000)")
    ap.add_argument("--seed", type=int, default=2016, help="generator seed (default 2016)")
    ap.add_argument(
        "--workers",
        type=int,
        default=min(2 * cores + 1, 9),
        help="gunicorn workers (default (2 x cores) + 1, at most 9)",
    )
    ap.add_argument("--users", type=int, default=CONNECTIONS, help="concurrent users (50)")
    ap.add_argument(
        "--think-ms",
        default="500-1500",
        help="each user's pause between an answer and its next request, uniform in MIN-MAX ms "
        "(default 500-1500: about one request a second per user); 0 = none",
    )
    ap.add_argument("--threads", type=int, default=min(2, cores), help="wrk threads")
    ap.add_argument("--warmup", type=float, default=3.0, help="untimed seconds per endpoint")
    ap.add_argument("--seconds", type=float, default=30.0, help="timed seconds per endpoint")
    ap.add_argument(
        "--capacity-seconds",
        type=float,
        default=6.0,
        help="length of the wrk run without think time (capacity); 0 skips it",
    )
    ap.add_argument("--timeout", type=int, default=30, help="wrk's per-request timeout, s")
    ap.add_argument(
        "--nice",
        type=int,
        default=0,
        help="run the server and the load generators at this niceness (e.g. -10 on a shared "
        "machine; a negative value needs root); default 0, unchanged",
    )
    ap.add_argument("--no-evidence", action="store_true", help="do not build the evidence store")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    ap.add_argument("--out", type=Path, default=RESULTS, help="JSON report path")
    ap.add_argument("--internal-seed", help=argparse.SUPPRESS)
    ap.add_argument("--internal-probe", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.internal_seed:  # in the subprocess: seed, print one JSON line
        p = json.loads(args.internal_seed)
        passwords = json.loads(os.environ["BENCH_WEB_PASSWORDS"])
        print(json.dumps(seed_database(p["cases"], p["seed"], passwords)))
        return 0
    if args.internal_probe:
        print(json.dumps(probe_queries(json.loads(args.internal_probe))))
        return 0

    lo, _, hi = args.think_ms.strip().partition("-")
    try:
        think_s = (int(lo) / 1000, int(hi or lo) / 1000)
    except ValueError:
        ap.error("--think-ms: expected MIN-MAX in milliseconds, e.g. 500-1500, or 0")
    if not 0 <= think_s[0] <= think_s[1]:
        ap.error("--think-ms: expected MIN-MAX with 0 <= MIN <= MAX")
    if not (VENV_BIN / "locust").exists():
        print(
            "locust (the users' load generator) is not installed: `make install`", file=sys.stderr
        )
        return 2
    if shutil.which("wrk") is None:
        print(
            "wrk (the load generator) is not installed: `apt-get install wrk` (Debian), "
            "or run `make install`",
            file=sys.stderr,
        )
        return 2
    if args.nice:
        renice(os.getpid(), args.nice)  # wrk inherits it; each server is reniced as it starts
    machine_info = machine()
    tmp = Path(tempfile.mkdtemp(prefix="asylon-bench-web-"))
    var = tmp / "var"
    var.mkdir()
    db_path = var / "bench.sqlite3"
    env = {  # the caller's environment less every setting that could reach a real database
        k: v
        for k, v in os.environ.items()
        if k == "ASYLON_DATA_DIR" or not k.startswith(("ASYLON_", "DATABASE_URL", "DJANGO_"))
    }
    passwords = {CASEWORKER: secrets.token_urlsafe(16), SUPERVISOR: secrets.token_urlsafe(16)}
    env.update(
        {
            "ASYLON_VAR_DIR": str(var),
            "DATABASE_URL": f"sqlite:///{db_path}",
            "ASYLON_SECRET_KEY": secrets.token_urlsafe(50),
            "ASYLON_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SETTINGS_MODULE": "asylon.web.settings",
            "BENCH_WEB_PASSWORDS": json.dumps(passwords),
            "PYTHONPATH": os.pathsep.join(
                [str(HERE), *filter(None, [os.environ.get("PYTHONPATH")])]
            ),
        }
    )
    asylon = str(VENV_BIN / "asylon")
    server = None
    timings: dict[str, float] = {}
    t_start = time.monotonic()
    try:
        log(f"temporary directory {tmp}; migrating")
        t = time.perf_counter()
        subprocess.run(
            [asylon, "manage", "migrate", "--noinput"],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        timings["migrate_s"] = time.perf_counter() - t
        if not args.no_evidence:
            log("building the evidence store (asylon evidence build), as a deployment has it")
            t = time.perf_counter()
            subprocess.run(
                [asylon, "evidence", "build"], env=env, check=True, stdout=subprocess.DEVNULL
            )
            timings["evidence_build_s"] = time.perf_counter() - t
        log(f"seeding {args.cases:,} cases (casegen seed {args.seed})")
        t = time.perf_counter()
        seeded = subprocess_json(
            ["--internal-seed", json.dumps({"cases": args.cases, "seed": args.seed})],
            env,
            "seeding",
        )
        timings["seed_s"] = time.perf_counter() - t
        if seeded["errors"]:
            print(
                f"SEEDING BUG: {seeded['error_count']} cases failed validation or the engine",
                file=sys.stderr,
            )
            for line in seeded["errors"]:
                print(f"  {line}", file=sys.stderr)
            return 1
        cw_cases = seeded.pop("caseworker_cases")
        log(
            f"seeded in {timings['seed_s']:.1f}s: {seeded['timeline_events']:,} events, "
            f"{seeded['assessments']:,} assessments; {CASEWORKER} sees "
            f"{seeded['users'][CASEWORKER]['visible']:,} cases, {SUPERVISOR} "
            f"{seeded['users'][SUPERVISOR]['visible']:,}"
        )
        token_run = subprocess.run(
            [asylon, "manage", "create_api_token", CASEWORKER, "--name", "bench"],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        token = token_run.stdout.strip()
        probe = subprocess_json(
            ["--internal-probe", json.dumps({"case": cw_cases[0], "token": token})],
            env,
            "query probe",
        )

        port = free_port()
        log(f"starting asylon serve on 127.0.0.1:{port} with {args.workers} workers")
        server = start_server(env, port, args.workers, tmp / "server-login.log")
        base = f"http://127.0.0.1:{port}"
        cookies = {u: login(base, u, passwords[u]) for u in (CASEWORKER, SUPERVISOR)}
        shuffled = cw_cases[:]
        random.Random(args.seed).shuffle(shuffled)
        endpoints = endpoints_for(seeded, cookies, token, shuffled)

        for ep in endpoints:  # one request each: status and content, before any load
            path, body = ep["specs"][0]
            status, _, content = fetch(
                base + path,
                ep["method"],
                body.encode() if body is not None else None,
                ep["headers"],
            )
            if status != ep["expect"] or ep["marker"] not in content:
                raise RuntimeError(
                    f"probe {ep['key']} {path}: status {status} (expected {ep['expect']}), "
                    f"marker found: {ep['marker'] in content}"
                )
        stop_server(server)

        results: dict[str, Any] = {}
        server_problems: list[str] = []
        for ep in endpoints:
            # A fresh server for each run: when a load generator stops, the requests left in
            # the listen backlog would still be served and slow the next measurement.
            key = ep["key"]
            port = free_port()
            server = start_server(env, port, args.workers, tmp / f"server-{key}.log")
            if args.nice:
                renice(server.pid, args.nice)  # its own session, hence its own autogroup
            log(f"{key}: {args.users} users, {args.warmup:.0f}s warm-up + {args.seconds:.0f}s")
            with CpuMeter(server.pid) as cpu:
                u = run_locust(
                    f"http://127.0.0.1:{port}",
                    ep["specs"],
                    ep["method"],
                    ep["headers"],
                    think_s,
                    args.users,
                    args.warmup,
                    args.seconds,
                    tmp,
                )
            row = {
                "label": ep["label"],
                "who": ep["who"],
                "method": ep["method"],
                "distinct_urls": len(ep["specs"]),
                "expected_status": ep["expect"],
                **summarise_samples(u, ep["expect"]),
                # the warm-up is in the same run: this covers it too
                "cpu_share": cpu.shares(u["client_cpu_seconds"]),
                "queries_per_request": probe.get(key, {}).get("queries"),
                "in_process_ms": probe.get(key, {}).get("ms"),
            }
            server_problems += log_problems(tmp / f"server-{key}.log", key)
            stop_server(server)
            server = None
            if args.capacity_seconds > 0:
                # wrk, no think time, on another fresh server warmed by a short run with as
                # many connections as workers (each worker serves a request; no backlog).
                port = free_port()
                server = start_server(env, port, args.workers, tmp / f"server-{key}-cap.log")
                if args.nice:
                    renice(server.pid, args.nice)
                url = f"http://127.0.0.1:{port}{ep['specs'][0][0]}"
                script = tmp / f"{key}-capacity.lua"
                script.write_text(lua_script(ep["method"], ep["specs"], ep["headers"]))
                log(f"{key}: capacity, {args.capacity_seconds:.0f}s without think time")
                run_wrk(url, script, 2, args.workers, 1, args.timeout)
                with CpuMeter(server.pid) as cap_cpu:
                    c = run_wrk(
                        url, script, args.capacity_seconds, args.users, args.threads, args.timeout
                    )
                row["capacity"] = {
                    **summarise(c, ep["expect"]),
                    "cpu_share": cap_cpu.shares(c["wrk_cpu_seconds"]),
                }
                server_problems += log_problems(tmp / f"server-{key}-cap.log", f"{key} capacity")
                stop_server(server)
                server = None
            results[key] = row
    except (RuntimeError, subprocess.CalledProcessError, OSError) as err:
        print(f"SET-UP FAILED: {err}", file=sys.stderr)
        for log_file in sorted(tmp.glob("server-*.log")):
            print(f"--- {log_file.name}", file=sys.stderr)
            print(log_file.read_text(errors="replace")[-3000:], file=sys.stderr)
        return 2
    finally:
        stop_server(server)
        if args.keep:
            log(f"kept {tmp} (DATABASE_URL=sqlite:///{db_path}, ASYLON_VAR_DIR={var})")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    timings["total_s"] = time.monotonic() - t_start

    def errors_of(r: dict[str, Any]) -> int:
        return int(r["errors"]) + int(r.get("capacity", {}).get("errors", 0))

    def met(r: dict[str, Any]) -> bool:
        """p99 under the target, no error, and enough answers for a p99 to mean anything."""
        return r["requests"] >= MIN_ANSWERS and r["p99_ms"] < TARGET_P99_MS and not errors_of(r)

    def ms(r: dict[str, Any], key: str, digits: int = 1) -> str:
        return f"{r[key]:,.{digits}f}" if r["requests"] else f">{r['seconds'] * 1000:,.0f}"

    floor = results["baseline"]
    think_text = f"{think_s[0] * 1000:.0f}-{think_s[1] * 1000:.0f} ms" if think_s[1] else "none"
    report: dict[str, Any] = {
        "benchmark": "web",
        "report_format": 1,
        "timestamp": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "machine": machine_info,
        "versions": {
            "asylon": version_of("asylon"),
            "django": version_of("Django"),
            "gunicorn": version_of("gunicorn"),
            "wrk": wrk_version(),
            "locust": version_of("locust"),
        },
        "params": {
            "cases": args.cases,
            "seed": args.seed,
            "workers": args.workers,
            "users": args.users,
            "think_ms": [think_s[0] * 1000, think_s[1] * 1000],
            "wrk_threads": args.threads,
            "warmup_s": args.warmup,
            "seconds": args.seconds,
            "capacity_s": args.capacity_seconds,
            "timeout_s": args.timeout,
            "niceness": os.getpriority(os.PRIO_PROCESS, 0),
            "database": "SQLite (temporary file)",
            "evidence_store": not args.no_evidence,
        },
        "setup": {**timings, **seeded},
        "baseline": {
            "name": "Django login page GET /en/accounts/login/ (no database work)",
            "meaning": "the floor a Django + gunicorn stack gives on this machine",
        },
        "endpoints": results,
        "target": {"p99_ms": TARGET_P99_MS, "users": args.users},
        "target_met": all(met(r) for k, r in results.items() if k != "baseline"),
        "server_log_problems": server_problems[:50],
    }

    print()
    print(
        f"Asylon web benchmark - {machine_info['cpu_model']}, {cores} cores, "
        f"Python {platform.python_version()}, Django {version_of('Django')}, "
        f"gunicorn {version_of('gunicorn')} with {args.workers} sync workers, SQLite"
    )
    print(
        f"load on loopback: locust {version_of('locust')}, {args.users} users, each waiting "
        f"{think_text} between an answer and its next request, {args.warmup:.0f}s warm-up + "
        f"{args.seconds:.0f}s timed; capacity: {report['versions']['wrk']}, {args.users} "
        f"connections, no think time, {args.capacity_seconds:.0f}s; a fresh server for each run; "
        "the load generators share the machine with the server"
        + (f"; server and generators at niceness {args.nice}" if args.nice else "")
    )
    teams = ", ".join(f"{t['cases']:,}" for t in seeded["teams"])
    print(
        f"data: {seeded['cases']:,} cases in {len(seeded['teams'])} teams ({teams}), "
        f"{seeded['timeline_events']:,} timeline events, {seeded['cases_with_assessment']:,} "
        f"cases with a stored assessment ({seeded['assessments']:,} assessments), "
        f"{seeded['restricted']} restricted; {CASEWORKER} sees "
        f"{seeded['users'][CASEWORKER]['visible']:,} (own team + {CROSS_TEAM_ASSIGNED} assigned "
        f"from other teams), {SUPERVISOR} {seeded['users'][SUPERVISOR]['visible']:,} (own team)"
    )
    header = (
        "endpoint",
        "who",
        "requests",
        "p50 ms",
        "p99 ms",
        "max ms",
        "req/s",
        "errors",
        "SQL/req",
        "target p99 < 200 ms",
        "p99 vs floor",
        "capacity req/s",
        "p99 at capacity",
    )
    rows = []
    for key, r in results.items():
        is_floor = key == "baseline"
        cap = r.get("capacity")
        rows.append(
            (
                r["label"],
                r["who"],
                f"{r['requests']:,}",
                ms(r, "p50_ms"),
                ms(r, "p99_ms"),
                ms(r, "max_ms", 0),
                f"{r['per_second']:,.1f}",
                f"{errors_of(r):,}",
                "" if r["queries_per_request"] is None else str(r["queries_per_request"]),
                "(floor)" if is_floor else ("met" if met(r) else "MISSED"),
                "1.0"
                if is_floor
                else (f"x{r['p99_ms'] / max(floor['p99_ms'], 1e-9):.1f}" if r["requests"] else ""),
                f"{cap['per_second']:,.1f}" if cap else "",
                (ms(cap, "p99_ms", 0) + " ms") if cap else "",
            )
        )
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(header)]
    left = {0, 1, 9}

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(
            c.ljust(w) if i in left else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    print(line(header))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(line(row))
    print(
        "floor: Django's own login page (no database work), same server, same run: the best a "
        "Django + gunicorn stack gives on this machine.\n"
        f"errors: responses other than the endpoint's success status (200; 201 for assess), e.g. "
        "a 302 to the login page, plus socket errors and timeouts (both runs).\n"
        f"capacity: the same endpoint with {args.users} connections and no think time "
        f"({args.capacity_seconds:.0f}s, fresh server): the most it serves, and the p99 when "
        "saturated.\n"
        "SQL/req: queries of one request (Django test client on the same database)."
    )
    others = max(r["cpu_share"]["others"] for r in results.values())
    print(
        f"machine: {cores} cores; load average at start {machine_info['loadavg_at_start']}; "
        f"other processes used up to {others:.0%} of the CPU during a timed run"
        + (" (figures are inflated by that)" if others > 0.1 else "")
    )
    if server_problems:
        print(
            f"server logs: {len(server_problems)} error lines (report: server_log_problems); "
            f"first: {server_problems[0]}"
        )
    for key, r in results.items():
        if not r["requests"]:
            print(
                f"note: {key}: no answer within the {r['seconds']:.0f}s run "
                f"({r['unfinished']} requests unanswered): saturated"
            )
        elif r["requests"] < 1000:
            print(f"note: {key}: {r['requests']} answers only; its p99 rests on few samples")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"\nreport: {args.out} (run took {timings['total_s']:.0f}s)")
    failed = {k: r["errors_detail"] for k, r in results.items() if errors_of(r)}
    if failed:
        print(f"\nERRORS during the measurement: {failed}", file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
