"""Counting unique persons of a stored run on a hand-made example: the tables, the source
overlap and its CSV (exactly what ``asylon estimate --overlap`` reads), disclosure control for
researchers, and the estimate's document. The run is stored by hand (what a linkage run
stores), so the expected figures can be worked out on paper."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from django.utils import timezone

from asylon.linkage.estimate.likelihood_bound import CHECK_VERSION
from asylon.linkage.estimate.overlap import parse_overlap
from asylon.web.audit.models import AuditEntry
from asylon.web.victims import counts
from asylon.web.victims.models import (
    ClusterMember,
    LinkRun,
    PersonCluster,
    VictimRecord,
    VictimSource,
)

pytestmark = pytest.mark.django_db

# person -> records as (source, governorate, event date, status, cause)
PEOPLE: dict[str, list[tuple[str, str, date | None, str, str]]] = {
    "p1": [("a", "SY01", date(2013, 3, 2), "civilian", "Shelling"),
           ("b", "SY01", date(2013, 3, 1), "civilian", "shelling")],
    "p2": [("a", "SY02", date(2014, 1, 5), "combatant", "")],
    "p3": [("b", "SY02", date(2014, 1, 9), "", "shooting"),
           ("c", "SY04", date(2014, 1, 9), "civilian", "shooting"),
           ],
    "p4": [("a", "", None, "civilian", ""), ("b", "SY02", date(2012, 7, 1), "", ""),
           ("c", "SY02", date(2012, 7, 1), "civilian", "")],
    "p5": [("c", "", None, "", "")],
    "p6": [("a", "SY01", date(2013, 3, 20), "civilian", ""),
           ("a", "SY01", date(2013, 3, 20), "civilian", "")],
}  # fmt: skip
CSV = "a,b,c,count\n0,0,1,1\n0,1,0,0\n0,1,1,1\n1,0,0,2\n1,0,1,0\n1,1,0,1\n1,1,1,1\n"


def store_run(people: dict[str, list[tuple[str, str, date | None, str, str]]]) -> LinkRun:
    """Store records and a run that puts each person's records in one cluster."""
    run = LinkRun.objects.create(threshold=0.9, n_persons=len(people))
    n = 0
    for person, records in people.items():
        rows = []
        for source, gov, day, status, cause in records:
            n += 1
            src, _ = VictimSource.objects.get_or_create(name=source)
            rows.append(
                VictimRecord.objects.create(
                    source_list=src, source_id=f"{run.pk}-{person}-{n}", name=f"Name {person}",
                    governorate=gov, event_date=day, status=status, cause=cause,
                    event="killed",
                )
            )  # fmt: skip
        cluster = PersonCluster.objects.create(run=run, cluster_id=rows[0].key, size=len(rows))
        for r in rows:
            ClusterMember.objects.create(run=run, cluster=cluster, record=r)
    run.n_records = n
    run.save()
    return run


def _lines(t: counts.CountTable) -> dict[str, Any]:
    return {r: c[0].value for r, c in zip(t.table.rows, t.table.cells, strict=True)}


def test_tables_count_each_person_once_with_the_records_consensus() -> None:
    run = store_run(PEOPLE)
    f = counts.figures(run, controlled=False)
    assert f.persons == 6 and f.sources == ("a", "b", "c")
    assert _lines(f.tables["year"]) == {"2012": 1, "2013": 2, "2014": 2, "not_recorded": 1}
    assert _lines(f.tables["month"]) == {"2012-07": 1, "2013-03": 2, "2014-01": 2,
                                         "not_recorded": 1}  # fmt: skip
    assert _lines(f.tables["governorate"]) == {"SY01": 2, "SY02": 3, "not_recorded": 1}
    assert _lines(f.tables["status"]) == {"civilian": 4, "combatant": 1, "not_recorded": 1}
    assert _lines(f.tables["cause"]) == {"shelling": 1, "shooting": 1, "not_recorded": 4}
    assert f.tables["year"].table.column_totals[0].value == 6


