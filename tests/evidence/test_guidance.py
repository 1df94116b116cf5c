"""Versioned EUAA country guidance for Syria: selection by date, 15(c) cells, profiles."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest

from asylon.evidence.guidance import (
    GuidanceDataError,
    guidance_for,
    level,
    load_guidance,
    versions,
)
from asylon.law.citations import is_registered
from asylon.law.evidence import ViolenceLevel
from asylon.paths import data_dir

SYRIA = data_dir() / "guidance" / "euaa-syria.yaml"
EFFECTIVE = {
    "euaa-syria-2020-09": date(2020, 9, 1),
    "euaa-syria-2021-11": date(2021, 11, 1),
    "euaa-syria-2023-02": date(2023, 2, 1),
    "euaa-syria-2024-04": date(2024, 4, 1),
    "euaa-syria-2025-06-interim": date(2025, 6, 1),
    "euaa-syria-2025-12": date(2025, 12, 3),
}
PCODES = [f"SY{n:02d}" for n in range(1, 15)]


def _on(as_of: date) -> str | None:
    version = guidance_for("SY", as_of)
    return version.id if version else None


def test_versions_in_order_with_effective_dates() -> None:
    assert {v.id: v.effective_from for v in versions("SY")} == EFFECTIVE
    assert [v.id for v in versions("sy")] == list(EFFECTIVE)


@pytest.mark.parametrize("version_id", list(EFFECTIVE))
def test_selection_at_each_boundary(version_id: str) -> None:
    ids = list(EFFECTIVE)
    start = EFFECTIVE[version_id]
    previous = ids[ids.index(version_id) - 1] if ids.index(version_id) else None
    assert _on(start - timedelta(days=1)) == previous
    assert _on(start) == version_id


def test_before_first_version_and_after_last() -> None:
    assert _on(date(2020, 8, 31)) is None
    assert _on(date(2000, 1, 1)) is None
    assert _on(date(2026, 1, 15)) == "euaa-syria-2025-12"
    assert _on(date(2030, 1, 1)) == "euaa-syria-2025-12"


def test_other_country_has_no_guidance() -> None:
    assert guidance_for("RU", date(2025, 1, 1)) is None
    assert versions("RU") == ()


def test_feb_2023_mere_presence_governorates_exactly_as_the_issue_says() -> None:
    feb_2023 = guidance_for("SY", date(2023, 2, 1))
    assert feb_2023 is not None
    # Idlib, Aleppo, Raqqa, Deir ez-Zor, Hasaka, Dar'a
    expected = {"SY07", "SY02", "SY11", "SY09", "SY08", "SY12"}
    mere = {p for p in PCODES if level(feb_2023, p)[0] is ViolenceLevel.MERE_PRESENCE}
    assert mere == expected
    for pcode in set(PCODES) - expected:
        assert level(feb_2023, pcode)[0] is None
    assert level(feb_2023, "SY02")[1] == "EUAA Country Guidance: Syria (February 2023), Aleppo"


def test_unknown_cells_return_none_with_a_registered_citation() -> None:
    for version in versions("SY"):
        assert set(version.indiscriminate_violence) == set(PCODES)
        for pcode in PCODES:
            found, citation = level(version, pcode)
            cell = version.indiscriminate_violence[pcode]
            assert (found is None) == (cell.level == "unknown")
            assert is_registered(citation), citation
    dec_2025 = versions("SY")[-1]
    assert all(
        level(dec_2025, p)[0] is None for p in PCODES
    )  # "not high in most": which is unstated
    assert level(dec_2025, "sy01") == (
        None,
        "EUAA Country Guidance: Syria (December 2025), Damascus",
    )


def test_unknown_pcode_is_an_error() -> None:
    with pytest.raises(KeyError):
        level(versions("SY")[0], "SY15")


def test_known_cells_are_tagged() -> None:
    for version in versions("SY"):
        for cell in version.indiscriminate_violence.values():
            if cell.level != "unknown":
                assert cell.tag in {"S", "K"} and cell.sources


def test_december_2025_profiles() -> None:
    dec_2025 = guidance_for("SY", date(2025, 12, 3))
    assert dec_2025 is not None
    likelihood = {p.id: p.likelihood for p in dec_2025.profiles}
    for gone in ("draft_evaders", "military_deserters", "former_regime_opponents"):
        assert likelihood[gone] == "no_longer_at_risk"
    for new in (
        "former_government_affiliates",
        "alawites",
        "christians",
        "druze",
        "palestinians_without_unrwa",
    ):
        assert likelihood[new] == "may_qualify"
    assert likelihood["sogiesc"] == "generally_eligible"
    assert dec_2025.published == date(2025, 12, 3) and dec_2025.date_precision == "day"
    assert any("Syrian Arab Army" in g.text for g in dec_2025.exclusion.groups)
    assert any("Damascus" in n.text for n in dec_2025.internal_protection)


def test_pre_2025_versions_keep_the_assad_era_profiles() -> None:
    apr_2024 = guidance_for("SY", date(2024, 12, 7))
    assert apr_2024 is not None and apr_2024.id == "euaa-syria-2024-04"
    deserters = apr_2024.profile("draft_evaders_deserters")
    assert deserters is not None and deserters.section == "4.2"
    assert apr_2024.coi_period is not None
    assert apr_2024.coi_period.start == date(2022, 8, 1)
    assert apr_2024.profile("draft_evaders") is None


def test_month_precision_dates_use_the_first_day() -> None:
    for version in versions("SY"):
        if version.date_precision == "month":
            assert version.published.day == 1
        assert version.effective_from >= version.published


def _broken_copy(tmp_path: Path, old: str, new: str) -> Path:
    target = tmp_path / "euaa-syria.yaml"
    shutil.copy(SYRIA, target)
    text = target.read_text(encoding="utf-8")
    assert old in text
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    return target


def test_renamed_key_is_named_in_the_error(tmp_path: Path) -> None:
    broken = _broken_copy(tmp_path, "effective_from:", "effective_fromm:")
    with pytest.raises(GuidanceDataError, match="effective_fromm") as err:
        load_guidance(broken)
    assert "versions.0.effective_from: Field required" in str(err.value)


def test_bad_level_is_named_in_the_error(tmp_path: Path) -> None:
    broken = _broken_copy(tmp_path, "level: mere_presence", "level: very_high")
    with pytest.raises(GuidanceDataError, match=r"indiscriminate_violence\.SY02\.level"):
        load_guidance(broken)


def test_untagged_known_cell_is_rejected(tmp_path: Path) -> None:
    broken = _broken_copy(tmp_path, "{level: mere_presence, tag: S, ", "{level: mere_presence, ")
    with pytest.raises(GuidanceDataError, match=r"indiscriminate_violence\.SY02"):
        load_guidance(broken)


def test_folder_of_a_broken_file_fails_loudly(tmp_path: Path) -> None:
    _broken_copy(tmp_path, "  SY14: Quneitra\n", "")
    with pytest.raises(GuidanceDataError, match="governorates"):
        guidance_for("SY", date(2024, 1, 1), folder=tmp_path)
