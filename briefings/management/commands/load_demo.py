from datetime import datetime

import reversion
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from briefings import revisions
from briefings.demo_content import BRIEFINGS, DEMO_AUTHOR, OTHER_NAMES, TOPICS
from briefings.models import Briefing, Kind, OtherName, Status, Tag, holder_of_name
from briefings.placeholder_images import described, generated_image


class Command(BaseCommand):
    help = "Create the demo briefings that are missing; existing ones are left as they are."

    @transaction.atomic
    def handle(self, *args, **options):
        author, _ = get_user_model().objects.get_or_create(
            username=DEMO_AUTHOR["username"],
            defaults={**DEMO_AUTHOR, "is_active": False},
        )
        existing = set(Briefing.objects.values_list("slug", flat=True))
        missing = [entry for entry in BRIEFINGS if entry["slug"] not in existing]
        for entry in missing:
            briefing = Briefing(
                slug=entry["slug"],
                title=entry["title"],
                standfirst=entry["standfirst"],
                body=entry["body"].strip(),
                status=Status.PUBLISHED,
                published_at=datetime.fromisoformat(entry["published_at"]),
                author=author,
                lead_image=generated_image(entry["slug"]),
                lead_image_alt=described(entry["slug"]),  # what the drawing shows
                lead_image_caption=entry["image_caption"],
                lead_image_credit="Briefings graphics",
            )
            # Its first revision: what the editors' three-way comparison starts from.
            with reversion.create_revision():
                reversion.set_comment("Created with the demo content.")
                briefing.save()
                briefing.tags.set(entry["tags"])
                revisions.record(briefing)
        describe_topics()
        self.stdout.write(
            f"Demo briefings: {len(missing)} created, "
            f"{len(BRIEFINGS) - len(missing)} already present."
        )


def describe_topics():
    """Give the demo topics their kinds, where an editor has not described them yet, and
    the other names no topic has yet."""
    for tag in Tag.objects.filter(name__in=TOPICS, kind=Kind.SUBJECT, same_as=""):
        for field, value in TOPICS[tag.name].items():
            setattr(tag, field, value)
        tag.save()
    for tag in Tag.objects.filter(name__in=OTHER_NAMES):
        for name, lang in OTHER_NAMES[tag.name]:
            if holder_of_name(name) is None:
                OtherName.objects.create(tag=tag, name=name, lang=lang)
