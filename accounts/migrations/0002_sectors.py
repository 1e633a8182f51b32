from django.db import migrations


def load_sectors(apps, schema_editor):
    from accounts.sectors import SECTORS

    Sector = apps.get_model("accounts", "Sector")
    for order, (code, name) in enumerate(SECTORS):
        Sector.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(load_sectors, migrations.RunPython.noop)]
