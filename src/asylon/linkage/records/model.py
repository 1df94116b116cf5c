"""How the Fellegi-Sunter model is trained and applied: Splink 4 on DuckDB, without labels.

For one configuration (:mod:`asylon.linkage.records.config`) and one table of prepared records:

1. the prior (how likely two random records are one person) from the configuration's
   near-certain rules and their assumed recall;
2. the u probabilities (how often each level occurs among non-matches) by random sampling of
   record pairs, seeded;
3. the m probabilities (how often among matches) by expectation maximisation, one session per
   training blocking rule (a session does not estimate the comparisons its rule blocks on);
4. prediction over the pairs the blocking rules let through, kept at or above the threshold.

Each kept pair becomes an :class:`~asylon.linkage.records.cluster.Edge` whose
:class:`~asylon.linkage.records.types.MatchEvidence` lists every comparison's level label and
its log2 Bayes factor (including the term-frequency adjustment), so every merge says why.

**Lists too large for one machine.** The same settings run on Splink's Spark back end: build
the ``SettingsCreator`` exactly as :func:`train_and_predict` does, then
``Linker(frame, settings, db_api=SparkAPI(spark_session=spark))`` with
``from splink import SparkAPI`` (``pip install 'splink[spark]'``, Spark 3.5 or later), and
the same training and ``predict`` calls. Three things differ. The cross-script name score is
registered as a Spark function instead of a DuckDB one
(``spark.udf.register("asylon_name_score", NameScorer(), DoubleType())``, or a pandas UDF
for speed; each executor builds its own comparer from the shipped lexicon). The DuckDB
functions in the victims levels have Spark spellings: ``list_has_any`` is ``arrays_overlap``
and ``date_diff('day', a, b)`` is ``datediff(b, a)`` (Splink translates a level written in one
dialect to another with sqlglot when it is created with ``base_dialect_str="duckdb"``; check
the translated SQL once). And the prepared frame (``victim_frame`` of
:mod:`~asylon.linkage.records.prepare`) is built per partition with ``mapInPandas``. Clustering under the reviewers'
judgements (:mod:`asylon.linkage.records.cluster`) then runs on the collected edges at or
above the threshold, which are few even when the lists are large; for hundreds of millions of
edges, Splink's own ``cluster_pairwise_predictions_at_threshold`` on Spark gives the
unconstrained clusters, and the judgements are then applied within the clusters they touch.
"""

from __future__ import annotations

import contextlib
import logging
import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
import pandas as pd  # type: ignore[import-untyped]
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink.internals.comparison_creator import ComparisonCreator
from splink.internals.exceptions import SplinkException
from splink.internals.splink_dataframe import SplinkDataFrame

from asylon.linkage.records.cluster import Edge
from asylon.linkage.records.config import LinkageConfig
from asylon.linkage.records.result import LevelParameter, ModelParameters
from asylon.linkage.records.types import MatchEvidence
from asylon.linkage.records.udf import NameScorer, register_name_score

__all__ = ["Prediction", "train_and_predict"]


@dataclass(frozen=True, slots=True)
class _Level:
    label: str
    tf_column: str | None


@dataclass(frozen=True)
class Prediction:
    """The trained model's parameters, its edges at or above the threshold, judged pairs' evidence."""

    parameters: ModelParameters
    edges: tuple[Edge, ...]
    judged_evidence: dict[tuple[str, str], MatchEvidence]


def _levels(model: Mapping[str, Any]) -> dict[str, dict[int, _Level]]:
    """Comparison name → gamma value → level, as Splink numbers them (null level -1)."""
    out: dict[str, dict[int, _Level]] = {}
    for comparison in model["comparisons"]:
        levels = comparison["comparison_levels"]
        non_null = [lv for lv in levels if not lv.get("is_null_level")]
        mapping: dict[int, _Level] = {}
        gamma = len(non_null) - 1
        for lv in levels:
            label = str(lv.get("label_for_charts") or lv["sql_condition"])
            if lv.get("is_null_level"):
                mapping[-1] = _Level(label, None)
                continue
            mapping[gamma] = _Level(label, lv.get("tf_adjustment_column"))
            gamma -= 1
        out[str(comparison["output_column_name"])] = mapping
    return out


