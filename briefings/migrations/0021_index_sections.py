from django.db import migrations, models
from django.db.models import Count

INITIALS = [*"abcdefghijklmnopqrstuvwxyz", "#"]


def count_sections(apps, schema_editor):
    """A row per section of the topics index, counting the topics in use under it."""
    Tag = apps.get_model("briefings", "Tag")
    IndexSection = apps.get_model("briefings", "IndexSection")
    in_use = Tag.objects.filter(published_count__gt=0).order_by()
    counts = dict(in_use.values_list("initial").annotate(count=Count("pk")))
    IndexSection.objects.bulk_create(
        IndexSection(initial=initial, topics_in_use=counts.get(initial, 0)) for initial in INITIALS
    )


class Migration(migrations.Migration):
    dependencies = [
        ("briefings", "0020_image_library"),
    ]

    operations = [
        migrations.CreateModel(
            name="IndexSection",
            fields=[
                ("initial", models.CharField(max_length=1, primary_key=True, serialize=False)),
                ("topics_in_use", models.IntegerField(default=0)),
            ],
        ),
        migrations.RunPython(count_sections, migrations.RunPython.noop),
    ]
