from django.db import migrations, models


def reinstall(apps, schema_editor):
    """The trigger functions, now writing `changes`. A rollup filled by 0005's triggers keeps its
    counts (no refill of 10^6 rows); an empty one (a new database) is filled."""
    if schema_editor.connection.vendor != "postgresql":
        return
    from supervision import rollup

    empty = not apps.get_model("supervision", "HazardRollup").objects.using(schema_editor.connection.alias).exists()
    rollup.install(schema_editor.connection.alias, fill=empty)


def uninstall(apps, schema_editor):
    """Backwards: the triggers go with the column they write (run `rollup_rebuild` afterwards)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    from supervision import rollup

    for statement in rollup.UNINSTALL_SQL:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    """HazardRollup.changes: what a "t" row's statements touched, the version of the dashboard's
    cached figures (supervision.statistics.rollup_version). Existing rows start at 0 (a column
    default, no table rewrite). Backwards the triggers are dropped with the column: install the
    previous code's with `manage.py rollup_rebuild`."""

    dependencies = [
        ("supervision", "0006_outbox_platform_row"),
    ]

    operations = [
        migrations.AddField(
            model_name="hazardrollup",
            name="changes",
            field=models.BigIntegerField(db_default=0, default=0),
        ),
        migrations.RunPython(reinstall, uninstall),
    ]
