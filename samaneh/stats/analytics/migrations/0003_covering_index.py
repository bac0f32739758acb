from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("stats_analytics", "0002_dirty_triggers")]

    operations = [
        migrations.RemoveIndex(model_name="aggregate", name="stats_an_agg_lookup"),
        migrations.AddIndex(
            model_name="aggregate",
            index=models.Index(
                fields=["data_element_id", "level", "org_unit_id", "period", "category_option_combo_id", "total",
                        "count", "minimum", "maximum"],
                name="stats_an_agg_covering",
            ),
        ),
    ]
