"""The synthetic victim lists: reproducible, and as configured."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import pytest

from asylon.evidence.gazetteer import Gazetteer
from asylon.linkage.records.sources import DEFAULT_SOURCES, SourceProfile
from asylon.linkage.records.synthetic import generate
from asylon.names import script_of


def test_same_seed_same_lists_other_seed_other_lists() -> None:
    one, two = generate(200, 3, seed=5), generate(200, 3, seed=5)
    assert one.records == two.records and one.truth == two.truth
    assert generate(200, 3, seed=6).records != one.records
    # a person does not change when the population grows
    assert generate(300, 3, seed=5).people[:200] == one.people


def test_population_includes_the_unrecorded() -> None:
    data = generate(2000, 3, seed=1)
    recorded = set(data.truth.values())
    assert data.true_total == 2000 == len(data.people)
    assert len(recorded) < data.true_total  # some people no source recorded
    assert set(data.truth) == {r.key for r in data.records}


def test_capture_duplicates_and_missing_rates_as_configured() -> None:
    n = 4000
    data = generate(n, 3, seed=2, heterogeneity=0.0)
    for src in data.sources:
        records = [r for r in data.records if r.source == src.name]
        persons = Counter(data.truth[r.key] for r in records)
        assert len(persons) / n == pytest.approx(src.capture, abs=0.03)
        twice = sum(1 for c in persons.values() if c == 2) / len(persons)
        assert twice == pytest.approx(src.duplicate_rate, abs=0.02)
        for name, rate in src.missing.items():
            if name in ("age", "birth_year", "birth_date") and name != src.age_style:
                continue
            missing = sum(getattr(r, name) is None for r in records) / len(records)
            assert missing == pytest.approx(rate, abs=0.04), (src.name, name)


def test_heterogeneous_capture_keeps_the_mean() -> None:
    data = generate(4000, 1, seed=3, heterogeneity=0.8)
    persons = {data.truth[r.key] for r in data.records}
    # E[min(0.98, 0.6 V)] with V ~ Gamma(mean 1, cv 0.8) is a little below 0.6
    assert 0.5 < len(persons) / 4000 < 0.62


def test_sources_write_their_own_way() -> None:
    data = generate(300, 5, seed=4)
    gaz = Gazetteer.load()
    by_source: dict[str, list[str]] = {}
    for r in data.records:
        by_source.setdefault(r.source, []).append(r.name)
        if r.place is not None:
            gaz.search(r.place, limit=1)  # every place is a real gazetteer name
        if r.governorate is not None:
            assert gaz.get(r.governorate).kind == "governorate"
    for src in data.sources:
        scripts = Counter(script_of(n) for n in by_source[src.name])
        assert scripts.most_common(1)[0][0] == src.script
    assert any(n.startswith("Mhd ") for n in by_source["media"])
    assert any(" el-" in n for n in by_source["observatoire"])


def test_csv_with_each_sources_columns(tmp_path: Path) -> None:
    data = generate(100, 3, seed=9)
    paths = data.write_csv(tmp_path)
    csvs = [p for p in paths if p.suffix == ".csv"]
    assert len(csvs) == 3
    for src in data.sources:
        mapping = json.loads((tmp_path / f"{src.name}.mapping.json").read_text())
        with (tmp_path / f"{src.name}.csv").open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        assert list(rows[0]) == list(mapping)
        assert mapping[src.column("name")] == "name"
        assert len(rows) == sum(r.source == src.name for r in data.records)
    headers = [json.loads((tmp_path / f"{s.name}.mapping.json").read_text()) for s in data.sources]
    assert len({tuple(h) for h in headers}) == 3  # an importer needs a mapping per source


def test_custom_sources() -> None:
    only = SourceProfile(
        name="solo", script="latin", capture=1.0, duplicate_rate=0.0, name_parts=(2,)
    )
    data = generate(50, sources=[only], seed=0)
    assert len(data.records) == len({data.truth[r.key] for r in data.records})
    assert all(len(r.name.split()) >= 2 for r in data.records)
    assert len(DEFAULT_SOURCES) == 5
