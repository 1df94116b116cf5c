"""Speed of the legal assessment engine, on one core, with a named peer for validation.

    python benchmarks/bench_assess.py [--n 100000] [--seed 2016] [--repeat 3] [--profile]

Generates ``--n`` synthetic case files (``benchmarks/casegen.py``), validates every one with
the engine's parser (a case that fails is a generator bug: the run stops with exit status 1),
pins the process to one CPU and measures:

  (a) assessments per second over all cases (already-parsed ``CaseFile`` objects), the
      median of ``--repeat`` passes (default 3)
  (b) p50 / p99 latency of one assessment (``time.perf_counter_ns`` around each call)
  (c) peak memory: ``ru_maxrss`` of the process, and the tracemalloc peak of the assess loop
      over a 10,000-case subset
  (d) parse + validate + assess throughput from JSON text
  (e) the same plus ``to_dict()`` and ``json.dumps`` of the determination (the CLI/API path)

and, as the named peer of the validation stage, the reference JSON Schema validator
``jsonschema`` (Draft 2020-12, with format checking) validating the same JSON texts against
the JSON Schema the engine exports, beside Asylon's own parse + validate figure.

Prints a table and writes ``benchmarks/results/assess-latest.json``.
Exit status: 0 done (targets met or not), 1 a generated case failed validation,
3 the engine raised on a valid case.
"""

from __future__ import annotations

import argparse
import collections
import cProfile
import datetime as _dt
import gc
import io
import json
import os
import platform
import pstats
import re
import resource
import sys
import time
import traceback
import tracemalloc
from pathlib import Path
from typing import Any

from benchutil import cpu_model, log, percentile, pin_to_one_core, version_of

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
try:
    import asylon.law  # noqa: F401
except ModuleNotFoundError:  # not installed (pip install -e .): use the source tree
    sys.path.insert(0, str(ROOT / "src"))

import casegen  # noqa: E402
from asylon.law import assess, parse_case_file  # noqa: E402
from asylon.law.facts import CaseFileError, case_file_json_schema  # noqa: E402

TARGET_PER_SECOND = 5_000
TARGET_P99_MS = 2.0
RESULTS = HERE / "results" / "assess-latest.json"
INDEX = re.compile(r"\[\d+\]")
DIGITS = re.compile(r"\d")


# --------------------------------------------------------------------------- helpers


def maxrss_mib() -> float:
    """Peak resident set size of this process so far (Linux reports KiB, macOS bytes)."""
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


class Timer:
    """Wall-clock and CPU time of a block."""

    def __enter__(self) -> Timer:
        gc.collect()
        self.cpu0 = time.process_time()
        self.t0 = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.t0
        self.cpu = time.process_time() - self.cpu0


