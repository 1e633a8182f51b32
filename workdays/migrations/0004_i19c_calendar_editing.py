"""The calendar editable in the site: a year may be shipped before its notice is out (2027);
the rectification deadline and the casualty window become region-configurable periods."""
from django.db import migrations, models


def ship_2027(apps, schema_editor):
    from workdays.services import load_shipped_notices

    load_shipped_notices(apps, years={2027})


class Migration(migrations.Migration):
    dependencies = [("workdays", "0003_i19a_region_day_rule")]
    operations = [
        migrations.AddField(
            model_name="calendaryear", name="published",
            field=models.BooleanField(default=True, verbose_name="通知已录入"),
        ),
        migrations.AlterField(
            model_name="calendaryear", name="source_published_on",
            field=models.DateField(blank=True, null=True, verbose_name="发布日期"),
        ),
        migrations.AlterField(
            model_name="regiondayrule", name="deadline_type",
            field=models.CharField(choices=[
                ("rectification", "隐患整改期限（交办、延期、提醒、逐级督办）"), ("resume_review", "复产现场审查（10日）"),
                ("incident_investigation", "事故调查报告（60日及延长）"),
                ("incident_casualty", "事故伤亡人数补报期（30日，道路交通、火灾7日）")],
                max_length=32, verbose_name="期限类型"),
        ),
        migrations.RunPython(ship_2027, migrations.RunPython.noop),
    ]
