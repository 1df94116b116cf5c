"""Multiple-systems estimation: Kosovo against the published figures, simulations, speed.

    python benchmarks/bench_estimate.py [--replicates 100] [--quick] [--seed 2016]

(a) **Kosovo 1999** (``data/mse-overlap-tables/kosovo_1999_4lists.csv``): our LCMCR at the
    R package example's chain length (K = 10, burn-in 10,000, 1,000 draws per chain at thinning
    100, 4 chains) and the log-linear baseline, beside the named peers: Ball et al. (2002),
    about 10,356 (9,002-12,122), and R's LCMCR 0.4.14 (median about 10,300-10,600, interval
    about 9,000-14,000; PROVENANCE.md of the tables).
(b) **simulated populations** with a known total (``asylon.linkage.estimate.simulate``):
    relative bias, relative RMSE and 95% coverage (target >= 0.90) of both methods, 100
    replicates per scenario, LCMCR at its default settings: as ``asylon estimate`` reports
    it (checked by the two-class profile likelihood) and its posterior alone, as R's LCMCR
    reports it (the peer). "ident." counts the replicates given a total; "floor" is the share
    of the others, given a lower bound instead, whose lower bound is at most the truth;
    "holds" the share of all replicates whose statement holds (an interval that covers the
    truth, or a lower bound at most the truth); "sim.thr" the largest threshold the check's
    Monte Carlo test set (:mod:`asylon.linkage.estimate.likelihood_bound`).
(c) **speed**: the time of one default LCMCR estimate on 8-list tables (target < 10 s; the
    median over five seeds, the slowest beside it, chains that disagree going on as users'
    do): the shipped New Orleans table and a dense simulated one (all 255 patterns populated).

Writes ``benchmarks/results/estimate-latest.json``. Exit status 0 whether or not the targets
were met (see ``targets`` in the report).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from benchutil import cpu_model, log, version_of

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
try:
    import asylon.linkage  # noqa: F401
except ModuleNotFoundError:  # not installed (pip install -e .): use the source tree
    sys.path.insert(0, str(ROOT / "src"))

from asylon.linkage.estimate.lcmcr import LcmcrSettings, lcmcr_estimate  # noqa: E402
from asylon.linkage.estimate.loglinear import loglinear_estimate  # noqa: E402
from asylon.linkage.estimate.overlap import read_overlap  # noqa: E402
from asylon.linkage.estimate.simulate import (  # noqa: E402
    Scenario,
    estimators,
    mixture_probs,
    scenarios,
    study,
)
from asylon.paths import data_dir  # noqa: E402

RESULTS = HERE / "results" / "estimate-latest.json"
TABLES = data_dir() / "mse-overlap-tables"
PUBLISHED = {"median": 10356, "lower": 9002, "upper": 12122, "source": "Ball et al. 2002"}
R_LCMCR = {"median": [10300, 10600], "interval": [9000, 14000], "source": "R LCMCR 0.4.14"}


def _row(e: Any) -> dict[str, Any]:
    return {
        "median": e.median,
        "lower": e.lower,
        "upper": e.upper,
        "identified": e.identified,
        "reasons": e.reasons,
        "warnings": e.warnings,
        "diagnostics": {k: v for k, v in e.diagnostics.items()},
        "model": e.model,
    }


def kosovo(quick: bool, seed: int) -> dict[str, Any]:
    (table,) = read_overlap(TABLES / "kosovo_1999_4lists.csv")
    settings = (
        LcmcrSettings(burn_in=2_000, samples=1_000, thin=20, chains=4, seed=seed)
        if quick
        else LcmcrSettings(burn_in=10_000, samples=1_000, thin=100, chains=4, seed=seed)
    )
    log(f"Kosovo: LCMCR burn-in {settings.burn_in}, {settings.samples} x thin {settings.thin}")
    start, cpu = time.perf_counter(), time.process_time()
    ours = lcmcr_estimate(table, settings)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    base = loglinear_estimate(table)
    in_range = ours.median is not None and PUBLISHED["lower"] <= ours.median <= PUBLISHED["upper"]
    return {
        "settings": asdict(settings),
        "lcmcr": {**_row(ours), "seconds": seconds, "cpu_seconds": cpu},
        "loglinear": _row(base),
        "published": PUBLISHED,
        "r_lcmcr": R_LCMCR,
        "median_in_published_interval": in_range,
    }


def dense_8(seed: int) -> Scenario:
    probs = mixture_probs(
        [0.5, 0.3, 0.2],
        [
            [0.30, 0.25, 0.35, 0.20, 0.30, 0.25, 0.40, 0.30],
            [0.10, 0.15, 0.10, 0.12, 0.08, 0.10, 0.15, 0.10],
            [0.60, 0.50, 0.55, 0.65, 0.50, 0.60, 0.55, 0.50],
        ],
    )
    return Scenario("dense8", "8 lists, 3 groups, 20,000 people", 20_000, probs)


SPEED_SEEDS = 5


def speed(seed: int) -> dict[str, Any]:
    """Each 8-list table estimated at default settings with ``SPEED_SEEDS`` seeds: a seed whose
    chains disagree at first runs on (``extend``), and its time counts."""
    out: dict[str, Any] = {}
    tables = {
        "new_orleans_8lists": read_overlap(TABLES / "new_orleans_8lists.csv")[0],
        "dense_8lists_simulated": dense_8(seed).draw(np.random.default_rng(seed)),
    }
    for name, table in tables.items():
        runs = []
        for s in range(seed, seed + SPEED_SEEDS):
            start, cpu = time.perf_counter(), time.process_time()
            est = lcmcr_estimate(table, LcmcrSettings(seed=s))
            runs.append(
                {
                    "seed": s,
                    "seconds": time.perf_counter() - start,
                    "cpu_seconds": time.process_time() - cpu,
                    "extended": est.diagnostics.get("extended"),
                    "identified": est.identified,
                    "median": est.median,
                    "lower": est.lower,
                    "upper": est.upper,
                    "rhat": est.diagnostics.get("rhat"),
                    "ess": est.diagnostics.get("ess"),
                }
            )
        wall = sorted(r["seconds"] for r in runs)
        out[name] = {
            "seconds": wall[len(wall) // 2],  # the median over the seeds
            "seconds_max": wall[-1],
            "cpu_seconds": sorted(r["cpu_seconds"] for r in runs)[len(runs) // 2],
            "extended_runs": sum(1 for r in runs if r["extended"]),
            "identified_runs": sum(1 for r in runs if r["identified"]),
            "cells_nonzero": int((table.counts > 0).sum()),
            "observed": table.observed,
            "runs": runs,
        }
        v = out[name]
        log(
            f"8 lists ({name}): median {v['seconds']:.1f} s wall (max {v['seconds_max']:.1f}), "
            f"{v['extended_runs']}/{SPEED_SEEDS} seeds extended"
        )
    return out


def simulations(replicates: int, quick: bool, seed: int) -> list[dict[str, Any]]:
    settings = (
        LcmcrSettings(burn_in=1_000, samples=300, thin=10, chains=3)
        if quick
        else LcmcrSettings()  # what a user gets
    )
    methods = estimators(settings)
    rows = []
    for name, scenario in scenarios(2000).items():
        log(f"simulation {name}: {replicates} replicates")
        for s in study(scenario, replicates, methods, seed=seed):
            rows.append(
                {
                    "scenario": name,
                    "description": scenario.description,
                    "total": scenario.total,
                    **s.as_dict(),
                }
            )
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--replicates", type=int, default=100)
    ap.add_argument("--quick", action="store_true", help="shorter chains, 8 replicates")
    ap.add_argument("--seed", type=int, default=2016)
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args()
    replicates = 8 if args.quick else args.replicates
    started = time.perf_counter()
    report: dict[str, Any] = {
        "benchmark": "estimate",
        "when": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpu": cpu_model(),
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "numpy": version_of("numpy"),
            "numba": version_of("numba"),
            "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
        },
        "parameters": {"replicates": replicates, "quick": args.quick, "seed": args.seed},
    }
    report["kosovo"] = kosovo(args.quick, args.seed)
    report["speed_8_lists"] = speed(args.seed)
    report["simulations"] = simulations(replicates, args.quick, args.seed)
    k = report["kosovo"]
    report["targets"] = {
        "kosovo_in_published_interval": {"met": k["median_in_published_interval"]},
        "eight_lists_under_10s": {
            "met": all(v["seconds"] < 10 for v in report["speed_8_lists"].values()),
            "met_in_cpu_time": all(v["cpu_seconds"] < 10 for v in report["speed_8_lists"].values()),
        },
        "coverage_at_least_0.90": {
            f"{r['scenario']}/{r['method']}": r["coverage"] for r in report["simulations"]
        },
    }
    report["seconds"] = time.perf_counter() - started
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, default=str) + "\n")

    def fmt(v: Any) -> str:
        return "—" if v is None else f"{v:,.0f}"

    print("\nKosovo 1999 (4 lists, 4,400 observed)")
    print(f"  {'method':<26}{'median':>9}{'lower':>9}{'upper':>9}  notes")
    lc, ll = k["lcmcr"], k["loglinear"]
    print(
        f"  {'Asylon LCMCR':<26}{fmt(lc['median']):>9}{fmt(lc['lower']):>9}{fmt(lc['upper']):>9}"
        f"  R-hat {lc['diagnostics']['rhat']:.3f}, ESS {lc['diagnostics']['ess']:.0f}, "
        f"{lc['seconds']:.1f} s"
    )
    print(
        f"  {'Asylon log-linear':<26}{fmt(ll['median']):>9}{fmt(ll['lower']):>9}"
        f"{fmt(ll['upper']):>9}  {', '.join(ll['model'].get('interactions', []))}"
    )
    print(f"  {'R LCMCR 0.4.14 (peer)':<26}{'10,300-10,600':>9}{fmt(9000):>9}{fmt(14000):>9}")
    print(f"  {'Ball et al. 2002':<26}{fmt(10356):>9}{fmt(9002):>9}{fmt(12122):>9}  stratified")
    print(f"\n8-list speed (default settings, median of {SPEED_SEEDS} seeds; max; chains run on)")
    for name, v in report["speed_8_lists"].items():
        print(
            f"  {name:<26}{v['seconds']:>7.1f} s wall {v['cpu_seconds']:>7.1f} s CPU  "
            f"max {v['seconds_max']:.1f} s  extended {v['extended_runs']}/{SPEED_SEEDS}  "
            f"identified {v['identified_runs']}/{SPEED_SEEDS}  ({v['cells_nonzero']} non-empty cells)"
        )
    print("\nSimulations (known totals)")
    print(
        f"  {'scenario':<15}{'method':<17}{'ident.':>7}{'bias':>8}{'rRMSE':>8}{'cover':>7}"
        f"{'width':>7}{'floor':>7}{'holds':>7}{'sim.thr':>8}"
    )
    for r in report["simulations"]:
        print(
            f"  {r['scenario']:<15}{r['method']:<17}{r['identified']:>3}/{r['replicates']:<3}"
            f"{r['relative_bias']:>8.3f}{r['relative_rmse']:>8.3f}{r['coverage']:>7.2f}"
            f"{r['mean_relative_width']:>7.2f}{r['lower_bound_holds']:>7.2f}"
            f"{r['statement_holds']:>7.2f}{r['largest_simulated_threshold']:>8.2f}"
        )
    print(f"\nwrote {args.out} in {report['seconds']:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
