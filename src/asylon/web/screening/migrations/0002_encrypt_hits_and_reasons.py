"""Encryption at rest (asylon.web.crypto): a hit's features (they quote the applicant's names,
birth date and places) and register name, and a judgement's reason become encrypted columns;
the rows already there are encrypted under the current data key (decrypted when unapplied)."""

from django.db import migrations

import asylon.web.crypto.fields
from asylon.web.crypto.migration import decrypt_columns, encrypt_columns

COLUMNS = [
    ("screening_screeninghit", "features", "json"),
    ("screening_screeninghit", "register_name", "text"),
    ("screening_judgement", "reason", "text"),
]


class Migration(migrations.Migration):
    dependencies = [("screening", "0001_initial")]

    operations = [
        migrations.AlterField(
            model_name="judgement",
            name="reason",
            field=asylon.web.crypto.fields.EncryptedTextField(verbose_name="reason"),
        ),
        migrations.AlterField(
            model_name="screeninghit",
            name="features",
            field=asylon.web.crypto.fields.EncryptedJSONField(default=list),
        ),
        migrations.AlterField(
            model_name="screeninghit",
            name="register_name",
            field=asylon.web.crypto.fields.EncryptedTextField(max_length=300),
        ),
        migrations.RunPython(encrypt_columns(COLUMNS), decrypt_columns(COLUMNS)),
    ]
