"""Linking victim records from several sources into persons (issue 8), pure: no Django, no I/O.

:func:`link` is the entry point (:mod:`~asylon.linkage.records.link`); the contract types are
in :mod:`~asylon.linkage.records.types`, the result in :mod:`~asylon.linkage.records.result`,
the comparison sets in :mod:`~asylon.linkage.records.config`, evaluation against known truth in
:mod:`~asylon.linkage.records.evaluate` and a seeded synthetic multi-source population in
:mod:`~asylon.linkage.records.synthetic`.

The model is trained on the records themselves, without labels: it needs lists of a few
hundred records or more to learn from (on a handful of records the training steps that could
not run are listed in ``LinkResult.parameters.notes`` and Splink's starting values are used).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from asylon.linkage.records.config import PERSON, VICTIMS, LinkageConfig
    from asylon.linkage.records.link import link, link_frame
    from asylon.linkage.records.result import (
        LevelParameter,
        LinkResult,
        ModelParameters,
        RefusedLink,
    )
    from asylon.linkage.records.types import Cluster, LinkJudgement, MatchEvidence, VictimRecord

#: where each name lives: loaded on first use (PEP 562), so that reading the record types
#: does not load Splink, DuckDB and pandas, as every web process would at start
_HOME = {
    "PERSON": "config",
    "VICTIMS": "config",
    "LinkageConfig": "config",
    "link": "link",
    "link_frame": "link",
    "LevelParameter": "result",
    "LinkResult": "result",
    "ModelParameters": "result",
    "RefusedLink": "result",
    "Cluster": "types",
    "LinkJudgement": "types",
    "MatchEvidence": "types",
    "VictimRecord": "types",
}

__all__ = [
    "PERSON",
    "VICTIMS",
    "Cluster",
    "LevelParameter",
    "LinkJudgement",
    "LinkResult",
    "LinkageConfig",
    "MatchEvidence",
    "ModelParameters",
    "RefusedLink",
    "VictimRecord",
    "link",
    "link_frame",
]


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = importlib.import_module(f"{__name__}.{home}")
    # bind every name of that module here: importing the submodule ``link`` has just set this
    # package's ``link`` to the module, and ``link`` must be the function
    for other, where in _HOME.items():
        if where == home:
            globals()[other] = getattr(module, other)
    return globals()[name]
