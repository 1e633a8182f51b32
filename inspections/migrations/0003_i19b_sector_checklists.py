"""The checklist version names the standard it follows, and the sectors' own major-hazard
checklists ship (危险化学品, 烟花爆竹, 煤矿). Existing versions 1 of the shipped templates get
the name of the standard they were written from; their items are not touched."""
from django.db import migrations, models


def load_sector_checklists(apps, schema_editor):
    from inspections.checklists import STANDARD_FIELDS, load, templates

    load(apps, schema_editor)
    Version = apps.get_model("inspections", "ChecklistTemplateVersion")
    for spec in templates():
        Version.objects.filter(template__code=spec.code, number=1, standard="").update(
            **{name: getattr(spec, name) for name in STANDARD_FIELDS})


class Migration(migrations.Migration):
    dependencies = [("inspections", "0002_reference_data")]
    operations = [
        migrations.AddField("checklisttemplateversion", "standard",
                            models.CharField(blank=True, max_length=200, verbose_name="依据标准")),
        migrations.AddField("checklisttemplateversion", "document_number",
                            models.CharField(blank=True, max_length=64, verbose_name="文号")),
        migrations.AddField("checklisttemplateversion", "effective_date",
                            models.DateField(blank=True, null=True, verbose_name="施行日期")),
        migrations.RunPython(load_sector_checklists, migrations.RunPython.noop),
    ]