def rate(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else float("inf")


class EngineErrors:
    """Exceptions the engine raised on valid cases: counted, never hidden.

    The timed loops keep going (the failing call is part of the workload and is timed like any
    other), and the run exits with status 3 at the end, after the table and the report.
    """

    def __init__(self) -> None:
        self.by_case: dict[str, str] = {}  # case id -> "Type: message"
        self.tracebacks: dict[str, str] = {}  # first traceback of each kind
        self.first_case: dict[str, str] = {}

    def record(self, stage: str, case_id: str, exc: BaseException) -> None:
        kind = f"{type(exc).__name__}: {DIGITS.sub('#', str(exc))[:160]}"
        self.by_case.setdefault(case_id, kind)
        if kind not in self.tracebacks:
            self.first_case[kind] = case_id
            tb = "".join(traceback.format_exception(exc, limit=-4))
            self.tracebacks[kind] = f"[{stage}] {case_id}\n{tb}"

    def kinds(self) -> collections.Counter[str]:
        return collections.Counter(self.by_case.values())

    def __bool__(self) -> bool:
        return bool(self.by_case)

    def summary(self) -> dict[str, Any]:
        return {
            "cases": len(self.by_case),
            "kinds": [
                {"error": kind, "cases": count, "first_case": self.first_case[kind]}
                for kind, count in self.kinds().most_common()
            ],
        }


ENGINE_ERRORS = EngineErrors()


# --------------------------------------------------------------------------- stages


def stage_validate(texts: list[str], ids: list[str]) -> list[Any]:
    """Asylon parse + validate of every JSON text, keeping the CaseFile objects.

    Exits 1 on any invalid case: the generator promises valid cases, so that is its bug.
    """
    parsed: list[Any] = []
    failures: list[tuple[str, CaseFileError]] = []
    for i, text in enumerate(texts):
        try:
            parsed.append(parse_case_file(text, fmt="json"))
        except CaseFileError as err:
            failures.append((ids[i], err))
    if failures:
        print(
            f"\nGENERATOR BUG: {len(failures)} of {len(texts)} generated cases fail validation",
            file=sys.stderr,
        )
        by_message: collections.Counter[str] = collections.Counter()
        for _, err in failures:
            for path, msg in err.errors:
                by_message[f"{INDEX.sub('[]', path)}: {msg}"] += 1
        for line, count in by_message.most_common(20):
            print(f"  {count:7d}  {line}", file=sys.stderr)
        for case_id, err in failures[:5]:
            print(f"--- {case_id}\n{err}", file=sys.stderr)
        sys.exit(1)
    return parsed


def stage_validate_speed(texts: list[str]) -> tuple[float, float]:
    """Asylon parse + validate per text, result discarded: the same loop as the peer's."""
    parse = parse_case_file
    with Timer() as t:
        for text in texts:
            parse(text, fmt="json")
    return t.wall, t.cpu


def stage_peer(texts: list[str]) -> dict[str, Any]:
    """jsonschema (Draft 2020-12, format checking on) over the same JSON texts."""
    import jsonschema
    from jsonschema import Draft202012Validator

    schema = case_file_json_schema()
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    loads, is_valid = json.loads, validator.is_valid
    rejected = 0
    with Timer() as t:
        for text in texts:
            if not is_valid(loads(text)):
                rejected += 1
    first_error = None
    if rejected:
        for text in texts:
            err = jsonschema.exceptions.best_match(validator.iter_errors(loads(text)))
            if err is not None:
                first_error = f"{'/'.join(map(str, err.absolute_path))}: {err.message}"
                break
    return {
        "name": "jsonschema",
        "version": version_of("jsonschema"),
        "validator": "Draft202012Validator (format_checker=FORMAT_CHECKER)",
        "schema": "asylon.law.facts.case_file_json_schema()",
        "work": "json.loads + validator.is_valid per text",
        "cases": len(texts),
        "seconds": t.wall,
        "cpu_seconds": t.cpu,
        "per_second": rate(len(texts), t.wall),
        "rejected": rejected,
        "first_rejection": first_error,
    }


def stage_throughput(cases: list[Any]) -> tuple[float, float]:
    """Assessments of already-parsed cases, one after another."""
    fn, errors = assess, ENGINE_ERRORS
    with Timer() as t:
        for case in cases:
            try:
                fn(case)
            except Exception as exc:
                errors.record("throughput", case.id, exc)
    return t.wall, t.cpu


def stage_latency(cases: list[Any]) -> dict[str, float]:
    fn, clock, errors = assess, time.perf_counter_ns, ENGINE_ERRORS
    lat: list[int] = []
    append = lat.append
    gc.collect()
    for case in cases:
        t0 = clock()
        try:
            fn(case)
        except Exception as exc:
            errors.record("latency", case.id, exc)
        append(clock() - t0)
    lat.sort()
    ms = 1e-6
    return {
        "p50_ms": percentile(lat, 50) * ms,
        "p90_ms": percentile(lat, 90) * ms,
        "p99_ms": percentile(lat, 99) * ms,
        "p999_ms": percentile(lat, 99.9) * ms,
        "max_ms": lat[-1] * ms,
        "mean_ms": sum(lat) / len(lat) * ms,
        "min_ms": lat[0] * ms,
        "samples": len(lat),
    }


def stage_tracemalloc(cases: list[Any]) -> dict[str, float]:
    fn, errors = assess, ENGINE_ERRORS
    gc.collect()
    tracemalloc.start()
    tracemalloc.reset_peak()
    base, _ = tracemalloc.get_traced_memory()
    with Timer() as t:
        for case in cases:
            try:
                fn(case)
            except Exception as exc:
                errors.record("tracemalloc", case.id, exc)
    current, peak = tracemalloc.get_traced_memory()
    gc.collect()
    after_gc, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "cases": len(cases),
        "peak_kib": (peak - base) / 1024,
        "retained_kib": (current - base) / 1024,  # includes cyclic garbage not yet collected
        "retained_after_gc_kib": (after_gc - base) / 1024,  # > 0 would be a leak or a cache
        "seconds_traced": t.wall,
    }


