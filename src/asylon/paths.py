"""Where Asylon finds its shipped reference data and keeps what it builds.

``ASYLON_DATA_DIR`` overrides the shipped ``data/`` folder (reference data, read-only);
``ASYLON_VAR_DIR`` overrides ``var/`` (built stores such as the evidence database).
The product never reads anything outside these two folders at run time.
"""

from __future__ import annotations

import os
from pathlib import Path

_ROOT = Path(__file__).resolve().parents[2]


def data_dir() -> Path:
    return Path(os.environ.get("ASYLON_DATA_DIR", _ROOT / "data"))


def var_path() -> Path:
    """Where ``var/`` is, without creating it (for look-ups on a hot path)."""
    return Path(os.environ.get("ASYLON_VAR_DIR", _ROOT / "var"))


def var_dir() -> Path:
    """``var/``, created if absent."""
    path = var_path()
    path.mkdir(parents=True, exist_ok=True)
    return path
