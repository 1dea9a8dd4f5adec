from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

# The table of the default cache when REDIS_URL is unset (site_config/settings.py),
# made here so that `migrate` is the only set-up step whichever cache is configured.
TABLE = "briefings_shared_cache"


def create_table(apps, schema_editor):
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, TABLE, dry_run=False)


def drop_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {TABLE}")


class Migration(migrations.Migration):
    dependencies = [
        ("briefings", "0003_tag_names_unique_when_folded"),
    ]

    operations = [migrations.RunPython(create_table, drop_table)]
