"""Linking stored records: a run stores every record in exactly one person with the evidence
of each merge; reviewers' splits and merges are kept and respected by the next run; judgements
that would contradict each other are refused. Uses the seeded synthetic generator's lists,
imported through the importer. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from asylon.linkage.records.synthetic import generate
from asylon.web.audit.models import AuditEntry
from asylon.web.victims import linking
from asylon.web.victims.models import (
    ClusterMember,
    LinkJudgement,
    LinkRun,
    PersonCluster,
    VictimRecord,
)

from .synthetic import import_synthetic
from .test_counts import store_run

pytestmark = pytest.mark.django_db


def _cluster_of(run: LinkRun, record: VictimRecord) -> PersonCluster:
    return ClusterMember.objects.select_related("cluster").get(run=run, record=record).cluster


def _keys(cluster: PersonCluster) -> set[str]:
    return {r.key for r in linking.members(cluster)}


@pytest.fixture
def imported(tmp_path: Path, users: dict[str, Any]) -> int:
    reports = import_synthetic(generate(120, 3, seed=5, heterogeneity=0), tmp_path)
    return sum(r.created for r in reports)


def test_a_run_places_every_record_once_and_shows_why(
    imported: int, users: dict[str, Any], browser: Any
) -> None:
    run = linking.run_linkage(users["supervisor"], threshold=0.9)
    assert run.n_records == imported == VictimRecord.objects.count()
    assert ClusterMember.objects.filter(run=run).count() == imported
    assert PersonCluster.objects.filter(run=run).count() == run.n_persons
    merged = PersonCluster.objects.filter(run=run, size__gt=1)
    assert merged.exists()
    for cluster in merged:
        assert len(cluster.evidence) >= cluster.size - 1  # at least one merge per join
        for item in cluster.evidence:
            assert {item["left"], item["right"]} <= _keys(cluster)
            assert item["judged"] or item["comparisons"]
            for c in item["comparisons"]:
                assert set(c) == {"comparison", "level", "weight"}
    assert run.parameters  # the trained model, kept with the run
    cluster = merged.order_by("-size").first()
    assert cluster is not None
    page = browser("reviewer").get(reverse("victims:person", kwargs={"pk": cluster.pk}))
    html = page.content.decode()
    assert page.status_code == 200 and "Why these records were linked" in html
    shown = cluster.evidence[0]
    assert shown["left"] in html and shown["right"] in html
    if shown["comparisons"]:
        assert shown["comparisons"][0]["comparison"] in html
    entry = AuditEntry.objects.get(action="victims_link")
    assert entry.details["persons"] == run.n_persons


def test_split_and_merge_are_respected_by_the_next_run(
    imported: int, users: dict[str, Any]
) -> None:
    reviewer = users["reviewer"]
    first = linking.run_linkage(threshold=0.9)
    big = PersonCluster.objects.filter(run=first, size__gt=1).order_by("-size", "pk").first()
    assert big is not None
    records = linking.members(big)
    off = records[-1]
    linking.split(big, off, reviewer, "different mothers' names in the testimony")
    assert LinkJudgement.objects.filter(decision="different").count() == len(records) - 1

    second = linking.run_linkage(threshold=0.9)
    assert second.n_judgements == len(records) - 1
    alone = _cluster_of(second, off)
    assert not (_keys(alone) & {r.key for r in records if r.pk != off.pk})

    a, b = (
        PersonCluster.objects.filter(run=second, size=1)
        .exclude(pk=alone.pk)
        .order_by("cluster_id")[:2]
    )
    rec_a, rec_b = linking.members(a)[0], linking.members(b)[0]
    linking.merge(a, b, reviewer, "the same person: one family's two accounts")
    third = linking.run_linkage(threshold=0.9)
    together = _cluster_of(third, rec_a)
    assert together.pk == _cluster_of(third, rec_b).pk
    assert any(e["judged"] for e in together.evidence)
    assert not (_keys(_cluster_of(third, off)) & {r.key for r in records if r.pk != off.pk})

    # a merge overrides an earlier split between the two persons
    linking.merge(alone_now := _cluster_of(third, off), _cluster_of(third, records[0]), reviewer,
                  "checked again: one person")  # fmt: skip
    fourth = linking.run_linkage(threshold=0.9)
    assert _cluster_of(fourth, off).pk == _cluster_of(fourth, records[0]).pk
    assert alone_now.run_id == third.pk


def test_contradicting_judgements_and_empty_reasons_are_refused(users: dict[str, Any]) -> None:
    run = store_run({
        "p1": [("a", "", date(2013, 1, 1), "", ""), ("b", "", None, "", "")],
        "p2": [("c", "", None, "", "")],
    })  # fmt: skip
    a, b = linking.members(PersonCluster.objects.get(run=run, size=2))
    (c,) = linking.members(PersonCluster.objects.get(run=run, size=1))
    reviewer = users["reviewer"]
    with pytest.raises(linking.JudgementRefused, match="reason"):
        linking.split(PersonCluster.objects.get(run=run, size=2), a, reviewer, "  ")
    with pytest.raises(linking.JudgementRefused, match="nothing to split"):
        linking.split(PersonCluster.objects.get(run=run, size=1), c, reviewer, "why")
    # "same" a-c and c-b were recorded; a split of a from b would contradict them
    for x, y in ((a, c), (c, b)):
        left, right = sorted((x.pk, y.pk))
        LinkJudgement.objects.create(left_id=left, right_id=right, decision="same",
                                     reviewer=reviewer, reason="r")  # fmt: skip
    with pytest.raises(linking.JudgementRefused, match="judge that pair again first"):
        linking.split(PersonCluster.objects.get(run=run, size=2), a, reviewer, "no")
    assert LinkJudgement.objects.count() == 2


def test_the_command_line_link(imported: int) -> None:
    from click.testing import CliRunner

    from asylon.web.victims.commands import victims_group

    runner = CliRunner()
    result = runner.invoke(victims_group, ["link", "--threshold", "0.9", "--no-estimate"])
    assert result.exit_code == 0, result.output
    run = linking.latest_run()
    assert run is not None and f"linkage run {run.pk}: {imported} records" in result.output
    assert run.created_by is None and run.estimate is None
    result = runner.invoke(victims_group, ["link", "--threshold", "1.5"])
    assert result.exit_code == 2
    result = runner.invoke(victims_group, ["counts", "--by", "year"])
    assert result.exit_code == 0 and f"{run.n_persons} persons" in result.output


def test_the_demo_lists_load_once(users: dict[str, Any]) -> None:
    """`make demo` runs `asylon victims load-demo`: generated, fictional lists, imported with
    mappings, linked and estimated; a second run leaves what is stored alone."""
    from click.testing import CliRunner

    from asylon.web.victims.commands import victims_group
    from asylon.web.victims.models import VictimSource

    runner = CliRunner()
    result = runner.invoke(victims_group, ["load-demo", "--people", "120", "--seed", "7"])
    assert result.exit_code == 0, result.output
    sources = list(VictimSource.objects.order_by("name"))
    assert len(sources) == 3 and all("fictional" in s.description for s in sources)
    run = linking.latest_run()
    assert run is not None and 0 < run.n_persons <= run.n_records
    assert run.n_records == VictimRecord.objects.count()
    assert "estimate" in result.output and run.estimate is not None
    again = runner.invoke(victims_group, ["load-demo"])
    assert again.exit_code == 0 and "stored already" in again.output
    assert VictimSource.objects.count() == 3 and linking.latest_run() == run
