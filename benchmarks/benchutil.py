"""Helpers shared by the benchmarks: logging, pinning to one core, percentiles, machine facts."""

from __future__ import annotations

import contextlib
import math
import os
import platform
import sys
import time
from pathlib import Path


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def pin_to_one_core() -> int | None:
    """Pin every thread of this process to the first CPU it may run on; return that CPU.

    ``sched_setaffinity(0, ...)`` pins only the calling thread on Linux, so the threads that
    already exist (DuckDB's, from the build) are pinned one by one; threads created later
    inherit the affinity.
    """
    if not hasattr(os, "sched_setaffinity"):
        log("os.sched_setaffinity is not available: NOT pinned to one core")
        return None
    cpu = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    try:
        tids = [int(t) for t in os.listdir("/proc/self/task")]
    except OSError:
        tids = []
    for tid in tids:
        with contextlib.suppress(OSError):  # the thread may have ended meanwhile
            os.sched_setaffinity(tid, {cpu})
    return cpu


def percentile(sorted_values: list[int], p: float) -> int:
    """Nearest-rank percentile of an ascending list."""
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def version_of(dist: str) -> str | None:
    from importlib import metadata

    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None