def test_the_overlap_and_its_csv_are_what_asylon_estimate_reads(tmp_path: Path) -> None:
    run = store_run(PEOPLE)
    sources = counts.sources_of(run)
    rows = counts.overlap(counts.person_facts(run), sources)
    text = counts.overlap_csv(rows, sources)
    assert text == CSV
    (table,) = parse_overlap(text, "overlap.csv")
    assert table.lists == ("a", "b", "c") and table.observed == 6
    assert table.list_totals() == {"a": 4, "b": 3, "c": 3}
    from asylon.linkage.estimate.commands import estimate_cmd

    path = tmp_path / "overlap.csv"
    path.write_text(text)
    result = CliRunner().invoke(estimate_cmd, ["--overlap", str(path), "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    doc = json.loads(result.output)
    assert doc["lists"] == ["a", "b", "c"] and doc["observed"] == 6


def test_researchers_get_disclosure_controlled_tables() -> None:
    run = store_run(PEOPLE)
    f = counts.figures(run, controlled=True)
    small = [t for k, t in f.tables.items() if k != "event"] + [f.overlap]
    assert f.controlled and all(
        c.value is None or c.value == 0 for t in small for (c,) in t.table.cells
    )
    assert _lines(f.tables["event"]) == {"killed": 6}  # 6 persons: published
    assert _lines(f.overlap)["b"] == 0  # zeros are shown
    big = {f"q{i}": [("a", "SY01", date(2015, 1, 1), "civilian", "")] for i in range(12)}
    run = store_run({**PEOPLE, **big})
    g = counts.figures(run, controlled=True)
    assert _lines(g.tables["governorate"])["SY01"] == 14
    assert _lines(g.tables["governorate"])["not_recorded"] is None  # 1 person: withheld
    assert g.to_dict()["overlap"]["cells"]  # the JSON face carries markers, never values


def test_the_estimate_document_and_its_cache_on_the_run() -> None:
    run = store_run(PEOPLE)
    doc = counts.estimate_for(run)
    for key in ("median", "lower", "upper", "method", "identified", "observed", "lists"):
        assert key in doc
    assert doc["observed"] == 6 and doc["lists"] == ["a", "b", "c"]
    run.refresh_from_db()
    assert run.estimate == doc
    one = counts.estimate_overlap([((1,), 5)], ["a"])
    assert one["identified"] is False and one["median"] is None and one["reasons"]


@pytest.mark.parametrize("version", [None, 1], ids=["unchecked", "chi-square"])
def test_an_estimate_kept_before_the_current_bound_check_is_computed_again(
    version: int | None,
) -> None:
    """An estimate kept on a run before LCMCR's interval was checked by the two-class profile
    likelihood, or checked by chi-square alone (version 1, which the simulation study showed
    too ready to call a total bounded), could give a total the data do not bound: it is not
    served as it was kept."""
    run = store_run(PEOPLE)
    doc = counts.estimate_for(run)
    assert doc["bound_check"] is True and doc["bound_check_version"] == CHECK_VERSION == 2
    stale = {k: v for k, v in doc.items() if k != "bound_check_version"}
    if version is None:
        del stale["bound_check"]
    else:
        stale["bound_check_version"] = version
    stale["median"] = 123_456  # what the old estimator said, say
    run.estimate = stale
    run.save(update_fields=["estimate"])
    again = counts.estimate_for(run)
    assert again == doc
    run.refresh_from_db()
    assert run.estimate == doc


def test_the_command_line_counts_and_overlap(tmp_path: Path) -> None:
    from asylon.web.victims.commands import victims_group

    store_run(PEOPLE)
    runner = CliRunner()
    out = tmp_path / "o.csv"
    result = runner.invoke(victims_group, ["overlap", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text() == CSV
    assert AuditEntry.objects.filter(action="victims_export_overlap").exists()
    result = runner.invoke(victims_group, ["overlap", "--out", str(out), "--strata", "year"])
    assert result.exit_code == 0, result.output
    assert out.read_text().startswith("year,a,b,c,count\n2012,0,0,1,0\n")
    result = runner.invoke(victims_group, ["counts", "--by", "governorate", "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert list(doc["tables"]) == ["governorate"]
    assert doc["tables"]["governorate"]["cells"] == [[2], [3], [1]]
    result = runner.invoke(victims_group, ["counts", "--by", "status", "--controlled"])
    assert result.exit_code == 0 and " x" in result.output


def test_rare_causes_are_recoded_for_researchers_and_the_estimate_hides_the_exact_total() -> None:
    people = {f"q{i}": [("a", "SY01", None, "civilian", "shelling")] for i in range(6)}
    people["rare"] = [("b", "SY01", None, "civilian", "a very particular story")]
    run = store_run(people)
    exact = counts.figures(run, controlled=False)
    assert "a very particular story" in exact.tables["cause"].table.rows
    controlled = counts.figures(run, controlled=True)
    rows = controlled.tables["cause"].table.rows
    assert "a very particular story" not in rows and rows == ("shelling", "other")
    doc = {"observed": 7, "median": 9, "estimates": [{"observed": 7, "median": 9}]}
    public = counts.public_estimate(doc, controlled.persons)
    assert public["observed"] == controlled.persons == 7 and public["median"] == 9
    assert counts.public_estimate(doc, None)["estimates"][0]["observed"] is None


def test_strata_overlap_is_what_asylon_estimate_reads_with_strata() -> None:
    run = store_run(PEOPLE)
    sources = counts.sources_of(run)
    text = counts.overlap_strata_csv(counts.person_facts(run), sources, "governorate")
    assert text.splitlines()[0] == "governorate,a,b,c,count"
    tables = parse_overlap(text, "strata.csv", "governorate")
    assert [t.stratum for t in tables] == ["SY01", "SY02", "not_recorded"]
    assert [t.observed for t in tables] == [2, 3, 1]
    with pytest.raises(ValueError, match="strata by one of"):
        counts.overlap_strata_csv([], sources, "cause")


def test_a_runs_person_facts_are_read_once_until_a_list_is_imported_again(
    django_assert_max_num_queries: Any,
) -> None:
    run = store_run(PEOPLE)
    first = counts.person_facts(run)
    with django_assert_max_num_queries(1):  # the key only: no record read nor decrypted
        again = counts.person_facts(run)
    assert again == first and again is not first  # a copy: a caller cannot spoil the next
    record = VictimRecord.objects.get(source_id__endswith="-p2-3")  # p2's only record
    assert record.status == "combatant"
    record.status = "civilian"
    record.save()
    source = record.source_list
    source.imported_at = timezone.now()  # as an import that changed the record does
    source.save()
    fresh = counts.person_facts(run)
    assert fresh != first


def test_every_reason_and_warning_of_the_estimator_has_its_sentence_in_every_language() -> None:
    from django.utils import translation

    from asylon.linkage.estimate.notes import TEXT, Note
    from asylon.web.victims.estimate_text import SENTENCES, note_text

    assert set(SENTENCES) == set(TEXT)
    note = Note("unstable", {"upper": 123456.0, "median": 4321.0, "observed": 487})
    with translation.override("en"):
        assert note_text(note) == note.text  # the catalogue's English is the estimator's
        english = {code: str(sentence) for code, sentence in SENTENCES.items()}
    for lang in ("ru", "ar"):
        with translation.override(lang):
            for code in TEXT:
                assert str(SENTENCES[code]) != english[code], (lang, code)
            text = note_text(note.in_stratum("2013"))
            assert "unstable" not in text and "2013" in text
    with translation.override("ru"):
        assert note_text(note) == (
            "оценка неустойчива: верхняя граница (123\xa0456) намного выше оценки (4\xa0321) "
            "при числе наблюдённых 487"
        )
