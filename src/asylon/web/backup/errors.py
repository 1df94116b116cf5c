"""What can go wrong with a backup or a restore; each message says what to do."""

from __future__ import annotations


class BackupError(Exception):
    """A backup or restore cannot go on; nothing was written to the target."""


class KeyProblem(BackupError):
    """No key, an unreadable key, a key of the wrong length or a key file others can read."""


class WrongKey(BackupError):
    """The archive was encrypted with another key."""


class ArchiveDamaged(BackupError):
    """The archive is not an Asylon backup, or it was truncated or altered."""


class CrossVendor(BackupError):
    """A SQLite backup into PostgreSQL or the other way round (not supported)."""


class NotEmpty(BackupError):
    """The target database holds data and ``--force`` was not given."""


class VerificationFailed(BackupError):
    """What was written does not match the manifest (counts, migrations or hashes)."""
