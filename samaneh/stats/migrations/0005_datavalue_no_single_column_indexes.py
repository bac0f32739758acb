# The element and the unit lead the unique key's index and stats_dv_unit_period, which serve every lookup by
# either; their own single-column indexes only slowed each imported value. AlterField would make SQLite copy
# the whole values table twice to drop them, so the database side drops the two indexes by name instead (the
# same names on SQLite and PostgreSQL).

import django.db.models.deletion
from django.db import migrations, models

INDEXES = {
    "stats_datavalue_data_element_id_3c0ed94d": "data_element_id",
    "stats_datavalue_org_unit_id_58baac20": "org_unit_id",
}


class Migration(migrations.Migration):

    dependencies = [
        ('geo', '0001_initial'),
        ('stats', '0004_datavalue_one_index_less'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='datavalue',
                    name='data_element',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT,
                                            related_name='values', to='stats.dataelement'),
                ),
                migrations.AlterField(
                    model_name='datavalue',
                    name='org_unit',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT,
                                            related_name='data_values', to='geo.orgunit'),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{name}"',
                    reverse_sql=f'CREATE INDEX "{name}" ON "stats_datavalue" ("{column}")',
                )
                for name, column in INDEXES.items()
            ],
        ),
    ]