def stage_end_to_end(texts: list[str], ids: list[str]) -> tuple[float, float]:
    parse, fn, errors = parse_case_file, assess, ENGINE_ERRORS
    with Timer() as t:
        for i, text in enumerate(texts):
            try:
                fn(parse(text, fmt="json"))
            except Exception as exc:
                errors.record("end_to_end", ids[i], exc)
    return t.wall, t.cpu


def stage_round_trip(
    texts: list[str], ids: list[str]
) -> tuple[float, float, collections.Counter[str], str]:
    parse, fn, dumps, errors = parse_case_file, assess, json.dumps, ENGINE_ERRORS
    outcomes: collections.Counter[str] = collections.Counter()
    rules_version = ""
    with Timer() as t:
        for i, text in enumerate(texts):
            try:
                out = fn(parse(text, fmt="json")).to_dict()
                dumps(out)
                outcomes[out["outcome"]] += 1
            except Exception as exc:
                errors.record("round_trip", ids[i], exc)
                outcomes["(engine error)"] += 1
            else:
                rules_version = out["rules_version"]
    return t.wall, t.cpu, outcomes, str(rules_version)


def profile_assess(cases: list[Any], top: int = 15) -> str:
    prof = cProfile.Profile()
    prof.enable()
    for case in cases:
        try:
            assess(case)
        except Exception as exc:
            ENGINE_ERRORS.record("profile", case.id, exc)
    prof.disable()
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out).strip_dirs()
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


# --------------------------------------------------------------------------- main


