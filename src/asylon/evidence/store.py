"""The conflict-event store: one DuckDB file built from the shipped data (``asylon evidence
build``) and extended with the user's own UCDP or ACLED files (``asylon evidence import``).

Why DuckDB: indicator queries aggregate tens of thousands of events by area and period, which
a columnar engine answers in milliseconds from a single embedded file; the record-linkage
issue runs Splink on the same engine. The case database (Django) stays on SQLite/PostgreSQL.

Every event keeps its source's fields (``source_article``, ``source_headline``,
``source_date``); multi-day events are spread evenly over their days in ``event_days``; events
are placed in governorates and districts by point-in-polygon only where their precision allows
(see :mod:`asylon.evidence.boundaries`). Each source has its coverage in ``sources``, so a
period a source does not cover reads as "no data", never as zero.
"""

from __future__ import annotations

import csv
import os
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from asylon.evidence import boundaries
from asylon.evidence.importers import EVENT_COLUMNS, EVENT_TYPES, Value, read_acled, read_ucdp
from asylon.paths import data_dir, var_dir

SCHEMA = """
CREATE TABLE sources (
    source VARCHAR PRIMARY KEY, title VARCHAR, citation VARCHAR, licence VARCHAR,
    coverage_from DATE, coverage_to DATE, civilian_deaths BOOLEAN, source_text BOOLEAN,
    caveat VARCHAR
);
CREATE TABLE events (
    source VARCHAR, event_id VARCHAR, date_start DATE, date_end DATE, type_of_violence INTEGER,
    event_type VARCHAR, conflict_name VARCHAR, dyad_name VARCHAR, side_a VARCHAR, side_b VARCHAR,
    where_prec INTEGER, where_coordinates VARCHAR, adm_1 VARCHAR, adm_2 VARCHAR,
    latitude DOUBLE, longitude DOUBLE, deaths_a INTEGER, deaths_b INTEGER,
    deaths_civilians INTEGER, deaths_unknown INTEGER, best INTEGER, low INTEGER, high INTEGER,
    source_article VARCHAR, source_headline VARCHAR, source_date VARCHAR, source_office VARCHAR,
    number_of_sources INTEGER, adm1 VARCHAR, adm2 VARCHAR,
    PRIMARY KEY (source, event_id)
);
-- One row per event and day, carrying what indicator queries need, with deaths already
-- multiplied by the day's share of a multi-day event (no join at query time).
CREATE TABLE event_days (
    source VARCHAR, event_id VARCHAR, day DATE, share DOUBLE, adm1 VARCHAR, adm2 VARCHAR,
    latitude DOUBLE, longitude DOUBLE, where_prec INTEGER, type_of_violence INTEGER,
    side_a VARCHAR, side_b VARCHAR, best DOUBLE, low DOUBLE, high DOUBLE, civilians DOUBLE
);
CREATE TABLE vdc_deaths (day DATE, adm1 VARCHAR, deaths INTEGER);
CREATE TABLE vdc_causes (day DATE, cause VARCHAR, deaths INTEGER);
CREATE TABLE population (adm1 VARCHAR, year INTEGER, reference_date DATE, population BIGINT,
                         source VARCHAR, note VARCHAR);
CREATE TABLE build_info (key VARCHAR PRIMARY KEY, value VARCHAR);
"""

UCDP_CITATION = (
    "UCDP Georeferenced Event Dataset (Sundberg & Melander 2013, JPR 50(4)); "
    "Uppsala Conflict Data Program, CC BY 4.0"
)
SHIPPED = (
    (
        "ucdp_ged_syria_2016_2019",
        "ucdp-ged-syria/ged_syria_special_2016_2019.csv",
        "UCDP GED Syria 20160101-20191130 (release 652.1601.1911, all clear events)",
        date(2016, 1, 1),
        date(2019, 11, 30),
        True,
        True,
        "",
    ),
    (
        "ucdp_ged_21_1_precise",
        "ucdp-ged-syria/ged211_syria_precise.csv",
        "UCDP GED 21.1, Syria, events located within 25 km (where_prec 1-2)",
        date(2011, 1, 1),
        date(2020, 12, 31),
        False,
        False,
        "Only events located exactly or within 25 km: totals are lower than the full GED.",
    ),
)
VDC_CITATION = (
    "Violations Documentation Center in Syria (VDC), recorded deaths per day, from a "
    "2019 scrape (romansul/syrian-civil-war); research material, not VDC's totals"
)


