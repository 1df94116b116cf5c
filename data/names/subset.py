"""Rebuild this folder's name-variant subsets from the project's shared source copies.

Run from the repository root: ``python data/names/subset.py ../shared/data``. Standard
library only; the output is deterministic (sorted), so a re-run on the same sources gives
byte-identical files. What each output holds and why is in ``PROVENANCE.md`` beside this file.
"""

from __future__ import annotations

import shutil
import sys
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _script(ch: str) -> str | None:
    """The script of one letter: 'arabic', 'latin', 'cyrillic', another name, or None."""
    if not ch.isalpha():
        return None
    name = unicodedata.name(ch, "")
    for script in ("ARABIC", "LATIN", "CYRILLIC"):
        if name.startswith(script):
            return script.lower()
    return name.split(" ")[0].lower() or "other"


def _scripts(text: str) -> set[str]:
    return {s for s in map(_script, text) if s is not None}


def rigour_subset(src: Path) -> tuple[list[str], set[str]]:
    """Groups with at least one Arabic-script alias, keeping Latin, Cyrillic and Arabic aliases."""
    lines: list[str] = []
    latin: set[str] = set()
    for raw in src.read_text(encoding="utf-8").splitlines():
        if "=>" not in raw:
            continue
        aliases_part, qid = raw.rsplit("=>", 1)
        aliases = [a.strip() for a in aliases_part.split(",") if a.strip()]
        kept = [
            a for a in aliases if _scripts(a) and _scripts(a) <= {"latin", "cyrillic", "arabic"}
        ]
        if not any(_scripts(a) == {"arabic"} for a in kept):
            continue
        if not any(_scripts(a) <= {"latin", "cyrillic"} for a in kept):
            continue
        lines.append(f"{', '.join(sorted(set(kept)))} => {qid.strip()}")
        latin.update(a for a in kept if _scripts(a) == {"latin"})
    return sorted(lines), latin


def _pairs(src: Path) -> list[tuple[str, str, int]]:
    rows = []
    for raw in src.read_text(encoding="utf-8").splitlines():
        parts = raw.split("\t")
        if len(parts) != 3:
            continue
        rows.append((parts[0], parts[1].replace(" ", ""), int(parts[2])))
    return rows


def main(shared: Path) -> None:
    rigour_lines, rigour_latin = rigour_subset(shared / "rigour_person_names" / "persons.txt")
    (HERE / "rigour_person_names_arabic.txt").write_text("\n".join(rigour_lines) + "\n", "utf-8")

    wd = shared / "wikidata_name_transliteration"
    arabic = sorted(_pairs(wd / "wd_arabic_80"))
    (HERE / "wikidata_arabic.tsv").write_text(
        "".join(f"{la}\t{ar}\t{n}\n" for la, ar, n in arabic), "utf-8"
    )
    google = shared / "google_ar2en_transliteration"
    google_latin = {
        line.split("\t")[1].strip().lower()
        for line in (google / "ar2en-train.txt").read_text("utf-8").splitlines()
        if "\t" in line
    }
    wanted = rigour_latin | {la for la, _, _ in arabic} | google_latin
    russian = sorted(row for row in _pairs(wd / "wd_russian_80") if row[0] in wanted)
    (HERE / "wikidata_russian.tsv").write_text(
        "".join(f"{la}\t{ru}\t{n}\n" for la, ru, n in russian), "utf-8"
    )
    shutil.copyfile(wd / "DATA_LICENSE_CC0.txt", HERE / "LICENSE-wikidata-CC0.txt")
    shutil.copyfile(google / "ar2en-train.txt", HERE / "google_ar2en_train.tsv")
    shutil.copyfile(google / "ar2en-eval.txt", HERE / "google_ar2en_eval.tsv")
    print(f"rigour groups {len(rigour_lines)}, wikidata ar {len(arabic)}, ru {len(russian)}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data"))
