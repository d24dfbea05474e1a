"""The database refuses to change an issued invoice's content or line.

An ``UPDATE`` of ``invoices_invoice`` that changes any column of ``IMMUTABLE_FIELDS`` (number,
seller, buyer, amounts, VAT, dates, language) fails, as does any ``UPDATE`` of a line; the
payment status and its record may change. On PostgreSQL and SQLite (the two databases the
project runs on). ``DELETE`` is not refused: a flush of the test database deletes rows, and
nothing in the application deletes an invoice (the procedure and operator keys PROTECT it).
"""

from django.db import migrations

# Frozen here (not imported from the model), so the migration keeps what it created.
COLUMNS = (
    "kind", "number", "operator_id", "scheme_id", "procedure_id", "payer_kind", "cancels_id",
    "language", "currency", "seller_name", "seller_address", "seller_country", "seller_vat_id",
    "seller_contact", "seller_bank_account", "buyer_name", "buyer_address", "buyer_city",
    "buyer_country", "buyer_vat_id", "buyer_reference", "buyer_is_public", "vat_treatment",
    "vat_percent", "net", "vat", "gross", "issued_on", "due_on", "issued_at",
)  # fmt: skip

_MESSAGE = "an issued invoice cannot be changed: cancel it by a credit note"

POSTGRES_CREATE = f"""
CREATE OR REPLACE FUNCTION invoices_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'invoices_invoiceline' OR
       ({", ".join(f"NEW.{c}" for c in COLUMNS)}) IS DISTINCT FROM
       ({", ".join(f"OLD.{c}" for c in COLUMNS)}) THEN
        RAISE EXCEPTION '{_MESSAGE}';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER invoices_invoice_immutable BEFORE UPDATE ON invoices_invoice
    FOR EACH ROW EXECUTE FUNCTION invoices_refuse_change();
CREATE TRIGGER invoices_invoiceline_immutable BEFORE UPDATE ON invoices_invoiceline
    FOR EACH ROW EXECUTE FUNCTION invoices_refuse_change();
"""

POSTGRES_DROP = """
DROP TRIGGER IF EXISTS invoices_invoice_immutable ON invoices_invoice;
DROP TRIGGER IF EXISTS invoices_invoiceline_immutable ON invoices_invoiceline;
DROP FUNCTION IF EXISTS invoices_refuse_change();
"""

SQLITE_CREATE = [
    f"""
CREATE TRIGGER invoices_invoice_immutable BEFORE UPDATE ON invoices_invoice
WHEN {" OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in COLUMNS)}
BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END;
""",
    f"""
CREATE TRIGGER invoices_invoiceline_immutable BEFORE UPDATE ON invoices_invoiceline
BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END;
""",
]

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS invoices_invoice_immutable;",
    "DROP TRIGGER IF EXISTS invoices_invoiceline_immutable;",
]


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_CREATE, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_CREATE:
            schema_editor.execute(statement, params=None)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_DROP, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("invoices", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_triggers, drop_triggers, elidable=False),
    ]
