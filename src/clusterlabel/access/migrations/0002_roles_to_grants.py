"""Each account's former global role becomes grants, so nothing changes for an installation
that has one operator: the procedural roles are granted on every current scheme, a cluster
manager keeps the organisations they managed, an administrator is granted the installation."""

from django.db import migrations

SCHEME_ROLES = {"secretariat", "assessor", "board_member", "authority"}


def roles_to_grants(apps, schema_editor):
    user_model = apps.get_model("accounts", "User")
    grant_model = apps.get_model("access", "Grant")
    organisation_model = apps.get_model("organisations", "Organisation")
    schemes = sorted(
        set(
            apps.get_model("schemes", "SchemeVersion")
            .objects.filter(is_current=True)
            .values_list("scheme_id", flat=True)
        )
    )
    grants = []
    for user in user_model.objects.exclude(role=""):
        if user.role in SCHEME_ROLES:
            grants += [grant_model(user=user, role=user.role, scheme_id=s) for s in schemes]
        elif user.role == "administrator":
            grants.append(grant_model(user=user, role="administrator"))
    through = organisation_model.managers.through
    for row in through.objects.all():
        grants.append(
            grant_model(
                user_id=row.user_id, role="cluster_manager", organisation_id=row.organisation_id
            )
        )
    grant_model.objects.bulk_create(grants)


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0001_initial"),
        ("accounts", "0001_initial"),
        ("organisations", "0001_initial"),
        ("schemes", "0003_operators_from_files"),
    ]
    operations = [migrations.RunPython(roles_to_grants, migrations.RunPython.noop)]
