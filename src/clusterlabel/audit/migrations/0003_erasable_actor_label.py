"""Events recorded from now on hash the actor by id only (``hash_format`` 2), so that erasing a
person can overwrite ``actor_label``; existing events keep format 1 (the column's database
default), and their hashes, untouched. On PostgreSQL the append-only trigger now lets exactly
one UPDATE through: a format-2 event whose ``actor_label`` alone changes. Everything else is
refused as before.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

ALLOW_ERASURE = """
CREATE OR REPLACE FUNCTION audit_event_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    probe audit_auditevent;
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.hash_format = 2 THEN
        probe := NEW;
        probe.actor_label := OLD.actor_label;
        IF probe IS NOT DISTINCT FROM OLD THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'audit events are append-only: % of %.% refused', TG_OP, TG_TABLE_SCHEMA,
        TG_TABLE_NAME
        USING HINT = 'Record a new audit event that corrects the old one instead.';
END;
$$;
"""

REFUSE_ALL = """
CREATE OR REPLACE FUNCTION audit_event_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only: % of %.% refused', TG_OP, TG_TABLE_SCHEMA,
        TG_TABLE_NAME
        USING HINT = 'Record a new audit event that corrects the old one instead.';
END;
$$;
"""


def allow_erasure(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ALLOW_ERASURE, params=None)


def refuse_all(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REFUSE_ALL, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_append_only_trigger"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="hash_format",
            field=models.PositiveSmallIntegerField(
                db_default=1, default=2, editable=False, verbose_name="hash format"
            ),
        ),
        migrations.CreateModel(
            name="ErasedIdentifier",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("digest", models.CharField(max_length=64, unique=True)),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="erased_identifiers",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "erased identifier",
                "verbose_name_plural": "erased identifiers",
                "default_permissions": (),
            },
        ),
        migrations.RunPython(allow_erasure, refuse_all, elidable=False),
    ]
