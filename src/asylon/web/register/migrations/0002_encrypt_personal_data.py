"""Encryption at rest of the accountability register (asylon.web.crypto): persons' names, birth
dates and places, victims' names and ages, who evidence came from or went to, file names, every
title and citation, every free text (descriptions, notes, pinpoints, reasons) and each
revision's canonical JSON become encrypted columns, and the rows already there are encrypted
under the current data key.

The hashes (a record's and its revisions' SHA-256, the custody chain) cover the plaintext, as
before: ``asylon register verify`` gives the same answers. Unapplying decrypts.
"""

from django.db import migrations

import asylon.web.crypto.fields
from asylon.web.crypto.migration import decrypt_columns, encrypt_columns

COLUMNS = [
    ("register_allegation", "description", "text"),
    ("register_allegation", "notes", "text"),
    ("register_allegation", "pinpoint", "text"),
    ("register_custodyentry", "counterpart", "text"),
    ("register_custodyentry", "reason", "text"),
    ("register_evidenceitem", "description", "text"),
    ("register_evidenceitem", "file_name", "text"),
    ("register_evidenceitem", "notes", "text"),
    ("register_evidenceitem", "obtained_from", "text"),
    ("register_evidenceitem", "title", "text"),
    ("register_incident", "description", "text"),
    ("register_incident", "notes", "text"),
    ("register_incident", "title", "text"),
    ("register_membership", "description", "text"),
    ("register_membership", "notes", "text"),
    ("register_occupancy", "description", "text"),
    ("register_occupancy", "notes", "text"),
    ("register_person", "birth_date", "text"),
    ("register_person", "birth_place", "text"),
    ("register_person", "description", "text"),
    ("register_person", "names", "json"),
    ("register_person", "notes", "text"),
    ("register_position", "description", "text"),
    ("register_position", "notes", "text"),
    ("register_revision", "canonical", "text"),
    ("register_revision", "reason", "text"),
    ("register_source", "citation", "text"),
    ("register_source", "description", "text"),
    ("register_source", "notes", "text"),
    ("register_source", "title", "text"),
    ("register_source", "url", "text"),
    ("register_unit", "description", "text"),
    ("register_unit", "notes", "text"),
    ("register_victim", "age", "json"),
    ("register_victim", "description", "text"),
    ("register_victim", "name", "text"),
    ("register_victim", "notes", "text"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("register", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="allegation",
            name="description",
            field=asylon.web.crypto.fields.EncryptedTextField(),
        ),
        migrations.AlterField(
            model_name="allegation",
            name="notes",
            field=asylon.web.crypto.fields.EncryptedTextField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="allegation",
            name="pinpoint",
            field=asylon.web.crypto.fields.EncryptedTextField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="custodyentry",
            name="counterpart",
            field=asylon.web.crypto.fields.EncryptedTextField(
                blank=True,
                default="",
                max_length=300,
                verbose_name="received from / transferred to",
            ),
        ),
        migrations.AlterField(
            model_name="custodyentry",
            name="reason",
            field=asylon.web.crypto.fields.EncryptedTextField(),
        ),
        migrations.AlterField(
            model_name="evidenceitem",
            name="description",
            field=asylon.web.crypto.fields.EncryptedTextField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="evidenceitem",
            name="file_name",
            field=asylon.web.crypto.fields.EncryptedTextField(
                blank=True, max_length=255, null=True
            ),
        ),
        migrations.AlterField(
            model_name="evidenceitem",
            name="notes",
            field=asylon.web.crypto.fields.EncryptedTextField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="evidenceitem",
            name="obtained_from",
            field=asylon.web.crypto.fields.EncryptedTextField(
                blank=True, max_length=300, null=True
            ),
        ),
        migrations.AlterField(
            model_name="evidenceitem",
            name="title",
            field=asylon.web.crypto.fields.EncryptedTextField(max_length=500),
        ),
        migrations.AlterField(
            model_name="incident",
            name="description",
            field=asylon.web.crypto.fields.EncryptedTextField(),
        ),
        migrations.AlterField(
            model_name="incident",
            name="notes",
            field=asylon.web.crypto.fields.EncryptedTextField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="incident",
            name="title",
            field=asylon.web.crypto.fields.EncryptedTextField(max_length=500),
        ),
        migrations.AlterField(
            model_name="membership",
            name="description",
            field=asylon.web.crypto.fields.EncryptedTextField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="membership",
            name="notes",
            field=asylon.web.crypto.fields.EncryptedTextField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="occupancy",
            name="description",
            field=asylon.web.crypto.fields.EncryptedTextField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="occupancy",
            name="notes",
            field=asylon.web.crypto.fields.EncryptedTextField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="person",
            name="birth_date",
            field=asylon.web.crypto.fields.EncryptedTextField(blank=True, max_length=10, null=True),
        ),
        migrations.AlterField(
            model_name="person",
            name="birth_place",
            field=asylon.web.crypto.fields.EncryptedTextField(
                blank=True, max_length=300, null=True
            ),
        ),
        migrations.AlterField(
            model_name="person",
            name="description",
            field=asylon.web.crypto.fields.EncryptedTextField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="person",
            name="names",
            field=asylon.web.crypto.fields.EncryptedJSONField(default=list),
        ),
        migrations.AlterField(
            model_name="person",
            name="notes",
            field=asylon.web.crypto.fields.EncryptedTextField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="position",
            name="description",
            field=asylon.web.crypto.fields.EncryptedTextField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="position",
            name="notes",
            field=asylon.web.crypto.fields.EncryptedTextField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="revision",
            name="canonical",
            field=asylon.web.crypto.fields.EncryptedTextField(verbose_name="canonical JSON"),
        ),
        migrations.AlterField(
            model_name="revision",
            name="reason",
            field=asylon.web.crypto.fields.EncryptedTextField(),
        ),
        migrations.AlterField(
            model_name="source",
            name="citation",
            field=asylon.web.crypto.fields.EncryptedTextField(),
        ),
        migrations.AlterField(
            model_name="source",
            name="description",
            field=asylon.web.crypto.fields.EncryptedTextField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="source",
            name="notes",
            field=asylon.web.crypto.fields.EncryptedTextField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="source",
            name="title",
            field=asylon.web.crypto.fields.EncryptedTextField(
                blank=True, max_length=500, null=True
            ),
        ),
        migrations.AlterField(
            model_name="source",
            name="url",
            field=asylon.web.crypto.fields.EncryptedTextField(
                blank=True, max_length=2000, null=True
            ),
        ),
        migrations.AlterField(
            model_name="unit",
            name="description",
            field=asylon.web.crypto.fields.EncryptedTextField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="unit",
            name="notes",
            field=asylon.web.crypto.fields.EncryptedTextField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="victim",
            name="age",
            field=asylon.web.crypto.fields.EncryptedJSONField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="victim",
            name="description",
            field=asylon.web.crypto.fields.EncryptedTextField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="victim",
            name="name",
            field=asylon.web.crypto.fields.EncryptedTextField(
                blank=True, max_length=300, null=True
            ),
        ),
        migrations.AlterField(
            model_name="victim",
            name="notes",
            field=asylon.web.crypto.fields.EncryptedTextField(blank=True, null=True),
        ),
        migrations.RunPython(encrypt_columns(COLUMNS), decrypt_columns(COLUMNS)),
    ]
