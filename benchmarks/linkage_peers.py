"""The peers of the linkage benchmark: Splink's documented models and recordlinkage's ECM.

**Splink** (4, DuckDB), per dataset the model its documentation shows for it, reconstructed
from the Splink 4 docs and demos (the comparisons, blocking rules, training steps and
clustering threshold as published; where no model is published, the plain one a user would
write from the tutorial):

- FEBRL4: the "detailed model" of the febrl4 example (NameComparison on given name and
  surname with tf, DateOfBirthComparison, Damerau-Levenshtein on soc_sec_id and postcode,
  exact street number; prior from soc_sec_id / name+dob rules at recall 0.8; EM on dob and
  postcode), clustered at 0.99 as in the example;
- FEBRL3: the same model as a dedupe (no published FEBRL3 model);
- fake_1000: the tutorial's model (names, dob, city with tf, email), clustered at 0.95;
- historical_50k: the "deduplicate 50k" example's model (forename/surname, dob, postcode,
  birth place and occupation with tf), clustered at 0.95;
- the Arabic victim lists: **plain Splink**, the tutorial's library comparisons on the raw
  columns (Jaro-Winkler on the whole name with tf, dates, place, birth year, sex), clustered at
  0.9 like ours.

**recordlinkage** 0.16: the ECM classifier of its documentation's unsupervised example
(block on one name, binary exact/threshold features, ``ECMClassifier``), its matches joined
into clusters by connected components.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd  # type: ignore[import-untyped]
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

from linkage_data import Dataset


def _components(keys: Iterable[str], pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    parent = {k: k for k in keys}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {k: find(k) for k in parent}


def _splink_febrl(data: Dataset) -> tuple[SettingsCreator, list, float, list, float]:
    settings = SettingsCreator(
        link_type=data.link_type,
        blocking_rules_to_generate_predictions=[
            block_on("given_name", "surname"),
            "l.given_name = r.surname and l.surname = r.given_name",
            block_on("date_of_birth"),
            block_on("soc_sec_id"),
            block_on("state", "address_1"),
            block_on("street_number", "address_1"),
            block_on("postcode"),
        ],
        comparisons=[
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison(
                "date_of_birth",
                input_is_string=True,
                datetime_format="%Y%m%d",
                invalid_dates_as_null=True,
            ),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(
                term_frequency_adjustments=True
            ),
        ],
        retain_intermediate_calculation_columns=True,
    )
    prior = [block_on("soc_sec_id"), block_on("given_name", "surname", "date_of_birth")]
    em = [block_on("date_of_birth"), block_on("postcode")]
    return settings, prior, 0.8, em, 0.99


def _splink_fake(data: Dataset) -> tuple[SettingsCreator, list, float, list, float]:
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.NameComparison("first_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.ExactMatch("city").configure(term_frequency_adjustments=True),
            cl.EmailComparison("email"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("first_name", "dob"),
            block_on("surname"),
        ],
    )
    prior = [block_on("first_name", "surname", "dob"), "levenshtein(r.email, l.email) <= 2"]
    em = [block_on("first_name", "surname"), block_on("dob")]
    return settings, prior, 0.7, em, 0.95


def _splink_historical(data: Dataset) -> tuple[SettingsCreator, list, float, list, float]:
    settings = SettingsCreator(
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=[
            block_on("first_name", "surname"),
            block_on("surname", "dob"),
            block_on("first_name", "dob"),
            block_on("postcode_fake", "first_name"),
            block_on("postcode_fake", "surname"),
            block_on("dob", "birth_place"),
            block_on("substr(postcode_fake,1,3)", "dob"),
            block_on("substr(postcode_fake,1,3)", "first_name"),
            block_on("substr(postcode_fake,1,3)", "surname"),
            block_on("substr(first_name,1,2)", "substr(surname,1,2)", "substr(dob,1,4)"),
        ],
        comparisons=[
            cl.ForenameSurnameComparison(
                "first_name",
                "surname",
                forename_surname_concat_col_name="first_name_surname_concat",
            ),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.PostcodeComparison("postcode_fake"),
            cl.ExactMatch("birth_place").configure(term_frequency_adjustments=True),
            cl.ExactMatch("occupation").configure(term_frequency_adjustments=True),
        ],
        retain_intermediate_calculation_columns=True,
    )
    prior = [
        block_on("first_name", "surname", "dob"),
        block_on("substr(first_name,1,2)", "surname", "substr(postcode_fake,1,2)"),
        block_on("dob", "postcode_fake"),
    ]
    em = [block_on("first_name", "surname"), block_on("dob")]
    return settings, prior, 0.6, em, 0.95


def _splink_arabic(data: Dataset) -> tuple[SettingsCreator, list, float, list, float]:
    settings = SettingsCreator(
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=[
            block_on("event_date"),
            block_on("name"),
            block_on("substr(name, 1, 3)", "place"),
        ],
        comparisons=[
            cl.JaroWinklerAtThresholds("name", [0.9, 0.8]).configure(
                term_frequency_adjustments=True
            ),
            cl.DamerauLevenshteinAtThresholds("event_date", [1, 2]),
            cl.ExactMatch("place").configure(term_frequency_adjustments=True),
            cl.ExactMatch("birth_year"),
            cl.ExactMatch("sex"),
        ],
    )
    prior = [block_on("name", "event_date")]
    em = [block_on("event_date"), block_on("name")]
    return settings, prior, 0.6, em, 0.9


def splink_documented(data: Dataset, seed: int = 0) -> dict[str, str]:
    """Record → cluster by Splink's documented model for ``data``."""
    build = {
        "febrl4": _splink_febrl,
        "febrl3": _splink_febrl,
        "fake_1000": _splink_fake,
        "historical_50k": _splink_historical,
        "arabic": _splink_arabic,
    }[data.name]
    settings, prior, recall, em, threshold = build(data)
    frame = data.raw.copy()
    if data.name == "historical_50k":
        frame["first_name_surname_concat"] = (
            frame["first_name"].fillna("") + " " + frame["surname"].fillna("")
        ).str.strip()
    if data.link_type == "link_only":
        inputs = [g.reset_index(drop=True) for _, g in frame.groupby("source_dataset")]
    else:
        inputs = frame
    linker = Linker(inputs, settings, db_api=DuckDBAPI(), set_up_basic_logging=False)
    linker.training.estimate_probability_two_random_records_match(prior, recall=recall)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=seed)
    for rule in em:
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True
        )
    predictions = linker.inference.predict(threshold_match_probability=0.2)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=threshold
    ).as_pandas_dataframe()
    return dict(
        zip(clusters["unique_id"].astype(str), clusters["cluster_id"].astype(str), strict=True)
    )


