"""Which comparisons, blocking rules and training steps a linkage run uses: a configuration.

The model is always a Fellegi-Sunter model trained by Splink without labels; what changes from
one kind of record to another is *what is compared*. :data:`VICTIMS` is the configuration for
victim records (:class:`~asylon.linkage.records.types.VictimRecord`, prepared by
:mod:`asylon.linkage.records.prepare`):

- **name**: the cross-script score of :mod:`asylon.names` (Arabic, Latin and Cyrillic
  spellings of one name agree; Hasan and Husayn do not), called from SQL as the DuckDB
  function ``asylon_name_score`` (:mod:`asylon.linkage.records.udf`); the top level ("all
  tokens agree") is adjusted for term frequency on the script-free key of the whole name, so
  a common name (Muhammad Ahmad) weighs less than a rare one;
- **event date** (death or disappearance): same day / within 3 days / within 31 days / else;
- **place** through the gazetteer hierarchy: same town / same district / same governorate
  where one side names no town (compatible) / same governorate but other towns (weaker) /
  another governorate;
- **birth**: same birth date / same birth year / within 2 years (years from an age are
  approximate) / else;
- **sex**: same / different;
- **event** (killed or disappeared) and **cause** (as the source categorised it): same / else.

:data:`PERSON` is a generic person-record configuration (given name, surname, date of birth,
street number, address, suburb, postcode) for registers such as FEBRL: Splink's own
Jaro-Winkler and Damerau-Levenshtein levels, with term-frequency adjustment on names.

Blocking rules (which pairs are scored at all) and EM training rules are part of the
configuration, because they depend on the columns. Every value here is a design choice made
from the kind of record, not from any benchmark's labels.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink.internals.comparison_creator import ComparisonCreator

__all__ = ["PERSON", "PERSON_COLUMNS", "VICTIMS", "LinkageConfig", "person_config"]

LinkType = Literal["dedupe_only", "link_only", "link_and_dedupe"]


@dataclass(frozen=True)
class LinkageConfig:
    """A comparison set and how to block and train it.

    ``blocking`` and ``training_blocking`` are tuples of column names or SQL expressions
    (Splink's ``block_on``): pairs agreeing on all of them are compared. ``prior_rules`` are
    SQL conditions on ``l`` and ``r`` that almost only true matches meet, with their assumed
    ``prior_recall``: they estimate how likely two random records are the same person.
    """

    name: str
    comparisons: Callable[[], list[ComparisonCreator]]
    blocking: tuple[tuple[str, ...], ...]
    training_blocking: tuple[tuple[str, ...], ...]
    prior_rules: tuple[str, ...]
    prior_recall: float = 0.7
    link_type: LinkType = "dedupe_only"
    uses_name_udf: bool = False
    u_max_pairs: float = 2e6
    em_max_iterations: int = 25


NAME_SCORE = "asylon_name_score"


def _name_comparison() -> ComparisonCreator:
    # names sharing no token key (consonant skeleton) are not compared token by token: they
    # score 0, which spares the Python comparer most random pairs (u sampling)
    score = (
        f"(CASE WHEN list_has_any(name_keys_l, name_keys_r) "
        f"THEN {NAME_SCORE}(name_l, name_r) ELSE 0.0 END)"
    )
    return cl.CustomComparison(
        output_column_name="name",
        comparison_description="names across Arabic, Latin and Cyrillic scripts (asylon.names)",
        comparison_levels=[
            cll.NullLevel("name"),
            cll.CustomLevel(
                f"name_tf_l = name_tf_r AND {score} >= 0.9",
                "all name tokens agree across scripts",
            ).configure(
                tf_adjustment_column="name_tf",
                tf_adjustment_weight=1.0,
                disable_tf_exact_match_detection=True,
            ),
            cll.CustomLevel(f"{score} >= 0.9", "same name, spelt differently (score >= 0.9)"),
            cll.CustomLevel(f"{score} >= 0.75", "similar names (score >= 0.75)"),
            cll.CustomLevel(f"{score} >= 0.5", "names partly agree (score >= 0.5)"),
            cll.ElseLevel(),
        ],
    )


def _event_date_comparison() -> ComparisonCreator:
    days = "abs(date_diff('day', CAST(event_date_l AS DATE), CAST(event_date_r AS DATE)))"
    return cl.CustomComparison(
        output_column_name="event_date",
        comparison_description="date of death or disappearance",
        comparison_levels=[
            cll.NullLevel("event_date"),
            cll.CustomLevel("event_date_l = event_date_r", "same day"),
            cll.CustomLevel(f"{days} <= 3", "within 3 days"),
            cll.CustomLevel(f"{days} <= 31", "within 31 days"),
            cll.ElseLevel(),
        ],
    )


def _place_comparison() -> ComparisonCreator:
    return cl.CustomComparison(
        output_column_name="place",
        comparison_description="place of the event through the gazetteer hierarchy",
        comparison_levels=[
            cll.CustomLevel(
                "governorate_l IS NULL OR governorate_r IS NULL", "place unknown"
            ).configure(is_null_level=True),
            cll.CustomLevel("place_code_l = place_code_r", "same town or district"),
            cll.CustomLevel("district_l = district_r", "same district"),
            cll.CustomLevel(
                "governorate_l = governorate_r AND (place_code_l IS NULL OR place_code_r IS NULL)",
                "same governorate, the town unknown on one side",
            ),
            cll.CustomLevel("governorate_l = governorate_r", "same governorate, other towns"),
            cll.CustomLevel("governorate_l <> governorate_r", "another governorate"),
        ],
    )


def _birth_comparison() -> ComparisonCreator:
    return cl.CustomComparison(
        output_column_name="birth",
        comparison_description="birth date, birth year or the year an age implies",
        comparison_levels=[
            cll.NullLevel("birth_year"),
            cll.CustomLevel("birth_date_l = birth_date_r", "same birth date"),
            cll.CustomLevel("birth_year_l = birth_year_r", "same birth year"),
            cll.CustomLevel("abs(birth_year_l - birth_year_r) <= 2", "birth years within 2"),
            cll.ElseLevel(),
        ],
    )


def _sex_comparison() -> ComparisonCreator:
    # a different sex is strong evidence against, not a veto: sources mistype it (about 1 in
    # 100 records, assumed, not learnt: EM on clean lists would learn m = 0 and forbid a link)
    return cl.CustomComparison(
        output_column_name="sex",
        comparison_description="sex",
        comparison_levels=[
            cll.NullLevel("sex"),
            cll.CustomLevel("sex_l = sex_r", "same sex"),
            cll.ElseLevel().configure(m_probability=0.01, fix_m_probability=True),
        ],
    )


def _exact_comparison(column: str, description: str) -> ComparisonCreator:
    return cl.CustomComparison(
        output_column_name=column,
        comparison_description=description,
        comparison_levels=[
            cll.NullLevel(column),
            cll.CustomLevel(f"{column}_l = {column}_r", f"same {description}"),
            cll.ElseLevel(),
        ],
    )


def victim_comparisons() -> list[ComparisonCreator]:
    """The comparison set of :data:`VICTIMS`."""
    return [
        _name_comparison(),
        _event_date_comparison(),
        _place_comparison(),
        _birth_comparison(),
        _sex_comparison(),
        _exact_comparison("event", "event (killed or disappeared)"),
        _exact_comparison("cause", "cause"),
    ]


VICTIMS = LinkageConfig(
    name="victims",
    comparisons=victim_comparisons,
    blocking=(
        ("k_first", "k_last"),
        ("k_first", "k_second"),
        ("k_first", "event_date"),
        ("k_last", "event_date"),
        ("k_first", "governorate", "birth_year"),
    ),
    training_blocking=(("k_first", "k_last"), ("event_date", "governorate")),
    # the same first and last name keys and dates at most 3 days apart: almost only the same
    # person, and about half of a person's record pairs (dates or name ends missing or
    # different in the rest: an assumption, not learnt)
    prior_rules=(
        "l.k_first = r.k_first AND l.k_last = r.k_last AND abs(date_diff('day', "
        "CAST(l.event_date AS DATE), CAST(r.event_date AS DATE))) <= 3",
    ),
    prior_recall=0.5,
    uses_name_udf=True,
    # each sampled pair sharing a name key costs a Python name comparison: 400,000 random
    # pairs still give each name level's u (the rarest, 7e-4) a few hundred observations
    u_max_pairs=4e5,
)


#: the generic person-record columns :func:`person_config` knows, and how each is compared
PERSON_COLUMNS = (
    "given_name",
    "surname",
    "date_of_birth",
    "street_number",
    "address_1",
    "suburb",
    "postcode",
    "email",
)
#: the columns of a register of names and addresses (FEBRL's): :data:`PERSON`'s
ADDRESS_REGISTER_COLUMNS = tuple(c for c in PERSON_COLUMNS if c != "email")


def _person_comparison(column: str) -> ComparisonCreator:
    if column in ("given_name", "surname"):
        return cl.JaroWinklerAtThresholds(column, [0.92, 0.8]).configure(
            term_frequency_adjustments=True
        )
    if column == "date_of_birth":  # a string: typos in the digits are the usual error
        return cl.DamerauLevenshteinAtThresholds(column, [1, 2])
    if column == "street_number":
        return cl.ExactMatch(column)
    if column == "postcode":
        return cl.DamerauLevenshteinAtThresholds(column, [1])
    if column == "email":  # Splink's own: exact, the user name alone, then near spellings
        return cl.EmailComparison(column)
    return cl.JaroWinklerAtThresholds(column, [0.92, 0.8])


def person_config(
    columns: tuple[str, ...] = ADDRESS_REGISTER_COLUMNS, link_type: LinkType = "dedupe_only"
) -> LinkageConfig:
    """A generic person-record configuration over those of :data:`PERSON_COLUMNS` a register has
    (by default :data:`ADDRESS_REGISTER_COLUMNS`, FEBRL's; a register without addresses leaves
    them out, one with e-mail addresses adds ``email``)."""
    unknown = set(columns) - set(PERSON_COLUMNS)
    if unknown:
        raise ValueError(f"no person comparison for {sorted(unknown)}")
    have = set(columns)
    candidates = (
        ("given_name", "surname"),
        ("surname", "date_of_birth"),
        ("given_name", "date_of_birth"),
        ("postcode", "date_of_birth"),
        ("date_of_birth", "suburb"),
        ("given_name", "postcode"),
        ("surname", "postcode"),
        # the same address under a misspelt or missing name and birth date
        ("street_number", "postcode"),
        ("street_number", "suburb"),
        ("address_1", "postcode"),
        ("address_1", "suburb"),
        # an e-mail address is nearly a person's own: it brings in pairs whose names differ
        ("email",),
    )
    blocking = tuple(rule for rule in candidates if set(rule) <= have)
    # two EM sessions: names fixed (trains the rest), birth date fixed (trains the names)
    training = tuple(
        rule for rule in (("given_name", "surname"), ("date_of_birth",)) if set(rule) <= have
    )
    exact = [c for c in ("given_name", "surname", "date_of_birth") if c in have]
    return LinkageConfig(
        name="person",
        comparisons=lambda: [_person_comparison(c) for c in PERSON_COLUMNS if c in have],
        blocking=blocking,
        training_blocking=training,
        prior_rules=(" AND ".join(f"l.{c} = r.{c}" for c in exact),),
        prior_recall=0.7,
        link_type=link_type,
        u_max_pairs=1e6,
    )


PERSON = person_config()