class StoreMissing(FileNotFoundError):
    """The evidence store has not been built."""


@dataclass(frozen=True)
class BuildReport:
    path: Path
    seconds: float
    events: dict[str, int]
    located_adm1: int
    located_adm2: int


def default_path() -> Path:
    return Path(os.environ.get("ASYLON_EVIDENCE_DB", var_dir() / "evidence.duckdb"))


def connect(path: Path | None = None, read_only: bool = True) -> duckdb.DuckDBPyConnection:
    path = path or default_path()
    if not path.exists():
        raise StoreMissing(f"no evidence store at {path}: run 'asylon evidence build'")
    return duckdb.connect(str(path), read_only=read_only)


def _insert_events(con: duckdb.DuckDBPyConnection, rows: Sequence[tuple[Value, ...]]) -> None:
    """Bulk insert validated rows (through a temporary CSV, DuckDB's fastest path), then place
    them in governorates and districts and spread them over their days."""
    if not rows:
        return
    lat = [r[14] for r in rows]
    lon = [r[15] for r in rows]
    prec = [r[10] for r in rows]
    adm1, adm2 = boundaries.assign(lat, lon, prec)  # type: ignore[arg-type]
    with tempfile.NamedTemporaryFile(
        "w", suffix=".csv", delete=False, newline="", encoding="utf-8"
    ) as tmp:
        writer = csv.writer(tmp)
        writer.writerow([*EVENT_COLUMNS, "adm1", "adm2"])
        for row, a1, a2 in zip(rows, adm1, adm2, strict=True):
            writer.writerow([*("" if v is None else v for v in row), a1 or "", a2 or ""])
    try:
        columns = ", ".join(f"'{c}': 'VARCHAR'" for c in (*EVENT_COLUMNS, "adm1", "adm2"))
        con.execute(
            f"INSERT INTO events SELECT {', '.join(_casts())} FROM read_csv(?, header=true, "
            f"columns={{{columns}}}, quote='\"', escape='\"', nullstr='')",
            [tmp.name],
        )
    finally:
        os.unlink(tmp.name)
    source = rows[0][0]
    con.execute(
        """INSERT INTO event_days
           SELECT source, event_id, day, share, adm1, adm2, latitude, longitude, where_prec,
                  type_of_violence, side_a, side_b, best * share, low * share, high * share,
                  deaths_civilians * share
           FROM (SELECT *, unnest(generate_series(date_start, date_end, INTERVAL 1 DAY))::DATE
                           AS day,
                        1.0 / (date_diff('day', date_start, date_end) + 1) AS share
                 FROM events WHERE source = ?)
           ORDER BY day""",
        [source],
    )


def _casts() -> list[str]:
    types = {**EVENT_TYPES, "adm1": "VARCHAR", "adm2": "VARCHAR"}
    return [c if t == "VARCHAR" else f"CAST({c} AS {t})" for c, t in types.items()]


