"""The former secretariat group could add and change accounts in the back office; accounts and
grants now change only through the services, so the group keeps its read permissions only
(``access.services.user_flags_sync`` sets them anew on the next grant change)."""

from django.db import migrations


def strip_account_writes(apps, schema_editor):
    group_model = apps.get_model("auth", "Group")
    for group in group_model.objects.filter(name="secretariat"):
        writes = group.permissions.filter(content_type__app_label="accounts").exclude(
            codename__startswith="view_"
        )
        group.permissions.remove(*writes)


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0002_roles_to_grants"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]
    operations = [migrations.RunPython(strip_account_writes, migrations.RunPython.noop)]
