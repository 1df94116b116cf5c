"""Chain the entries written before the chain existed, in the order they were written
(``at``, then ``id``), and set the head. Entries already chained are left as they are."""

from django.db import migrations

from asylon.web.audit.chain import GENESIS, entry_hash


def chain_existing(apps, schema_editor):  # type: ignore[no-untyped-def]
    entry_model = apps.get_model("audit", "AuditEntry")
    head_model = apps.get_model("audit", "AuditHead")
    db = schema_editor.connection.alias
    sequence, previous = 0, GENESIS
    for entry in entry_model.objects.using(db).order_by("at", "id").iterator(2000):
        sequence += 1
        digest = entry_hash(
            sequence=sequence,
            at=entry.at,
            user_id=entry.user_id,
            action=entry.action,
            object_type=entry.object_type,
            object_id=entry.object_id,
            details=entry.details,
            previous_hash=previous,
        )
        entry_model.objects.using(db).filter(pk=entry.pk).update(
            sequence=sequence, previous_hash=previous, entry_hash=digest
        )
        previous = digest
    head_model.objects.using(db).update_or_create(
        pk=1, defaults={"sequence": sequence, "entry_hash": previous}
    )


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_hash_chain")]

    operations = [migrations.RunPython(chain_existing, migrations.RunPython.noop)]
