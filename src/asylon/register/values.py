"""The register's value types: ids, partial dates, country codes, hashes, URLs, media types,
normalised labels and texts, names in several scripts, victim counts. Pure."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import cache
from typing import Annotated, Any

import pycountry
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from asylon.register.vocabulary import NAME_KINDS, NameKind, VictimCountCategory

_RECORD_ID = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.\-]{0,126}[A-Za-z0-9])?")
_PARTIAL_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_URL = re.compile(r"https?://[^\s/$.?#][^\s]*")
_MEDIA_TYPE = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*")
_SPACES = re.compile(r"\s+")


def _record_id(value: str) -> str:
    if not _RECORD_ID.fullmatch(value):
        raise ValueError(
            "a record id is 1-128 letters, digits, '.' and '-', starting and ending with a "
            f"letter or digit (e.g. person-anwar-raslan, EV-12), got {value!r}"
        )
    return value


def _partial_date(value: str) -> str:
    match = _PARTIAL_DATE.fullmatch(value)
    if not match:
        raise ValueError(f"expected a date YYYY, YYYY-MM or YYYY-MM-DD, got {value!r}")
    year, month, day = (int(g) if g else None for g in match.groups())
    try:
        date(year or 1, month or 1, day or 1)
    except ValueError:
        raise ValueError(f"no such date: {value!r}") from None
    return value


def _as_date_text(value: Any) -> Any:
    """YAML reads ``2011-04-29`` as a date and ``2011`` as a number: both become text."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:04d}"
    return value


@cache
def _country_codes() -> frozenset[str]:
    return frozenset(c.alpha_2 for c in pycountry.countries)


def _country(value: str) -> str:
    code = value.upper()
    if code not in _country_codes():
        raise ValueError(f"expected an ISO 3166-1 alpha-2 country code such as SY, got {value!r}")
    return code


def _sha256(value: str) -> str:
    if not _SHA256.fullmatch(value):
        raise ValueError("expected a SHA-256 as 64 lower-case hexadecimal digits")
    return value


def _url(value: str) -> str:
    if not _URL.fullmatch(value):
        raise ValueError(f"expected an http(s) URL without spaces, got {value!r}")
    return value


def _media_type(value: str) -> str:
    if not _MEDIA_TYPE.fullmatch(value):
        raise ValueError(f"expected a media type such as application/pdf, got {value!r}")
    return value


def _one_line(value: str) -> str:
    """NFC, whitespace runs collapsed to one space, stripped: names and short labels."""
    text = _SPACES.sub(" ", unicodedata.normalize("NFC", value)).strip()
    if not text:
        raise ValueError("must not be empty")
    return text


def _text(value: str) -> str:
    """NFC and stripped, line breaks kept: descriptions and notes."""
    text = unicodedata.normalize("NFC", value).strip()
    if not text:
        raise ValueError("must not be empty (leave the field out instead)")
    return text


def _unique(values: tuple[Any, ...]) -> tuple[Any, ...]:
    seen: list[Any] = []
    for value in values:
        if value in seen:
            raise ValueError(f"{value!r} is listed twice")
        seen.append(value)
    return values


RecordId = Annotated[str, AfterValidator(_record_id)]
PartialDate = Annotated[str, BeforeValidator(_as_date_text), AfterValidator(_partial_date)]
Country = Annotated[str, AfterValidator(_country)]
Sha256 = Annotated[str, AfterValidator(_sha256)]
Url = Annotated[str, AfterValidator(_url)]
MediaType = Annotated[str, AfterValidator(_media_type)]
Label = Annotated[str, AfterValidator(_one_line)]
Text = Annotated[str, AfterValidator(_text)]
Ids = Annotated[tuple[RecordId, ...], AfterValidator(_unique)]
Labels = Annotated[tuple[Label, ...], AfterValidator(_unique)]


def script_of(text: str) -> str:
    """``arab``, ``cyrl`` or ``latn``: the script of a name's letters (the first that is one of
    these three decides), else ``other``."""
    for char in text:
        if not char.isalpha():
            continue
        name = unicodedata.name(char, "")
        if name.startswith("ARABIC"):
            return "arab"
        if name.startswith("CYRILLIC"):
            return "cyrl"
        if name.startswith("LATIN"):
            return "latn"
    return "other"


class _Value(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Name(_Value):
    """One written form of a name. The script is read from the letters (:attr:`script`)."""

    text: Label
    kind: NameKind = "primary"
    verify: bool = False

    @property
    def script(self) -> str:
        return script_of(self.text)


def _names(names: tuple[Name, ...]) -> tuple[Name, ...]:
    texts = [n.text for n in names]
    _unique(tuple(texts))
    if not any(n.kind == "primary" for n in names):
        raise ValueError("at least one name must be of kind 'primary'")
    rank = {kind: i for i, kind in enumerate(NAME_KINDS)}
    return tuple(sorted(names, key=lambda n: rank[n.kind]))  # stable within a kind


Names = Annotated[tuple[Name, ...], Field(min_length=1), AfterValidator(_names)]


class VictimCount(_Value):
    """How many people an incident affected in one way, as one source counts them: a figure
    (``low``) or a range (``low`` to ``high``)."""

    category: VictimCountCategory
    low: int = Field(ge=0)
    high: int | None = Field(default=None, ge=0)
    source_id: RecordId | None = None
    note: Text | None = None

    @model_validator(mode="after")
    def _range(self) -> VictimCount:
        if self.high is not None and self.high < self.low:
            raise ValueError("high must not be below low")
        return self
