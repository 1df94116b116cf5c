"""Where the bytes of documents live. Every read and write of a document's content goes
through this module, so the callers never see that the files are encrypted.

Layout: ``<ASYLON_DOCUMENTS_DIR, default var/documents>/<sha256 hex>``, one file per distinct
content, mode 0600 in a folder created 0700. The file name is the SHA-256 of the *plaintext*
and nothing else: a user's file name never reaches the file system (no path traversal, no
personal data in directory listings or backups' file lists). Identical uploads share one file.

Encryption at rest: each file is the plaintext encrypted with the streaming AEAD of
:mod:`asylon.web.backup.crypto` (header with a key id and a random salt, AES-256-GCM chunks of
64 KiB, each authenticating the header, the last one marked) under the current data key of the
key file (:mod:`asylon.web.crypto.keys`). A read authenticates every chunk and checks the
SHA-256 (and the size) of the decrypted content before the first byte is served, then decrypts
again while serving from the same open file. A file written before encryption (plaintext that
hashes to its name) is still read; ``asylon keys encrypt-documents`` (and ``asylon keys
rotate``) rewrite such files, and files under an older key, under the current key.

A write goes to a temporary file in the same folder, is hashed as it is written, fsync'd, and
only then renamed into place with :func:`os.replace` (atomic on POSIX), so a reader sees the
whole file or none.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
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


class UnknownKey(StorageError):
    """The stored content names a data key that is not in the key file."""


class Undecryptable(StorageError):
    """The stored content failed authentication."""


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

    def __init__(self, temp: Path, sha256: str, size: int, folder: Path | None = None) -> None:
        self.temp, self.sha256, self.size = temp, sha256, size
        self.folder = folder
        self.committed = False

    def commit(self) -> None:
        if not _SHA256.fullmatch(self.sha256):
            raise ValueError("not a lower-case SHA-256 hex digest")
        final = (self.folder or documents_dir()) / self.sha256
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


def _current_key() -> tuple[str, bytes]:
    from asylon.web.crypto.keys import keyring

    ring = keyring()
    return ring.current, ring.keys[ring.current]


def _keys_by_file_id() -> dict[bytes, tuple[str, bytes]]:
    """Every data key of the key file by the id a file header carries."""
    from asylon.web.backup.crypto import key_id
    from asylon.web.crypto.keys import keyring

    return {key_id(k): (kid, k) for kid, k in keyring().keys.items()}


def _write_encrypted(
    folder: Path, chunks: Iterable[bytes], max_bytes: int | None = None
) -> StagedBlob:
    from asylon.web.backup.crypto import EncryptingWriter

    _kid, key = _current_key()
    fd, name = tempfile.mkstemp(dir=folder, prefix=_TEMP_PREFIX)
    temp = Path(name)
    try:
        with os.fdopen(fd, "wb") as out:
            os.fchmod(out.fileno(), 0o600)
            writer = EncryptingWriter(out, key, CHUNK_BYTES)
            digest, size = hashlib.sha256(), 0
            for chunk in chunks:
                size += len(chunk)
                if max_bytes is not None and size > max_bytes:
                    raise TooLarge(f"more than {max_bytes} bytes")
                digest.update(chunk)
                writer.write(chunk)
            writer.close()
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return StagedBlob(temp, digest.hexdigest(), size, folder)


def stage(chunks: Iterable[bytes], max_bytes: int | None = None) -> StagedBlob:
    """Encrypt ``chunks`` to a temporary file (0600) beside the stored contents, hashing the
    plaintext."""
    return _write_encrypted(documents_dir(), chunks, max_bytes)


def exists(sha256: str) -> bool:
    return _path(sha256).is_file()


def _file_key(f: BinaryIO) -> tuple[str, bytes] | None:
    """The key of an encrypted file (read from its header; the file is left at 0), None for
    a file that is not encrypted. Raises StorageError for a header naming an unknown key."""
    from asylon.web.backup.crypto import HEADER_BYTES, MAGIC

    f.seek(0)
    head = f.read(HEADER_BYTES)
    f.seek(0)
    if len(head) < HEADER_BYTES or not head.startswith(MAGIC):
        return None
    file_id = head[14:22]  # after magic (8), version (1), algorithm (1), chunk size (4)
    for known, found in _keys_by_file_id().items():
        if hmac.compare_digest(known, file_id):
            return found
    raise UnknownKey("the stored content is encrypted under a key that is not in the key file")


def _plain_chunks(f: BinaryIO, key: bytes | None) -> Iterator[bytes]:
    """The plaintext of an open stored file, authenticated chunk by chunk."""
    from asylon.web.backup.crypto import decrypted_chunks
    from asylon.web.backup.errors import BackupError

    f.seek(0)
    if key is None:
        while chunk := f.read(CHUNK_BYTES):
            yield chunk
        return
    try:
        yield from decrypted_chunks(f, key)
    except BackupError:
        raise Undecryptable("the stored content failed authentication") from None


def _check(f: BinaryIO, key: bytes | None, sha256: str, size: int | None) -> int:
    digest, count = hashlib.sha256(), 0
    try:
        for chunk in _plain_chunks(f, key):
            digest.update(chunk)
            count += len(chunk)
    except Undecryptable:
        raise BlobCorrupted(sha256, "undecryptable") from None
    found = digest.hexdigest()
    if found != sha256 or (size is not None and count != size):
        raise BlobCorrupted(sha256, found)
    return count


class DecryptedFile(io.RawIOBase):
    """A read-only, seekable file of the plaintext of an encrypted stored file (decrypted as
    it is read; seeking back starts again from the first chunk)."""

    def __init__(self, f: BinaryIO, key: bytes, size: int) -> None:
        super().__init__()
        self._f, self._key, self._size = f, key, size
        self._restart()

    def _restart(self) -> None:
        self._chunks = _plain_chunks(self._f, self._key)
        self._buf, self._pos = b"", 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        target = max(0, base + offset)
        if target < self._pos:
            self._restart()
        if target >= self._size:  # nothing more to read: no need to decrypt the rest
            self._chunks, self._buf, self._pos = iter(()), b"", target
            return target
        while self._pos < target:
            skipped = self.read(min(CHUNK_BYTES, target - self._pos))
            if not skipped:
                break
        return self._pos

    def readinto(self, b: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._buf:
            nxt = next(self._chunks, None)
            if nxt is None:
                return 0
            self._buf = nxt
        n = min(len(b), len(self._buf))
        b[:n] = self._buf[:n]
        self._buf = self._buf[n:]
        self._pos += n
        return n

    def close(self) -> None:
        if not self.closed:
            self._f.close()
        super().close()


def _open_checked(path: Path, sha256: str, size: int | None) -> BinaryIO:
    try:
        f = path.open("rb")
    except FileNotFoundError:
        raise BlobMissing(sha256) from None
    try:
        try:
            found = _file_key(f)
        except UnknownKey:
            raise BlobCorrupted(sha256, "encrypted under an unknown key") from None
        key = found[1] if found else None
        count = _check(f, key, sha256, size)
        f.seek(0)
        if key is None:
            return f  # written before encryption at rest
        return io.BufferedReader(DecryptedFile(f, key, count), CHUNK_BYTES)
    except BaseException:
        f.close()
        raise


def open_verified(sha256: str, size: int | None = None) -> BinaryIO:
    """The stored content (decrypted), positioned at its start, after checking that it still
    hashes to ``sha256`` (and has ``size`` bytes). The bytes served are those checked: the
    open file keeps its content even if the name is replaced meanwhile, and every chunk is
    authenticated again as it is served. The caller closes it.

    Raises :class:`BlobMissing` or :class:`BlobCorrupted`.
    """
    return _open_checked(_path(sha256), sha256, size)


# --- for backups, key rotation and the encryption of files stored before -------------------


def stored_contents(folder: Path | None = None) -> list[Path]:
    """The stored files (named by a SHA-256) of ``folder`` (default: the documents folder)."""
    folder = folder or documents_dir()
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if _SHA256.fullmatch(p.name) and p.is_file())


def open_plain(path: Path) -> tuple[BinaryIO, int]:
    """A stored file of any folder, decrypted and checked against its name: (file, size)."""
    return _open_checked(path, path.name, None), plain_size(path)


def verify_file(path: Path, size: int | None = None) -> None:
    """Check a stored file of any folder against its name (and ``size``), or raise."""
    _open_checked(path, path.name, size).close()


def plain_size(path: Path) -> int:
    """The plaintext size of a stored file, from its length (no decryption)."""
    from asylon.web.backup.crypto import HEADER_BYTES, TAG_BYTES

    with path.open("rb") as f:
        try:
            encrypted = _file_key(f) is not None
        except UnknownKey:
            encrypted = True
        total = os.fstat(f.fileno()).st_size
    if not encrypted:
        return total
    body = total - HEADER_BYTES
    chunks = max(1, -(-body // (CHUNK_BYTES + TAG_BYTES)))
    return body - chunks * TAG_BYTES


def put_plain(source: BinaryIO, sha256: str, folder: Path) -> bool:
    """Store plaintext read from ``source`` under ``sha256`` in ``folder``, encrypted; False
    if that content is already stored there. Raises BlobCorrupted if it does not hash so."""
    final = folder / sha256
    if final.is_file():
        try:
            open_plain(final)[0].close()
            return False
        except StorageError:
            pass
    staged = _write_encrypted(folder, iter(lambda: source.read(CHUNK_BYTES), b""))
    with staged:
        if staged.sha256 != sha256:
            raise BlobCorrupted(sha256, staged.sha256)
        staged.commit()
    return True


def key_of(path: Path) -> str | None:
    """The id of the data key a stored file is encrypted under; None if not encrypted."""
    with path.open("rb") as f:
        found = _file_key(f)
    return found[0] if found else None


def reencrypt(path: Path) -> bool:
    """Rewrite a stored file under the current data key (checked against its name first);
    False if it already is. Atomic: the old file stays until the new one is in place."""
    kid, _key = _current_key()
    if key_of(path) == kid:
        return False
    with open_plain(path)[0] as plain:
        staged = _write_encrypted(path.parent, iter(lambda: plain.read(CHUNK_BYTES), b""))
    with staged:
        if staged.sha256 != path.name:
            raise BlobCorrupted(path.name, staged.sha256)
        staged.commit()
    return True
