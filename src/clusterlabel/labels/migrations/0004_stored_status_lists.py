from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("labels", "0003_search_and_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="StoredStatusList",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("purpose", models.CharField(max_length=16, unique=True)),
                ("list_url", models.URLField(max_length=300)),
                ("kid", models.CharField(max_length=100)),
                ("token", models.TextField()),
                ("signed_at", models.DateTimeField()),
            ],
        ),
    ]
