"""Encryption at rest of personal data: keys, encrypted model fields, blind indexes, stored files.

- :mod:`keys`: the key file (outside the database and the repository), its data keys and
  blind-index keys, each with an id; loading refuses a file other users may read.
- :mod:`fields`: ``EncryptedTextField``, ``EncryptedJSONField``, ``EncryptedDateField``:
  AES-256-GCM, a fresh 96-bit nonce per value, the column (``table.column``) as associated
  data, stored as ``enc:v1:<key id>:<base64(nonce | ciphertext | tag)>``.
- :mod:`blind_index`: keyed HMAC-SHA256 digests of normalised names for exact-name search.
- :mod:`rotation`: re-encryption under the current key in batches (``asylon keys rotate``).
- :mod:`commands`: ``asylon keys init | status | rotate | retire | rotate-index | ...``.

docs/security/encryption-at-rest.md describes the design and the operator's procedures.
"""
