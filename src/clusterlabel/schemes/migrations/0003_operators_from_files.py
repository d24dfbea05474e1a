"""Every loaded scheme version gets the operator its file names."""

from django.db import migrations


def operators_from_files(apps, schema_editor):
    from clusterlabel.domain.schemes import load_scheme_text

    operator_model = apps.get_model("schemes", "Operator")
    for version in apps.get_model("schemes", "SchemeVersion").objects.filter(operator=None):
        party = load_scheme_text(version.content, source=version.source_name).operator
        operator, _ = operator_model.objects.get_or_create(
            slug=party.key, defaults={"name": party.name, "country": party.country}
        )
        version.operator = operator
        version.save(update_fields=["operator"])


class Migration(migrations.Migration):
    dependencies = [("schemes", "0002_operators")]
    operations = [migrations.RunPython(operators_from_files, migrations.RunPython.noop)]
