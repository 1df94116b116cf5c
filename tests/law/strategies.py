"""Hypothesis strategies for valid, coherent asylon.case/1 documents."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, get_args

from hypothesis import strategies as st

from asylon.law import facts

LEVEL = st.sampled_from(["none", "remote", "reasonable_likelihood", "substantial"])
MAYBE_LEVEL = st.none() | LEVEL
MAYBE_BOOL = st.none() | st.booleans()
HARMS = list(get_args(facts.Harm))
GROUNDS = list(get_args(facts.Ground))
CATEGORIES = list(get_args(facts.ActCategory))
MODES = list(get_args(facts.Mode))
KINDS = list(get_args(facts.ProcedureKind))


def _d(day: date) -> str:
    return day.isoformat()


@st.composite
def case_files(draw: st.DrawFn) -> dict[str, Any]:
    jurisdiction = draw(st.sampled_from(["unhcr", "eu", "eu:de", "eu:fr", "ru"]))
    as_of = date(2012, 1, 1) + timedelta(days=draw(st.integers(0, 5400)))
    born = as_of - timedelta(days=draw(st.integers(14 * 365, 70 * 365)))
    arrived = as_of - timedelta(days=draw(st.integers(30, 900)))
    applied = arrived + timedelta(days=draw(st.integers(0, 25)))
    palestinian = draw(st.booleans())
    host = {"unhcr": "JO", "ru": "RU"}.get(
        jurisdiction, jurisdiction[-2:].upper() if ":" in jurisdiction else "DE"
    )
    fears = draw(
        st.none()
        | st.lists(
            st.fixed_dictionaries(
                {
                    "harms": st.lists(st.sampled_from(HARMS), min_size=1, max_size=3, unique=True),
                    "actor": st.fixed_dictionaries(
                        {"kind": st.sampled_from(["state", "party_controlling_state", "non_state"])}
                    ),
                    "grounds": st.lists(
                        st.fixed_dictionaries(
                            {"ground": st.sampled_from(GROUNDS), "imputed": MAYBE_BOOL}
                        ),
                        max_size=2,
                    ),
                    "past_persecution": MAYBE_BOOL,
                }
            ),
            max_size=2,
        )
    )
    doc: dict[str, Any] = {
        "format": "asylon.case/1",
        "id": f"h-{draw(st.integers(0, 10**6))}",
        "jurisdiction": jurisdiction,
        "as_of": _d(as_of),
        "procedure": {
            "kind": draw(st.sampled_from(KINDS)),
            "applied_on": _d(applied),
            "limited_to_temporary_asylum": draw(MAYBE_BOOL),
            "status_held": draw(
                st.none()
                | st.sampled_from(["refugee_status", "subsidiary_protection", "temporary_asylum"])
            ),
            "decision_notified_on": draw(st.none() | st.just(_d(as_of))),
        },
        "applicant": {
            "born": _d(born),
            "nationalities": []
            if palestinian
            else draw(st.sampled_from([["SY"], ["SY", "TR"], ["AF"]])),
            "stateless": True if palestinian else draw(st.none() | st.just(False)),
            "habitual_residence": {"country": "SY", "place": "Aleppo"},
            "unrwa_registered": draw(MAYBE_BOOL) if palestinian else None,
            "unrwa_assistance_ceased_involuntarily": draw(MAYBE_BOOL) if palestinian else None,
            "protection_of_another_nationality_available": draw(MAYBE_BOOL),
            "vulnerabilities": draw(
                st.none()
                | st.lists(
                    st.sampled_from(["minor", "survivor_of_torture", "serious_illness"]),
                    max_size=2,
                    unique=True,
                )
            ),
            "host_country": host,
            "arrived_on": _d(arrived),
            "entered_irregularly": draw(MAYBE_BOOL),
        },
        "claim": {
            "fears": fears,
            "military_service": {
                "refused": draw(MAYBE_BOOL),
                "conscientious_objection_procedure_available": draw(MAYBE_BOOL),
                "unit_likely_to_commit_war_crimes": draw(MAYBE_BOOL),
            },
            "findings": {
                "credible": draw(MAYBE_BOOL),
                "risk_of_persecution": draw(MAYBE_LEVEL),
                "state_protection_available": draw(MAYBE_BOOL),
                "internal_protection": draw(
                    st.none()
                    | st.fixed_dictionaries({"safe": MAYBE_BOOL, "reasonable": MAYBE_BOOL})
                ),
                "risk_of_serious_harm": {
                    "death_penalty": draw(MAYBE_LEVEL),
                    "torture_or_inhuman_treatment": draw(MAYBE_LEVEL),
                    "indiscriminate_violence": draw(MAYBE_LEVEL),
                    "serious_illness_without_treatment": draw(MAYBE_LEVEL),
                },
                "flagrant_denial_of_justice": draw(MAYBE_LEVEL),
            },
        },
    }
    if draw(st.booleans()):
        act_from = born + timedelta(days=draw(st.integers(10 * 365, 40 * 365)))
        act_from = min(act_from, arrived - timedelta(days=1))
        doc["conduct"] = {
            "roles": [
                {
                    "senior": draw(MAYBE_BOOL),
                    "voluntary": draw(MAYBE_BOOL),
                    "organisation_implicated": draw(MAYBE_BOOL),
                }
            ],
            "acts": [
                {
                    "category": draw(st.sampled_from(CATEGORIES)),
                    "from": _d(act_from),
                    "in_host_country": draw(MAYBE_BOOL),
                    "before_admission": draw(MAYBE_BOOL),
                    "mode_of_liability": draw(st.none() | st.sampled_from(MODES)),
                    "knowledge": draw(MAYBE_BOOL),
                    "intent": draw(MAYBE_BOOL),
                    "defences_accepted": draw(
                        st.none()
                        | st.lists(
                            st.sampled_from(
                                ["duress", "superior_orders", "self_defence", "lack_of_capacity"]
                            ),
                            max_size=1,
                        )
                    ),
                    "political_objective": draw(MAYBE_BOOL),
                    "particularly_cruel": draw(MAYBE_BOOL),
                    "expiation": {
                        "sentence_served": draw(MAYBE_BOOL),
                        "pardon": draw(MAYBE_BOOL),
                        "amnesty_legitimate": draw(MAYBE_BOOL),
                    },
                    "evidence_strength": draw(
                        st.none()
                        | st.sampled_from(["none", "suspicion", "clear_and_credible", "proven"])
                    ),
                }
            ],
            "convictions": draw(
                st.lists(
                    st.fixed_dictionaries(
                        {
                            "country": st.sampled_from(["DE", "RU", "SY"]),
                            "particularly_serious": MAYBE_BOOL,
                            "final": MAYBE_BOOL,
                        }
                    ),
                    max_size=1,
                )
            ),
            "danger_to_security": draw(MAYBE_BOOL),
            "danger_to_community": draw(MAYBE_BOOL),
        }
    if draw(st.booleans()):
        det_from = applied + timedelta(days=draw(st.integers(0, 20)))
        doc["removal"] = {
            "kind": draw(st.sampled_from(["deportation", "administrative_removal", "extradition"])),
            "destination": "SY",
            "offence_political": draw(MAYBE_BOOL),
            "death_penalty_possible": draw(MAYBE_BOOL),
            "assurances": draw(
                st.none()
                | st.fixed_dictionaries(
                    {
                        "given": MAYBE_BOOL,
                        "specific": MAYBE_BOOL,
                        "binding_on_state": MAYBE_BOOL,
                        "verifiable_by_monitoring": MAYBE_BOOL,
                        "from_state_with_good_compliance_record": MAYBE_BOOL,
                        "applicant_previously_ill_treated_there": MAYBE_BOOL,
                    }
                )
            ),
            "detention": [
                {
                    "from": _d(det_from),
                    "to": None,
                    "basis": draw(st.sampled_from(["pending_removal", "asylum_procedure", "none"])),
                    "periodic_review_available": draw(MAYBE_BOOL),
                    "transit_zone": draw(MAYBE_BOOL),
                }
            ],
            "administrative_offences": [
                {
                    "article": "18.8(3)",
                    "on": _d(arrived + timedelta(days=3)),
                    "removal_ordered": draw(MAYBE_BOOL),
                }
            ],
        }
    return doc


def finding_paths(doc: dict[str, Any]) -> list[tuple[str, ...]]:
    """Paths of every non-null scalar finding in a document (candidates for removal)."""
    out: list[tuple[str, ...]] = []

    def walk(node: Any, path: tuple[str, ...]) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                if path == () and k in ("format", "id", "jurisdiction", "as_of"):
                    continue
                walk(v, (*path, k))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, (*path, str(i)))
        elif (
            node is not None
            and isinstance(node, bool | str)
            and path[-1]
            not in (
                "from",
                "to",
                "on",
                "born",
                "arrived_on",
                "applied_on",
                "article",
                "kind",
                "category",
                "ground",
                "country",
                "place",
                "destination",
                "host_country",
                "basis",
            )
        ):
            out.append(path)

    walk(doc, ())
    return out