def fmt_rate(x: float) -> str:
    return f"{x:,.0f}/s"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=100_000, help="cases to generate (default 100000)")
    ap.add_argument("--seed", type=int, default=2016, help="generator seed (default 2016)")
    ap.add_argument("--subset", type=int, default=10_000, help="tracemalloc subset size")
    ap.add_argument("--warmup", type=int, default=1_000, help="assessments before timing")
    ap.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="passes of the throughput loop (a); the median pass is reported (default 3)",
    )
    ap.add_argument("--out", type=Path, default=RESULTS, help="JSON report path")
    ap.add_argument(
        "--profile",
        action="store_true",
        help="also print a cProfile of assess over the subset (top 15)",
    )
    args = ap.parse_args(argv)
    if args.n < 1:
        ap.error("--n must be at least 1")

    load_at_start = os.getloadavg() if hasattr(os, "getloadavg") else None
    cpu = pin_to_one_core()
    log(f"pinned to CPU {cpu}; generating {args.n:,} cases (seed {args.seed})")

    with Timer() as t_gen:
        raw = casegen.generate(args.n, args.seed)
    incoherent = [(c["id"], e) for c in raw for e in casegen.coherence_errors(c)]
    if incoherent:
        print(f"GENERATOR BUG: {len(incoherent)} coherence errors", file=sys.stderr)
        for case_id, err in incoherent[:20]:
            print(f"  {case_id}: {err}", file=sys.stderr)
        return 1
    ids = [c["id"] for c in raw]
    texts = [json.dumps(c, ensure_ascii=False) for c in raw]
    json_bytes = sum(len(s.encode()) for s in texts)
    del raw
    rss_after_gen = maxrss_mib()
    log(f"generated in {t_gen.wall:.1f}s, {json_bytes / args.n:,.0f} bytes of JSON per case")

    log("validating every case with asylon.law.parse_case_file")
    cases = stage_validate(texts, ids)
    rss_after_parse = maxrss_mib()
    # The harness's own data (texts, parsed cases) lives to the end: keep it out of the cyclic
    # GC's sweeps, as a long-running service does with its start-up state (gc.freeze), so that
    # the figures show the engine's garbage, not the benchmark's.
    gc.collect()
    gc.freeze()

    log("validation speed: asylon parse + validate, then peer jsonschema over the same texts")
    val_wall, val_cpu = stage_validate_speed(texts)
    peer = stage_peer(texts)

    log(f"warm-up: {min(args.warmup, len(cases)):,} assessments")
    for case in cases[: args.warmup]:
        try:
            assess(case)
        except Exception as exc:
            ENGINE_ERRORS.record("warm-up", case.id, exc)

    passes = []
    for r in range(max(1, args.repeat)):
        log(f"(a) throughput, pass {r + 1} of {max(1, args.repeat)}")
        passes.append(stage_throughput(cases))
    thr_wall, thr_cpu = sorted(passes)[len(passes) // 2]  # the median pass (by wall time)
    log("(b) latency")
    lat = stage_latency(cases)
    rss_after_assess = maxrss_mib()
    log(f"(c) tracemalloc over {min(args.subset, len(cases)):,} cases")
    mem = stage_tracemalloc(cases[: args.subset])
    log("(d) parse + validate + assess from JSON text")
    e2e_wall, e2e_cpu = stage_end_to_end(texts, ids)
    log("(e) + to_dict + json.dumps")
    rt_wall, rt_cpu, outcomes, rules_version = stage_round_trip(texts, ids)
    rss_end = maxrss_mib()

    n = len(cases)
    per_s = rate(n, thr_wall)
    val_per_s = rate(n, val_wall)
    report: dict[str, Any] = {
        "benchmark": "assess",
        "report_format": 1,
        "timestamp": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "machine": {
            "platform": platform.platform(),
            "python": platform.python_version(),
            "implementation": platform.python_implementation(),
            "cpu_model": cpu_model(),
            "cpus_available": os.cpu_count(),
            "pinned_cpu": cpu,
            "loadavg_at_start": load_at_start,
        },
        "versions": {
            "asylon": version_of("asylon"),
            "rules_version": rules_version,
            "pydantic": version_of("pydantic"),
            "pydantic_core": version_of("pydantic-core"),
            "jsonschema": version_of("jsonschema"),
        },
        "params": {"n": n, "seed": args.seed, "warmup": args.warmup, "subset": mem["cases"]},
        "generation": {
            "seconds": t_gen.wall,
            "json_bytes_total": json_bytes,
            "json_bytes_per_case": json_bytes / n,
        },
        "validation": {
            "asylon": {
                "work": "parse_case_file(text, fmt='json') per text",
                "cases": n,
                "invalid": 0,
                "seconds": val_wall,
                "cpu_seconds": val_cpu,
                "per_second": val_per_s,
            },
            "peer": peer,
            "asylon_over_peer": val_per_s / peer["per_second"] if peer["per_second"] else None,
        },
        "assess": {
            "throughput": {
                "cases": n,
                "seconds": thr_wall,
                "cpu_seconds": thr_cpu,
                "per_second": per_s,
                "passes": [
                    {"seconds": w, "cpu_seconds": c, "per_second": rate(n, w)} for w, c in passes
                ],
                "per_second_best": rate(n, min(w for w, _ in passes)),
                "per_second_worst": rate(n, max(w for w, _ in passes)),
            },
            "latency": lat,
            "memory": {
                "maxrss_mib": {
                    "after_generate": rss_after_gen,
                    "after_parse": rss_after_parse,
                    "after_assess": rss_after_assess,
                    "end": rss_end,
                },
                "tracemalloc": mem,
            },
            "end_to_end": {
                "work": "assess(parse_case_file(text, fmt='json'))",
                "cases": n,
                "seconds": e2e_wall,
                "cpu_seconds": e2e_cpu,
                "per_second": rate(n, e2e_wall),
            },
            "round_trip": {
                "work": "json.dumps(assess(parse_case_file(text)).to_dict())",
                "cases": n,
                "seconds": rt_wall,
                "cpu_seconds": rt_cpu,
                "per_second": rate(n, rt_wall),
            },
            "outcomes": dict(outcomes.most_common()),
        },
        "engine_errors": ENGINE_ERRORS.summary(),
        "targets": {
            "assessments_per_second": {
                "target": TARGET_PER_SECOND,
                "measured": per_s,
                "met": per_s >= TARGET_PER_SECOND,
            },
            "p99_ms": {
                "target": TARGET_P99_MS,
                "measured": lat["p99_ms"],
                "met": lat["p99_ms"] < TARGET_P99_MS,
            },
        },
    }

    def ok(met: bool) -> str:
        return "met" if met else "MISSED"

    tg = report["targets"]
    rows = [
        ("cases (generated, all valid)", f"{n:,}", "", ""),
        (
            "engine errors on valid cases",
            f"{len(ENGINE_ERRORS.by_case):,}",
            "0",
            "ok" if not ENGINE_ERRORS else "FAILED",
        ),
        (
            f"(a) assessments / s, one core, median of {len(passes)}",
            fmt_rate(per_s),
            f">= {TARGET_PER_SECOND:,}/s",
            ok(tg["assessments_per_second"]["met"]),
        ),
        (
            "(a) slowest / fastest pass",
            f"{rate(n, max(w for w, _ in passes)):,.0f} / {rate(n, min(w for w, _ in passes)):,.0f}",
            "",
            "",
        ),
        ("(b) latency p50", f"{lat['p50_ms']:.3f} ms", "", ""),
        (
            "(b) latency p99",
            f"{lat['p99_ms']:.3f} ms",
            f"< {TARGET_P99_MS} ms",
            ok(tg["p99_ms"]["met"]),
        ),
        ("(b) latency p99.9 / max", f"{lat['p999_ms']:.3f} / {lat['max_ms']:.2f} ms", "", ""),
        ("(c) peak RSS (ru_maxrss), whole run", f"{rss_end:,.0f} MiB", "", ""),
        (f"(c) tracemalloc peak, assess x {mem['cases']:,}", f"{mem['peak_kib']:,.0f} KiB", "", ""),
        (
            "(c) retained after the loop + gc.collect",
            f"{mem['retained_after_gc_kib']:,.0f} KiB",
            "",
            "",
        ),
        ("(d) parse+validate+assess / s", fmt_rate(rate(n, e2e_wall)), "", ""),
        ("(e) ... + to_dict + json.dumps / s", fmt_rate(rate(n, rt_wall)), "", ""),
        ("validation: asylon parse+validate / s", fmt_rate(val_per_s), "", ""),
        (
            f"validation: peer jsonschema {peer['version']} / s",
            fmt_rate(peer["per_second"]),
            "",
            f"x{report['validation']['asylon_over_peer']:.1f} asylon",
        ),
    ]
    w0 = max(len(r[0]) for r in rows)
    w1 = max(len(r[1]) for r in rows)
    w2 = max(len(r[2]) for r in rows)
    print()
    print(
        f"Asylon assess benchmark - {cpu_model()}, CPU {cpu} pinned, "
        f"Python {platform.python_version()}, rules {rules_version or '?'}"
    )
    print(f"{'measure'.ljust(w0)}  {'value'.rjust(w1)}  {'target'.ljust(w2)}  status")
    print(f"{'-' * w0}  {'-' * w1}  {'-' * w2}  ------")
    for name, value, target, status in rows:
        print(f"{name.ljust(w0)}  {value.rjust(w1)}  {target.ljust(w2)}  {status}")
    if peer["rejected"]:
        print(
            f"\nnote: the peer rejected {peer['rejected']:,} cases that Asylon accepts; "
            f"first: {peer['first_rejection']}"
        )
    print("\noutcomes: " + ", ".join(f"{k} {v:,}" for k, v in outcomes.most_common()))

    if args.profile:
        text = profile_assess(cases[: args.subset])
        report["profile_top"] = text
        print("\n" + text)

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"\nreport: {args.out}")
    if ENGINE_ERRORS:
        report["engine_errors"] = ENGINE_ERRORS.summary()
        args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
        print(
            f"\nENGINE ERROR: assess raised on {len(ENGINE_ERRORS.by_case):,} of {n:,} valid "
            "cases (they were timed like the others; exit status 3)",
            file=sys.stderr,
        )
        for kind, count in ENGINE_ERRORS.kinds().most_common():
            print(f"  {count:7,d}  {kind}", file=sys.stderr)
        for tb in list(ENGINE_ERRORS.tracebacks.values())[:5]:
            print(f"--- {tb}", file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
