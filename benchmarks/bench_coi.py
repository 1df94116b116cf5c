"""Speed of the country-evidence indicators query, on one core, with a named peer for validation.

    python benchmarks/bench_coi.py [--n 200] [--seed 2019] [--peer-n 50] [--profile]

Builds the evidence store from the shipped data into a temporary directory (timed, as
``asylon evidence build`` does it), pins the process to one CPU, opens the store read-only with
DuckDB limited to one thread, and times each ``asylon.evidence.indicators.compute(con, area,
start, end)`` call (``time.perf_counter_ns``) for four kinds of query, ``--n`` each (default
200), over places and periods drawn with a seeded generator:

  gov x month     a governorate (SY01..SY14) and one calendar month of 2012-2019
  gov x year      a governorate and twelve consecutive months starting 2012-01..2019-01
  15 km x month   a 15 km radius around a city of the gazetteer and one calendar month
  15 km x year    the same radius and twelve consecutive months

reporting p50 / p95 / max per kind against the target (p95 < 50 ms per query on one core).

The named peer is the same indicator (events, deaths best, civilian deaths, per UCDP source)
computed by a plain Python scan of the raw UCDP CSV rows held in memory (``csv.DictReader``,
no pandas, no store), timed per query on the first ``--peer-n`` (default 50) governorate x
month queries; the two must give the same numbers.

Prints a table and writes ``benchmarks/results/coi-latest.json``.
Exit status: 0 done (target met or not), 2 the store and the peer disagree on a figure,
3 ``compute`` raised.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import datetime as _dt
import gc
import io
import json
import os
import platform
import pstats
import random
import shutil
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from benchutil import cpu_model, log, percentile, pin_to_one_core, version_of

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
try:
    import asylon.evidence  # noqa: F401
except ModuleNotFoundError:  # not installed (pip install -e .): use the source tree
    sys.path.insert(0, str(ROOT / "src"))

from asylon.evidence import boundaries, store  # noqa: E402
from asylon.evidence.gazetteer import Gazetteer  # noqa: E402
from asylon.evidence.indicators import Area, Indicators, compute  # noqa: E402
from asylon.paths import data_dir  # noqa: E402

TARGET_P95_MS = 50.0
RADIUS_KM = 15.0
FIRST_YEAR, LAST_YEAR = 2012, 2019
RESULTS = HERE / "results" / "coi-latest.json"
KINDS = ("gov x month", "gov x year", "15 km x month", "15 km x year")
# Sums of best * share are floats added in a different order by DuckDB and by the peer.
TOLERANCE = 1e-6


# --------------------------------------------------------------------------- helpers


def summary_ms(ns: list[int]) -> dict[str, float]:
    s = sorted(ns)
    ms = 1e-6
    return {
        "p50_ms": percentile(s, 50) * ms,
        "p90_ms": percentile(s, 90) * ms,
        "p95_ms": percentile(s, 95) * ms,
        "p99_ms": percentile(s, 99) * ms,
        "max_ms": s[-1] * ms,
        "min_ms": s[0] * ms,
        "mean_ms": sum(s) / len(s) * ms,
        "samples": len(s),
    }


def add_months(day: date, months: int) -> date:
    y, m = divmod(day.month - 1 + months, 12)
    return date(day.year + y, m + 1, 1)


# --------------------------------------------------------------------------- workload


@dataclass(frozen=True)
class Query:
    kind: str
    area: Area
    start: date
    end: date

    def label(self) -> str:
        return f"{self.kind}: {self.area.code} {self.start}..{self.end}"


def make_queries(n: int, seed: int) -> dict[str, list[Query]]:
    """``n`` queries of each kind: places and periods drawn from ``random.Random(seed)``."""
    gaz = Gazetteer.load()
    govs = sorted((p for p in gaz if p.kind == "governorate"), key=lambda p: p.code)
    cities = sorted(
        (p for p in gaz if p.kind == "city" and p.lat is not None and p.lon is not None),
        key=lambda p: p.code,
    )
    if not govs or not cities:
        raise SystemExit("the gazetteer has no governorates or no cities with coordinates")
    gov_areas = [Area("governorate", p.code, p.name_en) for p in govs]
    radius_areas = [
        Area("radius", p.code, f"{RADIUS_KM:g} km around {p.name_en}", p.lat, p.lon, RADIUS_KM)
        for p in cities
    ]
    months = [date(y, m, 1) for y in range(FIRST_YEAR, LAST_YEAR + 1) for m in range(1, 13)]
    year_starts = [d for d in months if add_months(d, 12) <= date(LAST_YEAR + 1, 1, 1)]
    rng = random.Random(seed)
    out: dict[str, list[Query]] = {}
    for kind in KINDS:
        areas = gov_areas if kind.startswith("gov") else radius_areas
        span, starts = (1, months) if kind.endswith("month") else (12, year_starts)
        qs = []
        for _ in range(n):
            start = rng.choice(starts)
            end = add_months(start, span) - timedelta(days=1)
            qs.append(Query(kind, rng.choice(areas), start, end))
        out[kind] = qs
    return out


# --------------------------------------------------------------------------- the store


class ComputeErrors:
    """Exceptions ``compute`` raised: counted, never hidden (exit status 3 at the end)."""

    def __init__(self) -> None:
        self.by_query: dict[str, str] = {}
        self.tracebacks: list[str] = []

    def record(self, q: Query, exc: BaseException) -> None:
        self.by_query[q.label()] = f"{type(exc).__name__}: {str(exc)[:200]}"
        if len(self.tracebacks) < 5:
            tb = "".join(traceback.format_exception(exc, limit=-4))
            self.tracebacks.append(f"{q.label()}\n{tb}")

    def __bool__(self) -> bool:
        return bool(self.by_query)


ERRORS = ComputeErrors()


def figures_of(ind: Indicators) -> dict[str, dict[str, Any]]:
    """Events, deaths best, civilian deaths per UCDP source (None where not covered)."""
    return {
        s.source: {
            "covered": s.covered,
            "events": s.events,
            "deaths_best": s.deaths_best,
            "civilian_deaths": s.civilian_deaths,
        }
        for s in ind.sources
        if s.source != "vdc"
    }


def time_kind(con: Any, queries: list[Query], keep: int) -> tuple[list[int], list[Any]]:
    """perf_counter_ns around each compute(); the figures of the first ``keep`` queries."""
    clock, fn = time.perf_counter_ns, compute
    lat: list[int] = []
    kept: list[Any] = []
    gc.collect()
    for i, q in enumerate(queries):
        t0 = clock()
        try:
            ind = fn(con, q.area, q.start, q.end)
        except Exception as exc:
            lat.append(clock() - t0)
            ERRORS.record(q, exc)
            if i < keep:
                kept.append(None)
            continue
        lat.append(clock() - t0)
        if i < keep:
            kept.append(figures_of(ind))
    return lat, kept


def profile_compute(con: Any, queries: list[Query], top: int = 20) -> str:
    prof = cProfile.Profile()
    prof.enable()
    for q in queries:
        try:
            compute(con, q.area, q.start, q.end)
        except Exception as exc:
            ERRORS.record(q, exc)
    prof.disable()
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out).strip_dirs()
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


def sql_breakdown(con: Any, queries: list[Query]) -> list[dict[str, Any]]:
    """Time of each SQL statement compute() sends, summed over ``queries``, slowest first.

    The connection's ``execute`` is wrapped for the duration (the statement text, without
    its parameters, is the key), so this shows where a query's milliseconds go.
    """

    class Timed:
        def __init__(self, inner: Any) -> None:
            self.inner = inner
            self.times: dict[str, list[int]] = {}

        def execute(self, sql: str, params: Any = None) -> Any:
            t0 = time.perf_counter_ns()
            res = self.inner.execute(sql, params) if params is not None else self.inner.execute(sql)
            rows = res.fetchall()
            self.times.setdefault(" ".join(sql.split()), []).append(time.perf_counter_ns() - t0)
            return _Rows(rows)

    class _Rows:
        def __init__(self, rows: list[Any]) -> None:
            self.rows = rows

        def fetchall(self) -> list[Any]:
            return self.rows

        def fetchone(self) -> Any:
            return self.rows[0] if self.rows else None

    timed = Timed(con)
    for q in queries:
        compute(timed, q.area, q.start, q.end)  # type: ignore[arg-type]
    n = max(1, len(queries))
    out = [
        {
            "sql": sql[:160],
            "calls_per_query": len(ts) / n,
            "ms_per_query": sum(ts) / n * 1e-6,
            "ms_per_call_p50": sorted(ts)[len(ts) // 2] * 1e-6,
        }
        for sql, ts in timed.times.items()
    ]
    return sorted(out, key=lambda r: -r["ms_per_query"])


# --------------------------------------------------------------------------- the peer


@dataclass
class PeerSource:
    source: str
    file: str
    coverage: tuple[date, date]
    civilian: bool
    rows: list[dict[str, Any]]


def peer_load() -> list[PeerSource]:
    """The raw UCDP CSVs the store is built from, read with csv.DictReader into memory.

    Each row stays the DictReader dict; the fields the scan uses are converted once here
    (dates, integers), as an analyst would before running many queries, and each row gets
    the governorate p-code the store gives it (``boundaries.assign``: point in the OCHA
    polygon, only for where_prec 1-4), so both count the same events in a governorate.
    """
    out = []
    for key, rel, _title, first, last, civilian, _text, _caveat in store.SHIPPED:
        with (data_dir() / rel).open(encoding="utf-8-sig", newline="") as fh:
            rows: list[dict[str, Any]] = list(csv.DictReader(fh))
        for r in rows:
            r["_start"] = date.fromisoformat(r["date_start"][:10])
            end = (r.get("date_end") or "").strip()
            r["_end"] = date.fromisoformat(end[:10]) if end else r["_start"]
            r["_best"] = int(float(r.get("best") or r.get("best_death") or 0))
            civ = (r.get("deaths_civilians") or "").strip()
            r["_civ"] = int(float(civ)) if civ else None
            prec = (r.get("where_prec") or "").strip()
            r["_prec"] = int(prec) if prec else None
        adm1, _ = boundaries.assign(
            [float(r["latitude"]) for r in rows],
            [float(r["longitude"]) for r in rows],
            [r["_prec"] for r in rows],
        )
        for r, a1 in zip(rows, adm1, strict=True):
            r["_adm1"] = a1
        out.append(PeerSource(key, rel, (first, last), bool(civilian), rows))
    return out


def peer_governorate(src: PeerSource, code: str, start: date, end: date) -> dict[str, Any]:
    """Events, deaths best, civilian deaths of one source in a governorate over a period.

    A multi-day event counts once and its deaths are spread evenly over its days, as in the
    store (``event_days``); a period the source does not cover is "no data" (None).
    """
    first, last = src.coverage
    if end < first or start > last:
        return {"covered": "none", "events": None, "deaths_best": None, "civilian_deaths": None}
    events, best, civ = 0, 0.0, 0.0
    for r in src.rows:
        if r["_adm1"] != code:
            continue
        s, e = r["_start"], r["_end"]
        if e < start or s > end:
            continue
        share = (((e if e < end else end) - (s if s > start else start)).days + 1) / (
            (e - s).days + 1
        )
        events += 1
        best += r["_best"] * share
        if r["_civ"] is not None:
            civ += r["_civ"] * share
    covered = "full" if first <= start and end <= last else "partial"
    return {
        "covered": covered,
        "events": events,
        "deaths_best": best,
        "civilian_deaths": civ if src.civilian else None,
    }


def same(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is b
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    return abs(a - b) <= TOLERANCE * max(1.0, abs(a), abs(b))


def run_peer(
    sources: list[PeerSource], queries: list[Query], store_figures: list[Any]
) -> tuple[list[int], list[dict[str, Any]]]:
    """Time the peer per query (all sources, like compute) and compare with the store."""
    clock = time.perf_counter_ns
    lat: list[int] = []
    mismatches: list[dict[str, Any]] = []
    gc.collect()
    for q, got in zip(queries, store_figures, strict=True):
        t0 = clock()
        peer = {s.source: peer_governorate(s, q.area.code, q.start, q.end) for s in sources}
        lat.append(clock() - t0)
        if got is None:  # compute raised: counted as an engine error, not a mismatch
            continue
        for source, fig in peer.items():
            mine = got.get(source)
            for k in ("covered", "events", "deaths_best", "civilian_deaths"):
                if mine is None or not same(mine[k], fig[k]):
                    mismatches.append(
                        {
                            "query": q.label(),
                            "source": source,
                            "figure": k,
                            "store": None if mine is None else mine[k],
                            "peer": fig[k],
                        }
                    )
    return lat, mismatches


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=200, help="queries of each kind (default 200)")
    ap.add_argument("--seed", type=int, default=2019, help="workload seed (default 2019)")
    ap.add_argument(
        "--peer-n",
        type=int,
        default=50,
        help="governorate x month queries run by the peer and compared (default 50)",
    )
    ap.add_argument("--warmup", type=int, default=20, help="untimed queries first (default 20)")
    ap.add_argument(
        "--threads",
        type=int,
        default=1,
        help="DuckDB threads for the queries (default 1: the process has one core)",
    )
    ap.add_argument("--out", type=Path, default=RESULTS, help="JSON report path")
    ap.add_argument(
        "--profile",
        action="store_true",
        help="also print a cProfile of compute and the time of each SQL statement",
    )
    args = ap.parse_args(argv)
    if args.n < 1 or args.peer_n < 0:
        ap.error("--n must be at least 1 and --peer-n at least 0")
    peer_n = min(args.peer_n, args.n)

    load_at_start = os.getloadavg() if hasattr(os, "getloadavg") else None
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    tmp = Path(tempfile.mkdtemp(prefix="asylon-bench-coi-"))
    try:
        path = tmp / "evidence.duckdb"
        log(f"building the store into {path} ({cpus} CPUs, not pinned: as 'asylon evidence build')")
        cpu0 = time.process_time()
        built = store.build(path)
        build_cpu = time.process_time() - cpu0
        size_mib = path.stat().st_size / 2**20
        log(f"built in {built.seconds:.2f}s, {sum(built.events.values()):,} events")

        cpu = pin_to_one_core()
        queries = make_queries(args.n, args.seed)
        con = store.connect(path)
        con.execute(f"SET threads TO {args.threads}")
        log(f"pinned to CPU {cpu}; DuckDB threads {args.threads}; {args.n} queries per kind")

        # untimed warm-up: the first queries of each kind, interleaved
        warm = [q for group in zip(*(queries[k] for k in KINDS), strict=True) for q in group][
            : args.warmup
        ]
        for q in warm:
            try:
                compute(con, q.area, q.start, q.end)
            except Exception as exc:
                ERRORS.record(q, exc)

        latencies: dict[str, list[int]] = {}
        store_figures: list[Any] = []
        for kind in KINDS:
            log(f"timing {kind}")
            lat, kept = time_kind(con, queries[kind], peer_n if kind == "gov x month" else 0)
            latencies[kind] = lat
            if kind == "gov x month":
                store_figures = kept

        log(f"peer: reading the raw UCDP CSVs, then {peer_n} governorate x month queries")
        t0 = time.perf_counter()
        peer_sources = peer_load()
        peer_load_s = time.perf_counter() - t0
        gc.collect()
        gc.freeze()  # the peer's 81k resident rows are its start-up state, not its garbage
        peer_lat, mismatches = run_peer(
            peer_sources, queries["gov x month"][:peer_n], store_figures
        )
        gc.unfreeze()

        profile_text, breakdown = None, None
        if args.profile:
            log("profile: cProfile of compute, then each SQL statement, gov x month")
            profile_text = profile_compute(con, queries["gov x month"])
            breakdown = {
                kind: sql_breakdown(con, queries[kind][: min(50, args.n)]) for kind in KINDS
            }
        con.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    stats = {kind: summary_ms(latencies[kind]) for kind in KINDS}
    peer_stats = summary_ms(peer_lat) if peer_lat else None
    store_sample = summary_ms(latencies["gov x month"][:peer_n]) if peer_n else None
    speedup = peer_stats["p50_ms"] / store_sample["p50_ms"] if peer_stats and store_sample else None
    report: dict[str, Any] = {
        "benchmark": "coi",
        "report_format": 1,
        "timestamp": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "machine": {
            "platform": platform.platform(),
            "python": platform.python_version(),
            "cpu_model": cpu_model(),
            "cpus_available": cpus,
            "pinned_cpu": cpu,
            "loadavg_at_start": load_at_start,
        },
        "versions": {"asylon": version_of("asylon"), "duckdb": version_of("duckdb")},
        "params": {
            "n": args.n,
            "seed": args.seed,
            "peer_n": peer_n,
            "warmup": len(warm),
            "duckdb_threads": args.threads,
            "radius_km": RADIUS_KM,
            "years": [FIRST_YEAR, LAST_YEAR],
        },
        "build": {
            "seconds": built.seconds,
            "cpu_seconds": build_cpu,
            "cpus": cpus,
            "pinned": False,
            "events": built.events,
            "located_adm1": built.located_adm1,
            "located_adm2": built.located_adm2,
            "file_mib": size_mib,
        },
        "queries": {
            kind: {
                **stats[kind],
                "target_p95_ms": TARGET_P95_MS,
                "met": stats[kind]["p95_ms"] < TARGET_P95_MS,
            }
            for kind in KINDS
        },
        "peer": {
            "name": "Python scan of the raw UCDP CSV rows (csv.DictReader, in memory)",
            "work": "events, deaths best (spread over days), civilian deaths, per UCDP source, "
            "for one governorate and one month",
            "load_seconds": peer_load_s,
            "rows": {s.source: len(s.rows) for s in peer_sources},
            "queries": peer_n,
            "latency": peer_stats,
            "store_same_queries": store_sample,
            "peer_over_store_p50": speedup,
        },
        "check": {
            "queries": peer_n,
            "figures_compared": peer_n * len(peer_sources) * 4,
            "tolerance": TOLERANCE,
            "mismatches": len(mismatches),
            "first_mismatches": mismatches[:20],
        },
        "compute_errors": {
            "queries": len(ERRORS.by_query),
            "first": dict(list(ERRORS.by_query.items())[:10]),
        },
        "target_met": all(stats[k]["p95_ms"] < TARGET_P95_MS for k in KINDS),
    }
    if breakdown is not None:
        report["sql_breakdown"] = breakdown
    if profile_text is not None:
        report["profile_top"] = profile_text

    def ok(met: bool) -> str:
        return "met" if met else "MISSED"

    rows = [
        (
            f"store build ({cpus} CPUs, not pinned)",
            f"{built.seconds:.2f} s",
            "",
            f"{sum(built.events.values()):,} events, {size_mib:.0f} MiB",
        )
    ]
    for kind in KINDS:
        s = stats[kind]
        rows.append(
            (
                f"{kind}: p50 / p95 / max",
                f"{s['p50_ms']:.1f} / {s['p95_ms']:.1f} / {s['max_ms']:.1f} ms",
                f"p95 < {TARGET_P95_MS:g} ms",
                ok(s["p95_ms"] < TARGET_P95_MS),
            )
        )
    if peer_stats and store_sample:
        rows.append(
            (
                f"gov x month, first {peer_n}: store p50 / p95",
                f"{store_sample['p50_ms']:.1f} / {store_sample['p95_ms']:.1f} ms",
                "",
                "",
            )
        )
        rows.append(
            (
                "  peer: Python scan of CSV rows, p50 / p95",
                f"{peer_stats['p50_ms']:.1f} / {peer_stats['p95_ms']:.1f} ms",
                "",
                (
                    f"store {1 / speedup:.1f}x slower"
                    if speedup < 1
                    else f"store {speedup:.1f}x faster"
                )
                if speedup
                else "",
            )
        )
        rows.append(
            (
                "  same figures (events, best, civilian)",
                f"{peer_n * len(peer_sources) * 4 - len(mismatches)} of "
                f"{peer_n * len(peer_sources) * 4}",
                "all",
                "ok" if not mismatches else "DIFFER",
            )
        )
        rows.append(("  peer load: DictReader + parse + placement", f"{peer_load_s:.2f} s", "", ""))
    rows.append(
        (
            "compute errors",
            f"{len(ERRORS.by_query)}",
            "0",
            "ok" if not ERRORS else "FAILED",
        )
    )
    w0, w1, w2 = (max(len(r[i]) for r in rows) for i in range(3))
    print()
    print(
        f"Asylon COI indicators benchmark - {cpu_model()}, CPU {cpu} pinned, "
        f"Python {platform.python_version()}, DuckDB {version_of('duckdb')} "
        f"({args.threads} thread), {args.n} queries per kind"
    )
    print(f"{'measure'.ljust(w0)}  {'value'.rjust(w1)}  {'target'.ljust(w2)}  status")
    print(f"{'-' * w0}  {'-' * w1}  {'-' * w2}  ------")
    for name, value, target, status in rows:
        print(f"{name.ljust(w0)}  {value.rjust(w1)}  {target.ljust(w2)}  {status}")

    if breakdown is not None:
        for kind in KINDS:
            print(f"\nSQL statements of compute(), {kind} (ms per query, slowest first):")
            for r in breakdown[kind][:8]:
                print(f"  {r['ms_per_query']:7.2f}  x{r['calls_per_query']:.0f}  {r['sql'][:110]}")
    if profile_text is not None:
        print("\n" + profile_text)

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n")
    print(f"\nreport: {args.out}")
    if mismatches:
        print(
            f"\nMISMATCH: the store and the peer differ on {len(mismatches)} figures (exit 2)",
            file=sys.stderr,
        )
        for m in mismatches[:10]:
            print(f"  {m}", file=sys.stderr)
        return 2
    if ERRORS:
        print(f"\nCOMPUTE ERROR on {len(ERRORS.by_query)} queries (exit 3)", file=sys.stderr)
        for tb in ERRORS.tracebacks:
            print(f"--- {tb}", file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
