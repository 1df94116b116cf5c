"""The result of one estimate of a population total, and its stable JSON face."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

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
    reasons: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    diagnostics: dict[str, Any] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    model: dict[str, Any] = field(default_factory=dict)
    draws: npt.NDArray[np.int64] | None = None  # (chains, draws) of N, LCMCR only

    def not_identified(self, reason: str) -> None:
        self.identified = False
        if reason not in self.reasons:
            self.reasons.append(reason)

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

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
            "reasons": list(self.reasons),
            "warnings": list(self.warnings),
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
