from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("stats_analytics", "0003_covering_index")]

    operations = [
        migrations.DeleteModel(name="UnitAncestor"),
        migrations.CreateModel(
            name="SummaryUnit",
            fields=[
                ("unit_id", models.IntegerField(primary_key=True, serialize=False)),
                ("home_id", models.IntegerField()),
                ("level", models.SmallIntegerField()),
            ],
        ),
    ]
