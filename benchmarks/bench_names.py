"""Names across scripts and Article 1F screening: accuracy and speed, beside two peers.

    python benchmarks/bench_names.py [--register 100000] [--speed-applicants 2000]
                                     [--screen-register 20000] [--screen-applicants 1000]
                                     [--pairs 3000] [--no-peer-install]

(a) **name-variant pairs** from the shipped variant data (``data/names``): true pairs are two
    spellings of one Arabic name (a rigour synonym group, a Wikidata transliteration pair,
    a Google Arabic→English pair); hard negatives are spellings of two different Arabic
    names that look alike (same consonant skeleton: أسعد As'ad / أسد Asad). Split by Arabic
    form (CRC32 mod 5): three fifths build the lexicon our matcher uses here, one fifth tunes
    every method's threshold, the last fifth (with Google's ``ar2en-eval``, never loaded by the
    product) is the evaluation set; neither of the last two is in that lexicon.
(b) **screening**: synthetic register persons (``namegen.py``) and applicants: true matches
    under other spellings and scripts, non-matches who share common names. Thresholds: ours
    is ``DEFAULT_THRESHOLD`` (fixed in the code), the peers' are tuned on a separate seed.
(c) **speed**: applicants screened per second against a register of ``--register`` persons
    on one pinned core, index build time, peak memory.

Peers, in the same run: a plain baseline (rapidfuzz ``token_sort_ratio`` on names folded to
ASCII with ``normality.ascii_text``; exhaustive search) and the OpenSanctions matcher
(nomenklatura ``logic-v2`` through FollowTheMoney entities, in its own virtualenv under
``var/bench-peers/`` because it pins duckdb<2; created on first run unless
``--no-peer-install``). Writes ``benchmarks/results/names-latest.json``.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import gc
import json
import os
import random
import resource
import subprocess
import sys
import time
import zlib
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from benchutil import cpu_model, log, pin_to_one_core, version_of

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
try:
    import asylon.names  # noqa: F401
except ModuleNotFoundError:  # not installed (pip install -e .): use the source tree
    sys.path.insert(0, str(ROOT / "src"))

import normality  # noqa: E402
from rapidfuzz import fuzz, process  # noqa: E402

import namegen  # noqa: E402
from asylon.evidence.gazetteer import Gazetteer, PlaceError  # noqa: E402
from asylon.names.compare import NameComparer  # noqa: E402
from asylon.names.data import build_lexicon, names_dir, read_groups, read_pairs  # noqa: E402
from asylon.names.normalise import script_of  # noqa: E402
from asylon.names.skeleton import coarse_key  # noqa: E402
from asylon.names.variants import lookup_form  # noqa: E402
from asylon.screening.records import ApplicantRecord, RegisterPerson  # noqa: E402
from asylon.screening.score import DEFAULT_THRESHOLD, Screener  # noqa: E402

RESULTS = HERE / "results" / "names-latest.json"
PEER_VENV = ROOT / "var" / "bench-peers" / "nomenklatura"
NOMENKLATURA = "nomenklatura==4.17.4"
Pair = tuple[str, str, bool, str]  # left, right, same person/name?, origin


# -- (a) pairs ------------------------------------------------------------------------------
def fold(arabic: str) -> int:
    """0: evaluation, 1: tuning, 2-4: the lexicon (by CRC32 of the Arabic form, mod 5)."""
    return zlib.crc32(lookup_form(arabic).encode()) % 5


def _keep_training(forms: Sequence[str]) -> bool:
    return all(fold(a) >= 2 for a in forms)


def name_pairs(n: int, seed: int, evaluation: bool) -> list[Pair]:
    """True pairs and look-alike negatives from the evaluation (or the tuning) fold, neither
    of which the lexicon of this benchmark contains."""
    wanted = 0 if evaluation else 1

    def held_out(arabic: str) -> bool:
        return fold(arabic) == wanted

    rng = random.Random(f"{seed}:pairs:{evaluation}")
    folder = names_dir()
    spellings: dict[str, set[str]] = {}  # Arabic lookup form -> spellings (incl. itself)
    display: dict[str, str] = {}
    attested_all: dict[str, set[str]] = {}  # spelling -> Arabic forms, the whole data
    groups_of: dict[str, set[str]] = {}

    def note(arabic: str, spelling: str, count_in: bool) -> None:
        key = lookup_form(arabic)
        attested_all.setdefault(lookup_form(spelling), set()).add(key)
        if count_in:
            display.setdefault(key, arabic)
            spellings.setdefault(key, {arabic}).add(spelling)

    for aliases, qid in read_groups(folder / "rigour_person_names_arabic.txt"):
        arabic = [a for a in aliases if script_of(a) == "arabic"]
        inside = bool(arabic) and all(held_out(a) for a in arabic)
        for a in arabic:
            groups_of.setdefault(lookup_form(a), set()).add(qid)
            for alias in aliases:
                if script_of(alias) != "arabic":
                    note(a, alias, inside and len(arabic) == 1)
    for latin, arabic, count in read_pairs(folder / "wikidata_arabic.tsv"):
        note(arabic, latin, held_out(arabic) and count >= 2)
    positives: list[Pair] = []
    if evaluation:
        for arabic, latin, _ in read_pairs(folder / "google_ar2en_eval.tsv"):
            positives.append((arabic, latin, True, "google ar2en-eval: Arabic / Latin"))
    else:
        for arabic, latin, _ in read_pairs(folder / "google_ar2en_train.tsv"):
            if held_out(arabic):
                positives.append((arabic, latin, True, "google ar2en-train: Arabic / Latin"))
    keys = sorted(k for k, v in spellings.items() if len(v) >= 2)
    rng.shuffle(keys)
    rng.shuffle(positives)
    positives = positives[: n // 3]
    for key in keys:
        forms = sorted(spellings[key])
        a, b = rng.sample(forms, 2)
        kinds = {script_of(a), script_of(b)}
        origin = "variant data: " + " / ".join(sorted(kinds))
        positives.append((a, b, True, origin))
        if len(positives) >= n:
            break
    # hard negatives: spellings of different Arabic names that look alike
    by_skeleton: dict[str, list[str]] = {}
    for key in spellings:
        by_skeleton.setdefault(coarse_key(display[key]), []).append(key)
    negatives: list[Pair] = []
    buckets = [v for v in by_skeleton.values() if len(v) >= 2]
    rng.shuffle(buckets)
    tries = 0
    while len(negatives) < n and tries < 50 * n and buckets:
        tries += 1
        bucket = buckets[tries % len(buckets)]
        k1, k2 = rng.sample(bucket, 2)
        if groups_of.get(k1, set()) & groups_of.get(k2, set()):
            continue
        a = rng.choice(sorted(spellings[k1]))
        b = rng.choice(sorted(spellings[k2]))
        if attested_all.get(lookup_form(a), set()) & attested_all.get(lookup_form(b), set()):
            continue  # one spelling is attested for both names: not a clean negative
        if k2 in attested_all.get(lookup_form(a), set()) or k1 in attested_all.get(
            lookup_form(b), set()
        ):
            continue
        if lookup_form(a) == lookup_form(b):
            continue
        origin = "look-alike: " + " / ".join(sorted({script_of(a), script_of(b)}))
        negatives.append((a, b, False, origin))
    return positives[:n] + negatives


def ascii_fold(text: str) -> str:
    return normality.ascii_text(text).lower()


def baseline_score(a: str, b: str) -> float:
    return fuzz.token_sort_ratio(ascii_fold(a), ascii_fold(b)) / 100.0


def metrics(scores: Sequence[float], truth: Sequence[bool], threshold: float) -> dict[str, Any]:
    tp = sum(1 for s, t in zip(scores, truth, strict=True) if t and s >= threshold)
    fp = sum(1 for s, t in zip(scores, truth, strict=True) if not t and s >= threshold)
    fn = sum(1 for s, t in zip(scores, truth, strict=True) if t and s < threshold)
    return _prf(tp, fp, fn) | {"threshold": round(threshold, 3)}


def _prf(tp: int, fp: int, fn: int) -> dict[str, Any]:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "tp": tp,
        "fp": fp,
        "fn": fn,
    }


def best_threshold(scores: Sequence[float], truth: Sequence[bool]) -> float:
    grid = sorted({round(s, 3) for s in scores} | {0.5})
    return max(grid, key=lambda t: (metrics(scores, truth, t)["f1"], -t))


# -- the nomenklatura peer ------------------------------------------------------------------
def peer_python(install: bool) -> Path | None:
    python = PEER_VENV / "bin" / "python"
    if python.exists():
        return python
    if not install:
        return None
    log(f"creating the peer virtualenv {PEER_VENV} with {NOMENKLATURA} (once)")
    try:
        subprocess.run([sys.executable, "-m", "venv", str(PEER_VENV)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", NOMENKLATURA], check=True, timeout=900
        )
    except (subprocess.SubprocessError, OSError) as exc:
        log(f"nomenklatura did not install: {exc}")
        return None
    return python


def nomenklatura_scores(
    python: Path | None, records: list[dict[str, Any]]
) -> tuple[list[float] | None, float]:
    if python is None:
        return None, 0.0
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    started = time.perf_counter()
    done = subprocess.run(
        [str(python), str(HERE / "peer_nomenklatura.py")],
        input=text, capture_output=True, text=True, check=False,
    )  # fmt: skip
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        log(f"nomenklatura peer failed: {done.stderr[-2000:]}")
        return None, elapsed
    log(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "nomenklatura done")
    return [float(x) for x in done.stdout.split()], elapsed


def _side(
    names: Iterable[str], dates: Iterable[Any] = (), countries: Iterable[str] = ()
) -> dict[str, list[str]]:
    return {
        "names": list(names),
        "birth_dates": [str(d) for d in dates],
        "countries": list(countries),
    }


# -- (b) screening --------------------------------------------------------------------------
def screening_set(
    vocab: namegen.Vocabulary, register: list[RegisterPerson], n: int, seed: int
) -> list[tuple[ApplicantRecord, str | None]]:
    rng = random.Random(f"{seed}:choose")
    out: list[tuple[ApplicantRecord, str | None]] = []
    for i in range(n):
        p = register[rng.randrange(len(register))]
        out.append((namegen.applicant_for(p, i, vocab, seed), p.id))
    for i in range(n):
        p = register[rng.randrange(len(register))]
        out.append((namegen.applicant_nonmatch(p, i, vocab, seed), None))
    return out


def gazetteer_same_place(gazetteer: Gazetteer) -> Callable[[str, str], bool | None]:
    cache: dict[str, str | None] = {}

    def code(name: str) -> str | None:
        if name not in cache:
            try:
                cache[name] = gazetteer.lookup(name).code
            except PlaceError:
                cache[name] = None
        return cache[name]

    def same(a: str, b: str) -> bool | None:
        ca, cb = code(a), code(b)
        return None if ca is None or cb is None else ca == cb

    return same


def evaluate_hits(
    hits: dict[str, list[tuple[str, float]]], truth: dict[str, str | None], threshold: float
) -> dict[str, Any]:
    tp = fp = fn = 0
    for applicant, expected in truth.items():
        found = {rid for rid, score in hits.get(applicant, []) if score >= threshold}
        if expected is not None:
            tp += expected in found
            fn += expected not in found
            fp += len(found - {expected})
        else:
            fp += len(found)
    return _prf(tp, fp, fn) | {"threshold": round(threshold, 3)}


def tune_hits(hits: dict[str, list[tuple[str, float]]], truth: dict[str, str | None]) -> float:
    grid = sorted({round(s, 2) for v in hits.values() for _, s in v} | {0.5})
    return max(grid, key=lambda t: (evaluate_hits(hits, truth, t)["f1"], -t))


def baseline_hits(
    register: list[RegisterPerson], applicants: list[ApplicantRecord], cutoff: float
) -> dict[str, list[tuple[str, float]]]:
    choices: list[str] = []
    owner: list[str] = []
    for p in register:
        for name in p.all_names:
            choices.append(ascii_fold(name))
            owner.append(p.id)
    out: dict[str, list[tuple[str, float]]] = {}
    for a in applicants:
        best: dict[str, float] = {}
        for name in a.names:
            for _, score, idx in process.extract(
                ascii_fold(name),
                choices,
                scorer=fuzz.token_sort_ratio,
                limit=20,
                score_cutoff=cutoff * 100,
            ):
                rid = owner[idx]
                best[rid] = max(best.get(rid, 0.0), score / 100)
        out[a.id] = sorted(best.items(), key=lambda kv: -kv[1])
    return out


def run_screening(
    args: argparse.Namespace,
    vocab: namegen.Vocabulary,
    comparer: NameComparer,
    same_place: Callable[[str, str], bool | None],
    python: Path | None,
    seed: int,
    size: int,
    n: int,
) -> dict[str, Any]:
    register = [namegen.person(i, vocab, seed) for i in range(size)]
    cases = screening_set(vocab, register, n, seed)
    truth = {a.id: rid for a, rid in cases}
    applicants = [a for a, _ in cases]
    screener = Screener(register, comparer=comparer, same_place=same_place)
    ours = {
        a.id: [(h.register_id, h.score) for h in screener.screen(a, all_hits=True)]
        for a in applicants
    }
    base = baseline_hits(register, applicants, 0.6)
    by_id = {p.id: p for p in register}
    records: list[dict[str, Any]] = []
    keys: list[tuple[str, str]] = []
    for a in applicants:
        candidates = {rid for rid, _ in ours[a.id][:5]} | {rid for rid, _ in base[a.id][:5]}
        if truth[a.id]:
            candidates.add(truth[a.id])  # type: ignore[arg-type]
        for rid in sorted(candidates):
            p = by_id[rid]
            records.append(
                {
                    "qid": a.id,
                    "rid": rid,
                    "q": _side(a.names, a.birth_dates, a.nationalities),
                    "r": _side(p.all_names, p.birth_dates, p.nationalities),
                }
            )
            keys.append((a.id, rid))
    nk_scores, nk_time = nomenklatura_scores(python, records)
    nk: dict[str, list[tuple[str, float]]] | None = None
    if nk_scores is not None:
        nk = {}
        for (aid, rid), score in zip(keys, nk_scores, strict=True):
            nk.setdefault(aid, []).append((rid, score))
    return {
        "ours": ours,
        "baseline": base,
        "nomenklatura": nk,
        "truth": truth,
        "nk_pairs": len(records),
        "nk_seconds": nk_time,
    }


# -- main -----------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--register", type=int, default=100_000)
    ap.add_argument("--speed-applicants", type=int, default=2000)
    ap.add_argument("--screen-register", type=int, default=20_000)
    ap.add_argument(
        "--screen-applicants", type=int, default=1000, help="true matches (and as many non-matches)"
    )
    ap.add_argument("--pairs", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=2011)
    ap.add_argument("--tune-seed", type=int, default=1982)
    ap.add_argument("--no-peer-install", action="store_true")
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args(argv)
    started = time.perf_counter()
    cpu = pin_to_one_core()
    python = peer_python(not args.no_peer_install)
    report: dict[str, Any] = {
        "benchmark": "names", "when": _dt.datetime.now().isoformat(timespec="seconds"),
        "machine": {"cpu": cpu_model(), "pinned_cpu": cpu, "loadavg": os.getloadavg()},
        "versions": {"rapidfuzz": version_of("rapidfuzz"), "normality": version_of("normality"), "nomenklatura": NOMENKLATURA if python else None},
        "parameters": vars(args) | {"out": str(args.out)},
    }  # fmt: skip

    # (a) -------------------------------------------------------------------------------
    log("(a) building the training-split lexicon")
    t0 = time.perf_counter()
    train_lexicon = build_lexicon(keep=_keep_training)
    report["lexicon_build_s"] = round(time.perf_counter() - t0, 2)
    train_comparer = NameComparer(train_lexicon)
    tune_pairs = name_pairs(args.pairs // 2, args.seed, evaluation=False)
    eval_pairs = name_pairs(args.pairs, args.seed, evaluation=True)
    log(f"(a) {len(tune_pairs)} tuning pairs, {len(eval_pairs)} evaluation pairs")
    pair_report: dict[str, Any] = {
        "tuning_pairs": len(tune_pairs),
        "evaluation_pairs": len(eval_pairs),
        "methods": {},
    }
    for label, scorer in (
        ("asylon", lambda a, b: train_comparer.names(a, b).score),
        ("baseline", baseline_score),
    ):
        tune = [scorer(a, b) for a, b, _, _ in tune_pairs]
        threshold = best_threshold(tune, [t for _, _, t, _ in tune_pairs])
        t1 = time.perf_counter()
        scores = [scorer(a, b) for a, b, _, _ in eval_pairs]
        elapsed = time.perf_counter() - t1
        pair_report["methods"][label] = metrics(
            scores, [t for _, _, t, _ in eval_pairs], threshold
        ) | {"pairs_per_s": round(len(eval_pairs) / elapsed)}
        pair_report["methods"][label]["by_origin"] = _by_origin(eval_pairs, scores, threshold)
    nk_records = [{"q": _side([a]), "r": _side([b])} for a, b, _, _ in tune_pairs + eval_pairs]
    nk_scores, nk_time = nomenklatura_scores(python, nk_records)
    if nk_scores is not None:
        tune, scores = nk_scores[: len(tune_pairs)], nk_scores[len(tune_pairs) :]
        threshold = best_threshold(tune, [t for _, _, t, _ in tune_pairs])
        pair_report["methods"]["nomenklatura"] = metrics(
            scores, [t for _, _, t, _ in eval_pairs], threshold
        ) | {"pairs_per_s": round(len(nk_records) / nk_time)}
        pair_report["methods"]["nomenklatura"]["by_origin"] = _by_origin(
            eval_pairs, scores, threshold
        )
    report["a_pairs"] = pair_report

    # (b) -------------------------------------------------------------------------------
    log("(b) the shipped lexicon and the vocabulary of the synthetic register")
    from asylon.names.data import default_lexicon

    lexicon = default_lexicon()
    comparer = NameComparer(lexicon)
    gazetteer = Gazetteer.load()
    vocab = namegen.vocabulary(lexicon, gazetteer)
    same_place = gazetteer_same_place(gazetteer)
    log(f"(b) tuning run (seed {args.tune_seed})")
    tuning = run_screening(
        args,
        vocab,
        comparer,
        same_place,
        python,
        args.tune_seed,
        max(2000, args.screen_register // 4),
        max(200, args.screen_applicants // 4),
    )
    log(
        f"(b) evaluation run (seed {args.seed}): register {args.screen_register}, {2 * args.screen_applicants} applicants"
    )
    evaluation = run_screening(
        args,
        vocab,
        comparer,
        same_place,
        python,
        args.seed,
        args.screen_register,
        args.screen_applicants,
    )
    screen_report: dict[str, Any] = {
        "register": args.screen_register,
        "applicants": 2 * args.screen_applicants,
        "methods": {},
    }
    for label in ("ours", "baseline", "nomenklatura"):
        if evaluation[label] is None or tuning[label] is None:
            continue
        tuned = tune_hits(tuning[label], tuning["truth"])
        fixed = DEFAULT_THRESHOLD if label == "ours" else tuned
        screen_report["methods"][label] = evaluate_hits(
            evaluation[label], evaluation["truth"], fixed
        ) | {
            "tuned_threshold": tuned,
            "at_tuned_threshold": evaluate_hits(evaluation[label], evaluation["truth"], tuned),
        }
    screen_report["nomenklatura_pairs"] = evaluation["nk_pairs"]
    report["b_screening"] = screen_report

    # (c) -------------------------------------------------------------------------------
    log(f"(c) speed: a register of {args.register} persons")
    gc.collect()
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    register = [namegen.person(i, vocab, args.seed + 1) for i in range(args.register)]
    t0 = time.perf_counter()
    screener = Screener(register, comparer=comparer, same_place=same_place)
    build = time.perf_counter() - t0
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    cases = screening_set(vocab, register, args.speed_applicants // 2, args.seed + 1)
    applicants = [a for a, _ in cases]
    for a in applicants[:200]:
        screener.screen(a)  # warm-up (token caches)
    gc.collect()
    t0, c0 = time.perf_counter(), time.process_time()
    hits = 0
    for a in applicants:
        hits += len(screener.screen(a))
    wall, cpu_s = time.perf_counter() - t0, time.process_time() - c0
    report["c_speed"] = {
        "register": args.register, "applicants": len(applicants), "hits": hits,
        "applicants_per_s": round(len(applicants) / wall), "cpu_applicants_per_s": round(len(applicants) / cpu_s),
        "index_build_s": round(build, 1), "rss_before_register_mb": round(rss0 / 1024),
        "rss_after_index_mb": round(rss1 / 1024), "rss_peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "nomenklatura_pairs_per_s": round(evaluation["nk_pairs"] / evaluation["nk_seconds"]) if evaluation["nk_seconds"] else None,
    }  # fmt: skip
    report["targets"] = {
        "recall_b": {"target": 0.98, "value": screen_report["methods"]["ours"]["recall"], "met": screen_report["methods"]["ours"]["recall"] >= 0.98},
        "precision_b": {"target": 0.95, "value": screen_report["methods"]["ours"]["precision"], "met": screen_report["methods"]["ours"]["precision"] >= 0.95},
        "applicants_per_s": {"target": 1000, "value": report["c_speed"]["applicants_per_s"], "met": report["c_speed"]["applicants_per_s"] >= 1000},
    }  # fmt: skip
    report["seconds"] = round(time.perf_counter() - started, 1)
    print_table(report)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    log(f"report written to {args.out}")
    return 0


def _by_origin(pairs: Sequence[Pair], scores: Sequence[float], threshold: float) -> dict[str, Any]:
    groups: dict[str, list[tuple[float, bool]]] = {}
    for (_, _, truth, origin), score in zip(pairs, scores, strict=True):
        groups.setdefault(origin, []).append((score, truth))
    out = {}
    for origin, rows in sorted(groups.items()):
        hit = sum(1 for s, t in rows if (s >= threshold) == t)
        out[origin] = {"pairs": len(rows), "correct": round(hit / len(rows), 4)}
    return out


def print_table(report: dict[str, Any]) -> None:
    def row(cells: Sequence[Any]) -> str:
        return "  ".join(f"{c!s:<24}" if i == 0 else f"{c!s:>14}" for i, c in enumerate(cells))

    a, b, c = report["a_pairs"], report["b_screening"], report["c_speed"]
    labels = {
        "asylon": "Asylon",
        "ours": "Asylon",
        "baseline": "rapidfuzz baseline",
        "nomenklatura": "nomenklatura logic-v2",
    }
    print(
        f"\n(a) name-variant pairs: {a['evaluation_pairs']} held-out pairs (thresholds tuned on {a['tuning_pairs']} training pairs)"
    )
    print(row(["method", "threshold", "precision", "recall", "F1", "pairs/s"]))
    for label, m in a["methods"].items():
        print(
            row(
                [
                    labels[label],
                    m["threshold"],
                    m["precision"],
                    m["recall"],
                    m["f1"],
                    m["pairs_per_s"],
                ]
            )
        )
    asylon = a["methods"]["asylon"]["by_origin"]
    print(
        "    Asylon by kind of pair (share decided correctly): "
        + "; ".join(f"{k} {v['correct']:.3f} (n={v['pairs']})" for k, v in asylon.items())
    )
    print(
        f"\n(b) screening: register {b['register']}, {b['applicants']} applicants (half true matches); targets recall >= 0.98, precision >= 0.95"
    )
    print(row(["method", "threshold", "precision", "recall", "F1", "tuned t / F1"]))
    for label, m in b["methods"].items():
        tuned = m["at_tuned_threshold"]
        print(
            row(
                [
                    labels[label],
                    m["threshold"],
                    m["precision"],
                    m["recall"],
                    m["f1"],
                    f"{m['tuned_threshold']} / {tuned['f1']}",
                ]
            )
        )
    print(
        f"    nomenklatura scored {b['nomenklatura_pairs']} candidate pairs (ours and the baseline's top 5, plus the true person): it has no index of its own"
    )
    print(
        f"\n(c) speed on one core: {c['applicants_per_s']:,} applicants/s against {c['register']:,} persons (target 1,000); CPU {c['cpu_applicants_per_s']:,}/s"
    )
    print(
        f"    index build {c['index_build_s']} s; ru_maxrss {c['rss_before_register_mb']} MB before the register, {c['rss_after_index_mb']} MB with it indexed, peak {c['rss_peak_mb']} MB"
    )
    if c.get("nomenklatura_pairs_per_s"):
        print(
            f"    nomenklatura logic-v2: {c['nomenklatura_pairs_per_s']:,} pairs/s (including its start-up)"
        )
    print(f"\ntotal {report['seconds']} s")


if __name__ == "__main__":
    sys.exit(main())
