"""Deterministic generator of varied, valid ``asylon.case/1`` case files.

The cases are synthetic: plausible in shape, not in substance. They exist to load the
assessment engine with the whole width of the input contract (``docs/case-file.md``): every
jurisdiction profile, every ``procedure.kind``, every enumerated value, findings at every level
and very often missing, exclusion conduct, removal, extradition assurances, detention and
administrative offences, and evidence items that the claim and the acts refer to.

Only the standard library and the contract's models are used. Each case is drawn from its own ``random.Random`` seeded
with ``"{seed}:{index}"`` (string seeds are hashed with SHA-512, so the stream is stable across
runs and platforms), which makes ``generate(n)[:k] == generate(k)``.

Coherence kept by construction:
  born < arrived_on <= applied_on <= as_of; every ``from <= to``; every event date <= as_of;
  a date never before ``born``; countries are ISO 3166-1 alpha-2; a stateless person has
  ``nationalities: []``; evidence ids are unique and every reference points at one of them;
  act ids are unique; the host country is never a country of nationality.

Usage::

    python benchmarks/casegen.py --n 1000 --seed 2016 --out /tmp/cases.jsonl
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
from datetime import date, timedelta
from typing import Any, TextIO

from asylon.law.facts import Assurances

# The Othman factors exactly as the contract names them, so the generator follows the contract.
ASSURANCE_FACTORS = tuple(Assurances.model_fields)

FORMAT = "asylon.case/1"

AS_OF_FIRST = date(2012, 1, 1)
AS_OF_LAST = date(2026, 12, 31)

# fmt: off
LEVELS = ("none", "remote", "reasonable_likelihood", "substantial")
HARMS = (
    "killing", "torture", "detention", "disappearance", "conscription", "forced_recruitment",
    "sexual_violence", "prosecution", "discrimination", "indiscriminate_violence",
    "death_penalty", "denial_of_treatment", "other",
)
GROUNDS = ("race", "religion", "nationality", "particular_social_group", "political_opinion")
ACTOR_KINDS = ("state", "party_controlling_state", "non_state")
VULNERABILITIES = (
    "minor", "disability", "serious_illness", "pregnancy", "elderly", "survivor_of_torture",
    "single_parent",
)
ROLE_KINDS = (
    "security_service", "armed_forces", "armed_group", "militia", "government", "party",
    "terrorist_group", "other",
)
ACT_CATEGORIES = (
    "crime_against_peace", "war_crime", "crime_against_humanity",
    "serious_non_political_crime", "acts_contrary_to_un_purposes",
    "terrorist_group_participation",
)
MODES = (
    "commission", "ordering", "instigation", "aiding_abetting", "superior_responsibility",
    "common_purpose",
)
DEFENCES = ("duress", "superior_orders", "self_defence", "lack_of_capacity")
EVIDENCE_STRENGTHS = ("none", "suspicion", "clear_and_credible", "proven")
REMOVAL_KINDS = ("deportation", "administrative_removal", "extradition")
DETENTION_BASES = ("pending_removal", "asylum_procedure", "criminal", "none")
STATUS_HELD = {
    "unhcr": ("refugee_status",),
    "eu": ("refugee_status", "subsidiary_protection"),
    "ru": ("refugee_status", "temporary_asylum"),
}
EVIDENCE_KINDS = ("testimony", "document", "register_entry")

# Procedure kinds by profile, with weights. Every kind of the contract occurs.
PROCEDURES = {
    "ru": (("refugee_status", 30), ("temporary_asylum", 30), ("political_asylum", 5),
           ("status_review", 12), ("removal", 15), ("extradition", 8)),
    "eu": (("international_protection", 60), ("status_review", 15), ("removal", 15),
           ("extradition", 10)),
    "unhcr": (("mandate_rsd", 80), ("status_review", 8), ("removal", 8), ("extradition", 4)),
}

# Member states bound by the Qualification Directive (not Denmark: Protocol No 22).
EU_MEMBERS = ("de", "fr", "se", "nl", "at", "pt", "be", "gr", "it", "es", "bg", "cy", "hu",
              "pl", "fi", "cz")

# Nationality mix: mostly Syrian; "PS" stands for stateless Palestinians (nationalities: []).
NATIONALITY_WEIGHTS = (("SY", 70), ("AF", 8), ("IQ", 8), ("ER", 6), ("PS", 8))

# Places of former habitual residence. Syria: English and Arabic names, Russian names and
# OCHA p-codes (governorates SYnn and districts SYnnnn), all of which the gazetteer knows.
HOME_PLACES = {
    "SY": (
        "Aleppo", "Damascus", "Rural Damascus", "Homs", "Hama", "Lattakia", "Idleb",
        "Al-Hasakeh", "Deir-ez-Zor", "Tartous", "Ar-Raqqa", "Dar'a", "As-Sweida", "Quneitra",
        "حلب", "دمشق", "حمص", "Алеппо", "Дамаск", "Хомс",
        "SY01", "SY02", "SY03", "SY04", "SY05", "SY07", "SY09", "SY11", "SY12",
        "SY0100", "SY0200", "SY0302", "SY0309", "SY0401", "SY0702", "SY0902", "SY1200",
    ),
    "AF": ("Kabul", "Herat", "Kandahar", "Mazar-i-Sharif", "Jalalabad", "Ghazni"),
    "IQ": ("Mosul", "Baghdad", "Basra", "Kirkuk", "Sinjar", "Fallujah"),
    "ER": ("Asmara", "Keren", "Massawa", "Mendefera"),
    "LB": ("Beirut", "Tripoli", "Sidon", "Tyre"),
    "JO": ("Amman", "Irbid", "Zarqa"),
    "PS": ("Gaza", "Rafah", "Khan Younis"),
}
PALESTINIAN_SY_PLACES = ("Yarmouk", "Damascus", "SY01", "Aleppo", "Dar'a", "Homs")

HOST_PLACES = {
    "RU": ("Moscow", "Saint Petersburg", "Москва", "Kazan", "Yekaterinburg", "Nalchik",
           "Rostov-on-Don"),
    "DE": ("Berlin", "Munich", "Hamburg", "Cologne", "Leipzig"),
    "FR": ("Paris", "Lyon", "Marseille", "Calais"),
    "SE": ("Stockholm", "Malmö", "Gothenburg"),
    "NL": ("Amsterdam", "Ter Apel", "Rotterdam"),
    "AT": ("Vienna", "Graz", "Traiskirchen"),
    "PT": ("Lisbon", "Porto"),
    "BE": ("Brussels", "Antwerp"),
    "GR": ("Athens", "Lesbos", "Thessaloniki"),
    "IT": ("Rome", "Milan", "Lampedusa"),
    "ES": ("Madrid", "Barcelona", "Melilla"),
    "BG": ("Sofia", "Harmanli"),
    "CY": ("Nicosia", "Pournara"),
    "HU": ("Budapest", "Röszke"),
    "PL": ("Warsaw", "Białystok"),
    "FI": ("Helsinki", "Turku"),
    "CZ": ("Prague", "Brno"),
    "JO": ("Amman", "Zaatari", "Irbid", "Mafraq"),
    "LB": ("Beirut", "Tripoli", "Bekaa"),
    "TR": ("Istanbul", "Gaziantep", "Şanlıurfa", "Ankara"),
    "EG": ("Cairo", "Alexandria"),
    "IQ": ("Erbil", "Duhok", "Sulaymaniyah"),
    "PK": ("Islamabad", "Peshawar", "Quetta"),
    "IR": ("Tehran", "Mashhad"),
    "IN": ("New Delhi",),
    "ET": ("Addis Ababa", "Shire"),
    "SD": ("Khartoum", "Kassala"),
    "KE": ("Nairobi", "Kakuma"),
    "MY": ("Kuala Lumpur",),
}

# Host countries of a UNHCR mandate procedure, by (origin) nationality.
UNHCR_HOSTS = {
    "SY": ("JO", "LB", "TR", "EG", "IQ", "MY"),
    "AF": ("PK", "IR", "IN", "TR"),
    "IQ": ("JO", "TR", "LB", "EG"),
    "ER": ("ET", "SD", "KE", "EG"),
    "PS": ("LB", "JO", "EG", "TR", "MY"),
}

ACTORS = {
    "SY": (("state", "Government of Syria"),
           ("state", "Government of Syria (Air Force Intelligence)"),
           ("state", "Syrian Arab Army"),
           ("party_controlling_state", "Islamic State (ISIL) in its controlled area"),
           ("party_controlling_state", "Hay'at Tahrir al-Sham (Idlib administration)"),
           ("party_controlling_state", "Autonomous Administration of North and East Syria"),
           ("non_state", "Shabiha militia"), ("non_state", "family of the applicant"),
           ("non_state", "Syrian National Army faction"), ("non_state", "ISIL cell")),
    "AF": (("party_controlling_state", "Taliban"), ("state", "Islamic Emirate of Afghanistan"),
           ("state", "Government of Afghanistan (NDS)"), ("non_state", "ISKP"),
           ("non_state", "local commander")),
    "IQ": (("state", "Government of Iraq"), ("non_state", "Popular Mobilisation Forces unit"),
           ("party_controlling_state", "ISIL in Nineveh"), ("non_state", "tribe")),
    "ER": (("state", "Government of Eritrea"), ("state", "Eritrean Defence Forces"),
           ("non_state", "smuggling network")),
    "PS": (("state", "Government of Syria"), ("non_state", "armed faction in the camp"),
           ("party_controlling_state", "Islamic State (ISIL) in Yarmouk"),
           ("state", "host-country security services")),
}

FIRST_NAMES_M = ("Omar", "Ahmad", "Mohammad", "Khaled", "Yusuf", "Salekh", "Hassan", "Bilal",
                 "Tareq", "Rami", "Samer", "Ali", "Mahmoud", "Abdullah", "Firas", "Hamid",
                 "Yonas", "Dawit", "Zaki", "Jawad")
FIRST_NAMES_F = ("Rima", "Lina", "Hala", "Noor", "Fatima", "Amal", "Yasmin", "Reem", "Dima",
                 "Samar", "Huda", "Mariam", "Selam", "Zainab", "Layla")
SURNAMES = ("Example", "al-Hassan", "Haddad", "Khalil", "Darwish", "Mansour", "Hamdan",
            "Saleh", "Qasim", "Nasser", "Barakat", "Tesfaye", "Rahimi", "Karimi", "Jaber")
ALIASES = ("صالح", "عمر", "أحمد", "ريما", "خالد", "Салех", "Омар", "Ахмад", "Mohamed",
           "Muhammad", "Abu Omar", "Umm Ali")

ORGANISATIONS = {
    "security_service": ("General Intelligence Directorate, Branch 251",
                         "Military Intelligence, Branch 215", "Air Force Intelligence",
                         "Political Security Directorate"),
    "armed_forces": ("Syrian Arab Army, 4th Division", "Republican Guard",
                     "Eritrean Defence Forces", "Afghan National Army"),
    "armed_group": ("Free Syrian Army brigade", "Jaysh al-Islam", "Ahrar al-Sham",
                    "YPG unit"),
    "militia": ("National Defence Forces", "Shabiha group", "Popular Mobilisation Forces"),
    "government": ("Ministry of Interior", "Governorate administration", "Ministry of Defence"),
    "party": ("Ba'ath Party branch", "Kurdish Democratic Party", "PFLP-GC"),
    "terrorist_group": ("Islamic State (ISIL)", "Jabhat al-Nusra", "al-Qaeda affiliate"),
    "other": ("smuggling network", "private security company", "prison administration"),
}
RANKS = ("private", "sergeant", "lieutenant", "captain", "major", "colonel", "brigadier",
         "member", "commander", "official", "clerk", "driver")
FUNCTIONS = ("guard", "interrogation", "checkpoint duty", "driver", "logistics",
             "administration", "combat", "medic", "recruiter", "financier", "propaganda")
ACT_DESCRIPTIONS = {
    "crime_against_peace": ("took part in planning an aggression against a neighbouring state",),
    "war_crime": ("shelled a residential area with no military objective",
                  "executed captured fighters", "looted and burnt a village"),
    "crime_against_humanity": ("ran interrogations in which detainees were tortured",
                               "guarded cells where torture was systematic",
                               "took part in mass arrests of protesters"),
    "serious_non_political_crime": ("armed robbery", "drug trafficking",
                                    "people smuggling with loss of life", "murder"),
    "acts_contrary_to_un_purposes": ("financed a terrorist organisation",
                                     "recruited foreign fighters"),
    "terrorist_group_participation": ("logistics for ISIL", "member of a terrorist cell",
                                      "propaganda for a terrorist group"),
}
OFFENCES = ("armed robbery", "theft", "drug trafficking", "assault", "forgery of documents",
            "people smuggling", "manslaughter", "fraud", "murder")
DETENTION_PLACES = {
    "RU": ("SUVSIG Maloyaroslavets", "TsVSIG Sakharovo", "SUVSIG Krasnoe Selo"),
    "default": ("pre-removal detention centre", "airport transit zone", "police station",
                "reception centre (closed section)", "prison"),
}
ADMIN_ARTICLES = ("18.8(1)", "18.8(1.1)", "18.8(2)", "18.8(3)", "18.8(3.1)", "18.10(1)",
                  "18.9(1)")
RU_REGIONS = ("Moscow", "Moscow Oblast", "Saint Petersburg", "Leningrad Oblast",
              "Kabardino-Balkaria", "Rostov Oblast", "Tatarstan")
EVIDENCE_DESCRIPTIONS = {
    "testimony": ("interview record", "personal interview", "RSD interview",
                  "witness statement", "hearing transcript"),
    "document": ("medical report documenting scars", "arrest warrant", "passport copy",
                 "military service booklet", "photograph of the destroyed house",
                 "country of origin report"),
    "register_entry": ("court judgment", "entry in the wanted-persons list",
                       "detention register", "UNRWA registration card",
                       "criminal records extract"),
}
# fmt: on


# --------------------------------------------------------------------------- helpers


def _iso(d: date) -> str:
    return d.isoformat()


def _between(rng: random.Random, lo: date, hi: date) -> date:
    """A uniform date in [lo, hi] (hi < lo collapses to lo)."""
    span = (hi - lo).days
    return lo if span <= 0 else lo + timedelta(days=rng.randint(0, span))


def _add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def _weighted(rng: random.Random, pairs: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _level(rng: random.Random, p_null: float = 0.2) -> str | None:
    return None if rng.random() < p_null else rng.choice(LEVELS)


def _tribool(rng: random.Random, p_null: float = 0.2, p_true: float = 0.5) -> bool | None:
    if rng.random() < p_null:
        return None
    return rng.random() < p_true


def _maybe_set(rng: random.Random, obj: dict, key: str, value: Any, p_absent: float) -> None:
    """Set ``obj[key] = value`` unless the field is left out (absent = unknown)."""
    if rng.random() >= p_absent:
        obj[key] = value


def _place(rng: random.Random, country: str, table: dict[str, tuple[str, ...]]) -> dict:
    return {"country": country, "place": rng.choice(table[country])}


# --------------------------------------------------------------------------- parts


def _jurisdiction(rng: random.Random) -> tuple[str, str]:
    """(jurisdiction string, profile)."""
    profile = _weighted(rng, (("unhcr", 30), ("eu", 40), ("ru", 30)))
    if profile == "eu":
        if rng.random() < 0.2:
            return "eu", "eu"
        return f"eu:{rng.choice(EU_MEMBERS)}", "eu"
    return profile, profile


def _host_country(rng: random.Random, jurisdiction: str, profile: str, origin: str) -> str:
    if profile == "ru":
        return "RU"
    if profile == "eu":
        if ":" in jurisdiction:
            return jurisdiction.split(":", 1)[1].upper()
        return rng.choice(EU_MEMBERS).upper()
    return rng.choice(UNHCR_HOSTS[origin])


def _evidence(rng: random.Random, applied_on: date) -> list[dict]:
    items = []
    for k in range(rng.choices((0, 1, 2, 3, 4, 5), weights=(8, 25, 30, 20, 10, 7))[0]):
        kind = rng.choice(EVIDENCE_KINDS)
        desc = rng.choice(EVIDENCE_DESCRIPTIONS[kind])
        if kind == "testimony" and rng.random() < 0.7:
            desc = f"{desc}, {_iso(applied_on + timedelta(days=rng.randint(0, 120)))}"
        item = {"id": f"ev-{k + 1}", "kind": kind}
        _maybe_set(rng, item, "description", desc, 0.1)
        items.append(item)
    return items


def _refs(rng: random.Random, ids: list[str], p_none: float = 0.25) -> list[str]:
    if not ids or rng.random() < p_none:
        return []
    return rng.sample(ids, rng.randint(1, min(3, len(ids))))


def _fears(rng: random.Random, origin: str, ev_ids: list[str]) -> list[dict]:
    fears = []
    for _ in range(rng.choices((0, 1, 2, 3), weights=(4, 60, 28, 8))[0]):
        fear: dict[str, Any] = {
            "harms": rng.sample(HARMS, rng.choices((1, 2, 3), weights=(45, 40, 15))[0])
        }
        if rng.random() < 0.92:
            kind, name = rng.choice(ACTORS[origin])
            actor = {"kind": kind}
            _maybe_set(rng, actor, "name", name, 0.1)
            fear["actor"] = actor
        n_grounds = rng.choices((0, 1, 2, 3), weights=(25, 50, 20, 5))[0]
        grounds = []
        for g in rng.sample(GROUNDS, n_grounds):
            ground: dict[str, Any] = {"ground": g}
            _maybe_set(rng, ground, "imputed", rng.random() < 0.4, 0.15)
            grounds.append(ground)
        _maybe_set(rng, fear, "grounds", grounds, 0.05 if grounds else 0.3)
        _maybe_set(rng, fear, "past_persecution", _tribool(rng, 0.15, 0.45), 0.1)
        refs = _refs(rng, ev_ids)
        if refs or rng.random() < 0.5:
            fear["evidence"] = refs
        fears.append(fear)
    return fears


def _findings(rng: random.Random, home: str, place_table: dict) -> dict | None:
    """Findings of fact, very often partial: each field absent ~25%, null ~15%."""
    if rng.random() < 0.12:
        return None  # no findings block at all
    f: dict[str, Any] = {}
    _maybe_set(rng, f, "credible", _tribool(rng, 0.15, 0.75), 0.2)
    _maybe_set(rng, f, "risk_of_persecution", _level(rng, 0.15), 0.25)
    _maybe_set(rng, f, "state_protection_available", _tribool(rng, 0.15, 0.25), 0.3)
    if rng.random() < 0.35:
        ipa: dict[str, Any] = {}
        if rng.random() < 0.85 and home in place_table:
            ipa["area"] = _place(rng, home, place_table)
        _maybe_set(rng, ipa, "safe", _tribool(rng, 0.2, 0.3), 0.15)
        _maybe_set(rng, ipa, "reasonable", _tribool(rng, 0.2, 0.3), 0.2)
        f["internal_protection"] = ipa
    elif rng.random() < 0.1:
        f["internal_protection"] = None
    if rng.random() < 0.8:
        rsh: dict[str, Any] = {}
        for key in (
            "death_penalty",
            "torture_or_inhuman_treatment",
            "indiscriminate_violence",
            "serious_illness_without_treatment",
        ):
            _maybe_set(
                rng, rsh, key, _level(rng, 0.3 if key == "indiscriminate_violence" else 0.15), 0.2
            )
        f["risk_of_serious_harm"] = rsh
    elif rng.random() < 0.2:
        f["risk_of_serious_harm"] = None
    _maybe_set(rng, f, "flagrant_denial_of_justice", _level(rng, 0.2), 0.35)
    return f


def _military_service(rng: random.Random) -> dict:
    ms: dict[str, Any] = {}
    _maybe_set(rng, ms, "refused", rng.random() < 0.7, 0.1)
    _maybe_set(
        rng, ms, "conscientious_objection_procedure_available", _tribool(rng, 0.3, 0.1), 0.25
    )
    _maybe_set(rng, ms, "unit_likely_to_commit_war_crimes", _tribool(rng, 0.35, 0.5), 0.25)
    return ms


def _conduct(
    rng: random.Random,
    born: date,
    arrived_on: date,
    as_of: date,
    home: str,
    host: str,
    ev_ids: list[str],
    place_table: dict,
) -> dict:
    conduct: dict[str, Any] = {}
    adult = _add_years(born, 18)
    youth = _add_years(born, 15)  # a few acts happen before 18 (lack of capacity)
    last_home = arrived_on - timedelta(days=1)

    roles = []
    for _ in range(rng.choices((0, 1, 2, 3), weights=(30, 45, 20, 5))[0]):
        kind = rng.choice(ROLE_KINDS)
        start = _between(rng, min(adult, last_home), last_home)
        role: dict[str, Any] = {"organisation": rng.choice(ORGANISATIONS[kind]), "kind": kind}
        _maybe_set(rng, role, "rank", rng.choice(RANKS), 0.3)
        _maybe_set(rng, role, "function", rng.choice(FUNCTIONS), 0.3)
        _maybe_set(rng, role, "from", _iso(start), 0.1)
        if rng.random() < 0.85:
            role["to"] = _iso(_between(rng, start, last_home))
        _maybe_set(rng, role, "senior", rng.random() < 0.3, 0.2)
        _maybe_set(rng, role, "voluntary", _tribool(rng, 0.1, 0.75), 0.2)
        _maybe_set(rng, role, "organisation_implicated", _tribool(rng, 0.15, 0.6), 0.2)
        roles.append(role)
    if roles:
        conduct["roles"] = roles

    acts = []
    n_acts = rng.choices((0, 1, 2, 3), weights=(35 if roles else 10, 45, 15, 5))[0]
    for k in range(n_acts):
        category = rng.choice(ACT_CATEGORIES)
        in_host = category == "serious_non_political_crime" and rng.random() < 0.3
        if in_host:
            start = _between(rng, arrived_on, as_of)
            end = _between(rng, start, as_of)
            place = {"country": host, "place": rng.choice(HOST_PLACES[host])}
        else:
            start = _between(
                rng, youth if rng.random() < 0.08 else min(adult, last_home), last_home
            )
            end = _between(rng, start, last_home)
            place = _place(rng, home, place_table) if home in place_table else None
        act: dict[str, Any] = {
            "id": f"act-{k + 1}",
            "category": category,
            "description": rng.choice(ACT_DESCRIPTIONS[category]),
        }
        _maybe_set(rng, act, "from", _iso(start), 0.08)
        if rng.random() < 0.8:
            act["to"] = _iso(end)
        if place is not None:
            _maybe_set(rng, act, "place", place, 0.15)
        _maybe_set(rng, act, "in_host_country", in_host, 0.1)
        _maybe_set(rng, act, "before_admission", not in_host, 0.15)
        _maybe_set(rng, act, "mode_of_liability", rng.choice(MODES), 0.1)
        _maybe_set(rng, act, "knowledge", _tribool(rng, 0.15, 0.8), 0.1)
        _maybe_set(rng, act, "intent", _tribool(rng, 0.15, 0.7), 0.15)
        r = rng.random()
        act["defences_accepted"] = [] if r < 0.75 else rng.sample(DEFENCES, rng.randint(1, 2))
        _maybe_set(rng, act, "political_objective", _tribool(rng, 0.2, 0.2), 0.3)
        _maybe_set(rng, act, "particularly_cruel", _tribool(rng, 0.2, 0.4), 0.2)
        if rng.random() < 0.6:
            exp: dict[str, Any] = {}
            for key in ("sentence_served", "pardon", "amnesty_legitimate"):
                _maybe_set(rng, exp, key, _tribool(rng, 0.2, 0.2), 0.2)
            act["expiation"] = exp
        _maybe_set(rng, act, "evidence_strength", rng.choice(EVIDENCE_STRENGTHS), 0.1)
        refs = _refs(rng, ev_ids, 0.3)
        if refs:
            act["evidence"] = refs
        acts.append(act)
    if acts:
        conduct["acts"] = acts

    convictions = []
    for _ in range(rng.choices((0, 1, 2), weights=(55, 38, 7))[0]):
        in_host = rng.random() < 0.5
        lo = max(arrived_on, _add_years(born, 16)) if in_host else min(adult, last_home)
        hi = as_of if in_host else last_home
        conv: dict[str, Any] = {
            "offence": rng.choice(OFFENCES),
            "on": _iso(_between(rng, lo, hi)),
            "country": host if in_host else home,
        }
        _maybe_set(rng, conv, "particularly_serious", _tribool(rng, 0.15, 0.4), 0.1)
        _maybe_set(rng, conv, "final", _tribool(rng, 0.1, 0.75), 0.1)
        convictions.append(conv)
    if convictions:
        conduct["convictions"] = convictions

    _maybe_set(rng, conduct, "danger_to_security", _tribool(rng, 0.2, 0.15), 0.3)
    _maybe_set(rng, conduct, "danger_to_community", _tribool(rng, 0.2, 0.15), 0.3)
    if not (roles or acts or convictions) and "danger_to_security" not in conduct:
        conduct["danger_to_security"] = True
    return conduct


def _removal(
    rng: random.Random,
    kind: str | None,
    profile: str,
    home: str | None,
    host: str,
    arrived_on: date,
    applied_on: date,
    as_of: date,
) -> dict:
    kind = kind or _weighted(
        rng, (("deportation", 40), ("administrative_removal", 40), ("extradition", 20))
    )
    rem: dict[str, Any] = {}
    _maybe_set(rng, rem, "kind", kind, 0.05)
    if home is not None:
        _maybe_set(rng, rem, "destination", home, 0.1)
    if kind == "extradition":
        if home is not None:
            _maybe_set(rng, rem, "requesting_state", home, 0.1)
        _maybe_set(rng, rem, "offence_political", _tribool(rng, 0.2, 0.4), 0.1)
    _maybe_set(rng, rem, "death_penalty_possible", _tribool(rng, 0.25, 0.35), 0.3)
    p_assurances = 0.7 if kind == "extradition" else 0.05
    if rng.random() < p_assurances:
        ass: dict[str, Any] = {}
        for key in ASSURANCE_FACTORS:
            _maybe_set(rng, ass, key, _tribool(rng, 0.2, 0.5), 0.15)
        rem["assurances"] = ass

    detentions = []
    n_det = rng.choices((0, 1, 2), weights=(50, 40, 10))[0]
    cursor = arrived_on
    for _ in range(n_det):
        if cursor > as_of:
            break
        start = _between(rng, cursor, as_of)
        det: dict[str, Any] = {"from": _iso(start)}
        ongoing = rng.random() < 0.35
        end = None if ongoing else _between(rng, start, min(as_of, start + timedelta(days=400)))
        det["to"] = _iso(end) if end else None
        places = DETENTION_PLACES.get(host, DETENTION_PLACES["default"])
        _maybe_set(rng, det, "place", rng.choice(places), 0.1)
        _maybe_set(rng, det, "basis", rng.choice(DETENTION_BASES), 0.1)
        _maybe_set(rng, det, "periodic_review_available", _tribool(rng, 0.2, 0.4), 0.15)
        _maybe_set(rng, det, "transit_zone", rng.random() < 0.1, 0.2)
        detentions.append(det)
        if end is None:
            break
        cursor = end + timedelta(days=1)
    if detentions:
        rem["detention"] = detentions

    if rng.random() < (0.6 if profile == "ru" else 0.05):
        offences = []
        for _ in range(rng.randint(1, 2)):
            off: dict[str, Any] = {
                "article": rng.choice(ADMIN_ARTICLES),
                "on": _iso(_between(rng, arrived_on, as_of)),
            }
            if profile == "ru":
                _maybe_set(rng, off, "region", rng.choice(RU_REGIONS), 0.1)
            _maybe_set(rng, off, "removal_ordered", _tribool(rng, 0.1, 0.6), 0.1)
            offences.append(off)
        rem["administrative_offences"] = offences
    return rem


# --------------------------------------------------------------------------- one case


def generate_case(index: int, seed: int = 2016) -> dict:
    """The case number ``index`` of the stream for ``seed``: a dict in the asylon.case/1 shape."""
    rng = random.Random(f"{seed}:{index}")
    jurisdiction, profile = _jurisdiction(rng)
    kind = _weighted(rng, PROCEDURES[profile])

    as_of = _between(rng, AS_OF_FIRST, AS_OF_LAST)
    origin = _weighted(rng, NATIONALITY_WEIGHTS)
    stateless = origin == "PS"
    if stateless:  # Palestinian refugees, mostly from Syria
        home = rng.choices(("SY", "LB", "JO", "PS"), weights=(60, 20, 10, 10))[0]
        nationalities: list[str] = []
    else:
        home = origin
        nationalities = [origin]
        if rng.random() < 0.03:  # a second nationality
            nationalities.append(rng.choice(("TR", "JO", "LB", "IR")))
    host = _host_country(rng, jurisdiction, profile, origin)
    if host in nationalities or host == home:
        host = {"unhcr": "TR", "eu": "DE", "ru": "RU"}[profile]
        if host in nationalities or host == home:
            host = "JO" if home != "JO" else "EG"

    # Timeline: born < arrived_on <= applied_on <= as_of.
    applied_on = as_of - timedelta(days=rng.choice((0, rng.randint(1, 60), rng.randint(30, 1500))))
    r = rng.random()
    if r < 0.25:
        arrived_on = applied_on
    elif r < 0.6:
        arrived_on = applied_on - timedelta(days=rng.randint(1, 30))
    else:
        arrived_on = applied_on - timedelta(days=rng.randint(31, 2500))
    age_at_arrival = rng.choices(
        (rng.randint(0, 17), rng.randint(18, 40), rng.randint(41, 64), rng.randint(65, 85)),
        weights=(12, 60, 22, 6),
    )[0]
    born = arrived_on - timedelta(days=age_at_arrival * 365 + rng.randint(1, 364))
    age_at_as_of = (as_of - born).days // 365

    case: dict[str, Any] = {
        "format": FORMAT,
        "id": f"gen-{seed}-{index:06d}",
        "jurisdiction": jurisdiction,
        "as_of": _iso(as_of),
    }

    # ---- procedure
    proc: dict[str, Any] = {"kind": kind}
    _maybe_set(rng, proc, "applied_on", _iso(applied_on), 0.03)
    if profile == "ru" and kind in ("refugee_status", "temporary_asylum"):
        _maybe_set(
            rng,
            proc,
            "limited_to_temporary_asylum",
            kind == "temporary_asylum" and rng.random() < 0.5,
            0.3,
        )
    if kind == "status_review":
        if rng.random() < 0.9:
            proc["status_held"] = rng.choice(STATUS_HELD[profile])
        else:
            proc["status_held"] = None
        _maybe_set(rng, proc, "status_granted_on", _iso(_between(rng, applied_on, as_of)), 0.3)
    if rng.random() < 0.1 and applied_on > arrived_on:
        proc["prior_refusal"] = {
            "on": _iso(_between(rng, arrived_on, applied_on - timedelta(days=1))),
            "country": host,
        }
        _maybe_set(
            rng, proc["prior_refusal"], "circumstances_changed", _tribool(rng, 0.2, 0.5), 0.2
        )
    if rng.random() < 0.4:
        proc["decision_notified_on"] = _iso(_between(rng, applied_on, as_of))
    elif rng.random() < 0.1:
        proc["decision_notified_on"] = None
    case["procedure"] = proc

    # ---- applicant
    sex = rng.choices(("male", "female", "other"), weights=(62, 36, 2))[0]
    first = rng.choice(FIRST_NAMES_F if sex == "female" else FIRST_NAMES_M)
    name: dict[str, Any] = {"full": f"{first} {rng.choice(SURNAMES)}"}
    if rng.random() < 0.4:
        name["aliases"] = rng.sample(ALIASES, rng.randint(1, 2))
    app: dict[str, Any] = {}
    _maybe_set(rng, app, "name", name, 0.05)
    _maybe_set(rng, app, "born", _iso(born), 0.05)
    _maybe_set(rng, app, "sex", sex, 0.05)
    app["nationalities"] = nationalities
    if stateless or rng.random() < 0.5:
        app["stateless"] = stateless
    home_table = HOME_PLACES
    if stateless and home == "SY":
        residence = {"country": "SY", "place": rng.choice(PALESTINIAN_SY_PLACES)}
    else:
        residence = _place(rng, home, home_table)
    _maybe_set(rng, app, "habitual_residence", residence, 0.05)
    if stateless:
        app["unrwa_registered"] = rng.random() < 0.85
        if app["unrwa_registered"]:
            _maybe_set(
                rng, app, "unrwa_assistance_ceased_involuntarily", _tribool(rng, 0.3, 0.6), 0.2
            )
    elif rng.random() < 0.3:
        app["unrwa_registered"] = False
    if len(nationalities) > 1:
        app["protection_of_another_nationality_available"] = _tribool(rng, 0.3, 0.5)
    elif rng.random() < 0.3:
        app["protection_of_another_nationality_available"] = rng.choice((False, None))
    if rng.random() < 0.2:
        app["rights_of_national_in_residence_country"] = _tribool(rng, 0.2, 0.1)
    vul = set()
    if age_at_as_of < 18:
        vul.add("minor")
    if age_at_as_of >= 65 and rng.random() < 0.8:
        vul.add("elderly")
    for v in ("disability", "serious_illness", "survivor_of_torture", "single_parent"):
        if rng.random() < 0.06:
            vul.add(v)
    if sex == "female" and 16 <= age_at_as_of <= 45 and rng.random() < 0.08:
        vul.add("pregnancy")
    if vul or rng.random() < 0.3:
        app["vulnerabilities"] = [v for v in VULNERABILITIES if v in vul]
    _maybe_set(rng, app, "host_country", host, 0.05)
    if rng.random() < 0.7:
        app["present_in"] = _place(rng, host, HOST_PLACES)
    _maybe_set(rng, app, "arrived_on", _iso(arrived_on), 0.05)
    _maybe_set(rng, app, "entered_irregularly", _tribool(rng, 0.15, 0.45), 0.3)
    _maybe_set(rng, app, "family_in_host_country", _tribool(rng, 0.2, 0.3), 0.5)
    case["applicant"] = app

    # ---- evidence (ids first, so that the claim and the acts can refer to them)
    evidence = _evidence(rng, applied_on)
    ev_ids = [e["id"] for e in evidence]

    # ---- claim
    claim: dict[str, Any] = {}
    fears = _fears(rng, origin, ev_ids)
    if fears or rng.random() < 0.5:
        claim["fears"] = fears
    if sex == "male" and 17 <= (as_of - born).days // 365 <= 45 and rng.random() < 0.35:
        claim["military_service"] = _military_service(rng)
    findings = _findings(rng, home, home_table)
    if findings is not None:
        claim["findings"] = findings
    elif rng.random() < 0.2:
        claim["findings"] = None
    if claim or rng.random() < 0.7:
        case["claim"] = claim

    # ---- conduct (~15% of all cases; only for those at least 16 on arrival, so that acts
    # before arrival fit between born and arrived_on)
    if age_at_arrival >= 16 and rng.random() < 0.17:
        case["conduct"] = _conduct(rng, born, arrived_on, as_of, home, host, ev_ids, home_table)

    # ---- removal: always for removal / extradition procedures, sometimes otherwise
    if kind in ("removal", "extradition"):
        rkind = (
            "extradition"
            if kind == "extradition"
            else rng.choice(("deportation", "administrative_removal"))
        )
        case["removal"] = _removal(rng, rkind, profile, home, host, arrived_on, applied_on, as_of)
    elif rng.random() < (0.35 if profile == "ru" else 0.12):
        case["removal"] = _removal(rng, None, profile, home, host, arrived_on, applied_on, as_of)

    if evidence or rng.random() < 0.3:
        case["evidence"] = evidence
    return case


def coherence_errors(case: dict) -> list[str]:
    """Checks the generator promises beyond what a schema can say (empty list: coherent).

    born < arrived_on <= applied_on <= as_of; from <= to; no event after as_of or before born;
    the host country is not a nationality; stateless means no nationality.
    """
    errors: list[str] = []
    as_of = date.fromisoformat(case["as_of"])
    if not AS_OF_FIRST <= as_of <= AS_OF_LAST:
        errors.append(f"as_of {as_of} outside {AS_OF_FIRST}..{AS_OF_LAST}")
    app = case.get("applicant") or {}
    proc = case.get("procedure") or {}

    def d(value: str | None) -> date | None:
        return date.fromisoformat(value) if value else None

    born, arrived, applied = d(app.get("born")), d(app.get("arrived_on")), d(proc.get("applied_on"))
    chain = [("born", born), ("arrived_on", arrived), ("applied_on", applied), ("as_of", as_of)]
    known = [(k, v) for k, v in chain if v is not None]
    for (k1, v1), (k2, v2) in itertools.pairwise(known):
        if v2 < v1 or (k1 == "born" and v2 == v1):
            errors.append(f"{k1} {v1} not before {k2} {v2}")
    if app.get("stateless") and app.get("nationalities"):
        errors.append("stateless with nationalities")
    if app.get("host_country") in (app.get("nationalities") or []):
        errors.append("host country is a nationality")

    def event(path: str, value: str | None) -> None:
        day = d(value)
        if day is None:
            return
        if day > as_of:
            errors.append(f"{path} {day} after as_of")
        if born is not None and day < born:
            errors.append(f"{path} {day} before born")

    def period(path: str, item: dict) -> None:
        event(f"{path}.from", item.get("from"))
        event(f"{path}.to", item.get("to"))
        start, end = d(item.get("from")), d(item.get("to"))
        if start and end and end < start:
            errors.append(f"{path}: to before from")

    for key in ("status_granted_on", "decision_notified_on"):
        event(f"procedure.{key}", proc.get(key))
    if proc.get("prior_refusal"):
        event("procedure.prior_refusal.on", proc["prior_refusal"].get("on"))
    conduct = case.get("conduct") or {}
    for i, role in enumerate(conduct.get("roles", [])):
        period(f"conduct.roles[{i}]", role)
    for i, act in enumerate(conduct.get("acts", [])):
        period(f"conduct.acts[{i}]", act)
    for i, conv in enumerate(conduct.get("convictions", [])):
        event(f"conduct.convictions[{i}].on", conv.get("on"))
    removal = case.get("removal") or {}
    for i, det in enumerate(removal.get("detention", [])):
        period(f"removal.detention[{i}]", det)
    for i, off in enumerate(removal.get("administrative_offences", [])):
        event(f"removal.administrative_offences[{i}].on", off.get("on"))
    ev_ids = [e["id"] for e in case.get("evidence") or []]
    if len(set(ev_ids)) != len(ev_ids):
        errors.append("duplicate evidence ids")
    refs = [r for f in (case.get("claim") or {}).get("fears") or [] for r in f.get("evidence", [])]
    refs += [r for a in conduct.get("acts", []) for r in a.get("evidence", [])]
    errors += [f"dangling evidence reference {r}" for r in refs if r not in ev_ids]
    return errors


def generate(n: int, seed: int = 2016) -> list[dict]:
    """``n`` varied, valid asylon.case/1 case files as dicts (deterministic in ``seed``)."""
    return [generate_case(i, seed) for i in range(n)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=1000, help="number of cases (default 1000)")
    ap.add_argument("--seed", type=int, default=2016, help="seed (default 2016)")
    ap.add_argument("--out", default="-", help="JSON-lines output path, '-' for stdout")
    ap.add_argument("--check", action="store_true", help="check coherence, write nothing")
    args = ap.parse_args(argv)
    if args.check:
        bad = 0
        for i in range(args.n):
            case = generate_case(i, args.seed)
            for err in coherence_errors(case):
                bad += 1
                print(f"{case['id']}: {err}", file=sys.stderr)
        print(f"{args.n} cases, {bad} coherence errors")
        return 1 if bad else 0
    if args.out == "-":
        write_jsonl(sys.stdout, args.n, args.seed)
    else:
        with open(args.out, "w", encoding="utf-8") as out:
            write_jsonl(out, args.n, args.seed)
    return 0


def write_jsonl(out: TextIO, n: int, seed: int) -> None:
    """Write cases 0..n-1 of the stream for ``seed`` as JSON lines."""
    for i in range(n):
        out.write(json.dumps(generate_case(i, seed), ensure_ascii=False))
        out.write("\n")


if __name__ == "__main__":
    raise SystemExit(main())