def recordlinkage_ecm(data: Dataset) -> dict[str, str]:
    """Record → cluster by recordlinkage's ECM classifier (documented unsupervised example)."""
    import recordlinkage  # type: ignore[import-untyped]

    frame = data.raw.set_index("unique_id")
    compare = recordlinkage.Compare()
    if data.name in ("febrl4", "febrl3"):
        block = "given_name"
        compare.exact("given_name", "given_name", label="given_name")
        compare.string("surname", "surname", method="jarowinkler", threshold=0.85, label="surname")
        compare.exact("date_of_birth", "date_of_birth", label="date_of_birth")
        compare.exact("suburb", "suburb", label="suburb")
        compare.exact("state", "state", label="state")
        compare.string("address_1", "address_1", threshold=0.85, label="address_1")
    elif data.name in ("fake_1000", "historical_50k"):
        block = "first_name"
        compare.exact("first_name", "first_name", label="first_name")
        compare.string("surname", "surname", method="jarowinkler", threshold=0.85, label="surname")
        compare.exact("dob", "dob", label="dob")
        place = "city" if data.name == "fake_1000" else "birth_place"
        compare.exact(place, place, label=place)
        if data.name == "fake_1000":
            compare.string("email", "email", threshold=0.85, label="email")
        else:
            compare.exact("postcode_fake", "postcode_fake", label="postcode")
    else:
        block = "event_date"
        compare.exact("name", "name", label="name_exact")
        compare.string("name", "name", method="jarowinkler", threshold=0.85, label="name")
        compare.exact("place", "place", label="place")
        compare.exact("birth_year", "birth_year", label="birth_year")
        compare.exact("sex", "sex", label="sex")
    indexer = recordlinkage.Index()
    indexer.block(block)
    if data.link_type == "link_only":
        left = frame[frame["source_dataset"] == "a"]
        right = frame[frame["source_dataset"] == "b"]
        pairs = indexer.index(left, right)
        features = compare.compute(pairs, left, right)
    else:
        pairs = indexer.index(frame)
        features = compare.compute(pairs, frame)
    features = features.fillna(0)
    ecm = recordlinkage.ECMClassifier(binarize=0.5)
    matches = ecm.fit_predict(features)
    return _components([str(k) for k in frame.index], ((str(a), str(b)) for a, b in matches))


__all__ = ["pd", "recordlinkage_ecm", "splink_documented"]