def _parameters(model: Mapping[str, Any], config: str, notes: Iterable[str]) -> ModelParameters:
    items = []
    for comparison in model["comparisons"]:
        name = str(comparison["output_column_name"])
        for lv in comparison["comparison_levels"]:
            null = bool(lv.get("is_null_level"))
            m = lv.get("m_probability")
            u = lv.get("u_probability")
            m_f = float(m) if m is not None and not null else None
            u_f = float(u) if u is not None and not null else None
            bf = math.log2(m_f / u_f) if m_f and u_f else None
            items.append(
                LevelParameter(
                    comparison=name,
                    level=str(lv.get("label_for_charts") or lv["sql_condition"]),
                    m=m_f,
                    u=u_f,
                    log2_bayes_factor=bf,
                    tf_adjusted=bool(lv.get("tf_adjustment_column")),
                    null_level=null,
                )
            )
    return ModelParameters(
        configuration=config,
        prior=float(model["probability_two_random_records_match"]),
        levels=tuple(items),
        notes=tuple(notes),
    )


def _evidence(
    rows: pd.DataFrame, levels: Mapping[str, Mapping[int, _Level]], judged: bool = False
) -> list[MatchEvidence]:
    """Each row's evidence: every comparison's level label and log2 Bayes factor (with its
    term-frequency adjustment), computed column by column."""
    if rows.empty:
        return []
    names = list(levels)
    labels: list[list[str]] = []
    weights: list[Any] = []
    for name in names:
        gammas = rows[f"gamma_{name}"].to_numpy(dtype=int)
        table = levels[name]
        labels.append([table[g].label if g in table else f"level {g}" for g in gammas])
        bf = rows[f"bf_{name}"].to_numpy(dtype=float) if f"bf_{name}" in rows else 1.0
        tf_col = f"bf_tf_adj_{name}"
        if tf_col in rows:
            bf = bf * rows[tf_col].fillna(1.0).to_numpy(dtype=float)
        with np.errstate(divide="ignore"):
            weights.append(np.round(np.log2(np.broadcast_to(bf, len(rows))), 4).tolist())
    lefts = rows["unique_id_l"].astype(str).tolist()
    rights = rows["unique_id_r"].astype(str).tolist()
    probabilities = rows["match_probability"].to_numpy(dtype=float).tolist()
    totals = np.round(rows["match_weight"].to_numpy(dtype=float), 4).tolist()
    out = []
    for i, (left, right) in enumerate(zip(lefts, rights, strict=True)):
        a, b = (left, right) if left <= right else (right, left)
        parts = tuple((name, labels[j][i], float(weights[j][i])) for j, name in enumerate(names))
        out.append(MatchEvidence(a, b, probabilities[i], totals[i], parts, judged=judged))
    return out


def _inputs(frame: pd.DataFrame, config: LinkageConfig) -> tuple[Any, list[str] | None]:
    if config.link_type == "dedupe_only":
        return frame, None
    sources = sorted(frame["source_dataset"].unique())
    return [frame[frame["source_dataset"] == s].reset_index(drop=True) for s in sources], sources


def _first_sentence(err: Exception) -> str:
    text = " ".join(str(err).split())
    cut = text.find(". ")
    return text[: cut + 1] if cut > 0 else text[:300]


def _pandas(table: SplinkDataFrame) -> pd.DataFrame:
    return table.as_pandas_dataframe()  # type: ignore[no-untyped-call]


@contextlib.contextmanager
def _quiet_splink() -> Iterator[None]:
    """Splink's progress and untrained-level warnings go to the log only at ERROR level."""
    logger = logging.getLogger("splink")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def train_and_predict(
    frame: pd.DataFrame,
    config: LinkageConfig,
    *,
    threshold: float,
    seed: int,
    judged_pairs: Iterable[tuple[str, str]] = (),
    scorer: NameScorer | None = None,
) -> Prediction:
    """Train the configuration's model on ``frame`` without labels and predict its edges."""
    with _quiet_splink(), _duckdb(config, scorer) as connection:
        return _train_and_predict(connection, frame, config, threshold, seed, judged_pairs)


