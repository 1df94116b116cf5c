"""Encryption at rest (asylon.web.crypto): the client's names, birth date, home area and
contact, the case's facts and the assessments' case file and determination become encrypted
columns; the rows already there are encrypted under the current data key; the blind index of
the clients' names (``ClientNameKey``) is built."""

import django.db.models.deletion
from django.db import migrations, models

import asylon.web.crypto.fields
from asylon.web.crypto.migration import decrypt_columns, encrypt_columns

COLUMNS = [
    ("cases_client", "full_name", "text"),
    ("cases_client", "aliases", "json"),
    ("cases_client", "born", "date"),
    ("cases_client", "home_place", "text"),
    ("cases_client", "contact", "text"),
    ("cases_case", "facts", "json"),
    ("cases_assessment", "case_file", "json"),
    ("cases_assessment", "determination", "json"),
]


def build_name_index(apps, schema_editor):  # type: ignore[no-untyped-def]
    import json

    from asylon.web.crypto.blind_index import name_digests
    from asylon.web.crypto.fields import aad_for, unseal
    from asylon.web.crypto.keys import keyring

    conn = schema_editor.connection
    ring = keyring()
    key = ring.index_keys[ring.index_current]
    with conn.cursor() as cur:
        cur.execute("SELECT id, full_name, aliases FROM cases_client ORDER BY id")
        rows = cur.fetchall()
        cur.execute("DELETE FROM cases_clientnamekey")
        for pk, full_name, aliases in rows:
            names = [unseal(full_name, aad_for("cases_client", "full_name"), ring)]
            if aliases:
                names += json.loads(unseal(aliases, aad_for("cases_client", "aliases"), ring))
            for digest in sorted(name_digests([n for n in names if isinstance(n, str)], key)):
                cur.execute(
                    "INSERT INTO cases_clientnamekey (client_id, kid, digest) VALUES (%s, %s, %s)",
                    [pk, ring.index_current, digest],
                )


class Migration(migrations.Migration):
    dependencies = [("cases", "0006_revisions")]

    operations = [
        migrations.AlterField(
            model_name="client",
            name="full_name",
            field=asylon.web.crypto.fields.EncryptedTextField(
                max_length=200, verbose_name="full name"
            ),
        ),
        migrations.AlterField(
            model_name="client",
            name="aliases",
            field=asylon.web.crypto.fields.EncryptedJSONField(
                blank=True, default=list, verbose_name="other names and spellings"
            ),
        ),
        migrations.AlterField(
            model_name="client",
            name="born",
            field=asylon.web.crypto.fields.EncryptedDateField(
                blank=True, null=True, verbose_name="date of birth"
            ),
        ),
        migrations.AlterField(
            model_name="client",
            name="home_place",
            field=asylon.web.crypto.fields.EncryptedTextField(
                blank=True, max_length=120, verbose_name="home area"
            ),
        ),
        migrations.AlterField(
            model_name="client",
            name="contact",
            field=asylon.web.crypto.fields.EncryptedTextField(
                blank=True,
                help_text="Telephone, messenger, address: how to reach the person safely.",
                verbose_name="contact",
            ),
        ),
        migrations.AlterField(
            model_name="case",
            name="facts",
            field=asylon.web.crypto.fields.EncryptedJSONField(
                blank=True,
                default=dict,
                help_text=(
                    "The case-file sections (procedure, applicant, claim, conduct, removal, "
                    "evidence) as asylon.case/1 defines them, validated on every save."
                ),
                verbose_name="facts",
            ),
        ),
        migrations.AlterField(
            model_name="assessment",
            name="case_file",
            field=asylon.web.crypto.fields.EncryptedJSONField(verbose_name="case file assessed"),
        ),
        migrations.AlterField(
            model_name="assessment",
            name="determination",
            field=asylon.web.crypto.fields.EncryptedJSONField(verbose_name="determination"),
        ),
        migrations.RunPython(encrypt_columns(COLUMNS), decrypt_columns(COLUMNS)),
        migrations.CreateModel(
            name="ClientNameKey",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("kid", models.CharField(max_length=32)),
                ("digest", models.CharField(max_length=64)),
                (
                    "client",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="name_keys",
                        to="cases.client",
                    ),
                ),
            ],
            options={
                "indexes": [models.Index(fields=["digest", "kid"], name="cases_namekey_digest")]
            },
        ),
        migrations.RunPython(build_name_index, migrations.RunPython.noop),
    ]
