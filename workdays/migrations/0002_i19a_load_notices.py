"""The shipped notices (2025, 2026) and the materialised day table."""
from django.db import migrations


def load(apps, schema_editor):
    from workdays.services import load_shipped_notices

    load_shipped_notices(apps, years={2025, 2026})


class Migration(migrations.Migration):
    dependencies = [("workdays", "0001_i19a_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
