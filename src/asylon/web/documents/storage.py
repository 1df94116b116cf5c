"""Where the bytes of documents live. Every read and write of a document's content goes
through this module, so encryption at rest can be added here without touching the callers.

Layout: ``<ASYLON_DOCUMENTS_DIR, default var/documents>/<sha256 hex>``, one file per distinct
content, mode 0600 in a folder created 0700. The file name is the content's SHA-256 and
nothing else: a user's file name never reaches the file system (no path traversal, no
personal data in directory listings or backups' file lists). Identical uploads share one file.

A write goes to a temporary file in the same folder, is hashed as it is written, fsync'd, and
only then renamed into place with :func:`os.replace` (atomic on POSIX), so a reader sees the
whole file or none. A read checks the SHA-256 (and the size) before the first byte is served.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from django.conf import settings

from asylon.paths import var_dir

CHUNK_BYTES = 64 * 1024
_SHA256 = re.compile(r"[0-9a-f]{64}")
_TEMP_PREFIX = ".incoming-"


class StorageError(Exception):
    """A document's content cannot be written or read as recorded."""


class TooLarge(StorageError):
    """More bytes arrived than the limit allows (the upload's declared size was wrong)."""


class BlobMissing(StorageError):
    """No stored content for a recorded SHA-256."""


class BlobCorrupted(StorageError):
    """The stored content no longer has the SHA-256 (or size) recorded at ingest."""

    def __init__(self, expected: str, found: str) -> None:
        super().__init__(f"stored content {expected} now hashes to {found}")
        self.expected, self.found = expected, found


def documents_dir() -> Path:
    """The folder of stored contents (setting ``ASYLON_DOCUMENTS_DIR``, else var/documents)."""
    configured = getattr(settings, "ASYLON_DOCUMENTS_DIR", None)
    folder = Path(configured) if configured else var_dir() / "documents"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _path(sha256: str) -> Path:
    """The one place a stored file's path is made: from a checked hex digest only."""
    if not _SHA256.fullmatch(sha256):
        raise ValueError("not a lower-case SHA-256 hex digest")
    return documents_dir() / sha256


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class StagedBlob:
    """Content written, hashed and fsync'd in a temporary file, not yet in place.

    :meth:`commit` renames it into place under its hash; leaving the ``with`` block without
    committing removes the temporary file, so a failed ingest leaves nothing behind.
    """

    def __init__(self, temp: Path, sha256: str, size: int) -> None:
        self.temp, self.sha256, self.size = temp, sha256, size
        self.committed = False

    def commit(self) -> None:
        final = _path(self.sha256)
        os.replace(self.temp, final)  # identical content may already be there: same bytes
        _fsync_dir(final.parent)
        self.committed = True

    def discard(self) -> None:
        if not self.committed:
            self.temp.unlink(missing_ok=True)

    def __enter__(self) -> StagedBlob:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.discard()


def stage(chunks: Iterable[bytes], max_bytes: int | None = None) -> StagedBlob:
    """Write ``chunks`` to a temporary file (0600) beside the stored contents, hashing them."""
    folder = documents_dir()
    fd, name = tempfile.mkstemp(dir=folder, prefix=_TEMP_PREFIX)
    temp = Path(name)
    try:
        with os.fdopen(fd, "wb") as out:
            os.fchmod(out.fileno(), 0o600)
            digest, size = hashlib.sha256(), 0
            for chunk in chunks:
                size += len(chunk)
                if max_bytes is not None and size > max_bytes:
                    raise TooLarge(f"more than {max_bytes} bytes")
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return StagedBlob(temp, digest.hexdigest(), size)


def exists(sha256: str) -> bool:
    return _path(sha256).is_file()


def open_verified(sha256: str, size: int | None = None) -> BinaryIO:
    """The stored content, opened and positioned at its start, after checking that it still
    hashes to ``sha256`` (and has ``size`` bytes). The bytes served are those checked: the
    open file keeps its content even if the name is replaced meanwhile. The caller closes it.

    Raises :class:`BlobMissing` or :class:`BlobCorrupted`.
    """
    try:
        f = _path(sha256).open("rb")
    except FileNotFoundError:
        raise BlobMissing(sha256) from None
    try:
        digest, count = hashlib.sha256(), 0
        while chunk := f.read(CHUNK_BYTES):
            digest.update(chunk)
            count += len(chunk)
        found = digest.hexdigest()
        if found != sha256 or (size is not None and count != size):
            raise BlobCorrupted(sha256, found)
        f.seek(0)
        return f
    except BaseException:
        f.close()
        raise
