"""Model fields whose values are encrypted in the database and plain in memory.

A value is stored as ``enc:v1:<key id>:<base64(nonce | ciphertext | tag)>``: AES-256-GCM under
a subkey of the data key ``<key id>`` (HKDF-SHA256, info ``asylon fields v1``), a random
96-bit nonce per value, and the column's ``<table>.<column>`` as associated data, so a value
copied into another column (or another table) fails authentication. NULL stays NULL.

Values are decrypted when a row is loaded and encrypted when it is saved; the rest of the
application sees ``str``, JSON values and ``date`` as before. What cannot work on ciphertext is
refused: every lookup but ``isnull`` (``filter(full_name__icontains=...)`` raises FieldError;
names are searched through :mod:`blind_index`), JSON key transforms, and ordering (which would
order by ciphertext: sort in Python, or by a non-personal column).

A value that fails to decrypt does not stop the page from loading the row: reading the
attribute raises :class:`DecryptionError`, whose message names the table, column and row id
and why (altered, unknown key id, not encrypted), never the value.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django import forms
from django.db import models
from django.db.models.query_utils import DeferredAttribute

from asylon.web.crypto import keys as keymod
from asylon.web.crypto.keys import KeyProblem, Keyring, keyring

PREFIX = "enc:"
VERSION = "v1"
NONCE_BYTES = 12
_INFO = b"asylon fields v1 aes-256-gcm"


class CipherError(Exception):
    """A stored value cannot be decrypted (the message never holds the value)."""


class DecryptionError(Exception):
    """An encrypted column of a row cannot be read: names table, column and row id only."""

    def __init__(self, table: str, column: str, row: Any, reason: str) -> None:
        where = f"row {row}" if row is not None else "a row read without its id"
        super().__init__(f"cannot decrypt {table}.{column} of {where}: {reason}")
        self.table, self.column, self.row, self.reason = table, column, row, reason


@lru_cache(maxsize=64)
def _aead(key: bytes) -> AESGCM:
    return AESGCM(HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(key))


def aad_for(table: str, column: str) -> bytes:
    return f"{table}.{column}".encode()


def seal(plain: str, aad: bytes, ring: Keyring | None = None) -> str:
    """Encrypt ``plain`` under the current data key, bound to ``aad``."""
    ring = ring or keyring()
    nonce = os.urandom(NONCE_BYTES)
    body = _aead(ring.keys[ring.current]).encrypt(nonce, plain.encode("utf-8"), aad)
    return f"{PREFIX}{VERSION}:{ring.current}:{base64.b64encode(nonce + body).decode('ascii')}"


def key_id_of(stored: str) -> str | None:
    """The key id an encrypted value names, None for anything else."""
    if not stored.startswith(PREFIX + VERSION + ":"):
        return None
    parts = stored.split(":", 3)
    return parts[2] if len(parts) == 4 else None


def unseal(stored: str, aad: bytes, ring: Keyring | None = None) -> str:
    """Decrypt and authenticate a stored value (raises :class:`CipherError`)."""
    if not isinstance(stored, str) or not stored.startswith(PREFIX):
        raise CipherError(
            "the stored value is not encrypted (plaintext where a ciphertext "
            "belongs: written around the application?)"
        )
    parts = stored.split(":", 3)
    if len(parts) != 4 or parts[1] != VERSION:
        raise CipherError("the stored value is not in the enc:v1:<key id>:<data> format")
    kid, data = parts[2], parts[3]
    ring = ring or keyring()
    try:
        key = ring.data_key(kid)
    except KeyProblem as err:
        raise CipherError(str(err)) from None
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise CipherError("the stored value is damaged (not base64)") from None
    if len(raw) < NONCE_BYTES + 16:
        raise CipherError("the stored value is damaged (too short)")
    try:
        plain = _aead(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], aad)
    except InvalidTag:
        raise CipherError(
            f"authentication failed under key {kid}: the value was altered or copied from "
            "another column"
        ) from None
    return plain.decode("utf-8")


class Undecryptable:
    """What a row holds for a value that failed to decrypt; reading it raises."""

    __slots__ = ("column", "reason", "table")

    def __init__(self, table: str, column: str, reason: str) -> None:
        self.table, self.column, self.reason = table, column, reason

    def error(self, row: Any = None) -> DecryptionError:
        return DecryptionError(self.table, self.column, row, self.reason)

    def __repr__(self) -> str:
        return f"<undecryptable {self.table}.{self.column}>"

    def _refuse(self, *args: Any, **kwargs: Any) -> Any:
        raise self.error()

    __str__ = __iter__ = __getitem__ = __len__ = __contains__ = _refuse
    get = keys = items = values = isoformat = _refuse


class _SealedAttribute(DeferredAttribute):
    """The model attribute: raises :class:`DecryptionError` (with the row id) on a value
    that did not decrypt."""

    def __get__(self, instance: Any, cls: Any = None) -> Any:
        if instance is None:
            return self
        value = super().__get__(instance, cls)
        if isinstance(value, Undecryptable):
            raise value.error(instance.pk)
        return value

    def __set__(self, instance: Any, value: Any) -> None:
        # a data descriptor, so that reads come through __get__ even when the value is loaded
        instance.__dict__[self.field.attname] = value


class EncryptedMixin:
    """Stored as text (``enc:v1:...``); subclasses say how a value becomes text and back."""

    descriptor_class = _SealedAttribute
    encrypted = True

    def to_plaintext(self, value: Any) -> str:
        raise NotImplementedError

    def from_plaintext(self, text: str) -> Any:
        raise NotImplementedError

    def aad(self) -> bytes:
        return aad_for(self.model._meta.db_table, self.column)  # type: ignore[attr-defined]

    def get_internal_type(self) -> str:
        return "TextField"

    def get_db_prep_save(self, value: Any, connection: Any) -> Any:
        if value is None or hasattr(value, "resolve_expression"):
            return value
        return seal(self.to_plaintext(value), self.aad())

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None:
            return None
        try:
            return self.from_plaintext(unseal(value, self.aad()))
        except CipherError as err:
            return Undecryptable(self.model._meta.db_table, self.column, str(err))  # type: ignore[attr-defined]
        except ValueError:
            return Undecryptable(
                self.model._meta.db_table,  # type: ignore[attr-defined]
                self.column,  # type: ignore[attr-defined]
                "the decrypted value is not of the column's type",
            )

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)  # type: ignore[misc]
        return None  # an encrypted column cannot be compared in SQL

    def get_transform(self, lookup_name: str) -> Any:
        return None


class EncryptedTextField(EncryptedMixin, models.TextField):  # type: ignore[type-arg]
    """Text, encrypted. ``max_length`` is checked by forms only."""

    def to_plaintext(self, value: Any) -> str:
        return str(value)

    def from_plaintext(self, text: str) -> str:
        return text


class EncryptedJSONField(EncryptedMixin, models.TextField):  # type: ignore[type-arg]
    """A JSON value (dict, list, str, number, bool), encrypted as its JSON text."""

    empty_strings_allowed = False

    def to_plaintext(self, value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    def from_plaintext(self, text: str) -> Any:
        return json.loads(text)

    def to_python(self, value: Any) -> Any:
        return value

    def formfield(self, **kwargs: Any) -> Any:  # type: ignore[override]
        return forms.JSONField(**kwargs)


class EncryptedDateField(EncryptedMixin, models.TextField):  # type: ignore[type-arg]
    """A date, encrypted as its ISO text (``YYYY-MM-DD``)."""

    empty_strings_allowed = False

    def to_plaintext(self, value: Any) -> str:
        return str(self.to_python(value).isoformat())

    def from_plaintext(self, text: str) -> date:
        return date.fromisoformat(text)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, datetime):
            return value.date()
        if value is None or isinstance(value, date):
            return value
        return date.fromisoformat(str(value).strip())

    def formfield(self, **kwargs: Any) -> Any:  # type: ignore[override]
        return forms.DateField(**kwargs)


# --- what is encrypted, for the commands ---------------------------------------------------


def encrypted_columns() -> list[tuple[type[models.Model], models.Field[Any, Any]]]:
    """Every (model, field) of an installed app that is encrypted."""
    from django.apps import apps

    out = []
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            if getattr(f, "encrypted", False):
                out.append((model, f))
    return out


def refuse_new_key_over_ciphertext(path: Path) -> None:
    """Before the default key file is made: refuse if the database holds encrypted values
    (their key is gone; a new one would only add data that the old key cannot open)."""
    try:
        from django.db import connection, transaction

        tables = set(connection.introspection.table_names())
        for model, f in encrypted_columns():
            table = model._meta.db_table
            if table not in tables:
                continue
            qn = connection.ops.quote_name
            with transaction.atomic(), connection.cursor() as cur:
                cur.execute(
                    f"SELECT 1 FROM {qn(table)} WHERE {qn(f.column)} LIKE %s LIMIT 1",
                    [PREFIX + "%"],
                )
                found = cur.fetchone() is not None
            if found:
                raise KeyProblem(
                    f"the data key file {path} is missing but the database holds encrypted "
                    f"values ({table}.{f.column}): restore the key file from its backup, or "
                    f"set {keymod.KEY_ENV} to it; a new key could not read them"
                )
    except KeyProblem:
        raise
    except Exception:  # no database configured or reachable: nothing to protect here
        return


keymod.before_create = refuse_new_key_over_ciphertext
