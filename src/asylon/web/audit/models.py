"""An append-only, hash-chained audit log: reads, searches, edits, exports, imports and
assessments (logins are not recorded yet: docs/security/threat-model.md).

Entries name objects by type and id, never by a person's name, so the log itself holds no
personal data beyond who acted. Each entry commits to the previous one (``chain.py``: a
gap-free ``sequence`` and ``previous_hash`` → ``entry_hash``); ``AuditHead`` keeps the last
sequence and hash, written in the same transaction, so deleting the last entry shows too.
``asylon audit verify`` recomputes it all.

Three layers keep entries from changing, each closing what the one before leaves open:

1. The application: ``save`` refuses an update, ``delete`` refuses, and the manager's
   ``update``, ``delete``, ``bulk_create`` and ``bulk_update`` refuse too (entries are
   appended one by one through ``services.record``, which chains them).
2. The database (migrations 0004, 0005): triggers refuse ``UPDATE`` of an entry on SQLite and
   PostgreSQL, and ``DELETE`` on PostgreSQL; the head may only advance by one. The one
   ``UPDATE`` let through changes ``details`` from one ciphertext to another and nothing else
   (re-encryption under a new data key, ``asylon keys rotate``); the chain covers the
   plaintext, so a ciphertext swapped in from another entry is caught by layer 3. On SQLite
   there is no ``DELETE`` trigger, on purpose: Django's ``flush`` (which the test suite runs
   between transactional tests) empties tables with ``DELETE FROM``, SQLite has no session
   state a trigger could consult to let only that through (a trigger in the main schema cannot
   see a TEMP marker table), and a trigger that an owner of the file can drop in one statement
   buys little. PostgreSQL's ``flush`` uses ``TRUNCATE``, which row triggers do not see.
3. The chain: whoever edits or deletes rows past layers 1 and 2 (the database owner, a stolen
   SQLite file) is named by ``asylon audit verify``: the altered entry, the gap, or the head.
   Someone who rewrites every later hash and the head as well is caught only against an
   anchor recorded outside the database (``verify --anchor SEQUENCE:HASH``);
   docs/security/threat-model.md says so.

A later migration that rebuilds ``audit_auditentry`` on SQLite (most ``AlterField``\\s do)
drops its triggers: it must create them again (``verify`` reports a missing trigger).
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from asylon.web.crypto.fields import EncryptedJSONField

APPEND_ONLY = "audit entries are append-only"


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    """Reads only: no bulk change can bypass the chain."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise PermissionError(APPEND_ONLY)

    def delete(self) -> NoReturn:
        raise PermissionError(APPEND_ONLY)

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise PermissionError(APPEND_ONLY)

    def bulk_create(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise PermissionError("audit entries are appended one by one by services.record")


class AuditEntry(models.Model):
    sequence = models.BigIntegerField(_("sequence"), unique=True, editable=False)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("action"), max_length=40, db_index=True)
    object_type = models.CharField(_("object type"), max_length=40, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True, db_index=True)
    # encrypted at rest (the before and after of an edit); the hash covers the plaintext
    details = EncryptedJSONField(_("details"), default=dict, blank=True)
    previous_hash = models.CharField(
        _("previous hash"), max_length=64, blank=True, default="", editable=False
    )
    entry_hash = models.CharField(_("entry hash"), max_length=64, default="", editable=False)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-sequence"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return f"{self.sequence} {self.action} {self.object_type} {self.object_id}".rstrip()

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError(APPEND_ONLY)
        if not self.entry_hash or not self.sequence:
            raise PermissionError("audit entries are appended by services.record (hash-chained)")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise PermissionError(APPEND_ONLY)


class AuditHead(models.Model):
    """The chain head: one row, the last entry's sequence and hash (0 and "" when empty)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    sequence = models.BigIntegerField(_("sequence"), default=0)
    entry_hash = models.CharField(_("entry hash"), max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain head")
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="audit_head_one_row")]

    def __str__(self) -> str:
        return f"{self.sequence} {self.entry_hash}"
