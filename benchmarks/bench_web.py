"""Web latency under load: dashboard, case page, search and assess endpoint, 100,000 cases.

    python benchmarks/bench_web.py [--cases 100000] [--users 50,200] [--seconds 25] [--nice -10]

Builds a throwaway SQLite database and evidence store in a temporary directory (never the
repository's var/ database): a migrated database seeded with ``--cases`` synthetic cases by
``benchmarks/webseed.py`` (facts from ``benchmarks/casegen.py``, timeline events derived from
them, stored assessments for a share, names encrypted at rest with their blind index), taken
from the seeding cache ``var/bench-cache/`` when an entry for (cases, seed, migration state,
code version) exists. Logs in through the login form (the supervisor also passes the TOTP
second factor), creates an API token, and measures each endpoint on a fresh ``asylon serve``
(gunicorn) on a loopback port, at every ``--users`` level in turn: that many ``locust`` users,
each waiting a think time between an answer and its next request, after a warm-up. Then, once
per endpoint, ``wrk`` with ``--capacity-connections`` and no think time (capacity). Prints one
table per user level: p50 / p99 / max latency, throughput and errors of each endpoint beside
the target of that level (p99 < 300 ms at 200 users, p99 < 200 ms at 50, no error) and beside
the baseline measured in the same run on the same kind of server: Django's own login page
(``/en/accounts/login/``, no database work), the floor a Django + gunicorn stack gives here.

Every response is checked: its status must be the one the endpoint answers on success (200,
or 201 for the assess endpoint); anything else (a 302 to the login page means the session
cookie failed) and every socket error or timeout is an error in the table.

Writes ``benchmarks/results/web-latest.json``.
Exit status: 0 done (targets met or not); 1 a seeded case failed validation or the engine
(a seeding bug); 2 set-up failed (no wrk or locust, the server did not start, login failed, a probe
request failed); 3 errors during the measurement (the report is written first).
"""

from __future__ import annotations

import argparse
import collections
import concurrent.futures
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

import webseed
from benchutil import cpu_model, log, percentile, version_of
from webseed import CASEWORKER, CROSS_TEAM_ASSIGNED, SUPERVISOR

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results" / "web-latest.json"
VENV_BIN = Path(sys.executable).parent
MIN_ANSWERS = 100  # fewer answers in a timed run: no p99 to speak of, the target is missed
DEFAULT_USERS = "50,200"
# p99 targets by number of users: 200 ms at 50 users (the first web benchmark's acceptance),
# 300 ms at 200 users (issue 7). A level up to 50 users is held to 200 ms, above to 300 ms.
TARGETS_MS = {50: 200.0, 200: 300.0}


def target_ms(users: int) -> float:
    return TARGETS_MS[50] if users <= 50 else TARGETS_MS[200]


