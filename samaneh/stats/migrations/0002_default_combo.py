from django.db import migrations

DEFAULT_CATEGORY_COMBO_UID = "bjDvmb4bfuf"
DEFAULT_COC_UID = "HllvX50cXC0"


def create_default(apps, schema_editor):
    CategoryCombo = apps.get_model("stats", "CategoryCombo")
    CategoryOptionCombo = apps.get_model("stats", "CategoryOptionCombo")
    combo, _ = CategoryCombo.objects.get_or_create(
        uid=DEFAULT_CATEGORY_COMBO_UID, defaults={"code": "default", "name": "default", "name_en": "default"}
    )
    CategoryOptionCombo.objects.get_or_create(
        uid=DEFAULT_COC_UID, defaults={"code": "default", "name": "default", "name_en": "default", "combo": combo}
    )


class Migration(migrations.Migration):
    dependencies = [("stats", "0001_initial")]
    operations = [migrations.RunPython(create_default, migrations.RunPython.noop)]
