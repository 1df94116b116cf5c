"""Time-limit arithmetic."""

from __future__ import annotations

from datetime import date

from asylon.law.calendar import add_months, add_period, add_working_days


def test_one_month_from_notice() -> None:
    assert add_period(date(2016, 12, 6), {"months": 1}) == date(2017, 1, 6)
    assert add_months(date(2016, 1, 31), 1) == date(2016, 2, 29)
    assert add_months(date(2015, 1, 31), 1) == date(2015, 2, 28)
    assert add_months(date(2016, 11, 30), 14) == date(2018, 1, 30)


def test_years_weeks_days() -> None:
    assert add_period(date(2016, 2, 29), {"years": 1}) == date(2017, 2, 28)
    assert add_period(date(2017, 3, 7), {"weeks": 2}) == date(2017, 3, 21)
    assert add_period(date(2017, 3, 7), {"days": 30}) == date(2017, 4, 6)


def test_working_days_skip_weekends() -> None:
    assert add_working_days(date(2016, 3, 11), 5) == date(2016, 3, 18)  # Friday -> Friday
    assert add_working_days(date(2016, 3, 14), 5) == date(2016, 3, 21)  # Monday -> Monday


def test_end_of_month() -> None:
    from asylon.law.calendar import end_of_month

    assert end_of_month(date(2016, 2, 10)) == date(2016, 2, 29)
    assert end_of_month(date(2017, 12, 1)) == date(2017, 12, 31)