def _load_vdc(con: duckdb.DuckDBPyConnection, folder: Path) -> None:
    mapping: dict[str, str] = {}
    with (folder / "syria-population" / "syria_governorate_population.csv").open(
        encoding="utf-8"
    ) as f:
        for row in csv.DictReader(f):
            mapping[row["governorate_vdc"]] = row["adm1_pcode"]
            con.execute(
                "INSERT INTO population VALUES (?, ?, ?, ?, ?, ?)",
                [
                    row["adm1_pcode"],
                    int(row["year"]),
                    row["reference_date"] if len(row["reference_date"]) == 10 else None,
                    int(row["population"]),
                    row["source"],
                    row["note"],
                ],
            )
    vdc = folder / "vdc-syria-casualties"
    con.execute("CREATE TEMP TABLE vdc_map (province VARCHAR, adm1 VARCHAR)")
    con.executemany("INSERT INTO vdc_map VALUES (?, ?)", sorted(mapping.items()))
    con.execute(
        """INSERT INTO vdc_deaths
           SELECT CAST(day AS DATE), m.adm1, CAST(round(CAST(deaths AS DOUBLE)) AS INTEGER)
           FROM (UNPIVOT (SELECT * FROM read_csv(?, header=true, all_varchar=true))
                 ON COLUMNS(* EXCLUDE (day)) INTO NAME province VALUE deaths) u
           JOIN vdc_map m USING (province)
           WHERE CAST(deaths AS DOUBLE) > 0""",
        [str(vdc / "vdc_deaths_by_province_by_day.csv")],
    )
    unmapped = con.execute(
        "SELECT count(*) FROM (DESCRIBE SELECT * FROM read_csv(?, header=true)) d "
        "WHERE column_name <> 'day' AND column_name NOT IN (SELECT province FROM vdc_map)",
        [str(vdc / "vdc_deaths_by_province_by_day.csv")],
    ).fetchone()
    if unmapped and unmapped[0]:
        raise ValueError("VDC provinces without a p-code in the population file")
    con.execute(
        """INSERT INTO vdc_causes
           SELECT CAST(day AS DATE), cause, CAST(round(CAST(deaths AS DOUBLE)) AS INTEGER)
           FROM (UNPIVOT (SELECT * FROM read_csv(?, header=true, all_varchar=true))
                 ON COLUMNS(* EXCLUDE (day)) INTO NAME cause VALUE deaths)
           WHERE CAST(deaths AS DOUBLE) > 0""",
        [str(vdc / "vdc_deaths_by_cause_by_day.csv")],
    )
    first, last = con.execute("SELECT min(day), max(day) FROM vdc_deaths").fetchone() or (
        None,
        None,
    )
    con.execute(
        "INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            "vdc",
            "VDC recorded deaths per day, by governorate and by cause",
            VDC_CITATION,
            "no licence stated; aggregate counts only",
            first,
            last,
            False,
            False,
            "All statuses (civilian, non-civilian, regime) are counted; the scrape is incomplete and "
            "stops in August 2018, so totals are below VDC's own.",
        ],
    )


def build(out: Path | None = None, data: Path | None = None) -> BuildReport:
    """Build the store from the shipped data into ``out`` (replaced atomically)."""
    started = time.perf_counter()
    out = out or default_path()
    folder = data or data_dir()
    tmp = out.with_suffix(".building")
    tmp.unlink(missing_ok=True)
    con = duckdb.connect(str(tmp))
    try:
        con.execute(SCHEMA)
        counts: dict[str, int] = {}
        for key, rel, title, start, end, civ, text, caveat in SHIPPED:
            rows = read_ucdp(folder / rel, key)
            _insert_events(con, rows)
            counts[key] = len(rows)
            con.execute(
                "INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [key, title, UCDP_CITATION, "CC BY 4.0", start, end, civ, text, caveat],
            )
        _load_vdc(con, folder)
        con.execute("INSERT INTO build_info VALUES ('built_from', ?)", [str(folder)])
        a1, a2 = con.execute("SELECT count(adm1), count(adm2) FROM events").fetchone() or (0, 0)
        con.close()
    except BaseException:
        con.close()
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, out)
    return BuildReport(out, time.perf_counter() - started, counts, int(a1), int(a2))


def import_file(path: Path, kind: str, source: str, title: str, store: Path | None = None) -> int:
    """Add a UCDP GED or ACLED CSV as a new source; all or nothing. Returns the events added."""
    rows = read_ucdp(path, source) if kind == "ucdp" else read_acled(path, source)
    if not rows:
        raise ValueError(f"{path.name}: no events in the file")
    con = connect(store, read_only=False)
    began = False
    try:
        if con.execute("SELECT 1 FROM sources WHERE source = ?", [source]).fetchone():
            raise ValueError(f"source {source!r} already exists; choose another name")
        con.execute("BEGIN TRANSACTION")
        began = True
        _insert_events(con, rows)
        first = min(r[2] for r in rows if isinstance(r[2], date))
        last = max(r[3] for r in rows if isinstance(r[3], date))
        civilian = kind == "ucdp" and any(r[18] is not None for r in rows)
        con.execute(
            "INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                source,
                title,
                "ACLED (user export, not redistributed)" if kind == "acled" else UCDP_CITATION,
                "user-supplied",
                first,
                last,
                civilian,
                True,
                "Imported by the user; coverage is the span of its events.",
            ],
        )
        con.execute("COMMIT")
    except BaseException:
        if began:
            con.execute("ROLLBACK")
        raise
    finally:
        con.close()
    return len(rows)
