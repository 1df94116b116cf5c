"""Names across scripts: parse, normalise, transliterate and compare Arabic personal names
written in Arabic, Latin or Cyrillic script, with the reasons for every judgement.

Pure, except :mod:`asylon.names.data`, which loads the shipped variant data once.
"""

from asylon.names.compare import (
    NameComparer,
    NameMatch,
    TokenMatch,
    compare_names,
    default_comparer,
)
from asylon.names.index import NameIndex
from asylon.names.normalise import fold_cyrillic, fold_latin, normalise_arabic, script_of
from asylon.names.parse import NameToken, ParsedName, parse_name
from asylon.names.transliterate import informal_variants, renderings, romanise, to_cyrillic
from asylon.names.variants import Lexicon

__all__ = [
    "Lexicon",
    "NameComparer",
    "NameIndex",
    "NameMatch",
    "NameToken",
    "ParsedName",
    "TokenMatch",
    "compare_names",
    "default_comparer",
    "fold_cyrillic",
    "fold_latin",
    "informal_variants",
    "normalise_arabic",
    "parse_name",
    "renderings",
    "romanise",
    "script_of",
    "to_cyrillic",
]
