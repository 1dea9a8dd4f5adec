"""What a list shows of each briefing, read as plain rows rather than models.

List pages render a dozen cards on every cache miss; plain rows, one query for all
their tags, queries compiled once (compiled.py) and URLs reversed once
(models.briefing_url, models.tag_filter_url) keep that cheap.
"""

from dataclasses import dataclass

from django.utils.dates import MONTHS
from django.utils.timezone import get_current_timezone

from . import images
from .compiled import compiled_once
from .models import Tag, TaggedBriefing, briefing_url, tag_filter_url

# The briefing's id comes first: lists page by it.
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
    url: str
    title: str
    standfirst: str
    published_at: str  # for <time datetime="...">
    published_on: str  # "28 November 2026"
    image: dict | None
    image_alt: str
    tags: list


def card_rows(rows, briefing_field="pk"):
    """These briefings, or the briefings these links point to, as rows of CARD_FIELDS."""
    prefix = "" if briefing_field == "pk" else f"{briefing_field}__"
    return rows.values_list(*(prefix + field for field in CARD_FIELDS))


def tag_links(briefing_ids):
    """Each of these briefings' tags, alphabetical, as name and URL, in one query."""
    tags = {}
    for briefing_id, name, slug in _tags_of(list(briefing_ids)):
        tags.setdefault(briefing_id, []).append(TagLink(name, tag_filter_url((slug,))))
    for links_of_one in tags.values():
        links_of_one.sort(key=lambda tag: tag.name.casefold())
    return tags


@compiled_once
def _tags_of(briefing_ids):
    links = TaggedBriefing.objects.filter(content_object__in=briefing_ids)
    return links.values_list("content_object", "tag__name", "tag__slug")


def most_used_topics(limit):
    """The `limit` tags public briefings carry most, with their counts."""
    return [
        Topic(name, tag_filter_url((slug,)), count) for name, slug, count in _most_used(limit=limit)
    ]


@compiled_once
def _most_used(limit):
    return Tag.objects.most_used().values_list("name", "slug", "published_count")[:limit]


def cards(rows):
    """Cards from rows of CARD_FIELDS, in their order, each with its tags alphabetical."""
    tags = tag_links([row[0] for row in rows])
    # The time zone and month names once for the list, not once a card.
    zone = get_current_timezone()
    months = {number: str(name) for number, name in MONTHS.items()}
    return [
        Card(
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
