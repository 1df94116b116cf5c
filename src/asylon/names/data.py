"""Load the shipped name-variant data once: the only module of ``asylon.names`` that reads files.

Files (``data_dir()/names``, see PROVENANCE.md there): ``rigour_person_names_arabic.txt``
(synonym groups ``alias, alias, ... => QID``), ``wikidata_arabic.tsv`` and
``wikidata_russian.tsv`` (``latin<TAB>other<TAB>count``), ``google_ar2en_train.tsv``
(``arabic<TAB>latin``). ``google_ar2en_eval.tsv`` is never loaded here: it is the benchmark's
held-out evaluation split.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path

from asylon.names.normalise import script_of
from asylon.names.variants import Lexicon
from asylon.paths import data_dir

__all__ = ["build_lexicon", "default_lexicon", "names_dir", "read_groups", "read_pairs"]


def names_dir() -> Path:
    return data_dir() / "names"


def read_groups(path: Path) -> Iterator[tuple[list[str], str]]:
    """Rigour synonym groups: (aliases, Wikidata QID)."""
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            aliases, sep, qid = line.rpartition("=>")
            if sep:
                yield [a.strip() for a in aliases.split(",") if a.strip()], qid.strip()


def read_pairs(path: Path) -> Iterator[tuple[str, str, int]]:
    """Tab-separated pairs with an optional count (1 when absent)."""
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 2 and parts[0] and parts[1]:
                yield parts[0], parts[1], int(parts[2]) if len(parts) > 2 else 1


def build_lexicon(
    folder: Path | None = None, keep: Callable[[Sequence[str]], bool] | None = None
) -> Lexicon:
    """Build a lexicon from the files in ``folder`` (default: the shipped ones).

    ``keep(arabic_forms)`` (optional) filters entries by their Arabic side (a rigour group by
    all of its Arabic aliases), so that a benchmark can build the lexicon from a training
    split and evaluate on the rest.
    """
    folder = folder or names_dir()
    lexicon = Lexicon()
    for aliases, qid in read_groups(folder / "rigour_person_names_arabic.txt"):
        if keep is None or keep([a for a in aliases if script_of(a) == "arabic"]):
            lexicon.add_group(aliases, qid)
    for latin, arabic, count in read_pairs(folder / "wikidata_arabic.tsv"):
        if keep is None or keep([arabic]):
            lexicon.add_pair(latin, arabic, count, "wikidata")
    for arabic, latin, count in read_pairs(folder / "google_ar2en_train.tsv"):
        if keep is None or keep([arabic]):
            lexicon.add_pair(latin, arabic, count, "google")
    for latin, cyrillic, count in read_pairs(folder / "wikidata_russian.tsv"):
        lexicon.add_cyrillic(latin, cyrillic, count)
    return lexicon


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The lexicon of the shipped data, built on first use (about a second) and kept."""
    return build_lexicon()