def probe_queries(params: dict[str, Any]) -> dict[str, Any]:
    """SQL queries and in-process time of one request to each endpoint (Django test client,
    no server): what one request costs the database, for the table."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asylon.web.settings")
    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from asylon.web.accounts import mfa
    from asylon.web.accounts.models import User

    out: dict[str, Any] = {}

    def measure(name: str, client: Any, method: str, path: str, **kw: Any) -> None:
        call = getattr(client, method)
        call(path, **kw)  # warm: templates, profiles, connection, caches
        with CaptureQueriesContext(connection) as queries:
            t0 = time.perf_counter()
            response = call(path, **kw)
            ms = (time.perf_counter() - t0) * 1000
        out[name] = {"queries": len(queries), "ms": ms, "status": response.status_code}

    def logged_in(username: str) -> Any:
        c = Client(SERVER_NAME="127.0.0.1")
        user = User.objects.get(username=username)
        c.force_login(user)
        session = c.session
        session[mfa.SESSION_VERIFIED] = user.pk  # the second factor passed, as at a login
        session.save()
        return c

    anon = Client(SERVER_NAME="127.0.0.1")
    measure("baseline", anon, "get", "/en/accounts/login/")
    cw = logged_in(CASEWORKER)
    measure("dashboard", cw, "get", "/en/")
    measure("dashboard_supervisor", logged_in(SUPERVISOR), "get", "/en/")
    pk, as_of = params["case"]
    measure("case_page", cw, "get", f"/en/cases/{pk}/")
    name = params["name"]
    measure("search_page", cw, "get", "/en/", data={"q": name})
    bearer = {"authorization": f"Bearer {params['token']}"}
    measure(
        "search_api",
        Client(SERVER_NAME="127.0.0.1"),
        "get",
        "/api/cases",
        data={"q": name},
        headers=bearer,
    )
    measure(
        "assess",
        Client(SERVER_NAME="127.0.0.1"),
        "post",
        f"/api/cases/{pk}/assess",
        data=json.dumps({"as_of": as_of}),
        content_type="application/json",
        headers=bearer,
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


def _form_token(body: bytes) -> str | None:
    found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    return found.group(1).decode() if found else None


def login(base: str, username: str, password: str, totp_secret: str | None = None) -> str:
    """Log in through the form (CSRF token from the page) and, with ``totp_secret``, pass the
    second factor on the verification page with the authenticator's current code; the Cookie
    header of the session."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    url = f"{base}/en/accounts/login/"
    status, _, body = fetch(url, opener=opener)
    token = _form_token(body)
    if status != 200 or not token:
        raise RuntimeError(f"login page: status {status}, CSRF token found: {bool(token)}")
    form = urllib.parse.urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": token, "next": "/en/"}
    ).encode()
    post = {"Content-Type": "application/x-www-form-urlencoded"}
    status, headers, _ = fetch(url, "POST", form, {**post, "Referer": url}, opener)
    if status != 302 or headers.get("Location") != "/en/":
        raise RuntimeError(f"login as {username}: status {status}, to {headers.get('Location')}")
    if totp_secret is not None:
        import pyotp

        verify = f"{base}/en/accounts/verify/?next=/en/"
        status, _, body = fetch(verify, opener=opener)
        token = _form_token(body)
        if status != 200 or not token:
            raise RuntimeError(f"second factor page of {username}: status {status}")
        form = urllib.parse.urlencode(
            {"code": pyotp.TOTP(totp_secret).now(), "csrfmiddlewaretoken": token, "next": "/en/"}
        ).encode()
        status, headers, _ = fetch(verify, "POST", form, {**post, "Referer": verify}, opener)
        if status != 302 or headers.get("Location") != "/en/":
            raise RuntimeError(
                f"second factor of {username}: status {status}, to {headers.get('Location')}"
            )
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
# Requests still waiting for their answer when the run stops are written out with their start,
# so that the percentiles can count them at the age they had reached (a saturated server must
# not look fast because its slowest answers never came).
LOCUSTFILE = r'''"""Generated by benchmarks/bench_web.py: one endpoint, users with think time."""

import itertools
import json
import os
import time

from locust import FastHttpUser, between, events, task

with open(os.environ["BENCH_SPECS_FILE"]) as f:  # a file: thousands of URLs exceed an env var
    _given = json.load(f)
SPECS = _given["specs"]  # [[method, path, body or null], ...]
HEADERS = _given["headers"]
THINK = [float(x) for x in os.environ["BENCH_THINK_S"].split(",")]
TIMEOUT = float(os.environ["BENCH_TIMEOUT_S"])
OUT = os.environ["BENCH_OUT"]
state = {"next": 0, "t0": None, "sent": 0, "samples": [], "inflight": {}}
ids = itertools.count()


@events.test_start.add_listener
def _start(**kwargs):
    state["t0"] = time.monotonic()


@events.quitting.add_listener
def _quit(**kwargs):
    end = time.monotonic() - state["t0"]
    with open(OUT, "w") as out:
        json.dump(
            {
                "sent": state["sent"],
                "samples": state["samples"],
                "end": end,
                "inflight": sorted(state["inflight"].values()),
            },
            out,
        )


class BenchUser(FastHttpUser):
    wait_time = between(*THINK)
    network_timeout = TIMEOUT
    connection_timeout = TIMEOUT

    @task
    def one(self):
        method, path, body = SPECS[state["next"] % len(SPECS)]
        state["next"] += 1
        state["sent"] += 1
        started = time.monotonic()
        rid = next(ids)
        state["inflight"][rid] = started - state["t0"]
        t = time.perf_counter()
        r = self.client.request(
            method, path, data=body, headers=HEADERS, allow_redirects=False, name="bench"
        )
        # (a user stopped at the end of the run never gets here: its request stays in flight)
        del state["inflight"][rid]
        status = getattr(r, "status_code", 0) or 0
        micros = int((time.perf_counter() - t) * 1e6)
        # [start (s from the test start), latency (us), status; 0 = no answer (socket error,
        # timeout)]
        state["samples"].append([started - state["t0"], micros, status])
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
    timeout_s: float,
    tmp: Path,
) -> dict[str, Any]:
    """Run ``users`` users for ``warmup + seconds``; the samples of requests started after the
    warm-up, the requests left unanswered (with their age at the end), and the CPU time locust
    used."""
    locustfile = tmp / "locustfile.py"
    locustfile.write_text(LOCUSTFILE)
    out = tmp / "locust-out.json"
    out.unlink(missing_ok=True)
    specs_file = tmp / "locust-specs.json"
    specs_file.write_text(
        json.dumps({"specs": [[method, path, body] for path, body in specs], "headers": headers})
    )
    env = {
        **os.environ,
        "BENCH_SPECS_FILE": str(specs_file),
        "BENCH_THINK_S": f"{think_s[0]},{think_s[1]}",
        "BENCH_TIMEOUT_S": str(timeout_s),
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
    inflight = [s for s in data.get("inflight", []) if s >= warmup]
    return {
        "seconds": math.ceil(warmup + seconds) - warmup,
        "samples": samples,
        "warmup_requests": len(data["samples"]) - len(samples),
        # requests of the timed part still unanswered at the end: their age then, in us
        "unanswered_age_us": [int((data["end"] - s) * 1e6) for s in inflight],
        "unfinished": max(0, data["sent"] - len(data["samples"])),
        "client_cpu_seconds": (after.ru_utime + after.ru_stime)
        - (before.ru_utime + before.ru_stime),
    }


def summarise_samples(run: dict[str, Any], expect: int) -> dict[str, Any]:
    """The users run as the report keeps it: exact nearest-rank percentiles of every answer,
    and of every answer plus the requests still unanswered at the end counted at their age then
    (a lower bound of their latency): the percentiles in the table are the latter."""
    answered = sorted(us for _, us, status in run["samples"] if status)
    waited = sorted(answered + run["unanswered_age_us"])
    statuses = collections.Counter(status for _, _, status in run["samples"])
    bad_status = sum(v for k, v in statuses.items() if k and k != expect)
    no_answer = statuses.get(0, 0)
    secs = run["seconds"]

    def p(values: list[int], q: float) -> float:
        return percentile(values, q) / 1000 if values else 0.0

    return {
        "seconds": secs,
        "requests": len(answered),
        "unanswered_at_end": len(run["unanswered_age_us"]),
        "unfinished": run["unfinished"],
        "per_second": len(answered) / secs if secs else 0.0,
        "p50_ms": p(waited, 50),
        "p90_ms": p(waited, 90),
        "p99_ms": p(waited, 99),
        "p999_ms": p(waited, 99.9),
        "max_ms": waited[-1] / 1000 if waited else 0.0,
        "mean_ms": sum(answered) / len(answered) / 1000 if answered else 0.0,
        "answered_only": {"p50_ms": p(answered, 50), "p99_ms": p(answered, 99)},
        "statuses": dict(sorted(statuses.items())),
        "errors": bad_status + no_answer,
        "errors_detail": {"unexpected_status": bad_status, "no_answer_or_timeout": no_answer},
        "warmup_requests": run["warmup_requests"],
    }


def prewarm(base: str, ep: dict[str, Any], workers: int, timeout_s: float) -> dict[str, Any]:
    """Before the users: ``2 x workers`` requests, ``workers`` at a time, so each worker has
    loaded its code and filled its per-process caches (the dashboard's alerts) as a server
    that has been up for a while has; their latencies are reported (the cold cost)."""
    specs = ep["specs"]

    def one(k: int) -> tuple[float, int]:
        path, body = specs[k % len(specs)]
        t = time.perf_counter()
        try:
            req = urllib.request.Request(
                base + path,
                data=body.encode() if body is not None else None,
                headers=ep["headers"],
                method=ep["method"],
            )
            with urllib.request.build_opener(NoRedirect).open(req, timeout=timeout_s) as r:
                r.read()
                status = r.status
        except urllib.error.HTTPError as err:
            status = err.code
        except OSError:
            status = 0
        return (time.perf_counter() - t) * 1000, status

    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        got = list(pool.map(one, range(2 * workers)))
    return {
        "requests": len(got),
        "max_ms": max(ms for ms, _ in got),
        "statuses": dict(collections.Counter(s for _, s in got)),
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


def loadavg() -> list[float] | None:
    return [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None


def machine() -> dict[str, Any]:
    return {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpu_model": cpu_model(),
        "cores": os.cpu_count(),
        "cores_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "memory_mb": (os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")) // 2**20
        if hasattr(os, "sysconf")
        else None,
        "loadavg_before": loadavg(),
    }


def wrk_version() -> str:
    done = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)
    first = (done.stdout or done.stderr).splitlines()
    return first[0].split(" [")[0] if first else "wrk"


def subprocess_json(args: list[str], env: dict[str, str], what: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=None if what == "seeding" else subprocess.PIPE,  # seeding logs its progress
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{what} failed ({done.returncode}):\n{(done.stderr or '')[-4000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def endpoints_for(
    seeded: dict[str, Any],
    cookies: dict[str, str],
    token: str,
    cases: list[list[Any]],
    names: list[str],
) -> list[dict[str, Any]]:
    """The endpoints measured, in order (the assess endpoint writes, so it comes last)."""
    users = seeded["users"]
    bearer = {"Authorization": f"Bearer {token}"}
    page_marker = b'<section id="alerts">'
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
            "marker": page_marker,
        },
        {
            "key": "dashboard_supervisor",
            "label": "dashboard /en/",
            "who": f"supervisor (TOTP), sees {users[SUPERVISOR]['visible']:,}",
            "method": "GET",
            "specs": [("/en/", None)],
            "headers": {"Cookie": cookies[SUPERVISOR]},
            "expect": 200,
            "marker": page_marker,
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
            "key": "search_page",
            "label": "search /en/?q=<name>",
            "who": f"caseworker, {len(names):,} names",
            "method": "GET",
            "specs": [(f"/en/?{urllib.parse.urlencode({'q': n})}", None) for n in names],
            "headers": {"Cookie": cookies[CASEWORKER]},
            "expect": 200,
            "marker": page_marker,
        },
        {
            "key": "search_api",
            "label": "GET /api/cases?q=<name>",
            "who": f"API token, {len(names):,} names",
            "method": "GET",
            "specs": [(f"/api/cases?{urllib.parse.urlencode({'q': n})}", None) for n in names],
            "headers": bearer,
            "expect": 200,
            "marker": b'"client"',
        },
        {
            "key": "assess",
            "label": "POST /api/cases/<id>/assess",
            "who": f"API token, {len(cases):,} ids",
            "method": "POST",
            "specs": [
                (f"/api/cases/{pk}/assess", json.dumps({"as_of": as_of})) for pk, as_of in cases
            ],
            "headers": {**bearer, "Content-Type": "application/json"},
            "expect": 201,
            "marker": b'"determination"',
        },
    ]


def parse_users(text: str) -> list[int]:
    levels = [int(x) for x in text.replace(" ", "").split(",") if x]
    if not levels or any(u < 1 for u in levels):
        raise ValueError(text)
    return levels


def main(argv: list[str] | None = None) -> int:
    cores = os.cpu_count() or 1
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", type=int, default=100_000, help="cases to seed (default 100000)")
    ap.add_argument("--seed", type=int, default=2016, help="generator seed (default 2016)")
    ap.add_argument(
        "--workers",
        type=int,
        default=min(2 * cores + 1, 9),
        help="gunicorn workers (default (2 x cores) + 1, at most 9)",
    )
    ap.add_argument(
        "--users",
        default=DEFAULT_USERS,
        help=f"concurrent users, one level or a comma-separated list (default {DEFAULT_USERS})",
    )
    ap.add_argument(
        "--think-ms",
        default="500-1500",
        help="each user's pause between an answer and its next request, uniform in MIN-MAX ms "
        "(default 500-1500: about one request a second per user); 0 = none",
    )
    ap.add_argument("--threads", type=int, default=min(2, cores), help="wrk threads")
    ap.add_argument("--warmup", type=float, default=3.0, help="untimed seconds per run")
    ap.add_argument(
        "--seconds",
        type=float,
        default=25.0,
        help="timed seconds per endpoint and user level (default 25: the default run, 7 "
        "endpoints x 2 levels, took 11.5 minutes on the 2-core VM with the seeded database "
        "cached, about 17 when it seeds 100,000 cases)",
    )
    ap.add_argument(
        "--capacity-seconds",
        type=float,
        default=6.0,
        help="length of the wrk run without think time (capacity), once per endpoint; 0 skips it",
    )
    ap.add_argument(
        "--capacity-connections", type=int, default=50, help="wrk connections (default 50)"
    )
    ap.add_argument(
        "--timeout",
        type=int,
        default=30,
        help="per-request timeout of the load generators, s (a request that takes longer is an "
        "error)",
    )
    ap.add_argument(
        "--nice",
        type=int,
        default=0,
        help="run the server and the load generators at this niceness (e.g. -10 on a shared "
        "machine; a negative value needs root); default 0, unchanged",
    )
    ap.add_argument("--no-evidence", action="store_true", help="do not build the evidence store")
    ap.add_argument(
        "--no-cache",
        action="store_true",
        help=f"seed afresh and do not store the result in {webseed.CACHE_ROOT}",
    )
    ap.add_argument(
        "--seed-processes",
        type=int,
        default=None,
        help="processes preparing cases while seeding (default: the usable CPUs)",
    )
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    ap.add_argument("--out", type=Path, default=RESULTS, help="JSON report path")
    ap.add_argument("--internal-seed", help=argparse.SUPPRESS)
    ap.add_argument("--internal-prepare", help=argparse.SUPPRESS)
    ap.add_argument("--internal-probe", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.internal_seed:  # in the subprocesses: one JSON line on stdout
        p = json.loads(args.internal_seed)
        print(json.dumps(webseed.seed_database(p["cases"], p["seed"], p.get("processes"))))
        return 0
    if args.internal_prepare:
        p = json.loads(args.internal_prepare)
        print(json.dumps(webseed.prepare_run(p["passwords"], p["totp_secret"])))
        return 0
    if args.internal_probe:
        print(json.dumps(probe_queries(json.loads(args.internal_probe))))
        return 0

    try:
        levels = parse_users(args.users)
    except ValueError:
        ap.error("--users: expected a number or a comma-separated list, e.g. 50,200")
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
    if args.capacity_seconds > 0 and shutil.which("wrk") is None:
        print(
            "wrk (the load generator) is not installed: `apt-get install wrk` (Debian), "
            "or run `make install` (or --capacity-seconds 0)",
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
    key_file = var / "data-keys.json"  # the default place: var_dir() / "data-keys.json"
    env = {  # the caller's environment less every setting that could reach a real database
        k: v
        for k, v in os.environ.items()
        if k == "ASYLON_DATA_DIR" or not k.startswith(("ASYLON_", "DATABASE_URL", "DJANGO_"))
    }
    passwords = {CASEWORKER: secrets.token_urlsafe(16), SUPERVISOR: secrets.token_urlsafe(16)}
    import pyotp

    totp_secret = pyotp.random_base32(32)
    env.update(
        {
            "ASYLON_VAR_DIR": str(var),
            "DATABASE_URL": f"sqlite:///{db_path}",
            "ASYLON_SECRET_KEY": secrets.token_urlsafe(50),
            "ASYLON_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SETTINGS_MODULE": "asylon.web.settings",
            "PYTHONPATH": os.pathsep.join(
                [str(HERE), *filter(None, [os.environ.get("PYTHONPATH")])]
            ),
        }
    )
    asylon = str(VENV_BIN / "asylon")
    server = None
    timings: dict[str, float] = {}
    t_start = time.monotonic()
    cache_info: dict[str, Any] = {}
    results: dict[int, dict[str, Any]] = {}
    capacity: dict[str, Any] = {}
    server_problems: list[str] = []
    try:
        entry, cached = (
            (None, None) if args.no_cache else webseed.cache_lookup(args.cases, args.seed)
        )
        if cached is not None and entry is not None:
            log(f"seeded database from the cache: {entry}")
            t = time.perf_counter()
            webseed.cache_restore(entry, var, db_path, key_file)
            timings["cache_restore_s"] = time.perf_counter() - t
            seeded = cached
            cache_info = {"hit": True, "entry": str(entry), "key": cached.get("cache_key")}
        else:
            log(f"temporary directory {tmp}; migrating")
            t = time.perf_counter()
            subprocess.run(
                [asylon, "manage", "migrate", "--noinput"],
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
            timings["migrate_s"] = time.perf_counter() - t
            log(f"seeding {args.cases:,} cases (casegen seed {args.seed})")
            t = time.perf_counter()
            seeded = subprocess_json(
                [
                    "--internal-seed",
                    json.dumps(
                        {"cases": args.cases, "seed": args.seed, "processes": args.seed_processes}
                    ),
                ],
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
            log(
                f"seeded {seeded['cases']:,} cases in {timings['seed_s']:.1f}s "
                f"({seeded['cases'] / timings['seed_s']:,.0f} cases/s)"
            )
            cache_info = {"hit": False}
            if not args.no_cache:
                t = time.perf_counter()
                stored = webseed.cache_store(var, db_path, key_file, seeded, args.cases, args.seed)
                timings["cache_store_s"] = time.perf_counter() - t
                cache_info.update(
                    entry=str(stored), key=webseed.cache_key(args.cases, args.seed)[1]
                )
        seeded = dict(seeded)
        cw_cases = seeded.pop("caseworker_cases")
        names = [n for n in seeded.pop("search_names") if not n.startswith("Client ")]
        seeded.pop("cache_key", None)
        log(
            f"{seeded['cases']:,} cases, {seeded['timeline_events']:,} events, "
            f"{seeded['assessments']:,} assessments; {CASEWORKER} sees "
            f"{seeded['users'][CASEWORKER]['visible']:,} cases, {SUPERVISOR} "
            f"{seeded['users'][SUPERVISOR]['visible']:,}; database "
            f"{db_path.stat().st_size / 2**20:,.0f} MiB"
        )
        if not args.no_evidence:
            log("building the evidence store (asylon evidence build), as a deployment has it")
            t = time.perf_counter()
            subprocess.run(
                [asylon, "evidence", "build"], env=env, check=True, stdout=subprocess.DEVNULL
            )
            timings["evidence_build_s"] = time.perf_counter() - t
        prepared = subprocess_json(
            [
                "--internal-prepare",
                json.dumps({"passwords": passwords, "totp_secret": totp_secret}),
            ],
            env,
            "preparing the users",
        )
        token = prepared["token"]
        t = time.perf_counter()
        probe = subprocess_json(
            [
                "--internal-probe",
                json.dumps({"case": cw_cases[0], "token": token, "name": names[0]}),
            ],
            env,
            "query probe",
        )
        timings["probe_s"] = time.perf_counter() - t

        port = free_port()
        log(f"starting asylon serve on 127.0.0.1:{port} with {args.workers} workers")
        server = start_server(env, port, args.workers, tmp / "server-login.log")
        base = f"http://127.0.0.1:{port}"
        cookies = {
            CASEWORKER: login(base, CASEWORKER, passwords[CASEWORKER]),
            SUPERVISOR: login(base, SUPERVISOR, passwords[SUPERVISOR], totp_secret),
        }
        shuffled = cw_cases[:]
        random.Random(args.seed).shuffle(shuffled)
        endpoints = endpoints_for(seeded, cookies, token, shuffled, names)

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
        server = None
        timings["setup_s"] = time.monotonic() - t_start

        for users in levels:
            level: dict[str, Any] = {}
            for ep in endpoints:
                # A fresh server for each run: when a load generator stops, the requests left
                # in the listen backlog would still be served and slow the next measurement.
                key = ep["key"]
                port = free_port()
                log_file = tmp / f"server-{users}-{key}.log"
                server = start_server(env, port, args.workers, log_file)
                if args.nice:
                    renice(server.pid, args.nice)  # its own session, hence its own autogroup
                base = f"http://127.0.0.1:{port}"
                warm = prewarm(base, ep, args.workers, args.timeout)
                log(
                    f"{users} users, {key}: {args.warmup:.0f}s warm-up + {args.seconds:.0f}s "
                    f"(pre-warm: {warm['requests']} requests, slowest {warm['max_ms']:,.0f} ms)"
                )
                load_before = loadavg()
                with CpuMeter(server.pid) as cpu:
                    u = run_locust(
                        base,
                        ep["specs"],
                        ep["method"],
                        ep["headers"],
                        think_s,
                        users,
                        args.warmup,
                        args.seconds,
                        args.timeout,
                        tmp,
                    )
                problems = log_problems(log_file, f"{users} users {key}")
                server_problems += problems
                stop_server(server)
                server = None
                level[key] = {
                    "label": ep["label"],
                    "who": ep["who"],
                    "method": ep["method"],
                    "distinct_urls": len(ep["specs"]),
                    "expected_status": ep["expect"],
                    **summarise_samples(u, ep["expect"]),
                    # the warm-up is in the same run: this covers it too
                    "cpu_share": cpu.shares(u["client_cpu_seconds"]),
                    "loadavg_before": load_before,
                    "loadavg_after": loadavg(),
                    "prewarm": warm,
                    "server_log_problems": len(problems),
                    "queries_per_request": probe.get(key, {}).get("queries"),
                    "in_process_ms": probe.get(key, {}).get("ms"),
                }
                r = level[key]
                log(
                    f"  {r['requests']:,} answers, p50 {r['p50_ms']:,.1f} ms, p99 "
                    f"{r['p99_ms']:,.1f} ms, {r['errors']} errors, "
                    f"{r['unanswered_at_end']} unanswered at the end"
                )
            results[users] = level
        timings["users_runs_s"] = time.monotonic() - t_start - timings["setup_s"]

        if args.capacity_seconds > 0:
            t = time.monotonic()
            for ep in endpoints:
                # wrk, no think time, on a fresh server pre-warmed as for the users, then warmed
                # by a short run with as many connections as workers (no backlog).
                key = ep["key"]
                port = free_port()
                log_file = tmp / f"server-capacity-{key}.log"
                server = start_server(env, port, args.workers, log_file)
                if args.nice:
                    renice(server.pid, args.nice)
                url = f"http://127.0.0.1:{port}{ep['specs'][0][0]}"
                script = tmp / f"{key}-capacity.lua"
                script.write_text(lua_script(ep["method"], ep["specs"], ep["headers"]))
                log(
                    f"capacity, {key}: {args.capacity_connections} connections, "
                    f"{args.capacity_seconds:.0f}s without think time"
                )
                prewarm(f"http://127.0.0.1:{port}", ep, args.workers, args.timeout)
                run_wrk(url, script, 2, args.workers, 1, args.timeout)
                with CpuMeter(server.pid) as cap_cpu:
                    c = run_wrk(
                        url,
                        script,
                        args.capacity_seconds,
                        args.capacity_connections,
                        args.threads,
                        args.timeout,
                    )
                capacity[key] = {
                    **summarise(c, ep["expect"]),
                    "cpu_share": cap_cpu.shares(c["wrk_cpu_seconds"]),
                }
                server_problems += log_problems(log_file, f"capacity {key}")
                stop_server(server)
                server = None
            timings["capacity_runs_s"] = time.monotonic() - t
    except (RuntimeError, subprocess.CalledProcessError, OSError) as err:
        print(f"SET-UP FAILED: {err}", file=sys.stderr)
        for log_file in sorted(tmp.glob("server-*.log"))[-3:]:
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
    machine_info["loadavg_after"] = loadavg()

    def met(r: dict[str, Any], users: int) -> bool:
        """p99 under the target, no error, and enough answers for a p99 to mean anything."""
        return r["requests"] >= MIN_ANSWERS and r["p99_ms"] < target_ms(users) and not r["errors"]

    def ms(r: dict[str, Any], key: str, digits: int = 1) -> str:
        return f"{r[key]:,.{digits}f}" if r["requests"] or r.get("unanswered_at_end") else "-"

    think_text = f"{think_s[0] * 1000:.0f}-{think_s[1] * 1000:.0f} ms" if think_s[1] else "none"
    per_level = {
        str(users): {
            "target_p99_ms": target_ms(users),
            "met": {k: met(r, users) for k, r in level.items() if k != "baseline"},
            "target_met": all(met(r, users) for k, r in level.items() if k != "baseline"),
            "endpoints": level,
        }
        for users, level in results.items()
    }
    report: dict[str, Any] = {
        "benchmark": "web",
        "report_format": 2,
        "timestamp": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "machine": machine_info,
        "versions": {
            "asylon": version_of("asylon"),
            "django": version_of("Django"),
            "gunicorn": version_of("gunicorn"),
            "wrk": wrk_version() if shutil.which("wrk") else None,
            "locust": version_of("locust"),
        },
        "params": {
            "cases": args.cases,
            "seed": args.seed,
            "workers": args.workers,
            "users": levels,
            "think_ms": [think_s[0] * 1000, think_s[1] * 1000],
            "wrk_threads": args.threads,
            "warmup_s": args.warmup,
            "seconds": args.seconds,
            "capacity_s": args.capacity_seconds,
            "capacity_connections": args.capacity_connections,
            "timeout_s": args.timeout,
            "niceness": os.getpriority(os.PRIO_PROCESS, 0),
            "database": "SQLite (temporary file)",
            "evidence_store": not args.no_evidence,
        },
        "seeding_cache": cache_info,
        "timings": timings,
        "setup": seeded,
        "baseline": {
            "name": "Django login page GET /en/accounts/login/ (no database work)",
            "meaning": "the floor a Django + gunicorn stack gives on this machine",
        },
        "targets": {str(u): {"p99_ms": target_ms(u), "errors": 0} for u in levels},
        "levels": per_level,
        "capacity": capacity,
        "target_met": all(v["target_met"] for v in per_level.values()),
        "server_log_problems": server_problems[:50],
    }

    print()
    print(
        f"Asylon web benchmark - {machine_info['cpu_model']}, {cores} cores, "
        f"Python {platform.python_version()}, Django {version_of('Django')}, "
        f"gunicorn {version_of('gunicorn')} with {args.workers} sync workers, SQLite"
    )
    print(
        f"load on loopback: locust {version_of('locust')}, users each waiting {think_text} "
        f"between an answer and its next request, {args.warmup:.0f}s warm-up + "
        f"{args.seconds:.0f}s timed per endpoint and level; a fresh, pre-warmed server for each "
        "run; the load generator shares the machine with the server"
        + (f"; server and generators at niceness {args.nice}" if args.nice else "")
    )
    teams = ", ".join(f"{t['cases']:,}" for t in seeded["teams"])
    seeded_how = (
        f"from the cache (seeded once in {seeded['seconds']:,.0f}s)"
        if cache_info.get("hit")
        else f"seeded in {timings.get('seed_s', 0):,.0f}s "
        f"({seeded['cases'] / max(timings.get('seed_s', 1), 1e-9):,.0f} cases/s)"
    )
    print(
        f"data: {seeded['cases']:,} cases in {len(seeded['teams'])} teams ({teams}), "
        f"{seeded['timeline_events']:,} timeline events, {seeded['cases_with_assessment']:,} "
        f"cases with a stored assessment ({seeded['assessments']:,} assessments), "
        f"{seeded['restricted']:,} restricted, {seeded_how}; {CASEWORKER} sees "
        f"{seeded['users'][CASEWORKER]['visible']:,} (own team + {CROSS_TEAM_ASSIGNED} assigned "
        f"from other teams), {SUPERVISOR} {seeded['users'][SUPERVISOR]['visible']:,} (own team); "
        f"the searches go round {len(names)} exact client names of the caseworker's cases"
    )
    for users, level in results.items():
        goal = target_ms(users)
        floor = level["baseline"]
        header = (
            "endpoint",
            "who",
            "requests",
            "p50 ms",
            "p99 ms",
            "max ms",
            "req/s",
            "errors",
            "unanswered",
            "SQL/req",
            f"target p99 < {goal:.0f} ms",
            "p99 vs floor",
        )
        rows = []
        for key, r in level.items():
            is_floor = key == "baseline"
            rows.append(
                (
                    r["label"],
                    r["who"],
                    f"{r['requests']:,}",
                    ms(r, "p50_ms"),
                    ms(r, "p99_ms"),
                    ms(r, "max_ms", 0),
                    f"{r['per_second']:,.1f}",
                    f"{r['errors']:,}",
                    f"{r['unanswered_at_end']:,}",
                    "" if r["queries_per_request"] is None else str(r["queries_per_request"]),
                    "(floor)" if is_floor else ("met" if met(r, users) else "NOT MET"),
                    "1.0" if is_floor else f"x{r['p99_ms'] / max(floor['p99_ms'], 1e-9):.1f}",
                )
            )
        print_table(
            f"\n{users} users (target: p99 < {goal:.0f} ms, no error; "
            f"{'met' if per_level[str(users)]['target_met'] else 'NOT MET'})",
            header,
            rows,
            left={0, 1, 10},
        )
    if capacity:
        header = ("endpoint", "requests", "req/s", "p50 ms", "p99 ms", "max ms", "errors")
        none = f">{args.capacity_seconds * 1000:,.0f}"  # no answer within the whole run
        rows = [
            (
                results[levels[0]][key]["label"],
                f"{c['requests']:,}",
                f"{c['per_second']:,.1f}",
                f"{c['p50_ms']:,.1f}" if c["requests"] else none,
                f"{c['p99_ms']:,.1f}" if c["requests"] else none,
                f"{c['max_ms']:,.0f}" if c["requests"] else none,
                f"{c['errors']:,}",
            )
            for key, c in capacity.items()
        ]
        print_table(
            f"\ncapacity: wrk, {args.capacity_connections} connections, no think time, "
            f"{args.capacity_seconds:.0f}s, fresh server (the most each endpoint serves)",
            header,
            rows,
            left={0},
        )
    print(
        "\nfloor: Django's own login page (no database work), same server, same run: the best a "
        "Django + gunicorn stack gives on this machine.\n"
        "errors: responses other than the endpoint's success status (200; 201 for assess), e.g. "
        f"a 302 to the login page, socket errors and timeouts (> {args.timeout}s).\n"
        "unanswered: requests of the timed part still waiting when the run ended; the "
        "percentiles count them at the age they had reached (a lower bound).\n"
        "SQL/req: queries of one request (Django test client on the same database)."
    )
    others = max(r["cpu_share"]["others"] for level in results.values() for r in level.values())
    print(
        f"machine: {cores} cores; load average before {machine_info['loadavg_before']}, after "
        f"{machine_info['loadavg_after']}; other processes used up to {others:.0%} of the CPU "
        "during a timed run" + (" (figures are inflated by that)" if others > 0.1 else "")
    )
    if server_problems:
        print(
            f"server logs: {len(server_problems)} error lines (report: server_log_problems); "
            f"first: {server_problems[0]}"
        )
    for users, level in results.items():
        for key, r in level.items():
            if not r["requests"]:
                print(f"note: {users} users, {key}: no answer in the timed part: saturated")
            elif r["requests"] < 1000:
                print(
                    f"note: {users} users, {key}: {r['requests']} answers only; its p99 rests "
                    "on few samples"
                )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"\nreport: {args.out} (run took {timings['total_s']:.0f}s)")
    failed = {
        f"{users} users {k}": r["errors_detail"]
        for users, level in results.items()
        for k, r in level.items()
        if r["errors"]
    }
    failed.update({f"capacity {k}": c["errors_detail"] for k, c in capacity.items() if c["errors"]})
    if failed:
        print(f"\nERRORS during the measurement: {failed}", file=sys.stderr)
        return 3
    return 0


def print_table(
    title: str, header: tuple[str, ...], rows: list[tuple[str, ...]], left: set[int]
) -> None:
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(header)]

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(
            c.ljust(w) if i in left else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    print(title)
    print(line(header))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(line(row))


if __name__ == "__main__":
    sys.exit(main())
