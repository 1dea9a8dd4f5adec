"""What a list shows of each briefing: its card, rendered when the briefing changes.

List pages show a dozen cards on every cache miss. Each card is rendered once, when
something it shows changes (the briefing, its tags, a tag's name), and stored on the
briefing by briefings/upkeep.py with the format it was rendered in: a fingerprint of the
card template and of the settings that shape its text and links. A list reads the
stored cards in the same query as the briefings and renders afresh only those of
another format (after a deploy changed the template, say, until
`manage.py rebuild_derived --only cards` stores them again).
"""

import functools
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.template import engines
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.timezone import get_current_timezone
from markupsafe import Markup

from . import images, text
from .models import Briefing, Tag, TaggedBriefing, briefing_url, tag_filter_url

CARD_TEMPLATE = "briefings/_card.html"
# What a list reads of each briefing; the id comes first: lists page by it.
LISTED_FIELDS = ("pk", "card_html", "card_format")
# What a card shows.
CARD_FIELDS = ("pk", "slug", "title", "standfirst", "published_at", "renditions", "lead_image_alt")


@dataclass(frozen=True, slots=True)
class TagLink:
    name: str
    url: str


@dataclass(frozen=True, slots=True)
class Topic:
    name: str
    url: str
    count: int  # public briefings that carry it


@dataclass(frozen=True, slots=True)
class Card:
    id: int
    url: str
    title: str
    standfirst: str
    published_at: str  # for <time datetime="...">
    published_on: str  # "28 November 2026"
    image: dict | None
    image_alt: str
    tags: list


def listed_rows(rows, briefing_field="pk", fields=LISTED_FIELDS):
    """These briefings, or the briefings these links point to, as rows of `fields`
    (LISTED_FIELDS unless given)."""
    prefix = "" if briefing_field == "pk" else f"{briefing_field}__"
    return rows.values_list(*(prefix + field for field in fields))


def listed_cards(rows):
    """The cards of rows of LISTED_FIELDS, in order, as HTML: stored, or rendered
    afresh where stored in another format."""
    current = card_format()
    stale = [pk for pk, _, stored_format in rows if stored_format != current]
    fresh = render_cards(stale) if stale else {}
    return [Markup(fresh[pk] if pk in fresh else html) for pk, html, _ in rows]


def public_cards(briefing_ids):
    """The cards of those of these briefings that are public, in the order given, as
    (id, card) pairs: a ranked list (search, related) keeps its order."""
    if not briefing_ids:
        return []
    rows = {row[0]: row for row in _public_rows(timezone.now(), list(briefing_ids))}
    shown = [rows[pk] for pk in briefing_ids if pk in rows]
    return list(zip((row[0] for row in shown), listed_cards(shown), strict=True))


def _public_rows(now, briefing_ids):
    # Unordered: the caller puts them in its own order.
    public = Briefing.objects.published(at=now).filter(pk__in=briefing_ids).order_by()
    return list(listed_rows(public))


def render_cards(briefing_ids):
    """These briefings' cards as HTML, by id; a briefing never dated has none."""
    briefings = Briefing.objects.filter(pk__in=briefing_ids, published_at__isnull=False)
    template = engines["jinja2"].get_template(CARD_TEMPLATE)
    return {
        card.id: template.render({"card": card})
        for card in cards(briefings.values_list(*CARD_FIELDS))
    }


def card_format():
    """The fingerprint of how cards are rendered now."""
    return _card_format(
        _card_template_source(), settings.TIME_ZONE, settings.MEDIA_URL, get_script_prefix()
    )


@functools.lru_cache(maxsize=16)
def _card_format(*things):
    return hashlib.sha256(repr(things).encode()).hexdigest()[:16]


@functools.lru_cache(maxsize=1)
def _card_template_source():
    environment = engines["jinja2"].env
    source, _, _ = environment.loader.get_source(environment, CARD_TEMPLATE)
    return source


def tag_links(briefing_ids):
    """Each of these briefings' tags, in a reader's order, as name and URL, in one query."""
    tags = {}
    for briefing_id, name, slug in _tags_of(list(briefing_ids)):
        tags.setdefault(briefing_id, []).append((name, slug))
    return {briefing_id: links_in_order(names) for briefing_id, names in tags.items()}


def links_in_order(names_and_slugs):
    """TagLinks for (name, slug) pairs, sorted ignoring case and accents."""
    links = (TagLink(name, tag_filter_url((slug,))) for name, slug in names_and_slugs)
    return sorted(links, key=lambda tag: text.sort_key(tag.name))


def _tags_of(briefing_ids):
    links = TaggedBriefing.objects.filter(content_object__in=briefing_ids)
    return list(links.values_list("content_object", "tag__name", "tag__slug"))


def most_used_topics(limit):
    """The `limit` tags public briefings carry most, with their counts."""
    return [
        Topic(name, tag_filter_url((slug,)), count) for name, slug, count in _most_used(limit=limit)
    ]


def _most_used(limit):
    return list(Tag.objects.most_used().values_list("name", "slug", "published_count")[:limit])


def cards(rows):
    """Cards from rows of CARD_FIELDS, in their order, each with its tags alphabetical."""
    tags = tag_links([row[0] for row in rows])
    # The time zone and month names once for the list, not once a card.
    zone = get_current_timezone()
    months = {number: str(name) for number, name in MONTHS.items()}
    return [
        Card(
            id=pk,
            url=briefing_url(slug),
            title=title,
            standfirst=standfirst,
            published_at=(local := published_at.astimezone(zone)).isoformat(timespec="seconds"),
            published_on=f"{local.day} {months[local.month]} {local.year}",
            image=images.picture(renditions, "thumb"),
            image_alt=alt,
            tags=tags.get(pk, []),
        )
        for pk, slug, title, standfirst, published_at, renditions, alt in rows
    ]
