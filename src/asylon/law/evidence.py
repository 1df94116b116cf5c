"""The interface through which the legal core reads country evidence.

``law`` defines it and ``asylon.evidence`` implements it over the conflict-event store, so the
legal core is tested without a database and the store can change without touching the law.
A reading answers "how dangerous was this place on this date" on the four-level scale that the
EUAA derives from *Elgafaji* (C-465/07) and *Sufi and Elmi v UK* para 241.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Protocol

from asylon.law.facts import Place


class ViolenceLevel(StrEnum):
    """EUAA 15(c) categories: the level of indiscriminate violence in an area."""

    MERE_PRESENCE = "mere_presence"  # a civilian faces a real risk solely by being present
    HIGH = "high"  # a lower level of individual elements is required
    NOT_HIGH = "not_high"  # a high level of individual elements is required
    NO_REAL_RISK = "no_real_risk"  # no real risk in general


@dataclass(frozen=True, slots=True)
class DangerReading:
    """What the evidence records for one place and period."""

    place: str
    period: tuple[date, date]
    level: ViolenceLevel | None
    armed_conflict: bool | None
    indicators: Mapping[str, float | int | str | None] = field(default_factory=dict)
    sources: tuple[str, ...] = ()
    # What the evidence layer judges a high recent rate of lethal violence (its threshold is
    # documented there); None where no source covers the period.
    high_lethal_rate: bool | None = None
    # The figures in plain language, one line per source, for the determination's reasons.
    summary: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {
            "place": self.place,
            "period": [self.period[0].isoformat(), self.period[1].isoformat()],
            "level": self.level.value if self.level else None,
            "indicators": dict(self.indicators),
            "sources": list(self.sources),
        }


class CountryEvidence(Protocol):
    """Country evidence as the legal core needs it."""

    def danger(self, place: Place, on: date) -> DangerReading | None:
        """The reading for ``place`` around ``on``, or None when the evidence holds nothing."""
        ...


class FixedEvidence:
    """Country evidence given as explicit readings, keyed by (country, place name or code).

    Used where a decision-maker supplies a reading by hand and in the legal test cases.
    """

    def __init__(self, readings: Mapping[tuple[str, str], DangerReading]) -> None:
        self._readings = {(c.upper(), p.casefold()): r for (c, p), r in readings.items()}

    def danger(self, place: Place, on: date) -> DangerReading | None:
        reading = self._readings.get((place.country, (place.place or "").casefold()))
        if reading is None or not (reading.period[0] <= on <= reading.period[1]):
            return None
        return reading
