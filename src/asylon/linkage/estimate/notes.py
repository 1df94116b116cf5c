"""What an estimate says of itself: each reason (why there is no total) and each warning (why
to read a total with care) as a code and its values, with the English sentence made of them.

The code and the values let a report say the same in the reader's language (the web layer's
catalogue: :mod:`asylon.web.victims.estimate_text`); the English sentence is the command
line's and the JSON's ``reasons`` and ``warnings``, as before.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: The English sentence of each code; the values are named in braces.
TEXT: dict[str, str] = {
    # the table (identifiability)
    "no_records": "the table records nobody",
    "one_list": "only one list ({list}) recorded anybody",
    "too_few_lists": "at least two lists are needed to estimate how many no list recorded",
    "list_alone": (
        "list '{list}' shares no record with any other list: its coverage, and so the total, "
        "cannot be estimated"
    ),
    "disjoint_groups": "the lists fall into groups that share no record: {groups}",
    # the log-linear models
    "no_finite_model": "no log-linear model has a finite maximum-likelihood estimate",
    "model_choice": (
        "the choice of model matters: models within {delta:g} {criterion} of the best give "
        "{low:,.0f} to {high:,.0f}"
    ),
    "saturated": (
        "the model is saturated (no residual degree of freedom): its fit cannot be checked "
        "and the estimate rests on the assumption of no higher-order interaction"
    ),
    "nearly_saturated": "the model is nearly saturated (one residual degree of freedom)",
    "sparse_table": "sparse table: {cells} non-empty cells for {parameters} parameters",
    "no_upper_bound": (
        "the profile likelihood does not close above: the data put no upper bound on the total"
    ),
    "unstable": (
        "the estimate is unstable: the upper bound ({upper:,.0f}) is far above the estimate "
        "({median:,.0f}) for {observed:,} observed"
    ),
    "unstable_withheld": (
        "the estimate is unstable: the upper bound ({upper:,.0f}) is far above the estimate "
        "({median:,.0f}) for the number observed"
    ),
    # LCMCR
    "chains_disagree": (
        "the chains disagree (R-hat of N = {rhat:.2f} > {rhat_max}): the posterior did not "
        "converge or is multimodal"
    ),
    "no_concentration": (
        "the posterior of N does not concentrate: its 97.5% quantile ({upper:,.0f}) is far "
        "above the median ({median:,.0f}) for {observed:,} observed"
    ),
    "no_concentration_withheld": (
        "the posterior of N does not concentrate: its 97.5% quantile ({upper:,.0f}) is far "
        "above the median ({median:,.0f}) for the number observed"
    ),
    "prior_closes_upper": (
        "the data do not bound the total from above: a model in which one group is rarely "
        "recorded by any list (two latent classes) fits as well with four times as many "
        "unrecorded people as the median; the upper end of the interval would be the prior's, "
        "not the data's. Read {lower:,.0f} as a lower bound"
    ),
    "widened": (
        "the interval is widened to {lower:,.0f}-{upper:,.0f} to take in the two-class profile "
        "likelihood's; the posterior's own is {posterior_lower:,.0f}-{posterior_upper:,.0f}"
    ),
    "few_draws": "few effective draws of N (ESS {ess:.0f} < {ess_min:.0f}): run longer chains",
    "went_on_once": (
        "the chains had not converged at first (R-hat of N above {rhat_max}): they went on "
        "once more, the last run keeping one draw every {thin} iterations, and the earlier "
        "draws served as burn-in"
    ),
    "went_on": (
        "the chains had not converged at first (R-hat of N above {rhat_max}): they went on "
        "{runs} more times, the last run keeping one draw every {thin} iterations, and the "
        "earlier draws served as burn-in"
    ),
    "classes_full": "all K = {K} latent classes are often in use: raise K (--K) and compare",
    "two_lists": (
        "with two lists the latent classes are not identified by the data: the estimate leans "
        "on the prior, which favours few classes (close to Lincoln-Petersen's independence)"
    ),
}


@dataclass(frozen=True)
class Note:
    """One reason or warning: its code, its values and, in a total over strata, the stratum
    it comes from."""

    code: str
    values: dict[str, Any] = field(default_factory=dict)
    stratum: str | None = None

    def __post_init__(self) -> None:
        if self.code not in TEXT:
            raise ValueError(f"unknown estimate note {self.code!r}")

    @property
    def text(self) -> str:
        sentence = TEXT[self.code].format(**self.values)
        return f"stratum {self.stratum}: {sentence}" if self.stratum else sentence

    def in_stratum(self, label: str) -> Note:
        return Note(self.code, dict(self.values), label)

    def with_observed(self, observed: int | None) -> Note:
        """The note with the number observed replaced (by a published, controlled figure),
        or left out when that figure is withheld."""
        if "observed" not in self.values:
            return self
        if observed is None:
            values = {k: v for k, v in self.values.items() if k != "observed"}
            return Note(f"{self.code}_withheld", values, self.stratum)
        return Note(self.code, {**self.values, "observed": observed}, self.stratum)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Note:
        return cls(str(data["code"]), dict(data.get("values") or {}), data.get("stratum"))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "values": dict(self.values)}
        if self.stratum is not None:
            out["stratum"] = self.stratum
        return out
