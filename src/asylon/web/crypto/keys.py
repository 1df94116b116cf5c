"""The data keys: a JSON file kept outside the database and the repository.

Location: ``ASYLON_DATA_KEY_FILE`` (environment, or the setting of that name), else
``var/data-keys.json``. The default file is created (mode 0600) on first use when it is absent
and the database holds no encrypted value yet; a configured file that is missing is an error
(an unmounted volume must not silently start a new key). A file that other users may read or
write is refused, as ssh refuses such a private key. Format::

    {"format": "asylon.data-keys/1",
     "current": "d3f9a12bc", "keys": {"d3f9a12bc": "<base64 of 32 bytes>", ...},
     "index_current": "i81c0ffee", "index_keys": {"i81c0ffee": "<base64 of 32 bytes>", ...}}

``keys`` encrypt values and stored files (each value names the id of its key, so older keys
stay readable until retired); ``index_keys`` key the blind indexes of names (HMAC-SHA256).
Every process re-reads the file when it changes (checked at most once a second), so a rotation
reaches a running application without a restart.

The file is rewritten atomically (a temporary file, fsync, rename) under an exclusive lock on
``<file>.lock``. Losing the file loses the data: back it up apart from the database backups.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import fcntl
import json
import os
import secrets
import stat
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

KEY_ENV = "ASYLON_DATA_KEY_FILE"
FORMAT = "asylon.data-keys/1"
KEY_BYTES = 32
RELOAD_SECONDS = 1.0
_KID_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789")


class KeyProblem(Exception):
    """The key file is missing, unreadable, malformed or readable by other users, or a key
    id is not in it. The message says what to do; it never holds a key."""


@dataclass(frozen=True)
class Keyring:
    path: Path
    current: str
    keys: dict[str, bytes]
    index_current: str
    index_keys: dict[str, bytes]
    signature: tuple[int, int, int] = field(default=(0, 0, 0), compare=False)

    def data_key(self, kid: str) -> bytes:
        try:
            return self.keys[kid]
        except KeyError:
            raise KeyProblem(
                f"data key {kid} is not in the key file {self.path}: it was retired, or this "
                f"is the wrong key file (set {KEY_ENV})"
            ) from None

    def to_json(self) -> dict[str, Any]:
        def enc(keys: dict[str, bytes]) -> dict[str, str]:
            return {k: base64.b64encode(v).decode("ascii") for k, v in keys.items()}

        return {
            "format": FORMAT,
            "current": self.current,
            "keys": enc(self.keys),
            "index_current": self.index_current,
            "index_keys": enc(self.index_keys),
        }


def new_kid(prefix: str) -> str:
    """A fresh key id: ``d`` (data) or ``i`` (index) and 8 hex digits."""
    return prefix + secrets.token_hex(4)


def configured_path(make_dir: bool = True) -> tuple[Path, bool]:
    """(the key file, whether it was configured rather than the default); the default's folder
    is created unless ``make_dir`` is false (the per-value look-up of :func:`keyring`)."""
    chosen = os.environ.get(KEY_ENV) or _setting()
    if chosen:
        return Path(chosen), True
    from asylon.paths import var_dir, var_path

    return (var_dir() if make_dir else var_path()) / "data-keys.json", False


def _setting() -> str:
    try:
        from django.conf import settings

        return str(getattr(settings, "ASYLON_DATA_KEY_FILE", "") or "")
    except Exception:  # settings not configured: the environment or the default decides
        return ""


def _decode_keys(raw: Any, what: str, path: Path) -> dict[str, bytes]:
    if not isinstance(raw, dict) or not raw:
        raise KeyProblem(f"key file {path}: {what} must be a non-empty object")
    out = {}
    for kid, text in raw.items():
        if not isinstance(kid, str) or not kid or not set(kid) <= _KID_CHARS or len(kid) > 32:
            raise KeyProblem(f"key file {path}: {what} has an invalid key id")
        try:
            key = base64.b64decode(str(text), validate=True)
        except (binascii.Error, ValueError):
            raise KeyProblem(f"key file {path}: key {kid} is not base64") from None
        if len(key) != KEY_BYTES:
            raise KeyProblem(f"key file {path}: key {kid} is not {KEY_BYTES} bytes")
        out[kid] = key
    return out


def read_keyring(path: Path) -> Keyring:
    """Load and check the key file; refuses one that other users may read or write."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except FileNotFoundError:
        raise KeyProblem(
            f"data key file {path} does not exist: create it with `asylon keys init` (or set "
            f"{KEY_ENV} to the file that holds the keys of this database)"
        ) from None
    except OSError as err:
        raise KeyProblem(f"cannot open data key file {path}: {err.strerror}") from None
    with os.fdopen(fd, "rb") as f:
        info = os.fstat(f.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise KeyProblem(f"data key file {path} is not a regular file")
        if info.st_mode & 0o077:
            raise KeyProblem(
                f"data key file {path} is accessible by other users (mode "
                f"{stat.S_IMODE(info.st_mode):o}): run `chmod 600 {path}`"
            )
        raw = f.read(1_000_000)
    try:
        doc = json.loads(raw)
    except ValueError:
        raise KeyProblem(f"data key file {path} is not valid JSON") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise KeyProblem(f"data key file {path} is not an {FORMAT} file")
    keys = _decode_keys(doc.get("keys"), "keys", path)
    index_keys = _decode_keys(doc.get("index_keys"), "index_keys", path)
    current, index_current = doc.get("current"), doc.get("index_current")
    if current not in keys or index_current not in index_keys:
        raise KeyProblem(f"data key file {path}: the current key ids are not among its keys")
    return Keyring(
        path,
        str(current),
        keys,
        str(index_current),
        index_keys,
        (info.st_ino, info.st_mtime_ns, info.st_size),
    )


def _write(path: Path, ring: Keyring, exclusive: bool) -> None:
    """Write atomically, mode 0600; ``exclusive``: fail if the file exists (FileExistsError)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    temp = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as f:
            os.fchmod(f.fileno(), 0o600)
            json.dump(ring.to_json(), f, indent=1)
            f.write("\n")
            f.flush()
            os.fsync(f.fileno())
        if exclusive:
            os.link(temp, path)  # atomic, and refuses an existing file
            temp.unlink()
        else:
            os.replace(temp, path)
        dfd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
    finally:
        temp.unlink(missing_ok=True)
    _forget()


def fresh_keyring(path: Path) -> Keyring:
    kid, iid = new_kid("d"), new_kid("i")
    return Keyring(path, kid, {kid: os.urandom(KEY_BYTES)}, iid, {iid: os.urandom(KEY_BYTES)})


def init_key_file(path: Path | None = None) -> tuple[Keyring, bool]:
    """Create the key file if absent: (keyring, whether it was created). Never overwrites."""
    target = path or configured_path()[0]
    try:
        _write(target, fresh_keyring(target), exclusive=True)
        created = True
    except FileExistsError:
        created = False
    return read_keyring(target), created


@contextlib.contextmanager
def locked(path: Path | None = None) -> Iterator[Path]:
    """An exclusive lock for changing the key file (rotate, retire)."""
    target = path or configured_path()[0]
    lock = target.with_name(target.name + ".lock")
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield target
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def add_key(index: bool = False, path: Path | None = None) -> tuple[Keyring, str]:
    """Add a new data key (or blind-index key) and make it current: (keyring, its id)."""
    with locked(path) as target:
        ring = read_keyring(target)
        prefix = "i" if index else "d"
        kid = new_kid(prefix)
        key = os.urandom(KEY_BYTES)
        if index:
            ring = Keyring(target, ring.current, ring.keys, kid, {**ring.index_keys, kid: key})
        else:
            ring = Keyring(
                target, kid, {**ring.keys, kid: key}, ring.index_current, ring.index_keys
            )
        _write(target, ring, exclusive=False)
    return read_keyring(target), kid


def remove_key(kid: str, path: Path | None = None) -> Keyring:
    """Drop a retired key from the file (the caller checked nothing uses it)."""
    with locked(path) as target:
        ring = read_keyring(target)
        if kid in (ring.current, ring.index_current):
            raise KeyProblem(f"key {kid} is current: rotate first, then retire it")
        if kid in ring.keys:
            ring = Keyring(
                target,
                ring.current,
                {k: v for k, v in ring.keys.items() if k != kid},
                ring.index_current,
                ring.index_keys,
            )
        elif kid in ring.index_keys:
            ring = Keyring(
                target,
                ring.current,
                ring.keys,
                ring.index_current,
                {k: v for k, v in ring.index_keys.items() if k != kid},
            )
        else:
            raise KeyProblem(f"there is no key {kid} in {target}")
        _write(target, ring, exclusive=False)
    return read_keyring(target)


# --- the keyring of this process ---------------------------------------------------------

_lock = threading.RLock()
_state: dict[str, Any] = {"ring": None, "checked": 0.0, "inputs": None}
#: called before the default key file is created: raises KeyProblem if the database already
#: holds encrypted values (a new key could not read them). Set by asylon.web.crypto.fields.
before_create: Callable[[Path], None] | None = None


def _forget() -> None:
    with _lock:
        _state["ring"], _state["checked"], _state["inputs"] = None, 0.0, None


def _path_inputs() -> tuple[str | None, str, str | None]:
    """What decides the key file's path (:func:`configured_path`), without building a path."""
    return os.environ.get(KEY_ENV), _setting(), os.environ.get("ASYLON_VAR_DIR")


def keyring() -> Keyring:
    """The current keyring, re-read when the file changed (checked at most once a second).

    Called for every value decrypted (fifty client names on a dashboard): the cached ring is
    returned without touching the disk or building a path while what decides the path is
    unchanged, which costs a few microseconds where resolving the path again cost 80."""
    inputs = _path_inputs()
    ring: Keyring | None = _state["ring"]
    now = time.monotonic()
    if ring is not None and _state["inputs"] == inputs and now - _state["checked"] < RELOAD_SECONDS:
        return ring
    path, configured = configured_path()
    with _lock:
        try:
            info = os.stat(path)
        except FileNotFoundError:
            if configured:
                read_keyring(path)  # raises the missing-file message
            if before_create is not None:
                before_create(path)
            ring, _created = init_key_file(path)
            info = os.stat(path)
        signature = (info.st_ino, info.st_mtime_ns, info.st_size)
        if ring is None or ring.path != path or ring.signature != signature:
            ring = read_keyring(path)
        _state["ring"], _state["checked"], _state["inputs"] = ring, now, inputs
        return ring
