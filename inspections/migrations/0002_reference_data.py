from django.db import migrations


def load_reference_data(apps, schema_editor):
    from inspections.checklists import load

    load(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_initial"), ("accounts", "0002_sectors")]
    operations = [migrations.RunPython(load_reference_data, migrations.RunPython.noop)]
