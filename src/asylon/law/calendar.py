"""Calendar arithmetic for time limits.

"One month from notice" ends on the same day of the next month; where that day does not exist
the period ends on the last day of the month (2016-01-31 + 1 month = 2016-02-29). Weeks and
days are added as days. Pure and dependency-free: it runs in every assessment.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta


def add_months(start: date, months: int) -> date:
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def end_of_month(day: date) -> date:
    """The last day of ``day``'s month."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_period(start: date, period: dict[str, int]) -> date:
    """``start`` plus a period such as ``{"months": 1}`` or ``{"years": 1, "days": 3}``."""
    day = add_months(start, 12 * period.get("years", 0) + period.get("months", 0))
    return day + timedelta(weeks=period.get("weeks", 0), days=period.get("days", 0))


def add_working_days(start: date, n: int) -> date:
    """``n`` working days after ``start`` (Saturdays and Sundays skipped; public holidays are
    not modelled, so the date given is never later than the true one)."""
    day = start
    while n > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day
