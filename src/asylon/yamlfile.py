"""YAML read safely and fast: PyYAML's safe loader on libyaml's C parser where PyYAML was built
with it (the wheels are), else on the pure-Python one; the same documents either way, ten times
faster in C (the demo's case files, the register, the gazetteer)."""

from __future__ import annotations

from typing import IO, Any

import yaml

SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(stream: str | bytes | IO[str] | IO[bytes]) -> Any:
    """``yaml.safe_load`` on :data:`SafeLoader`."""
    return yaml.load(stream, Loader=SafeLoader)
