import random
from datetime import timedelta

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from briefings import images, text
from briefings.models import Briefing, Status, Tag, TaggedBriefing
from briefings.page_cache import start_new_generation
from briefings.placeholder_images import generated_image

VOCABULARY = (
    "talks border ministers agreement patrol trade river visas flights summit "
    "anniversary delegation envoy security cooperation dialogue region treaty "
    "capital officials review steps trust exchange pilgrims data monsoon dam "
    "statement meeting framework mechanism consensus relations bilateral the of "
    "and to in on for with as by at from that this which were was is are"
).split()


class Command(BaseCommand):
    help = "Add synthetic published briefings, for benchmarks and load tests."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=2000)
        parser.add_argument("--tags", type=int, default=50)
        parser.add_argument("--images", type=int, default=10)
        parser.add_argument("--words", type=int, default=800)
        parser.add_argument("--seed", type=int, default=1)

    @transaction.atomic
    def handle(self, *args, count, tags, images, words, seed, **options):
        rng = random.Random(seed)
        tag_pool = [Tag.objects.get_or_create(name=f"Topic {n:02d}")[0] for n in range(tags)]
        image_pool = [self.make_image(f"synthetic-{seed}-{n}") for n in range(images)]
        now = timezone.now()
        briefings = Briefing.objects.bulk_create(
            (self.make_briefing(rng, seed, n, now, words, image_pool) for n in range(count)),
            batch_size=500,
        )
        TaggedBriefing.objects.bulk_create(
            (
                TaggedBriefing(content_object=briefing, tag=tag)
                for briefing in briefings
                for tag in rng.sample(tag_pool, rng.randint(3, min(5, len(tag_pool))))
            ),
            batch_size=2000,
        )
        start_new_generation()  # bulk_create sends no signals
        self.stdout.write(f"Created {count} briefings over {tags} tags.")

    def make_image(self, seed):
        name = default_storage.save(f"briefings/originals/{seed}.png", generated_image(seed, seed))
        with default_storage.open(name) as stored:
            return name, images.make_renditions(stored)

    def make_briefing(self, rng, seed, n, now, words, image_pool):
        body = synthetic_markdown(rng, words)
        body_html = text.render_markdown(body)
        image_name, renditions = image_pool[n % len(image_pool)] if image_pool else ("", {})
        return Briefing(
            title=f"Synthetic briefing {seed}-{n}: {' '.join(rng.sample(VOCABULARY, 5))}",
            slug=f"synthetic-{seed}-{n}",
            standfirst=" ".join(rng.choices(VOCABULARY, k=30)).capitalize() + ".",
            body=body,
            body_html=body_html,
            reading_minutes=text.reading_minutes(body_html),
            lead_image=image_name,
            lead_image_alt="Generated abstract graphic" if image_name else "",
            renditions=renditions,
            status=Status.PUBLISHED,
            published_at=now - timedelta(minutes=rng.randint(1, 3 * 365 * 24 * 60)),
        )


def synthetic_markdown(rng, words):
    """Paragraphs of about 100 words, with a heading every few paragraphs."""
    paragraphs = []
    for n in range(max(1, words // 100)):
        if n and n % 3 == 0:
            paragraphs.append("## " + " ".join(rng.sample(VOCABULARY, 3)).capitalize())
        paragraphs.append(" ".join(rng.choices(VOCABULARY, k=100)).capitalize() + ".")
    return "\n\n".join(paragraphs)
