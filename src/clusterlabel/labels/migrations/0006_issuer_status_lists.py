"""Status lists per issuer (awarding authority), URL key ids, and status-list positions kept
inside a list. Existing stored lists become the platform's (legacy) lists: ``issuer`` = ""."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("labels", "0005_catalogue_version"),
    ]

    operations = [
        migrations.AddField(
            model_name="storedstatuslist",
            name="issuer",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.AlterField(
            model_name="storedstatuslist",
            name="purpose",
            field=models.CharField(max_length=16),
        ),
        migrations.AlterField(
            model_name="storedstatuslist",
            name="kid",
            field=models.CharField(max_length=300),
        ),
        migrations.AddConstraint(
            model_name="storedstatuslist",
            constraint=models.UniqueConstraint(
                fields=("issuer", "purpose"), name="labels_one_status_list_per_issuer_purpose"
            ),
        ),
        migrations.AddConstraint(
            model_name="label",
            constraint=models.CheckConstraint(
                condition=models.Q(status_list_index__lt=131072),
                name="labels_status_list_index_in_list",
            ),
        ),
    ]