@contextlib.contextmanager
def _duckdb(
    config: LinkageConfig, scorer: NameScorer | None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """The DuckDB connection Splink runs on, closed at the end in this thread (never left to
    the garbage collector)."""
    connection = duckdb.connect()
    try:
        if config.uses_name_udf:
            # DuckDB on one thread, the caller's. The name score is Python: from DuckDB's
            # worker threads every call would wait for the GIL, and callbacks into Python from
            # those threads can deadlock now and then when Python threads start or stop
            # meanwhile (duckdb-python's known GIL hazards; reported by xarray-sql #241 for
            # Python scans). A web worker or a test runner has such threads. Measured on 2,782
            # generated records (2 cores): 21.7 s on one thread, 22.1 s on two.
            connection.execute("SET threads = 1")
            register_name_score(connection, scorer)
        yield connection
    finally:
        connection.close()


def _train_and_predict(
    connection: duckdb.DuckDBPyConnection,
    frame: pd.DataFrame,
    config: LinkageConfig,
    threshold: float,
    seed: int,
    judged_pairs: Iterable[tuple[str, str]],
) -> Prediction:
    comparisons: list[ComparisonCreator | dict[str, Any]] = [*config.comparisons()]
    settings = SettingsCreator(
        link_type=config.link_type,
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=[block_on(*rule) for rule in config.blocking],
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=True,
        max_iterations=config.em_max_iterations,
    )
    inputs, aliases = _inputs(frame, config)
    linker = Linker(
        inputs,
        settings,
        db_api=DuckDBAPI(connection),
        set_up_basic_logging=False,
        input_table_aliases=aliases,
    )
    notes: list[str] = []
    try:
        linker.training.estimate_probability_two_random_records_match(
            list(config.prior_rules), recall=config.prior_recall
        )
    except (SplinkException, ValueError, ZeroDivisionError) as err:
        notes.append(f"prior not estimated (Splink's default kept): {_first_sentence(err)}")
    # the seeded sample runs on one thread, so that it cannot depend on how a parallel scan
    # splits the table (a precaution: on 2 threads it was already reproducible once Splink got
    # a non-zero seed); the rest runs in parallel unless the name score keeps it on one thread
    threads = connection.execute("SELECT current_setting('threads')").fetchone()
    connection.execute("SET threads = 1")
    # Splink treats a seed of 0 as no seed (``if seed:``), so seed s is passed as s + 1
    linker.training.estimate_u_using_random_sampling(max_pairs=config.u_max_pairs, seed=seed + 1)
    connection.execute(f"SET threads = {int(threads[0]) if threads else 1}")
    for rule in config.training_blocking:
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(block_on(*rule))
        except (SplinkException, ValueError, ZeroDivisionError) as err:
            notes.append(
                f"EM session blocked on {', '.join(rule)} did not run: {_first_sentence(err)}"
            )
    model = linker.misc.save_model_to_json()
    levels = _levels(model)
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    rows = _pandas(predictions)
    evidence = _evidence(rows, levels)
    edges = tuple(Edge(e.left, e.right, e.probability, e) for e in evidence)
    found = {(e.left, e.right) for e in edges}
    judged_evidence: dict[tuple[str, str], MatchEvidence] = {}
    by_key = frame.set_index("unique_id", drop=False)
    for left, right in {tuple(sorted(p)) for p in judged_pairs}:
        if (left, right) in found:
            continue
        one = by_key.loc[[left]].reset_index(drop=True)
        two = by_key.loc[[right]].reset_index(drop=True)
        compared = _pandas(linker.inference.compare_two_records(one, two))
        for item in _evidence(compared, levels, judged=True):
            judged_evidence[(item.left, item.right)] = item
    return Prediction(_parameters(model, config.name, notes), edges, judged_evidence)
