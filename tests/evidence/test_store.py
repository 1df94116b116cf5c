"""The evidence store against figures computed independently from the raw CSV files."""

from __future__ import annotations

import csv
import shutil
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

import pytest

from asylon.evidence.importers import ImportFileError
from asylon.evidence.store import connect, import_file
from asylon.paths import data_dir

SPECIAL = data_dir() / "ucdp-ged-syria" / "ged_syria_special_2016_2019.csv"
PRECISE = data_dir() / "ucdp-ged-syria" / "ged211_syria_precise.csv"


def raw(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_every_event_is_stored_with_its_source_fields(store_path: Path) -> None:
    con = connect(store_path)
    rows = raw(SPECIAL)
    got = con.execute(
        "SELECT count(*), sum(best), sum(deaths_civilians) FROM events "
        "WHERE source = 'ucdp_ged_syria_2016_2019'"
    ).fetchone()
    assert got == (
        len(rows),
        sum(int(r["best"]) for r in rows),
        sum(int(r["deaths_civilians"]) for r in rows),
    )
    sample = rows[123]
    article, headline, day = con.execute(
        "SELECT source_article, source_headline, source_date FROM events WHERE event_id = ?",
        [sample["id"]],
    ).fetchone()
    assert (article, headline, day) == (
        sample["source_article"],
        sample["source_headline"],
        sample["source_date"],
    )
    precise = raw(PRECISE)
    assert con.execute(
        "SELECT count(*), sum(best) FROM events WHERE source = 'ucdp_ged_21_1_precise'"
    ).fetchone() == (len(precise), sum(int(r["best_death"]) for r in precise))


def test_point_in_polygon_agrees_with_the_ocha_assignment(store_path: Path) -> None:
    """The provenance file's p-codes were made independently with geopandas."""
    con = connect(store_path)
    ours = dict(
        con.execute(
            "SELECT event_id, adm1 FROM events WHERE source = 'ucdp_ged_syria_2016_2019'"
        ).fetchall()
    )
    rows = raw(SPECIAL)
    differ = [r["id"] for r in rows if (ours[r["id"]] or "") != r["adm1_pcode"]]
    assert len(differ) <= 5, differ  # points more than 2 km outside every polygon
    imprecise = [r["id"] for r in rows if int(r["where_prec"]) >= 5]
    assert imprecise and all(ours[i] is None for i in imprecise), "never for precision 5-6"


def test_aleppo_before_the_tailor_decision_matches_the_raw_file(store_path: Path) -> None:
    """Deaths in Aleppo governorate, 6 Nov - 6 Dec 2016, spread over multi-day events."""
    start, end = date(2016, 11, 6), date(2016, 12, 6)
    expected = 0.0
    civilians = 0.0
    for r in raw(SPECIAL):
        if r["adm1_pcode"] != "SY02" or int(r["where_prec"]) > 4:
            continue
        s, e = date.fromisoformat(r["date_start"]), date.fromisoformat(r["date_end"])
        days = (e - s).days + 1
        inside = sum(1 for k in range(days) if start <= s + timedelta(days=k) <= end)
        expected += int(r["best"]) * inside / days
        civilians += int(r["deaths_civilians"]) * inside / days
    got = (
        connect(store_path)
        .execute(
            """SELECT sum(e.best * d.share), sum(e.deaths_civilians * d.share) FROM events e
           JOIN event_days d USING (source, event_id)
           WHERE e.source = 'ucdp_ged_syria_2016_2019' AND e.adm1 = 'SY02'
             AND d.day BETWEEN ? AND ?""",
            [start, end],
        )
        .fetchone()
    )
    assert got[0] == pytest.approx(expected) and expected > 1000
    assert got[1] == pytest.approx(civilians)


def test_vdc_counts_and_coverage(store_path: Path) -> None:
    con = connect(store_path)
    by_day: dict[str, float] = defaultdict(float)
    with (data_dir() / "vdc-syria-casualties" / "vdc_deaths_by_province_by_day.csv").open() as f:
        for r in csv.DictReader(f):
            by_day[r["day"][:7]] += float(r["Aleppo"])
    got = con.execute(
        "SELECT sum(deaths) FROM vdc_deaths WHERE adm1 = 'SY02' AND day >= "
        "'2016-12-01' AND day < '2017-01-01'"
    ).fetchone()[0]
    assert got == round(by_day["2016-12"])
    cov = dict(con.execute("SELECT source, coverage_to FROM sources").fetchall())
    assert cov["vdc"] == date(2018, 8, 13)
    assert cov["ucdp_ged_syria_2016_2019"] == date(2019, 11, 30)


def _copy_store(store_path: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "store.duckdb"
    shutil.copy(store_path, copy)
    return copy


def test_a_malformed_import_names_line_and_column_and_writes_nothing(
    store_path: Path, tmp_path: Path
) -> None:
    store = _copy_store(store_path, tmp_path)
    bad = tmp_path / "ged.csv"
    lines = SPECIAL.read_text(encoding="utf-8").splitlines()[:6]
    header = lines[0].split(",")
    cells = next(csv.reader([lines[4]]))
    cells[header.index("best")] = "many"
    with bad.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        for line in (lines[1], lines[2], lines[3]):
            w.writerow(next(csv.reader([line])))
        w.writerow(cells)
    with pytest.raises(ImportFileError) as exc:
        import_file(bad, "ucdp", "newer", "bad", store)
    assert exc.value.line == 5 and exc.value.column == "best" and "'many'" in str(exc.value)
    con = connect(store)
    assert con.execute("SELECT count(*) FROM sources WHERE source = 'newer'").fetchone() == (0,)
    assert con.execute("SELECT count(*) FROM events WHERE source = 'newer'").fetchone() == (0,)


def test_importing_a_ucdp_release_and_an_acled_export(store_path: Path, tmp_path: Path) -> None:
    store = _copy_store(store_path, tmp_path)
    ucdp = tmp_path / "ged.csv"
    ucdp.write_text("\n".join(SPECIAL.read_text(encoding="utf-8").splitlines()[:11]) + "\n")
    assert import_file(ucdp, "ucdp", "ged_newer", "GED newer", store) == 10
    acled = tmp_path / "acled.csv"
    acled.write_text(
        "event_id_cnty,event_date,event_type,sub_event_type,actor1,actor2,admin1,location,"
        "latitude,longitude,geo_precision,fatalities,source,notes\n"
        "SYR1,2020-02-03,Explosions/Remote violence,Air/drone strike,Military Forces of Syria,"
        "Civilians,Idleb,Saraqab,35.8623,36.8034,1,7,SOHR,airstrike on the market\n"
        "SYR2,4 February 2020,Battles,Armed clash,HTS,Military Forces of Syria,Idleb,Saraqab,"
        "35.8623,36.8034,2,12,SOHR,clashes\n",
        encoding="utf-8",
    )
    assert import_file(acled, "acled", "acled_user", "ACLED export", store) == 2
    con = connect(store)
    assert con.execute(
        "SELECT sum(best), min(adm1), max(adm1) FROM events WHERE source = 'acled_user'"
    ).fetchone() == (19, "SY07", "SY07")
    con.close()  # one process may not mix read-only and read-write connections to a file
    with pytest.raises(ValueError, match="already exists"):
        import_file(acled, "acled", "acled_user", "again", store)


@pytest.mark.parametrize(
    "content,line,column",
    [
        ("id,date_start,best,latitude\n1,2016-01-01,3,35.0\n", 1, "longitude"),
        ("id,date_start,best,latitude,longitude\n1,2016-13-01,3,35.0,36.0\n", 2, "date_start"),
        ("id,date_start,best,latitude,longitude\n1,2016-01-01,3,135.0,36.0\n", 2, "latitude"),
        (
            "id,date_start,date_end,best,latitude,longitude\n1,2016-01-05,2016-01-01,3,35,36\n",
            2,
            "date_end",
        ),
    ],
)
def test_import_errors_name_the_line_and_column(
    tmp_path: Path, content: str, line: int, column: str
) -> None:
    from asylon.evidence.importers import read_ucdp

    path = tmp_path / "x.csv"
    path.write_text(content)
    with pytest.raises(ImportFileError) as exc:
        read_ucdp(path, "x")
    assert (exc.value.line, exc.value.column) == (line, column)


def test_the_cli_rejects_a_malformed_import_cleanly(store_path: Path, tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    store = _copy_store(store_path, tmp_path)
    env = {**os.environ, "ASYLON_EVIDENCE_DB": str(store)}
    garbage = tmp_path / "garbage.csv"
    garbage.write_bytes(
        b"event_id_cnty,event_date,fatalities,latitude,longitude\n"
        b"X1,2020-01-01,3,35.1,36.2\nX2,\xff\xfe,3,35,36\n"
    )
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "asylon.cli",
            "evidence",
            "import",
            str(garbage),
            "--kind",
            "acled",
            "--source",
            "mine",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert out.returncode == 2 and "garbage.csv: line" in out.stderr and out.stdout == ""
    assert connect(store).execute(
        "SELECT count(*) FROM events WHERE source = 'mine'"
    ).fetchone() == (0,)
    empty = tmp_path / "empty.csv"
    empty.write_text("id,date_start,best,latitude,longitude\n")
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "asylon.cli",
            "evidence",
            "import",
            str(empty),
            "--kind",
            "ucdp",
            "--source",
            "empty",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert out.returncode == 2 and "no events" in out.stderr
