"""Versioned EUAA country guidance, selected by the date a case is decided on.

The guidance lives in ``data/guidance/*.yaml`` (one file per country, see its PROVENANCE.md).
A version applies from its ``effective_from`` (inclusive) until the next version's
``effective_from`` (exclusive). Per-governorate 15(c) levels that the guidance does not publish,
or that were not extracted, are ``unknown`` and read back as ``None``; they are never guessed.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from asylon.law.evidence import ViolenceLevel
from asylon.paths import data_dir
from asylon.yamlfile import safe_load

CITATION_PREFIX = "EUAA Country Guidance"

Tag = Literal["S", "K"]
Cell = Literal["mere_presence", "high", "not_high", "no_real_risk", "unknown"]
Likelihood = Literal[
    "highly_likely", "generally_eligible", "may_qualify", "no_longer_at_risk", "unknown"
]


class GuidanceDataError(ValueError):
    """The guidance data file is malformed; the message names the file and the bad key."""


class _Model(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class Note(_Model):
    text: str
    tag: Tag
    sources: list[str]


class Period(_Model):
    start: date
    end: date


class LevelCell(_Model):
    level: Cell
    tag: Tag | None = None
    sources: list[str] = []
    note: str | None = None

    @model_validator(mode="after")
    def _tagged_when_known(self) -> LevelCell:
        if self.level == "unknown" and self.tag is not None:
            raise ValueError("an unknown cell carries no tag")
        if self.level != "unknown" and (self.tag is None or not self.sources):
            raise ValueError(f"a {self.level} cell needs a tag and sources")
        return self


class Profile(_Model):
    id: str
    label: str
    likelihood: Likelihood
    tag: Tag
    sources: list[str]
    section: str | None = None
    summary: str | None = None


class Exclusion(_Model):
    groups: list[Note]
    notes: list[Note]


class GuidanceVersion(_Model):
    id: str
    label: str
    title: str
    publisher: Literal["EASO", "EUAA"]
    published: date
    date_precision: Literal["day", "month"]
    effective_from: date
    coi_period: Period | None = None
    sources: list[str]
    notes: list[Note]
    indiscriminate_violence: dict[str, LevelCell]
    profiles: list[Profile]
    actors_of_persecution: list[Note]
    actors_of_protection: list[Note]
    internal_protection: list[Note]
    exclusion: Exclusion
    # filled from the file header, not written per version
    guidance: str = ""
    governorates: dict[str, str] = {}

    @property
    def citation(self) -> str:
        """E.g. ``"EUAA Country Guidance: Syria (February 2023)"``."""
        return f"{self.guidance} ({self.label})"

    def profile(self, profile_id: str) -> Profile | None:
        return next((p for p in self.profiles if p.id == profile_id), None)


class GuidanceFile(_Model):
    format: Literal["asylon.guidance/1"]
    country: str
    guidance: str
    governorates: dict[str, str]
    versions: list[GuidanceVersion]

    @model_validator(mode="after")
    def _consistent(self) -> GuidanceFile:
        if not self.guidance.startswith(CITATION_PREFIX):
            raise ValueError(f"guidance must start with {CITATION_PREFIX!r}")
        dates = [v.effective_from for v in self.versions]
        if not dates or dates != sorted(set(dates)):
            raise ValueError("versions must be non-empty, ordered by distinct effective_from")
        if len({v.id for v in self.versions}) != len(self.versions):
            raise ValueError("version ids must be unique")
        for v in self.versions:
            if v.guidance or v.governorates:
                raise ValueError(f"version {v.id}: guidance/governorates belong in the file header")
            if set(v.indiscriminate_violence) != set(self.governorates):
                raise ValueError(
                    f"version {v.id}: indiscriminate_violence must cover exactly the governorates"
                )
            if v.effective_from < v.published:
                raise ValueError(f"version {v.id}: effective_from before published")
        return self


def _with_header(file: GuidanceFile) -> tuple[GuidanceVersion, ...]:
    header = {"guidance": file.guidance, "governorates": file.governorates}
    return tuple(v.model_copy(update=header) for v in file.versions)


def load_guidance(path: Path) -> tuple[str, tuple[GuidanceVersion, ...]]:
    """Read and validate one guidance file: its country code and versions, oldest first."""
    try:
        raw = safe_load(path.read_text(encoding="utf-8"))
        file = GuidanceFile.model_validate(raw)
    except ValidationError as err:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '<top>'}: {e['msg']}" for e in err.errors()
        )
        raise GuidanceDataError(f"{path}: {problems}") from err
    except yaml.YAMLError as err:
        raise GuidanceDataError(f"{path}: not valid YAML: {err}") from err
    return file.country.upper(), _with_header(file)


@cache
def _catalogue(folder: Path) -> dict[str, tuple[GuidanceVersion, ...]]:
    loaded = [load_guidance(p) for p in sorted(folder.glob("*.yaml"))]
    return dict(loaded)


def versions(country: str, folder: Path | None = None) -> tuple[GuidanceVersion, ...]:
    """All guidance versions for ``country`` (ISO alpha-2), oldest first; empty if none."""
    return _catalogue(folder or data_dir() / "guidance").get(country.upper(), ())


def guidance_for(country: str, as_of: date, folder: Path | None = None) -> GuidanceVersion | None:
    """The version in force on ``as_of``; None before the first version or without guidance."""
    current = None
    for version in versions(country, folder):
        if version.effective_from > as_of:
            break
        current = version
    return current


def level(version: GuidanceVersion, adm1_pcode: str) -> tuple[ViolenceLevel | None, str]:
    """The 15(c) level of a governorate in ``version`` (None when unknown) and its citation."""
    code = adm1_pcode.upper()
    if code not in version.indiscriminate_violence:
        raise KeyError(f"{adm1_pcode!r} is not a governorate p-code of {version.id}")
    cell = version.indiscriminate_violence[code]
    citation = f"{version.citation}, {version.governorates.get(code, code)}"
    return (None if cell.level == "unknown" else ViolenceLevel(cell.level)), citation
