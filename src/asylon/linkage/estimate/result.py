"""The result of one estimate of a population total, and its stable JSON face."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from .notes import Note

INTERVAL = 0.95


@dataclass
class Estimate:
    """A total with its 95% interval, or the reasons why the data cannot give one.

    ``median`` is the posterior median (LCMCR) or the maximum-likelihood estimate
    (log-linear); ``point`` says which. When ``identified`` is false the numbers are kept for
    diagnosis only and the JSON top level shows ``null`` instead of them.
    """

    method: str
    observed: int
    median: float | None
    lower: float | None
    upper: float | None
    point: str
    identified: bool = True
    reason_notes: list[Note] = field(default_factory=list)
    warning_notes: list[Note] = field(default_factory=list)
    diagnostics: dict[str, Any] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    model: dict[str, Any] = field(default_factory=dict)
    draws: npt.NDArray[np.int64] | None = None  # (chains, draws) of N, LCMCR only

    @property
    def reasons(self) -> list[str]:
        """Why the data cannot give a total, in English."""
        return [n.text for n in self.reason_notes]

    @property
    def warnings(self) -> list[str]:
        """Why to read the total with care, in English."""
        return [n.text for n in self.warning_notes]

    def not_identified(self, code: str | Note, **values: Any) -> None:
        """No total: for the reason ``code`` (:data:`asylon.linkage.estimate.notes.TEXT`)."""
        self.identified = False
        note = code if isinstance(code, Note) else Note(code, values)
        if note not in self.reason_notes:
            self.reason_notes.append(note)

    def warn(self, code: str | Note, **values: Any) -> None:
        """A warning ``code`` (:data:`asylon.linkage.estimate.notes.TEXT`) with its values."""
        note = code if isinstance(code, Note) else Note(code, values)
        if note not in self.warning_notes:
            self.warning_notes.append(note)

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "point": self.point,
            "observed": self.observed,
            "median": _num(self.median),
            "lower": _num(self.lower),
            "upper": _num(self.upper),
            "interval": INTERVAL,
            "identified": self.identified,
            "reasons": self.reasons,
            "warnings": self.warnings,
            "reason_notes": [n.to_dict() for n in self.reason_notes],
            "warning_notes": [n.to_dict() for n in self.warning_notes],
            "diagnostics": _clean(self.diagnostics),
            "model": _clean(self.model),
            "settings": _clean(self.settings),
        }


def _num(x: float | None) -> float | int | None:
    """JSON-safe number: integers stay integers, infinity and NaN become null."""
    if x is None or not math.isfinite(x):
        return None
    return int(x) if float(x).is_integer() else round(float(x), 1)


def _clean(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_clean(v) for v in obj]
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, float | np.floating):
        f = float(obj)
        return round(f, 4) if math.isfinite(f) else None
    return obj
