"""Encryption at rest (asylon.web.crypto): documents' titles and file names and the notes'
text become encrypted columns; the rows already there are encrypted under the current data
key. (The stored files are encrypted by ``asylon keys encrypt-documents``.)"""

from django.db import migrations

import asylon.web.crypto.fields
from asylon.web.crypto.migration import decrypt_columns, encrypt_columns

COLUMNS = [
    ("documents_document", "title", "text"),
    ("documents_document", "original_name", "text"),
    ("documents_note", "text", "text"),
]


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]

    operations = [
        migrations.AlterField(
            model_name="document",
            name="title",
            field=asylon.web.crypto.fields.EncryptedTextField(max_length=200, verbose_name="title"),
        ),
        migrations.AlterField(
            model_name="document",
            name="original_name",
            field=asylon.web.crypto.fields.EncryptedTextField(
                blank=True,
                help_text="As uploaded, cleaned; for display only, never used as a path.",
                max_length=255,
                verbose_name="file name",
            ),
        ),
        migrations.AlterField(
            model_name="note",
            name="text",
            field=asylon.web.crypto.fields.EncryptedTextField(verbose_name="note"),
        ),
        migrations.RunPython(encrypt_columns(COLUMNS), decrypt_columns(COLUMNS)),
    ]
