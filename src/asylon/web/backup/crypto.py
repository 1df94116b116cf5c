"""The backup key and the streaming authenticated encryption of an archive.

Key: 32 random bytes in a file kept apart from the database and the repository
(``ASYLON_BACKUP_KEY_FILE`` or ``--key-file``), raw or as 64 hex digits. A key file that other
users may read or write is refused, as ssh refuses such a private key.

Archive encryption (format version 1), after the STREAM construction (Hoang, Reyhanitabar,
Rogaway, Vizár 2015) as used by age and Tink's streaming AEAD::

    header  = b"ASYLONBK" | version (1 byte) | algorithm (1 byte, 1 = AES-256-GCM)
              | chunk size (4 bytes, big-endian) | key id (8) | salt (32) | nonce prefix (7)
    body    = chunk_0 | chunk_1 | ... | chunk_n     each = AES-256-GCM(plaintext) | 16-byte tag
    key     = HKDF-SHA256(backup key, salt, info = b"asylon-backup v1 aes-256-gcm")
    nonce_i = nonce prefix (7) | i (4 bytes, big-endian) | 1 if chunk_i is the last else 0

Every chunk authenticates the whole header as associated data, so a changed header, a changed,
reordered or dropped chunk, a cut-off end (no chunk marked last) and appended bytes all fail.
Chunks other than the last hold exactly ``chunk size`` bytes of plaintext, so only one chunk
is ever in memory. The key id (an HMAC of a fixed label under the key) tells "wrong key" apart
from "damaged archive" and reveals nothing about the key.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import stat
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from asylon.faults import checkpoint
from asylon.web.backup.errors import ArchiveDamaged, KeyProblem, WrongKey

KEY_BYTES = 32
KEY_ENV = "ASYLON_BACKUP_KEY_FILE"
MAGIC = b"ASYLONBK"
VERSION = 1
AES_256_GCM = 1
CHUNK_BYTES = 1024 * 1024
TAG_BYTES = 16
_HEADER = struct.Struct(">8sBBI8s32s7s")
HEADER_BYTES = _HEADER.size
_INFO = b"asylon-backup v1 aes-256-gcm"


# --- the key -------------------------------------------------------------------------------


def key_id(key: bytes) -> bytes:
    """Eight bytes that name a key without revealing it."""
    return hmac.new(key, b"asylon-backup key id", hashlib.sha256).digest()[:8]


def key_path(key_file: Path | str | None) -> Path:
    """The key file named, else ``ASYLON_BACKUP_KEY_FILE``; refuses to guess one."""
    chosen = key_file or os.environ.get(KEY_ENV)
    if not chosen:
        raise KeyProblem(
            f"no backup key: pass --key-file FILE or set {KEY_ENV} "
            "(make one with `asylon backup keygen FILE` and keep it away from the backups)"
        )
    return Path(chosen)


def load_key(key_file: Path | str | None = None) -> bytes:
    """The 32-byte key from the key file; refuses a file other users may read or write."""
    path = key_path(key_file)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except FileNotFoundError:
        raise KeyProblem(f"key file {path} does not exist") from None
    except OSError as err:
        raise KeyProblem(f"cannot open key file {path}: {err.strerror}") from None
    with os.fdopen(fd, "rb") as f:
        info = os.fstat(f.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise KeyProblem(f"key file {path} is not a regular file")
        if info.st_mode & 0o077:
            raise KeyProblem(
                f"key file {path} is accessible by other users (mode "
                f"{stat.S_IMODE(info.st_mode):o}): run `chmod 600 {path}`"
            )
        raw = f.read(200)
    text = raw.strip()
    if len(raw) == KEY_BYTES:
        return raw
    if len(text) == 2 * KEY_BYTES:
        try:
            return bytes.fromhex(text.decode("ascii"))
        except (UnicodeDecodeError, ValueError):
            pass
    raise KeyProblem(f"key file {path} does not hold a 32-byte key (raw or 64 hex digits)")


def write_key(path: Path) -> bytes:
    """Write a new random key as 64 hex digits, mode 0600; never overwrites a file."""
    key = os.urandom(KEY_BYTES)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    except FileExistsError:
        raise KeyProblem(f"{path} exists: a key is never overwritten") from None
    except OSError as err:
        raise KeyProblem(f"cannot create {path}: {err.strerror}") from None
    with os.fdopen(fd, "w", encoding="ascii") as f:
        os.fchmod(f.fileno(), 0o600)
        f.write(key.hex() + "\n")
        f.flush()
        os.fsync(f.fileno())
    return key


# --- the stream ----------------------------------------------------------------------------


def _subkey(key: bytes, salt: bytes) -> AESGCM:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=_INFO).derive(key)
    return AESGCM(derived)


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    if counter >= 2**32:
        raise ArchiveDamaged("archive too large for one stream (2^32 chunks)")
    return prefix + struct.pack(">IB", counter, 1 if last else 0)


class EncryptingWriter:
    """A write-only file object: what is written is encrypted to ``out`` chunk by chunk.

    :meth:`close` seals the stream with the chunk marked last; a stream not closed is
    rejected when read (truncated).
    """

    def __init__(self, out: BinaryIO, key: bytes, chunk_bytes: int = CHUNK_BYTES) -> None:
        salt, prefix = os.urandom(32), os.urandom(7)
        self._header = _HEADER.pack(
            MAGIC, VERSION, AES_256_GCM, chunk_bytes, key_id(key), salt, prefix
        )
        self._aead, self._prefix, self._chunk = _subkey(key, salt), prefix, chunk_bytes
        self._out, self._buf, self._counter, self.closed = out, bytearray(), 0, False
        out.write(self._header)

    def _seal(self, data: bytes, last: bool) -> None:
        nonce = _nonce(self._prefix, self._counter, last)
        self._out.write(self._aead.encrypt(nonce, data, self._header))
        self._counter += 1
        checkpoint("backup-chunk")

    def write(self, data: bytes) -> int:
        if self.closed:
            raise ValueError("write to a closed archive")
        self._buf += data
        # Keep at least one byte back: the last chunk is only known at close.
        if len(self._buf) > self._chunk:
            whole = (len(self._buf) - 1) // self._chunk * self._chunk
            view = memoryview(self._buf)
            for start in range(0, whole, self._chunk):
                self._seal(bytes(view[start : start + self._chunk]), last=False)
            view.release()
            del self._buf[:whole]
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._seal(bytes(self._buf), last=True)
            self._buf.clear()
            self.closed = True


def read_header(f: BinaryIO, key: bytes) -> tuple[bytes, AESGCM, bytes, int]:
    """Check the header of an archive: (header bytes, cipher, nonce prefix, chunk size)."""
    header = f.read(HEADER_BYTES)
    if len(header) < HEADER_BYTES or not header.startswith(MAGIC):
        raise ArchiveDamaged("not an Asylon backup archive (no ASYLONBK header)")
    _magic, version, algorithm, chunk, kid, salt, prefix = _HEADER.unpack(header)
    if version != VERSION or algorithm != AES_256_GCM:
        raise ArchiveDamaged(
            f"archive format version {version}, algorithm {algorithm}: this Asylon reads "
            f"version {VERSION} (AES-256-GCM) only"
        )
    if not 1 <= chunk <= 64 * CHUNK_BYTES:
        raise ArchiveDamaged(f"archive header names an impossible chunk size ({chunk})")
    if not hmac.compare_digest(kid, key_id(key)):
        raise WrongKey(
            f"the archive was encrypted with another key (key id {kid.hex()}; the key given "
            f"has id {key_id(key).hex()})"
        )
    return header, _subkey(key, salt), prefix, chunk


def decrypted_chunks(f: BinaryIO, key: bytes) -> Iterator[bytes]:
    """The plaintext of an archive, chunk by chunk, each authenticated before it is yielded.

    Raises :class:`ArchiveDamaged` at the first chunk that fails, or at the end if the stream
    was cut off or has bytes after its last chunk; the caller must consume to the end before it
    trusts the whole.
    """
    header, aead, prefix, chunk = read_header(f, key)
    size = chunk + TAG_BYTES
    counter, current = 0, f.read(size)
    while True:
        following = f.read(size)
        last = not following
        if len(current) < TAG_BYTES or (not last and len(current) != size):
            raise ArchiveDamaged(f"the archive is truncated (at chunk {counter})")
        try:
            plain = aead.decrypt(_nonce(prefix, counter, last), current, header)
        except InvalidTag:
            raise ArchiveDamaged(
                f"the archive failed authentication at chunk {counter}: it was altered, "
                "truncated or damaged; nothing was restored"
            ) from None
        yield plain
        if last:
            return
        counter, current = counter + 1, following


class DecryptingReader:
    """A read-only file object over :func:`decrypted_chunks`; ``finished`` once the chunk
    marked last has been authenticated."""

    def __init__(self, f: BinaryIO, key: bytes) -> None:
        self._chunks = decrypted_chunks(f, key)
        self._buf, self._pos, self.finished = b"", 0, False

    def _fill(self) -> bool:
        if self.finished:
            return False
        try:
            self._buf, self._pos = next(self._chunks), 0
        except StopIteration:
            self.finished = True
            return False
        return True

    def read(self, n: int = -1) -> bytes:
        parts: list[bytes] = []
        want = n if n >= 0 else float("inf")
        while want > 0:
            if self._pos >= len(self._buf) and not self._fill():
                break
            take = int(min(want, len(self._buf) - self._pos))
            parts.append(self._buf[self._pos : self._pos + take])
            self._pos += take
            want -= take
        return b"".join(parts)

    def drain(self) -> None:
        """Read and authenticate to the end of the stream."""
        while self.read(CHUNK_BYTES):
            pass
        if not self.finished:  # pragma: no cover - read returns b"" only when finished
            raise ArchiveDamaged("the archive is truncated")
