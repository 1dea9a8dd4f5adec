"""Add an archive shaped like a real one, for benchmarks and load tests.

Tag popularity follows Zipf's law (a few tags on a third or half of all briefings, a
long tail on one or two each), and so do the words of the text, drawn from a
vocabulary of thousands. About 3 % of briefings are drafts and a few are scheduled;
the rest are spread over ten years. Derived values come from briefings/upkeep.py and
briefings/derived.py, as for any other write.
"""

import itertools
import random
import time
from datetime import timedelta

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from briefings import derived, images, text, upkeep
from briefings.caching import surrogate_keys
from briefings.models import MAX_TAGS_PER_BRIEFING, Briefing, Status, Tag, TaggedBriefing
from briefings.placeholder_images import generated_image

BATCH_SIZE = 1000
DRAFT_SHARE = 0.03
SCHEDULED_SHARE = 0.002
YEARS = 10
VOCABULARY_SIZE = 5000
# Real topic names lead the popularity ranking; some are in other scripts.
LEADING_TAGS = [
    "India", "China", "diplomacy", "border talks", "SCO", "trade", "LAC",
    "connectivity", "Russia", "भारत", "中国", "Россия", "visas", "water security",
    "75th anniversary", "BRICS", "Kazan consensus", "École diplomatique", "中印关系",
    "Nepal", "Bhutan", "पड़ोस", "climate", "energy",
]  # fmt: skip
COMMON_WORDS = (
    "the of and to in a on for with as by at from that this which were was is are be "
    "talks border ministers agreement patrol trade river visas flights summit "
    "anniversary delegation envoy security cooperation dialogue region treaty capital "
    "officials review steps trust exchange pilgrims data monsoon dam statement meeting "
    "framework mechanism consensus relations bilateral"
).split()
SYLLABLES = [
    c + v
    for c in ["b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z"]
    for v in ["a", "e", "i", "o", "u", "ai", "ou"]
]
OTHER_SCRIPTS = ["कमलनगर", "रसायन", "Борис", "Волга", "东方", "山水", "Ελλάδα", "日本"]


class Command(BaseCommand):
    help = "Add a realistic synthetic archive: skewed tags, Zipf-like text, drafts, schedules."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=2000, help="briefings to add")
        parser.add_argument("--tags", type=int, default=200, help="tags to draw from")
        parser.add_argument("--images", type=int, default=10, help="distinct lead images")
        parser.add_argument("--words", type=int, default=400, help="words in each body")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, count, tags, images, words, seed, **options):
        started = time.monotonic()
        rng = random.Random(seed)
        vocabulary = Zipf(make_vocabulary(rng))
        tag_pool = self.make_tags(tags, vocabulary)
        tag_ranks = Zipf(tag_pool)
        image_pool = [self.make_image(f"synthetic-{seed}-{n}") for n in range(images)]
        now = timezone.now()
        for first in range(0, count, BATCH_SIZE):
            numbers = range(first, min(first + BATCH_SIZE, count))
            with transaction.atomic():
                briefings = Briefing.objects.bulk_create(
                    make_briefing(rng, seed, n, now, words, vocabulary, image_pool) for n in numbers
                )
                TaggedBriefing.objects.bulk_create(
                    TaggedBriefing(
                        content_object=briefing,
                        tag=tag,
                        counts_as_public=briefing.counts_as_public,
                        published_at=briefing.published_at,
                    )
                    for n, briefing in zip(numbers, briefings, strict=True)
                    for tag in choose_tags(rng, tag_ranks, tag_pool, n)
                )
                upkeep.finish([briefing.pk for briefing in briefings])
            self.stdout.write(
                f"{numbers.stop}/{count} briefings ({time.monotonic() - started:.0f} s)"
            )
        analyze()
        with transaction.atomic():
            # bulk_create sends no signals: the counts are derived afresh, as a repair would.
            derived.recount()
            derived.recount_pairs()
            derived.recount_sections()
            surrogate_keys.purge_after_commit({surrogate_keys.SITE})
        analyze()
        self.stdout.write(
            f"Created {count} briefings over {len(tag_pool)} tags "
            f"in {time.monotonic() - started:.0f} s."
        )

    def make_tags(self, count, vocabulary):
        """`count` tags, the leading names first; existing tags of the same name are reused."""
        names = unique_names(itertools.chain(LEADING_TAGS, tag_names(vocabulary)), count)
        existing = {tag.name_key: tag for tag in Tag.objects.with_names(names)}
        taken_slugs = set(Tag.objects.values_list("slug", flat=True))
        new_tags = []
        for name in names:
            if text.name_key(name) not in existing:
                tag = Tag(name=name)
                upkeep.fill_tag_fields(tag)
                tag.slug = unique_slug(tag.slugify(name), taken_slugs)
                new_tags.append(tag)
        Tag.objects.bulk_create(new_tags, batch_size=BATCH_SIZE)
        by_key = {tag.name_key: tag for tag in Tag.objects.with_names(names)}
        return [by_key[text.name_key(name)] for name in names]

    def make_image(self, seed):
        name = default_storage.save(f"briefings/originals/{seed}.png", generated_image(seed))
        with default_storage.open(name) as stored:
            return name, images.make_renditions(stored)


