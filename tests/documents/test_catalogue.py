"""The documents' own catalogue: every message translated into Russian and Arabic, the .mo
compiled from the .po, the .po usable on its own, legal terms as agreed."""

from __future__ import annotations

import gettext
import os
import re
import subprocess
from io import BytesIO
from pathlib import Path

import pytest

from asylon.documents.catalogue import expected_messages, pot
from asylon.documents.i18n import (
    Translator,
    catalogue_paths,
    compile_po,
    load_catalogue,
    parse_po,
)

PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _key(context: str | None, msgid: str) -> str:
    return msgid if context is None else f"{context}\x04{msgid}"


@pytest.mark.parametrize("lang", ["ru", "ar"])
def test_every_message_is_translated(lang: str) -> None:
    po, _mo = catalogue_paths(lang)
    messages = parse_po(po.read_text(encoding="utf-8"))
    untranslated = sorted(m for c, m in expected_messages() if not messages.get(_key(c, m)))
    assert not untranslated, f"{lang}: translate in {po}: {untranslated}"
    for context, msgid in expected_messages():
        translated = messages[_key(context, msgid)]
        assert sorted(PLACEHOLDER.findall(translated)) == sorted(PLACEHOLDER.findall(msgid)), msgid
        assert "<" not in translated and ">" not in translated  # plain text only


@pytest.mark.parametrize("lang", ["ru", "ar"])
def test_a_compiled_mo_matches_its_po(lang: str) -> None:
    po, mo = catalogue_paths(lang)
    assert mo.is_file(), f"{mo.name} not compiled: run make translations"
    text = po.read_text(encoding="utf-8")
    shipped = gettext.GNUTranslations(BytesIO(mo.read_bytes()))
    fresh = gettext.GNUTranslations(BytesIO(compile_po(text)))
    assert shipped._catalog == fresh._catalog, (  # type: ignore[attr-defined]
        f"recompile: msgfmt -o {mo} {po}"
    )


@pytest.mark.parametrize("lang", ["ru", "ar"])
def test_msgfmt_accepts_the_po(lang: str, tmp_path: Path) -> None:
    po, _mo = catalogue_paths(lang)
    out = tmp_path / "x.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(out), str(po)], check=True)
    ours = gettext.GNUTranslations(BytesIO(compile_po(po.read_text(encoding="utf-8"))))
    theirs = gettext.GNUTranslations(BytesIO(out.read_bytes()))
    assert ours._catalog == theirs._catalog  # type: ignore[attr-defined]


def test_the_po_is_read_when_the_mo_is_missing_or_stale(tmp_path: Path) -> None:
    po, mo = tmp_path / "x.po", tmp_path / "x.mo"
    po.write_text('msgid "Appeal"\nmsgstr "Обжалование"\n', encoding="utf-8")
    assert load_catalogue(po, mo).gettext("Appeal") == "Обжалование"  # no .mo at all
    mo.write_bytes(compile_po('msgid "Appeal"\nmsgstr "old"\n'))
    os.utime(mo, (1_000_000, 1_000_000))  # older than the .po: stale
    assert load_catalogue(po, mo).gettext("Appeal") == "Обжалование"
    os.utime(po, (1_000, 1_000))  # now the .mo is the newer: it is used
    assert load_catalogue(po, mo).gettext("Appeal") == "old"
    with pytest.raises(LookupError, match="catalogue is missing"):
        load_catalogue(tmp_path / "none.po", tmp_path / "none.mo")


def test_the_po_parser_reads_contexts_plurals_continuations_and_skips_fuzzy() -> None:
    text = r"""
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"
"Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);\n"

msgctxt "date"
msgid "May"
msgstr "мая"

msgid "Long "
"message"
msgstr "Длинное "
"сообщение \"в кавычках\""

#, fuzzy
msgid "Draft"
msgstr "Черновик"

msgid "%(n)s day"
msgid_plural "%(n)s days"
msgstr[0] "%(n)s день"
msgstr[1] "%(n)s дня"
msgstr[2] "%(n)s дней"
"""
    t = gettext.GNUTranslations(BytesIO(compile_po(text)))
    assert t.pgettext("date", "May") == "мая"
    assert t.gettext("May") == "May"
    assert t.gettext("Long message") == 'Длинное сообщение "в кавычках"'
    assert t.gettext("Draft") == "Draft"
    assert [t.ngettext("%(n)s day", "%(n)s days", n) for n in (1, 3, 5)] == [
        "%(n)s день",
        "%(n)s дня",
        "%(n)s дней",
    ]


def test_legal_terms() -> None:
    ru, ar = Translator("ru"), Translator("ar")
    assert ru.gettext("Temporary asylum") == "Временное убежище"
    assert ru.gettext("refugee status") == "статус беженца"
    assert ar.gettext("Temporary asylum") == "اللجوء المؤقت"
    assert ar.gettext("Refugee") == "لاجئ"
    assert "временное убежище" in ru.gettext(
        "RF Government Decree No. 274 of 9 April 2001 (temporary asylum)"
    )
    assert ru.gettext(
        "Convention relating to the Status of Refugees (1951) and its 1967 Protocol"
    ) == ("Конвенция о статусе беженцев 1951 года и Протокол 1967 года")


def test_dates_and_figures_in_each_language() -> None:
    assert Translator("en").date("2026-02-17") == "17 February 2026"
    assert Translator("ru").date("2026-02-17") == "17 февраля 2026 г."
    assert Translator("ar").date("2026-02-17") == "17 شباط 2026"
    assert Translator("ru").date("not a date") == "not a date"
    assert Translator("en").date(None) == ""
    assert Translator("en").number(1234567) == "1,234,567"
    assert Translator("ru").number(1234567.5) == "1\u00a0234\u00a0567,5"
    assert Translator("ar").number(12.25) == "12.25"
    assert Translator("ar").join(["دمشق", None, "سوريا"]) == "دمشق، سوريا"


def test_the_pot_lists_every_message() -> None:
    text = pot()
    assert 'msgid "Appeal deadline"' in text
    assert 'msgctxt "date"\nmsgid "February"' in text
    assert text.count("\nmsgid ") == len(expected_messages())
