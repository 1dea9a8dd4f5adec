from django.db import migrations


def queue_public_briefings(apps, schema_editor):
    """Every public briefing's card, tag names and search entry are written afresh by the
    next `manage.py release_due` (or `rebuild_derived`): entries were first filled here
    by app code, which a migration must not import."""
    Briefing = apps.get_model("briefings", "Briefing")
    PendingUpkeep = apps.get_model("briefings", "PendingUpkeep")
    public = Briefing.objects.filter(counts_as_public=True).values_list("pk", flat=True)
    PendingUpkeep.objects.bulk_create(
        (PendingUpkeep(briefing_id=pk) for pk in public.iterator()),
        batch_size=1000,
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("briefings", "0018_derived_values_have_one_owner")]

    operations = [migrations.RunPython(queue_public_briefings, migrations.RunPython.noop)]
