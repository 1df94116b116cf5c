"""Dated legal parameters per jurisdiction profile (OpenFisca style).

Every value has the day it starts to apply, the provision or source it rests on, and a
confidence tag from LEGAL-SPEC §0.1: ``S`` confirmed in a source, ``K`` standard legal
knowledge not re-verified against the primary text, ``?`` contested or unverified. A value
tagged ``?`` is ``verified: false``; the engine raises ``LAW_UNCERTAIN`` whenever it uses one.

The files in ``jurisdictions/`` are package data read once; nothing here touches the clock.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from asylon.yamlfile import safe_load

PROFILES = ("unhcr", "eu", "ru")


class LawNotInForce(ValueError):
    """The profile has no law in force on the requested date, or the member state is unknown."""


@dataclass(frozen=True, slots=True)
class Value:
    """One dated value of a parameter."""

    value: Any
    since: date
    until: date | None
    reference: str
    tag: str

    @property
    def verified(self) -> bool:
        return self.tag != "?"

    def applies_on(self, day: date) -> bool:
        return self.since <= day and (self.until is None or day <= self.until)


def _values(name: str, rows: list[dict[str, Any]]) -> tuple[Value, ...]:
    out = []
    for row in rows:
        if row.get("tag") not in ("S", "K", "?"):
            raise ValueError(f"parameter {name}: every value needs tag S, K or ?")
        out.append(
            Value(
                value=row.get("value"),
                since=row["since"],
                until=row.get("until"),
                reference=str(row["reference"]),
                tag=str(row["tag"]),
            )
        )
    return tuple(sorted(out, key=lambda v: v.since))


def _at(values: tuple[Value, ...], day: date) -> Value | None:
    """The latest value whose start is on or before ``day`` (and that has not ended)."""
    found = None
    for v in values:
        if v.since <= day:
            found = v
    if found is not None and found.until is not None and day > found.until:
        return None
    return found


@dataclass(frozen=True)
class Profile:
    """A jurisdiction profile, optionally narrowed to an EU member state."""

    name: str
    title: str
    in_force_from: date
    member_state: str | None
    parameters: dict[str, tuple[Value, ...]]
    statuses: dict[str, tuple[Value, ...]]
    instruments: dict[str, tuple[Value, ...]]
    practice: tuple[dict[str, Any], ...] = field(default_factory=tuple)
    tables: dict[str, Any] = field(default_factory=dict)
    digest: str = ""

    def param(self, name: str, day: date) -> Value:
        found = _at(self.parameters[name], day)
        if found is None:
            raise LawNotInForce(f"parameter {name} has no value on {day} in profile {self.name}")
        return found

    def status(self, name: str, day: date) -> Value | None:
        rows = self.statuses.get(name)
        return _at(rows, day) if rows else None

    def instrument(self, code: str, day: date) -> Value | None:
        """The instrument's entry if it binds this jurisdiction on ``day``."""
        for v in self.instruments.get(code, ()):
            if v.applies_on(day):
                return v
        return None

    def binds(self, code: str, day: date) -> bool:
        return self.instrument(code, day) is not None

    def echr_binds_host(self, host: str | None, day: date) -> bool:
        """For the UNHCR profile: is the host state bound by the ECHR on ``day``?"""
        table = self.tables.get("echr_parties")
        if not table or host is None:
            return False
        if host in table["former"]:
            start, end = table["former"][host]
            return bool(start <= day <= end)
        if host not in table["states"]:
            return False
        return bool(table["since"].get(host, table["since_default"]) <= day)


def _read(name: str) -> tuple[dict[str, Any], bytes]:
    raw = resources.files("asylon.law.jurisdictions").joinpath(f"{name}.yaml").read_bytes()
    return safe_load(raw), raw


def _check_complete(name: str, start: date, params: dict[str, tuple[Value, ...]]) -> None:
    """Every parameter must have a value (possibly null) from the profile's first day."""
    late = [k for k, v in params.items() if not v or v[0].since > start]
    if late:
        raise ValueError(f"profile {name}: parameters without a value on {start}: {late}")


def load_every_profile() -> list[Profile]:
    """Every profile and each EU member state's variant, loaded (and cached) now.

    Loading one costs about 60 ms on first use (YAML and checks), 1.7 s for all of them: a
    server calls this before it forks its workers, so that no request pays it."""
    profiles = [load_profile(name) for name in PROFILES]
    states = _read("eu")[0].get("member_states", {}).get("known", [])
    return profiles + [load_profile("eu", str(state).upper()) for state in states]


@cache
def load_profile(name: str, member_state: str | None = None) -> Profile:
    """Load a profile (``unhcr``, ``eu``, ``ru``), with an EU member state's overrides if given."""
    if name not in PROFILES:
        raise LawNotInForce(f"unknown jurisdiction profile {name!r}; expected one of {PROFILES}")
    data, raw = _read(name)
    params = {k: _values(k, v) for k, v in data["parameters"].items()}
    _check_complete(name, data["in_force_from"], params)
    if member_state is not None:
        states = data.get("member_states", {})
        if member_state in states.get("not_bound", {}):
            raise LawNotInForce(f"jurisdiction: {states['not_bound'][member_state]}")
        if member_state not in states.get("known", []):
            raise LawNotInForce(
                f"jurisdiction: eu:{member_state.lower()} is not an EU member state bound by the "
                f"Qualification Directive; expected one of "
                f"{', '.join(s.lower() for s in states.get('known', []))}"
            )
        for k, v in states.get("overrides", {}).get(member_state, {}).items():
            params[k] = _values(k, v)
        _check_complete(f"{name}:{member_state}", data["in_force_from"], params)
    return Profile(
        name=name,
        title=str(data["title"]),
        in_force_from=data["in_force_from"],
        member_state=member_state,
        parameters=params,
        statuses={k: _values(k, v) for k, v in data.get("statuses", {}).items()},
        instruments={k: _values(k, v) for k, v in data["instruments"].items()},
        practice=tuple(data.get("practice", [])),
        tables=dict(data.get("tables", {})),
        digest=hashlib.sha256(raw).hexdigest(),
    )


@cache
def rules_digest() -> str:
    """A short digest of every parameter file: part of ``rules_version``."""
    h = hashlib.sha256()
    for name in PROFILES:
        h.update(_read(name)[1])
    return h.hexdigest()[:12]
