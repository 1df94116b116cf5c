"""The hash chain's columns and head (filled by 0003, made unique and guarded by 0004)."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="sequence",
            field=models.BigIntegerField(editable=False, null=True, verbose_name="sequence"),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="previous_hash",
            field=models.CharField(
                blank=True, default="", editable=False, max_length=64, verbose_name="previous hash"
            ),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="entry_hash",
            field=models.CharField(
                default="", editable=False, max_length=64, verbose_name="entry hash"
            ),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="at",
            field=models.DateTimeField(
                db_index=True,
                default=django.utils.timezone.now,
                editable=False,
                verbose_name="at",
            ),
        ),
        migrations.AlterModelOptions(
            name="auditentry",
            options={
                "ordering": ["-sequence"],
                "verbose_name": "audit entry",
                "verbose_name_plural": "audit entries",
            },
        ),
        migrations.CreateModel(
            name="AuditHead",
            fields=[
                (
                    "id",
                    models.PositiveSmallIntegerField(
                        default=1, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("sequence", models.BigIntegerField(default=0, verbose_name="sequence")),
                (
                    "entry_hash",
                    models.CharField(
                        blank=True, default="", max_length=64, verbose_name="entry hash"
                    ),
                ),
            ],
            options={
                "verbose_name": "audit chain head",
                "verbose_name_plural": "audit chain head",
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("id", 1)), name="audit_head_one_row"
                    )
                ],
            },
        ),
    ]
