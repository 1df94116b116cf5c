"""Helpers for the migrations that encrypt existing columns (and decrypt them when unapplied).

They work on the raw column text with SQL, not through models: a value is read as the
database holds it (plaintext JSON, an ISO date, text) and written back sealed under the
current data key, in batches by primary key. A value already encrypted is left as it is, so
a migration interrupted and run again finishes the job. Unapplying decrypts.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from asylon.web.crypto.fields import PREFIX, aad_for, seal, unseal
from asylon.web.crypto.keys import keyring

BATCH = 500
# (table, column, kind): kind is "text", "json" or "date"
Column = tuple[str, str, str]


def _plain_for_storage(kind: str, raw: Any) -> str:
    """The plaintext to seal, from what the unencrypted column held."""
    if kind == "json":
        value = raw if not isinstance(raw, str) else json.loads(raw)
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if kind == "date":
        return raw.isoformat() if hasattr(raw, "isoformat") else str(raw)[:10]
    return str(raw)


def _rows(cur: Any, qn: Callable[[str], str], table: str, column: str, after: Any) -> list[Any]:
    cur.execute(
        f"SELECT id, {qn(column)} FROM {qn(table)} WHERE id > %s AND {qn(column)} IS NOT NULL "
        f"ORDER BY id LIMIT {BATCH}",
        [after],
    )
    return list(cur.fetchall())


def encrypt_columns(columns: Sequence[Column]) -> Callable[[Any, Any], None]:
    def forward(apps: Any, schema_editor: Any) -> None:
        conn = schema_editor.connection
        qn = conn.ops.quote_name
        ring = keyring()
        for table, column, kind in columns:
            aad = aad_for(table, column)
            after: Any = 0
            with conn.cursor() as cur:
                while rows := _rows(cur, qn, table, column, after):
                    for pk, raw in rows:
                        after = pk
                        if isinstance(raw, str) and raw.startswith(PREFIX):
                            continue
                        sealed = seal(_plain_for_storage(kind, raw), aad, ring)
                        cur.execute(
                            f"UPDATE {qn(table)} SET {qn(column)} = %s WHERE id = %s",
                            [sealed, pk],
                        )

    return forward


def decrypt_columns(columns: Sequence[Column]) -> Callable[[Any, Any], None]:
    def backward(apps: Any, schema_editor: Any) -> None:
        conn = schema_editor.connection
        qn = conn.ops.quote_name
        ring = keyring()
        for table, column, _kind in columns:
            aad = aad_for(table, column)
            after: Any = 0
            with conn.cursor() as cur:
                while rows := _rows(cur, qn, table, column, after):
                    for pk, raw in rows:
                        after = pk
                        if not (isinstance(raw, str) and raw.startswith(PREFIX)):
                            continue
                        cur.execute(
                            f"UPDATE {qn(table)} SET {qn(column)} = %s WHERE id = %s",
                            [unseal(raw, aad, ring), pk],
                        )

    return backward
