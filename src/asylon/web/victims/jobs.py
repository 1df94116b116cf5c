"""Linkage runs in the background: the page starts ``asylon victims link`` as a process of its
own and answers at once.

Linking a few thousand records takes a minute or more (Splink's training and prediction, the
name score for every candidate pair): longer than a web worker may spend on one request
(gunicorn kills a worker silent for 30 s), and a worker busy for a minute is missing for
everyone else. So the request only starts the run.

One run at a time, by an exclusive ``flock`` on ``var/locks/victims-link.lock`` (``ASYLON_LOCKS_DIR``): the page
takes the lock, starts the process with the locked file descriptor (the lock belongs to the
open file, so the child holds it from its first instruction), and lets go of its own copy.
The lock lasts exactly as long as the process: a run that crashes or is killed releases it,
and nothing is left to clean up. ``asylon victims link`` from a shell takes the same lock,
so a run started there and one started from the page never overlap.

``var/locks/victims-link.status`` says how the last run ended (``running``, ``done`` with
the run's number, or ``failed`` with the kind of error) for the persons page; its log goes
to ``var/logs/victims-link.log`` (counts only, never a name).
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from asylon.paths import var_dir

LOCK_FD_VARIABLE = "ASYLON_VICTIMS_LINK_LOCK_FD"
_CHILDREN: list[subprocess.Popen[bytes]] = []


class Busy(Exception):
    """Another linkage run holds the lock."""


def _folder(path: Path) -> Path:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _locks() -> Path:
    from django.conf import settings

    return _folder(Path(settings.ASYLON_LOCKS_DIR))


def lock_path() -> Path:
    return _locks() / "victims-link.lock"


def status_path() -> Path:
    return _locks() / "victims-link.status"


def log_path() -> Path:
    return _folder(var_dir() / "logs") / "victims-link.log"


def _open_lock() -> int:
    return os.open(lock_path(), os.O_RDWR | os.O_CREAT, 0o600)


def _try_lock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _reap() -> None:
    """Collect the runs this process started that have ended (no zombie is left)."""
    _CHILDREN[:] = [p for p in _CHILDREN if p.poll() is None]


def running() -> bool:
    """Is a linkage run going on now (started here, elsewhere or from a shell)?"""
    _reap()
    fd = _open_lock()
    try:
        if _try_lock(fd):
            fcntl.flock(fd, fcntl.LOCK_UN)
            return False
        return True
    finally:
        os.close(fd)


def write_status(state: str, **details: Any) -> None:
    """Record how the run stands (``running``, ``done`` or ``failed``), atomically."""
    doc = {"state": state, "at": datetime.now(UTC).isoformat(timespec="seconds"), **details}
    path = status_path()
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(doc), encoding="utf-8")
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def last_status() -> dict[str, Any] | None:
    try:
        doc = json.loads(status_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return doc if isinstance(doc, dict) else None


def start(username: str | None, threshold: float, env: dict[str, str] | None = None) -> bool:
    """Start ``asylon victims link`` in the background; False if a run is going on already."""
    _reap()
    fd = _open_lock()
    try:
        if not _try_lock(fd):
            return False
        write_status("running", threshold=threshold)
        command = [sys.executable, "-m", "asylon.cli", "victims", "link"]
        command += ["--threshold", repr(threshold)]
        if username:
            command += ["--user", username]
        child_env = dict(os.environ if env is None else env)
        child_env[LOCK_FD_VARIABLE] = str(fd)
        try:
            with open(log_path(), "ab") as log:
                os.chmod(log_path(), 0o600)
                _CHILDREN.append(
                    subprocess.Popen(
                        command,
                        stdin=subprocess.DEVNULL,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        env=child_env,
                        pass_fds=(fd,),
                        start_new_session=True,  # a signal to the web worker is not the run's
                    )
                )
        except OSError as err:
            write_status("failed", error=f"the run could not be started ({type(err).__name__})")
            raise
        return True
    finally:
        os.close(fd)  # the child keeps the lock through its own copy


@contextmanager
def exclusive() -> Iterator[None]:
    """Hold the linkage lock for a run: the one the page handed over, or a new one (a run
    started from a shell); :class:`Busy` if another run holds it."""
    inherited = os.environ.pop(LOCK_FD_VARIABLE, None)
    if inherited is not None:
        fd = int(inherited)
    else:
        fd = _open_lock()
        if not _try_lock(fd):
            os.close(fd)
            raise Busy("another linkage run is in progress; try again when it has finished")
    try:
        yield
    finally:
        os.close(fd)  # releases the lock
