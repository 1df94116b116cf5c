"""Encryption at rest (asylon.web.crypto): the entries' ``details`` (which keep the before and
after of an edited fact) become an encrypted column, the rows already there are encrypted, and
the append-only triggers let one UPDATE through: ``details`` from one ciphertext to another
with every other column unchanged, which is what re-encryption under a new key
(``asylon keys rotate``) does. The hashes cover the plaintext, so a ciphertext swapped in from
another entry still shows in ``asylon audit verify``.

The triggers of migration 0004 are dropped first (the column change rebuilds the table on
SQLite, which drops them anyway) and the new ones created last; unapplying puts 0004's back.
"""

from django.db import migrations

import asylon.web.crypto.fields
from asylon.web.crypto.migration import decrypt_columns, encrypt_columns

COLUMNS = [("audit_auditentry", "details", "json")]

_SAME = (
    "NEW.id = OLD.id AND NEW.sequence = OLD.sequence AND NEW.at = OLD.at "
    "AND NEW.user_id IS {same} OLD.user_id AND NEW.action = OLD.action "
    "AND NEW.object_type = OLD.object_type AND NEW.object_id = OLD.object_id "
    "AND NEW.previous_hash = OLD.previous_hash AND NEW.entry_hash = OLD.entry_hash "
    "AND OLD.details LIKE 'enc:v1:%' AND NEW.details LIKE 'enc:v1:%'"
)

NEW_TRIGGERS = {
    "sqlite": [
        "CREATE TRIGGER audit_auditentry_no_update BEFORE UPDATE ON audit_auditentry "
        f"WHEN NOT ({_SAME.format(same='')}) "
        "BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END",
    ],
    "postgresql": [
        f"""CREATE OR REPLACE FUNCTION asylon_audit_append_only() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'UPDATE' AND {_SAME.format(same="NOT DISTINCT FROM")} THEN
                RETURN NEW;  -- re-encryption of details under another key
            END IF;
            RAISE EXCEPTION 'audit entries are append-only'
                USING ERRCODE = 'integrity_constraint_violation';
        END
        $$""",
        "CREATE TRIGGER audit_auditentry_append_only BEFORE UPDATE OR DELETE "
        "ON audit_auditentry FOR EACH ROW EXECUTE FUNCTION asylon_audit_append_only()",
    ],
}

DROP = {
    "sqlite": ["DROP TRIGGER IF EXISTS audit_auditentry_no_update"],
    "postgresql": ["DROP TRIGGER IF EXISTS audit_auditentry_append_only ON audit_auditentry"],
}


def _old_statements(vendor):  # type: ignore[no-untyped-def]
    from importlib import import_module

    m = import_module("asylon.web.audit.migrations.0004_append_only")
    return [
        create
        for create, _drop in m.STATEMENTS.get(vendor, [])
        if "auditentry" in create or "asylon_audit_append_only" in create and "FUNCTION" in create
    ]


def drop_triggers(apps, schema_editor):  # type: ignore[no-untyped-def]
    for sql in DROP.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql, params=None)


def create_old_triggers(apps, schema_editor):  # type: ignore[no-untyped-def]
    drop_triggers(apps, schema_editor)
    for sql in _old_statements(schema_editor.connection.vendor):
        schema_editor.execute(sql, params=None)


def encrypt_and_guard(apps, schema_editor):  # type: ignore[no-untyped-def]
    drop_triggers(apps, schema_editor)
    encrypt_columns(COLUMNS)(apps, schema_editor)
    for sql in NEW_TRIGGERS.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql, params=None)


def decrypt_and_unguard(apps, schema_editor):  # type: ignore[no-untyped-def]
    drop_triggers(apps, schema_editor)
    decrypt_columns(COLUMNS)(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_append_only")]

    operations = [
        migrations.RunPython(drop_triggers, create_old_triggers),
        migrations.AlterField(
            model_name="auditentry",
            name="details",
            field=asylon.web.crypto.fields.EncryptedJSONField(
                blank=True, default=dict, verbose_name="details"
            ),
        ),
        migrations.RunPython(encrypt_and_guard, decrypt_and_unguard),
    ]
