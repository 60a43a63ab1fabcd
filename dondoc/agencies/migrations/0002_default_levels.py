from django.db import migrations

from dondoc.agencies.naming import DEFAULT_LEVELS


def create_levels(apps, schema_editor):
    Level = apps.get_model("agencies", "Level")
    for code, name, rank in DEFAULT_LEVELS:  # in the database being migrated
        Level.objects.using(schema_editor.connection.alias).get_or_create(code=code, defaults={"name": name, "rank": rank})


class Migration(migrations.Migration):
    dependencies = [("agencies", "0001_initial")]
    operations = [migrations.RunPython(create_levels, migrations.RunPython.noop)]
