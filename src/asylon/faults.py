"""Fault injection for the crash tests: ``ASYLON_FAULT_AT=label:n`` makes the process kill
itself with SIGKILL at the n-th time it passes the checkpoint ``label``.

Reliability under faults (issue 7, item 7) is shown by killing real ``asylon`` processes in the
middle of an import, a reassessment or a backup and checking what they leave behind
(``tests/web/test_faults.py``). A kill timed from outside mostly lands in Python's start-up;
a checkpoint lands where it matters: between two writes of one transaction, after an archive
chunk, just before a commit. SIGKILL cannot be caught or cleaned up after, as when the machine
loses power or the kernel's OOM killer strikes. Without the variable a checkpoint costs one
dictionary look-up; the variable is for tests, never set in production.

Checkpoints: ``register-import`` (after each record saved, inside the import's transaction),
``assess`` (between an assessment's row and its audit entry, inside their transaction),
``reassess`` (after each case committed), ``backup-chunk`` (after each 1 MiB archive chunk is
written) and ``backup-commit`` (the archive complete, just before it is renamed into place).
"""

from __future__ import annotations

import os
import signal

__all__ = ["checkpoint"]

_SPEC = os.environ.get("ASYLON_FAULT_AT", "")
_LABEL, _SEP, _AT = _SPEC.partition(":")
_TARGET = int(_AT) if _SEP and _AT.isdigit() else 0
_SEEN: dict[str, int] = {}


def checkpoint(label: str) -> None:
    """Count a pass through ``label``; at the chosen pass, SIGKILL this process."""
    if not _TARGET or label != _LABEL:
        return
    _SEEN[label] = _SEEN.get(label, 0) + 1
    if _SEEN[label] == _TARGET:
        os.kill(os.getpid(), signal.SIGKILL)
