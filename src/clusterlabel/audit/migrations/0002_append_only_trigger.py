"""On PostgreSQL, the database itself refuses UPDATE and DELETE of audit events.

Only the table owner or a superuser can disable the trigger, and ``clusterlabel audit verify``
still detects what such a person changes. TRUNCATE is not refused: Django's test runner and
``flush`` empty tables with it, and a TRUNCATE needs a privilege the application's role should
not have in production.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION audit_event_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only: % of %.% refused', TG_OP, TG_TABLE_SCHEMA,
        TG_TABLE_NAME
        USING HINT = 'Record a new audit event that corrects the old one instead.';
END;
$$;
CREATE TRIGGER audit_event_append_only
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_event_refuse_change();
"""

DROP = """
DROP TRIGGER IF EXISTS audit_event_append_only ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_event_refuse_change();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_trigger, drop_trigger, elidable=False),
    ]
