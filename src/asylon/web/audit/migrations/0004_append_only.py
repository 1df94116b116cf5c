"""``sequence`` unique and required; triggers that keep the log append-only.

SQLite: ``UPDATE`` of an entry is refused; ``DELETE`` is not (Django's ``flush`` empties
tables with ``DELETE FROM`` and SQLite offers no session marker a trigger could consult; the
chain and its head show a deleted entry instead: see ``models.py``). PostgreSQL: ``UPDATE``
and ``DELETE`` of an entry are refused (``flush`` uses ``TRUNCATE``, which row triggers do
not see). On both, the head may only advance by one, and on PostgreSQL it cannot be deleted.
The errors are integrity errors (SQLSTATE 23000 on PostgreSQL, SQLITE_CONSTRAINT on SQLite).
"""

from django.db import migrations, models

SQLITE = [
    (
        "CREATE TRIGGER audit_auditentry_no_update BEFORE UPDATE ON audit_auditentry "
        "BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END",
        "DROP TRIGGER IF EXISTS audit_auditentry_no_update",
    ),
    (
        "CREATE TRIGGER audit_audithead_advance BEFORE UPDATE ON audit_audithead "
        "WHEN NEW.id <> OLD.id OR NEW.sequence <> OLD.sequence + 1 "
        "BEGIN SELECT RAISE(ABORT, 'the audit chain head only advances by one'); END",
        "DROP TRIGGER IF EXISTS audit_audithead_advance",
    ),
]

POSTGRESQL = [
    (
        """CREATE OR REPLACE FUNCTION asylon_audit_append_only() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'audit entries are append-only'
                USING ERRCODE = 'integrity_constraint_violation';
        END
        $$""",
        "DROP FUNCTION IF EXISTS asylon_audit_append_only()",
    ),
    (
        "CREATE TRIGGER audit_auditentry_append_only BEFORE UPDATE OR DELETE "
        "ON audit_auditentry FOR EACH ROW EXECUTE FUNCTION asylon_audit_append_only()",
        "DROP TRIGGER IF EXISTS audit_auditentry_append_only ON audit_auditentry",
    ),
    (
        """CREATE OR REPLACE FUNCTION asylon_audit_head_advance() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'DELETE' OR NEW.id <> OLD.id OR NEW.sequence <> OLD.sequence + 1 THEN
                RAISE EXCEPTION 'the audit chain head only advances by one'
                    USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            RETURN NEW;
        END
        $$""",
        "DROP FUNCTION IF EXISTS asylon_audit_head_advance()",
    ),
    (
        "CREATE TRIGGER audit_audithead_advance BEFORE UPDATE OR DELETE "
        "ON audit_audithead FOR EACH ROW EXECUTE FUNCTION asylon_audit_head_advance()",
        "DROP TRIGGER IF EXISTS audit_audithead_advance ON audit_audithead",
    ),
]

STATEMENTS = {"sqlite": SQLITE, "postgresql": POSTGRESQL}


def create_triggers(apps, schema_editor):  # type: ignore[no-untyped-def]
    for create, _drop in STATEMENTS.get(schema_editor.connection.vendor, []):
        schema_editor.execute(create, params=None)


def drop_triggers(apps, schema_editor):  # type: ignore[no-untyped-def]
    for _create, drop in reversed(STATEMENTS.get(schema_editor.connection.vendor, [])):
        schema_editor.execute(drop, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_chain_existing_entries")]

    operations = [
        migrations.AlterField(
            model_name="auditentry",
            name="sequence",
            field=models.BigIntegerField(editable=False, unique=True, verbose_name="sequence"),
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
