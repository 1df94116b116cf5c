"""Linking victim records with the Splink model: accuracy, scripts, judgements, evidence.

One background population (generated, seeded) carries hand-written records whose outcome is
known: one person written in Arabic and in Latin script, two namesakes who died on other days
in other places, an identical pair a reviewer judged different and a dissimilar pair a
reviewer judged the same.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

from asylon.linkage.records import LinkJudgement, LinkResult, VictimRecord, link
from asylon.linkage.records.evaluate import evaluate
from asylon.linkage.records.synthetic import SyntheticSet, generate


def rec(key: str, name: str, day: str, place: str, **extra: object) -> VictimRecord:
    source, source_id = key.split(":")
    return VictimRecord(
        key=key,
        source=source,
        source_id=source_id,
        name=name,
        event_date=dt.date.fromisoformat(day),
        place=place,
        **extra,  # type: ignore[arg-type]
    )


HAND = (
    # one man in two scripts: same day, same town, same birth year
    rec("ar:1", "محمد عبد الرحمن الحسن", "2013-05-02", "حمص", sex="male", birth_year=1980),
    rec("lat:1", "Mohammed Abdulrahman al-Hassan", "2013-05-02", "Homs", sex="male", age=33),
    # two namesakes with the commonest name: other days, other governorates
    rec("ar:2", "محمد أحمد", "2012-01-05", "درعا", sex="male"),
    rec("lat:2", "Mohammed Ahmad", "2016-08-20", "Raqqa", sex="male"),
    # identical records a reviewer judged to be two people (twins, say)
    rec("ar:3", "عمر خالد الزعبي", "2014-03-03", "Douma", sex="male", birth_year=1990),
    rec("lat:3", "Omar Khaled al-Zoubi", "2014-03-03", "Douma", sex="male", birth_year=1990),
    # dissimilar records a reviewer judged to be one person
    rec("ar:4", "فاطمة يوسف", "2015-02-10", "Idlib", sex="female"),
    rec("lat:4", "Umm Ali", "2015-09-01", "Aleppo", sex="female"),
)
JUDGEMENTS = (
    LinkJudgement("ar:3", "lat:3", "different"),
    LinkJudgement("lat:4", "ar:4", "same"),
)


@pytest.fixture(scope="module")
def background() -> SyntheticSet:
    return generate(250, 3, seed=11)


@pytest.fixture(scope="module")
def result(background: SyntheticSet) -> LinkResult:
    return link((*background.records, *HAND), JUDGEMENTS, seed=0)


def cluster_of(result: LinkResult, key: str) -> str:
    return result.assignment()[key]


def test_every_record_in_exactly_one_cluster(background: SyntheticSet, result: LinkResult) -> None:
    keys = [k for c in result.clusters for k in c.members]
    assert sorted(keys) == sorted([r.key for r in background.records] + [r.key for r in HAND])
    assert all(c.id == min(c.members) for c in result.clusters)


def test_accuracy_on_generated_lists(background: SyntheticSet, result: LinkResult) -> None:
    assignment = result.assignment()
    scores = evaluate({k: assignment[k] for k in background.truth}, background.truth)
    # measured at this seed: pairwise precision 0.99, F1 0.98, B-cubed F1 0.99, unique-count
    # error +5 persons of 205 (+2.4%); the bounds leave room, not a blank cheque
    assert scores.pairwise_precision >= 0.95
    assert scores.pairwise_f1 >= 0.9
    assert scores.bcubed_f1 >= 0.93
    assert abs(scores.relative_unique_error) <= 0.1
    # far better than counting records
    assert len(background.records) - scores.true_persons > 5 * abs(scores.unique_error)


def test_one_person_across_scripts_is_linked(result: LinkResult) -> None:
    assert cluster_of(result, "ar:1") == cluster_of(result, "lat:1")


def test_namesakes_on_other_days_and_places_stay_apart(result: LinkResult) -> None:
    assert cluster_of(result, "ar:2") != cluster_of(result, "lat:2")


def test_different_judgement_splits_identical_records(result: LinkResult) -> None:
    assert cluster_of(result, "ar:3") != cluster_of(result, "lat:3")
    refused = [r for r in result.refused if {r.judged_left, r.judged_right} == {"ar:3", "lat:3"}]
    assert refused and "judged them different" in refused[0].reason


def test_same_judgement_merges_dissimilar_records(result: LinkResult) -> None:
    assert cluster_of(result, "ar:4") == cluster_of(result, "lat:4")
    cluster = next(c for c in result.clusters if "ar:4" in c.members)
    judged = [e for e in cluster.evidence if e.judged]
    assert judged and {judged[0].left, judged[0].right} == {"ar:4", "lat:4"}
    assert judged[0].comparisons  # what the comparisons said, though the reviewer decided


def test_every_edge_explained(result: LinkResult) -> None:
    names = {"name", "event_date", "place", "birth", "sex", "event", "cause"}
    for cluster in result.clusters:
        if len(cluster.members) > 1:
            assert cluster.evidence, cluster
        for evidence in cluster.evidence:
            assert {c for c, _, _ in evidence.comparisons} == names
            assert evidence.judged or evidence.probability >= result.threshold
            total = sum(w for _, _, w in evidence.comparisons)
            assert evidence.weight == pytest.approx(total + _prior_weight(result), abs=0.05)
    cross = next(c for c in result.clusters if "ar:1" in c.members)
    labels = {c: label for e in cross.evidence for c, label, _ in e.comparisons}
    assert labels["event_date"] == "same day"


def _prior_weight(result: LinkResult) -> float:
    import math

    p = result.parameters.prior
    return math.log2(p / (1 - p))


def test_parameters_are_readable(result: LinkResult) -> None:
    params = result.parameters
    assert 0 < params.prior < 0.01
    top = params.level("name", "all name tokens agree across scripts")
    assert top.tf_adjusted and top.m is not None and top.u is not None
    assert top.log2_bayes_factor is not None and top.log2_bayes_factor > 5
    same_day = params.level("event_date", "same day")
    assert same_day.log2_bayes_factor is not None and same_day.log2_bayes_factor > 3
    assert "event_date" in params.table()


def test_deterministic(background: SyntheticSet, result: LinkResult) -> None:
    again = link((*background.records, *HAND), JUDGEMENTS, seed=0)
    assert [c.members for c in again.clusters] == [c.members for c in result.clusters]
    assert [c.id for c in again.clusters] == [c.id for c in result.clusters]
    assert again.parameters.prior == pytest.approx(result.parameters.prior)


def test_tiny_inputs() -> None:
    assert link([]).clusters == ()
    one = link([HAND[0]])
    assert [c.members for c in one.clusters] == [("ar:1",)]
    with pytest.raises(ValueError):
        link([HAND[0], HAND[0]])


def test_the_package_loads_the_model_only_when_asked_and_link_is_the_function() -> None:
    """The record types load without Splink (the web pages need them at start); asking for
    :func:`link` loads the model. ``link`` is also a submodule's name: whichever of the
    package's names is asked for first, ``link`` is the function."""
    code = (
        "import sys, types; import asylon.linkage.records.types;"
        "assert 'splink' not in sys.modules;"
        "import asylon.linkage.records as r; r.link_frame;"
        "from asylon.linkage.records import link;"
        "assert not isinstance(link, types.ModuleType), link;"
        "assert r.link is link and 'splink' in sys.modules"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
