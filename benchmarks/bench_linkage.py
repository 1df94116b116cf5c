"""Record linkage: ours beside Splink's documented models and recordlinkage's ECM, in one run.

    python benchmarks/bench_linkage.py [--datasets febrl4,febrl3,fake_1000,historical_50k,arabic]
                                       [--arabic-people 2000] [--arabic-sources 5]

Datasets (``linkage_data.py``; files in ``data/linkage-benchmarks/``): FEBRL4 link (5,000 x
5,000), FEBRL3 dedupe (5,000), Splink's ``fake_1000`` (truth: its ``cluster`` column, which the
shipped clerical labels agree with) and ``historical_figures_with_errors_50k``, and the seeded
synthetic Arabic victim lists of ``asylon.linkage.records.synthetic`` (5 sources).

Methods, each run in its own process (so peak memory is that process's maximum resident set,
interpreter and data included; time is the linkage alone, loading excluded; on FEBRL4, the
timed target, ours and Splink are each run three times and the fastest run is reported):

- **ours**: :func:`asylon.linkage.records.link` (victims configuration) on the Arabic lists,
  :func:`asylon.linkage.records.link_frame` with the generic person configuration
  (``person_config``: given name, surname, date of birth, street number, address, suburb,
  postcode, those a dataset has) elsewhere; seed 0; on the victim lists threshold 0.5 with
  cohesion 0.5 (average linkage, :mod:`asylon.linkage.records.cluster`), elsewhere single
  links at 0.9 (cohesion there cost FEBRL3 and the 50k set recall: pairs of large groups the
  blocking leaves unscored count as 0). No
  threshold or weight is tuned on these labels, but the person configuration's address blocking rules were added
  after looking at the pairs it missed on FEBRL4 (which is therefore not an unseen test set);
- **splink**: Splink's documented model per dataset (``linkage_peers.py``); on the Arabic
  lists, plain Splink with library comparisons on the raw columns;
- **rl-ecm**: recordlinkage's ECM classifier (``linkage_peers.py``).

Measures (``asylon.linkage.records.evaluate``): pairwise precision/recall/F1, B-cubed F1,
error in the number of unique persons. Targets: FEBRL4 F1 >= 0.99 in under 2x Splink's time;
on the Arabic lists a unique-count error at most half of plain Splink's. Writes
``benchmarks/results/linkage-latest.json``.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from benchutil import cpu_model, log, version_of  # noqa: E402

RESULTS = HERE / "results" / "linkage-latest.json"
METHODS = ("ours", "splink", "rl-ecm")


def run_one(dataset: str, method: str, people: int, sources: int) -> dict[str, object]:
    """Link one dataset with one method in this process; the scores, time and peak memory."""
    import linkage_data
    import linkage_peers
    from asylon.linkage.records import link, link_frame
    from asylon.linkage.records.evaluate import evaluate

    if dataset == "arabic":
        data = linkage_data.arabic(people, sources)
    else:
        data = linkage_data.load(dataset)
    started = time.perf_counter()
    if method == "ours":
        if data.records:
            result = link(data.records, seed=0)
        else:
            assert data.ours_frame is not None and data.ours_config is not None
            result = link_frame(data.ours_frame, data.ours_config, seed=0)
        assignment = result.assignment()
    elif method == "splink":
        assignment = linkage_peers.splink_documented(data)
    else:
        assignment = linkage_peers.recordlinkage_ecm(data)
    seconds = time.perf_counter() - started
    scores = evaluate(assignment, data.truth)
    out: dict[str, object] = {
        "dataset": dataset,
        "method": method,
        "records": len(data.truth),
        "seconds": round(seconds, 2),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "pairwise_precision": round(scores.pairwise_precision, 4),
        "pairwise_recall": round(scores.pairwise_recall, 4),
        "pairwise_f1": round(scores.pairwise_f1, 4),
        "bcubed_f1": round(scores.bcubed_f1, 4),
        "predicted_persons": scores.predicted_persons,
        "true_persons": scores.true_persons,
        "unique_error": scores.unique_error,
    }
    if "true_total" in data.extra:
        out["population"] = data.extra["true_total"]
    return out


def _child(dataset: str, method: str, people: int, sources: int) -> dict[str, object]:
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--one",
        dataset,
        method,
        "--arabic-people",
        str(people),
        "--arabic-sources",
        str(sources),
    ]
    log(f"{dataset} / {method} ...")
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = done.stderr.strip().splitlines()[-3:]
        log(f"{dataset} / {method} FAILED: {' | '.join(tail)}")
        return {"dataset": dataset, "method": method, "error": " | ".join(tail)}
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    log(
        f"{dataset} / {method}: F1 {result['pairwise_f1']}, unique error "
        f"{result['unique_error']}, {result['seconds']} s, {result['peak_mb']} MB"
    )
    return result


def _table(rows: list[dict[str, object]]) -> str:
    head = (
        f"{'dataset':<15} {'method':<7} {'records':>7} {'P':>6} {'R':>6} {'F1':>6} "
        f"{'B3 F1':>6} {'persons':>8} {'true':>6} {'error':>6} {'time s':>7} {'peak MB':>8}"
    )
    lines = [head, "-" * len(head)]
    for r in rows:
        if "error" in r:
            lines.append(f"{r['dataset']:<15} {r['method']:<7} FAILED: {r['error']}")
            continue
        lines.append(
            f"{r['dataset']:<15} {r['method']:<7} {r['records']:>7} "
            f"{r['pairwise_precision']:>6.3f} {r['pairwise_recall']:>6.3f} "
            f"{r['pairwise_f1']:>6.3f} {r['bcubed_f1']:>6.3f} {r['predicted_persons']:>8} "
            f"{r['true_persons']:>6} {r['unique_error']:>+6} {r['seconds']:>7.1f} "
            f"{r['peak_mb']:>8.0f}"
        )
    return "\n".join(lines)


def _targets(rows: list[dict[str, object]]) -> list[str]:
    by = {(str(r["dataset"]), str(r["method"])): r for r in rows if "error" not in r}
    out = []
    ours, splink = by.get(("febrl4", "ours")), by.get(("febrl4", "splink"))
    if ours and splink:
        f1 = float(ours["pairwise_f1"])  # type: ignore[arg-type]
        ratio = float(ours["seconds"]) / float(splink["seconds"])  # type: ignore[arg-type]
        met = f1 >= 0.99 and ratio < 2.0
        out.append(
            f"FEBRL4: F1 {f1:.4f} (target >= 0.99: {'met' if f1 >= 0.99 else 'NOT met'}), "
            f"time {ratio:.2f}x Splink's (target < 2x: {'met' if ratio < 2 else 'NOT met'}) "
            f"-> {'MET' if met else 'NOT MET'}"
        )
    ours, splink = by.get(("arabic", "ours")), by.get(("arabic", "splink"))
    if ours and splink:
        e_ours = abs(int(ours["unique_error"]))  # type: ignore[call-overload]
        e_splink = abs(int(splink["unique_error"]))  # type: ignore[call-overload]
        met = e_ours <= e_splink / 2
        out.append(
            f"Arabic lists: unique-count error ours {e_ours} vs plain Splink {e_splink} "
            f"(target: at most half) -> {'MET' if met else 'NOT MET'}"
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--datasets", default="febrl4,febrl3,fake_1000,historical_50k,arabic")
    parser.add_argument("--methods", default=",".join(METHODS))
    parser.add_argument("--arabic-people", type=int, default=2000)
    parser.add_argument("--arabic-sources", type=int, default=5)
    parser.add_argument("--febrl4-repeats", type=int, default=3, help="best-of for the timing")
    parser.add_argument("--one", nargs=2, metavar=("DATASET", "METHOD"))
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    if args.one:
        result = run_one(args.one[0], args.one[1], args.arabic_people, args.arabic_sources)
        print(json.dumps(result))
        return
    rows = []
    for d in args.datasets.split(","):
        for m in args.methods.split(","):
            runs = [_child(d, m, args.arabic_people, args.arabic_sources)]
            if d == "febrl4" and m in ("ours", "splink") and "error" not in runs[0]:
                # the timed target: best of several runs (this VM is shared and noisy)
                runs += [
                    _child(d, m, args.arabic_people, args.arabic_sources)
                    for _ in range(args.febrl4_repeats - 1)
                ]
            best = min(runs, key=lambda r: float(r.get("seconds", 0.0)))  # type: ignore[arg-type]
            best["runs"] = len(runs)
            rows.append(best)
    print("\nRecord linkage: ours beside Splink's documented models and recordlinkage ECM")
    print(
        f"machine: {cpu_model()}, {os.cpu_count()} cores; splink {version_of('splink')}, "
        f"recordlinkage {version_of('recordlinkage')}, duckdb {version_of('duckdb')}"
    )
    print(_table(rows))
    print(
        "\nTargets (ours: victim lists at threshold 0.5 with cohesion 0.5, elsewhere single"
        "\n links at 0.9; seed 0; no threshold or weight tuned on these labels;"
        "\n but the address blocking rules of the person configuration were added after"
        "\n looking at the pairs it missed on FEBRL4, so FEBRL4 is not an unseen test set;"
        "\n the victims configuration was developed on generator seeds 1, 3, 5 and 11 (the"
        "\n threshold and cohesion on seeds 5, 11 and 42), the"
        "\n Arabic lists here use seed 20261122):"
    )
    for line in _targets(rows):
        print("  " + line)
    report = {
        "date": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "cpu": cpu_model(),
        "rows": rows,
        "targets": _targets(rows),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
