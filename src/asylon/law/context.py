"""What every rule reads: the facts, the profile on the decision date, and the evidence.

Rules take a :class:`Context` and return steps; they never read files, the clock or a database.
The context also collects flags and side outputs as the rules raise them, in order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from asylon.law.evidence import CountryEvidence, DangerReading
from asylon.law.facts import (
    Applicant,
    CaseFile,
    Claim,
    Conduct,
    Findings,
    MilitaryService,
    Place,
    Procedure,
    Removal,
    SeriousHarmRisk,
)
from asylon.law.logic import Tri
from asylon.law.parameters import Profile

# Directive 2004/83/EC lettered its definitions differently from the 2011 recast.
_QD_2004 = {"2(d)": "2(c)", "2(f)": "2(e)"}

_EMPTY_APPLICANT = Applicant()
_EMPTY_CLAIM = Claim()
_EMPTY_FINDINGS = Findings()
_EMPTY_RISK = SeriousHarmRisk()
_EMPTY_MILITARY = MilitaryService()
_EMPTY_CONDUCT = Conduct()
_EMPTY_PROCEDURE = Procedure()
_EMPTY_REMOVAL = Removal()


@dataclass
class Context:
    case: CaseFile
    profile: Profile
    day: date
    evidence: CountryEvidence | None = None
    flags: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    side_outputs: list[str] = field(default_factory=list)
    readings: list[DangerReading] = field(default_factory=list)
    _danger_cache: dict[str, DangerReading | None] = field(default_factory=dict)
    _params: dict[str, Any] = field(default_factory=dict)
    _binds: dict[str, bool] = field(default_factory=dict)
    _qd_prefix: str | None = None
    memo: dict[tuple[str, int], Tri] = field(default_factory=dict)

    def __post_init__(self) -> None:
        c = self.case
        self.applicant = c.applicant or _EMPTY_APPLICANT
        self.procedure = c.procedure or _EMPTY_PROCEDURE
        self.claim = c.claim or _EMPTY_CLAIM
        self.findings = self.claim.findings or _EMPTY_FINDINGS
        self.risk = self.findings.risk_of_serious_harm or _EMPTY_RISK
        self.military = self.claim.military_service or _EMPTY_MILITARY
        self.conduct = c.conduct or _EMPTY_CONDUCT
        self.conduct_given = c.conduct is not None
        self.removal = c.removal or _EMPTY_REMOVAL
        self.fears = self.claim.fears or []
        self.is_eu = self.profile.name == "eu"
        self.is_ru = self.profile.name == "ru"
        self.is_unhcr = self.profile.name == "unhcr"

    # --- the law in force -----------------------------------------------------------------

    def param(self, name: str) -> Any:
        """A parameter's value on the decision date; unverified values raise LAW_UNCERTAIN."""
        if name in self._params:
            return self._params[name]
        v = self.profile.param(name, self.day)
        if not v.verified:
            self.flag(
                "LAW_UNCERTAIN",
                f"{name.replace('_', ' ')}: {v.reference} (not verified against the primary text)",
            )
        self._params[name] = v.value
        return v.value

    def binds(self, instrument: str) -> bool:
        if instrument in self._binds:
            return self._binds[instrument]
        v = self.profile.instrument(instrument, self.day)
        if v is not None and not v.verified:
            self.flag("LAW_UNCERTAIN", f"{instrument}: {v.reference}")
        self._binds[instrument] = v is not None
        return v is not None

    def qd(self, article: str) -> str:
        """Cite a Qualification Directive article under the instrument in force on the date."""
        if self._qd_prefix is None:
            if self.binds("QR"):
                self.flag(
                    "LAW_UNCERTAIN",
                    "The Qualification Regulation (EU) 2024/1347 replaced the Directive on 1 July "
                    "2026; article correspondence is not verified.",
                )
                self._qd_prefix = "QR"
            elif self.binds("QD_2011"):
                self._qd_prefix = "QD 2011/95/EU Art "
            else:
                self._qd_prefix = "QD 2004/83/EC Art "
        if self._qd_prefix == "QR":
            return f"QR 2024/1347 (QD Art {article} equivalent)"
        if self._qd_prefix.startswith("QD 2004"):
            return self._qd_prefix + _QD_2004.get(article, article)
        return self._qd_prefix + article

    def apd(self, article: str) -> str:
        if self.profile.binds("APR", self.day):
            self.flag(
                "LAW_UNCERTAIN",
                "The Asylum Procedure Regulation (EU) 2024/1348 replaced "
                "the Directive in June 2026; article correspondence is not verified.",
            )
            return f"APR 2024/1348 (APD Art {article} equivalent)"
        if self.profile.binds("APD_2005", self.day):
            return f"APD 2005/85/EC (APD 2013/32/EU Art {article} equivalent)"
        return f"APD 2013/32/EU Art {article}"

    def resolve(self, label: str) -> str:
        """Turn a generic ``QD Art n`` label from a parameter file into the instrument in force."""
        if label.startswith("QD Art "):
            return self.qd(label.removeprefix("QD Art "))
        return label

    def remember(self, key: tuple[str, int], compute: Callable[[], Tri]) -> Tri:
        """A per-assessment memo for analyses that several rules read (e.g. one fear's)."""
        found = self.memo.get(key)
        if found is None:
            found = self.memo[key] = compute()
        return found

    # --- what the rules raise ---------------------------------------------------------------

    def flag(self, code: str, message: str, evidence: list[str] | None = None) -> None:
        ev = self.flags.setdefault((code, message), [])
        for e in evidence or []:
            if e not in ev:
                ev.append(e)

    def side(self, code: str) -> None:
        if code not in self.side_outputs:
            self.side_outputs.append(code)

    # --- facts derived once -------------------------------------------------------------------

    @property
    def origin(self) -> str | None:
        """Country of origin: nationality, or former habitual residence if stateless."""
        a = self.applicant
        hr = a.habitual_residence.country if a.habitual_residence else None
        if a.stateless:
            return hr
        nats = a.nationalities or []
        if hr and hr in nats:
            return hr
        if nats:
            return nats[0]
        return hr if a.nationalities is None and a.stateless is None else None

    @property
    def host(self) -> str | None:
        a = self.applicant
        if a.host_country:
            return a.host_country
        return a.present_in.country if a.present_in else None

    @property
    def home_area(self) -> Place | None:
        return self.applicant.habitual_residence

    def danger(self) -> DangerReading | None:
        """Country evidence for the home area on the decision date, if an evidence store is set."""
        place = self.home_area
        if self.evidence is None or place is None:
            return None
        key = f"{place.country}:{place.place}"
        if key not in self._danger_cache:
            reading = self.evidence.danger(place, self.day)
            self._danger_cache[key] = reading
            if reading is not None:
                self.readings.append(reading)
        return self._danger_cache[key]
