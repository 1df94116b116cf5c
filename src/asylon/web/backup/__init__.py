"""Encrypted, consistent backups of the database and the stored documents, and their restore.

``crypto`` holds the key file and the streaming authenticated encryption; ``database`` takes a
consistent snapshot of SQLite (online backup API) or PostgreSQL (``pg_dump`` on an exported
snapshot) and restores it; ``archive`` puts the snapshot, the documents and a manifest into one
encrypted archive and takes them out again; ``commands`` is ``asylon backup`` / ``asylon
restore``. Operators' guide: docs/operations/backup.md.
"""

from asylon.web.backup.errors import (
    ArchiveDamaged,
    BackupError,
    CrossVendor,
    KeyProblem,
    NotEmpty,
    VerificationFailed,
    WrongKey,
)

__all__ = [
    "ArchiveDamaged",
    "BackupError",
    "CrossVendor",
    "KeyProblem",
    "NotEmpty",
    "VerificationFailed",
    "WrongKey",
]
