from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Aggregate",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("data_element_id", models.IntegerField()),
                ("category_option_combo_id", models.IntegerField()),
                ("period", models.CharField(max_length=8)),
                ("org_unit_id", models.IntegerField()),
                ("level", models.SmallIntegerField()),
                ("total", models.FloatField()),
                ("count", models.IntegerField()),
                ("minimum", models.FloatField()),
                ("maximum", models.FloatField()),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["data_element_id", "level", "org_unit_id", "period"], name="stats_an_agg_lookup"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="UnitAncestor",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("unit_id", models.IntegerField(db_index=True)),
                ("ancestor_id", models.IntegerField()),
                ("level", models.SmallIntegerField()),
            ],
        ),
        migrations.CreateModel(
            name="WeekMonth",
            fields=[
                ("week", models.CharField(max_length=8, primary_key=True, serialize=False)),
                ("month", models.CharField(max_length=8)),
            ],
        ),
        migrations.CreateModel(
            name="DirtyElement",
            fields=[
                ("element_id", models.IntegerField(primary_key=True, serialize=False)),
                ("version", models.IntegerField(default=1)),
            ],
        ),
    ]
