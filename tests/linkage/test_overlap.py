"""Reading overlap tables: what is accepted, and the exact errors for what is not."""

from __future__ import annotations

import pytest

from asylon.linkage.estimate.overlap import OverlapError, parse_overlap


def test_patterns_absent_from_the_file_count_as_zero() -> None:
    (table,) = parse_overlap("A,B,C,count\n1,0,0,5\n1,1,1,2\n0,0,0,0\n", "t.csv")
    assert table.lists == ("A", "B", "C")
    assert table.observed == 7
    assert len(table.counts) == 7  # every non-empty pattern of three lists
    assert table.list_totals() == {"A": 7, "B": 2, "C": 2}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("A,B,count\n1,0,3\n2,1,4\n", "t.csv: row 3, column 'A': expected 0 or 1, got '2'"),
        ("A,B,n\n1,0,3\n", "t.csv: row 1: missing column 'count' (columns: A, B, n)"),
        (
            "A,B,count\n1,0,-3\n",
            "t.csv: row 2, column 'count': expected a non-negative whole number, got '-3'",
        ),
        (
            "A,B,count\n1,0,3\n0,1,4\n1,0,5\n",
            "t.csv: row 4: duplicate pattern 1,0 (first at row 2)",
        ),
        ("A,B,count\n0,0,9\n", "t.csv: row 2, column 'count': the all-zero pattern"),
        ("A,count\n1,3\n", "t.csv: row 1: at least two list columns are needed, found 1"),
        ("A,B,count\n1,0\n", "t.csv: row 2: expected 3 fields, got 2"),
        ("", "t.csv: the file is empty"),
    ],
)
def test_malformed_tables_name_the_row_and_column(text: str, message: str) -> None:
    with pytest.raises(OverlapError) as err:
        parse_overlap(text, "t.csv")
    assert str(err.value).startswith(message)


def test_strata_split_the_table_and_duplicates_are_per_stratum() -> None:
    text = "gov,A,B,count\nAleppo,1,0,3\nAleppo,1,1,1\nHoms,1,0,2\nHoms,1,1,4\n"
    tables = parse_overlap(text, "s.csv", strata="gov")
    assert [t.stratum for t in tables] == ["Aleppo", "Homs"]
    assert [t.observed for t in tables] == [4, 6]
    assert tables[0].lists == ("A", "B")
    with pytest.raises(OverlapError, match="column 'gov': expected 0 or 1"):
        parse_overlap(text, "s.csv")
    with pytest.raises(OverlapError, match="no strata column 'period'"):
        parse_overlap(text, "s.csv", strata="period")
