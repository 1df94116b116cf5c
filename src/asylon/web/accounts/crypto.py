"""Encryption of second-factor secrets at rest.

AES-256-GCM with a key derived (HKDF-SHA256) from Django's ``SECRET_KEY``, which lives outside
the database (``ASYLON_SECRET_KEY`` or var/secret_key), so a database dump alone does not reveal
a TOTP secret. The ciphertext is bound to its purpose and owner (associated data), so a row
copied onto another user does not decrypt. ``SECRET_KEY_FALLBACKS`` are tried when decrypting:
rotate the secret key by moving the old one there, and re-save devices at leisure.
"""

from __future__ import annotations

import base64
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

VERSION = "v1"


def _key(secret: str) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"asylon", info=b"second-factor secret v1"
    ).derive(secret.encode())


def encrypt(plaintext: str, context: str) -> str:
    nonce = os.urandom(12)
    sealed = AESGCM(_key(settings.SECRET_KEY)).encrypt(nonce, plaintext.encode(), context.encode())
    return f"{VERSION}:{base64.b64encode(nonce + sealed).decode()}"


def decrypt(token: str, context: str) -> str:
    version, _, body = token.partition(":")
    if version != VERSION:
        raise ValueError("unknown ciphertext version")
    raw = base64.b64decode(body)
    nonce, sealed = raw[:12], raw[12:]
    for secret in [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]:
        try:
            return AESGCM(_key(secret)).decrypt(nonce, sealed, context.encode()).decode()
        except Exception:
            continue
    raise ValueError("the secret does not decrypt with the secret key or its fallbacks")
