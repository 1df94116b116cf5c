"""Canonical JSON and the SHA-256 of each record version.

The canonical form follows the JSON Canonicalization Scheme (RFC 8785) for the values a
record holds: objects with their keys sorted by UTF-16 code units, no insignificant
whitespace, strings with only the escapes JSON requires (``"`` ``\\`` and control characters,
``\\b \\f \\n \\r \\t`` short, the others as ``\\u00xx``), everything else as UTF-8, integers
in decimal. Records hold no floating-point numbers, so none is accepted (a float's shortest
form is where implementations differ); nor are lone surrogates, NaN or non-string keys.

A record's canonical JSON is its JSON form with the fields at their default left out and its
``type`` kept, so a record keeps its hash when a later version of Asylon adds a field with a
default.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from asylon.register.models import Record

__all__ = ["canonical_bytes", "canonical_json", "record_data", "record_json", "record_sha256"]


def canonical_json(value: Any) -> str:
    """The RFC 8785 canonical text of ``value`` (dicts, lists, str, int, bool, None)."""
    parts: list[str] = []
    _write(value, parts)
    return "".join(parts)


def canonical_bytes(value: Any) -> bytes:
    return canonical_json(value).encode("utf-8")


def record_data(record: Record) -> dict[str, Any]:
    """The JSON form that is hashed: fields at their default left out, ``type`` kept."""
    data = record.model_dump(mode="json", exclude_defaults=True)
    data["type"] = record.type  # type: ignore[attr-defined]
    return data


def record_json(record: Record) -> str:
    return canonical_json(record_data(record))


def record_sha256(record: Record) -> str:
    return hashlib.sha256(record_json(record).encode("utf-8")).hexdigest()


def _utf16_key(key: str) -> bytes:
    return key.encode("utf-16-be", "surrogatepass")


def _write(value: Any, out: list[str]) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        out.append(str(int(value)))
    elif isinstance(value, float):
        raise TypeError("canonical JSON of a record holds no floating-point numbers")
    elif isinstance(value, str):
        out.append(_string(value))
    elif isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise TypeError("canonical JSON object keys must be strings")
        out.append("{")
        for i, key in enumerate(sorted(value, key=_utf16_key)):
            if i:
                out.append(",")
            out.append(_string(key))
            out.append(":")
            _write(value[key], out)
        out.append("}")
    elif isinstance(value, list | tuple):
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(",")
            _write(item, out)
        out.append("]")
    else:
        raise TypeError(f"canonical JSON cannot hold a {type(value).__name__}")


def _string(text: str) -> str:
    if any(0xD800 <= ord(c) <= 0xDFFF for c in text):
        raise ValueError("canonical JSON cannot hold a lone surrogate")
    # json.dumps with ensure_ascii=False escapes exactly ", \ and U+0000-U+001F, using the
    # short forms \b \f \n \r \t and lower-case \u00xx for the rest, as RFC 8785 requires.
    return json.dumps(text, ensure_ascii=False)
