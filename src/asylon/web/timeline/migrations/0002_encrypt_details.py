"""Encryption at rest (asylon.web.crypto): the events' details become an encrypted column;
the rows already there are encrypted under the current data key."""

from django.db import migrations

import asylon.web.crypto.fields
from asylon.web.crypto.migration import decrypt_columns, encrypt_columns

COLUMNS = [("timeline_timelineevent", "details", "json")]


class Migration(migrations.Migration):
    dependencies = [("timeline", "0001_initial")]

    operations = [
        migrations.AlterField(
            model_name="timelineevent",
            name="details",
            field=asylon.web.crypto.fields.EncryptedJSONField(
                blank=True, default=dict, verbose_name="details"
            ),
        ),
        migrations.RunPython(encrypt_columns(COLUMNS), decrypt_columns(COLUMNS)),
    ]