def analyze():
    """Fresh statistics for the query planner, which bulk loads leave behind."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


class Zipf:
    """Draws items with weights 1/rank, so the first few are drawn far more than the rest."""

    def __init__(self, items):
        self.items = items
        self.cumulative = list(itertools.accumulate(1 / rank for rank in range(1, len(items) + 1)))

    def draw(self, rng, k):
        return rng.choices(self.items, cum_weights=self.cumulative, k=k)


def make_vocabulary(rng):
    """Common words first, then made-up words of two or three syllables."""
    words = dict.fromkeys(COMMON_WORDS)
    while len(words) < VOCABULARY_SIZE:
        words["".join(rng.choices(SYLLABLES, k=rng.choice((2, 3))))] = None
    return list(words)


def tag_names(vocabulary):
    """Endless tag names: one or two words, now and then in another script."""
    rng = random.Random(0)
    while True:
        if rng.random() < 0.04:
            yield f"{rng.choice(OTHER_SCRIPTS)} {rng.randrange(1000)}"
        else:
            yield " ".join(vocabulary.draw(rng, rng.choice((1, 2, 2))))


def unique_names(candidates, count):
    """The first `count` candidates that differ ignoring case."""
    names = {}
    for name in candidates:
        names.setdefault(text.name_key(name), name)
        if len(names) == count:
            break
    return list(names.values())


def unique_slug(slug, taken):
    candidate, n = slug, 1
    while candidate in taken:
        candidate, n = f"{slug}_{n}", n + 1
    taken.add(candidate)
    return candidate


def choose_tags(rng, tag_ranks, tag_pool, n):
    """3 to 6 distinct tags by popularity, one of them from the tail so every tag is used."""
    wanted = min(rng.randint(3, 6), len(tag_pool), MAX_TAGS_PER_BRIEFING)
    chosen = {tag_pool[n % len(tag_pool)]} if n < len(tag_pool) else set()
    while len(chosen) < wanted:
        chosen.update(tag_ranks.draw(rng, wanted - len(chosen)))
    return chosen


def make_briefing(rng, seed, n, now, words, vocabulary, image_pool):
    roll = rng.random()
    if roll < DRAFT_SHARE:
        status, published_at = Status.DRAFT, None
    elif roll < DRAFT_SHARE + SCHEDULED_SHARE:
        status, published_at = Status.PUBLISHED, now + timedelta(hours=rng.randint(1, 24 * 30))
    else:
        age = timedelta(minutes=rng.randint(1, YEARS * 365 * 24 * 60))
        status, published_at = Status.PUBLISHED, now - age
    image_name, renditions = image_pool[n % len(image_pool)] if image_pool else ("", {})
    briefing = Briefing(
        title=sentence(rng, vocabulary, rng.randint(5, 10)).rstrip("."),
        slug=f"synthetic-{seed}-{n}",
        standfirst=sentence(rng, vocabulary, 30),
        body=synthetic_markdown(rng, vocabulary, words),
        lead_image=image_name,
        lead_image_alt="Generated abstract graphic" if image_name else "",
        renditions=renditions,
        status=status,
        published_at=published_at,
    )
    upkeep.fill_briefing_fields(briefing)
    briefing.counts_as_public = briefing.is_published_now
    return briefing


def sentence(rng, vocabulary, length):
    return " ".join(vocabulary.draw(rng, length)).capitalize() + "."


def synthetic_markdown(rng, vocabulary, words):
    """Paragraphs of about 100 words, with a heading every few paragraphs."""
    paragraphs = []
    for n in range(max(1, words // 100)):
        if n and n % 3 == 0:
            paragraphs.append("## " + sentence(rng, vocabulary, 3).rstrip("."))
        paragraphs.append(sentence(rng, vocabulary, 100))
    return "\n\n".join(paragraphs)
