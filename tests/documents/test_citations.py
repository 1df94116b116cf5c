"""Citations keep the engine's label and gain their instrument's title."""

from __future__ import annotations

from asylon.documents.citations import describe, instrument_of
from asylon.documents.i18n import Translator
from asylon.law import assess
from tests.law.cases import all_cases, case_file


def test_the_longest_prefix_names_the_instrument() -> None:
    assert instrument_of("ECtHR Chahal v UK") == "ECtHR"
    assert instrument_of("ECHR Art 3") == "ECHR"
    assert instrument_of("UNHCR GIP 10 para 14") == "UNHCR GIP 10"
    assert instrument_of("UNHCR Handbook paras 37-42") == "UNHCR Handbook"
    assert instrument_of("No such instrument 1") is None


def test_a_citation_in_each_language() -> None:
    en = describe("QD 2011/95/EU Art 15(c)", Translator("en"))
    assert (en.pinpoint, en.title) == ("Art 15(c)", "Qualification Directive (recast) 2011/95/EU")
    ru = describe("RF Law Art 12(2)(2)", Translator("ru"))
    assert ru.label == "RF Law Art 12(2)(2)"
    assert ru.title == "Федеральный закон от 19 февраля 1993 г. № 4528-1 «О беженцах»"
    ar = describe("1951 Convention Art 33(1)", Translator("ar"))
    assert ar.title == "الاتفاقية الخاصة بوضع اللاجئين (1951) وبروتوكولها لعام 1967"


def test_every_citation_of_the_legal_test_cases_has_a_translated_title() -> None:
    labels = set()
    for name, doc in all_cases():
        det = assess(case_file(doc, name)).to_dict()
        labels |= {c for s in det["steps"] for c in s["citations"]}
        labels |= {c for d in det["deadlines"] for c in d["citations"]}
    ru, en = Translator("ru"), Translator("en")
    for label in labels:
        assert describe(label, en).title, label
        assert describe(label, ru).title != describe(label, en).title, label
