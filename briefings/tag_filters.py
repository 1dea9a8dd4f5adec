"""A combination of tags: the tags a URL names, how many briefings carry them all,
and the further tags that would narrow it, each at a cost that does not grow with
the archive.
"""

from typing import NamedTuple

from django.urls import reverse

from .models import FormerTagSlug, OtherName, Tag, TaggedBriefing, TagPair, tag_filter_url

MAX_FILTER_TAGS = 6
# "Narrow down" on a combination of tags ranks further tags among its newest
# briefings, so that its cost stays flat however many briefings it holds.
NARROWING_SAMPLE = 100
NARROWING_SHOWN = 30
MORE_NARROWING_SHOWN = 300


class SelectedTopic(NamedTuple):
    tag: Tag
    remove_url: str  # the filter without it


class FurtherTopic(NamedTuple):
    name: str
    count: int  # briefings that adding it would leave
    url: str  # the filter with it


def briefings_with_all(tags, newest=None):
    """How many public briefings carry all these tags: exact for one or two, counted
    up to one more than the narrowing sample for more (in `newest`, if read already)."""
    if len(tags) == 1:
        return tags[0].published_count
    if len(tags) == 2:
        return sum(count for (count,) in _pair_count(tags[0].pk, tags[1].pk))
    return len(newest if newest is not None else newest_carrying_all(tags))


def newest_carrying_all(tags):
    """The ids of the newest public briefings carrying all these tags, up to one more
    than the narrowing sample: for three tags or more, both their count and the sample
    the narrowing is ranked in, read once."""
    return _newest_carrying_all(rarest_first(tags), limit=NARROWING_SAMPLE + 1)


def tags_named(slugs):
    """The tags with these slugs, in use or not."""
    return [Tag(**dict(zip(TAG_FIELDS, row, strict=True))) for row in _tags_named(slugs)]


def topics_moved(slugs):
    """{slug: topic in use} for those of these slugs that are a topic's former address
    (renamed, merged) or another name's: one query for both. The topics carry their id,
    slug and count."""
    fields = ("slug", "tag", "tag__slug", "tag__published_count")
    former = FormerTagSlug.objects.filter(slug__in=slugs, tag__published_count__gt=0)
    other = OtherName.objects.filter(slug__in=slugs, tag__published_count__gt=0).order_by()
    rows = former.values_list(*fields).union(other.values_list(*fields))  # no order in a UNION
    return {slug: Tag(pk=pk, slug=to, published_count=count) for slug, pk, to, count in rows}


TAG_FIELDS = ("id", "name", "slug", "sort_key", "published_count", "description_html", "kind")


# By slug alone, then in use: the planner need not know how counts are spread.
def _tags_named(slugs):
    return list(Tag.objects.filter(slug__in=slugs).values_list(*TAG_FIELDS))


def _pair_count(tag_id, other_id):
    return list(TagPair.objects.filter(tag=tag_id, other=other_id).values_list("count"))


def _newest_carrying_all(tag_ids, limit):
    links = TaggedBriefing.objects.public_with_all(tag_ids)
    newest = links.order_by("-published_at", "-content_object_id")
    return list(newest.values_list("content_object", flat=True)[:limit])


def rarest_first(tags):
    return [tag.pk for tag in sorted(tags, key=lambda tag: tag.published_count)]


def narrowing_links(selected, limit, newest=None):
    """Further tags, ranked by how many briefings adding each would leave.

    For one tag the counts are exact, kept in TagPair; for a combination they are
    counted among its newest briefings (a sample: `newest`, if read already), which
    keeps the cost flat.
    """
    if len(selected) >= MAX_FILTER_TAGS:
        return []
    slugs = [tag.slug for tag in selected]
    if len(selected) == 1:
        further = _shared_with(selected[0].pk, limit=limit + 1)
    else:
        further = named(_carried_by_newest(rarest_first(selected), limit + 1, newest))
    return [
        FurtherTopic(name, count, filter_url(slugs, add=slug)) for name, slug, _, count in further
    ]


def _shared_with(tag_id, limit):
    return list(TagPair.objects.shared_with(tag_id, limit))


def named(counts):
    """Rows of (name, slug, sort key, count) from (tag id, count), most first, then by name."""
    names = {pk: (name, slug, key) for pk, name, slug, key in _names_of([pk for pk, _ in counts])}
    rows = [(*names[pk], count) for pk, count in counts]
    return sorted(rows, key=lambda row: (-row[3], row[2]))


def _names_of(tag_ids):
    return list(Tag.objects.filter(pk__in=tag_ids).values_list("pk", "name", "slug", "sort_key"))


def _carried_by_newest(tag_ids, limit, newest=None):
    if newest is not None:
        sample = newest[:NARROWING_SAMPLE]
    else:
        links = TaggedBriefing.objects.public_with_all(tag_ids)
        newest_first = links.order_by("-published_at", "-content_object_id")
        sample = newest_first.values_list("content_object", flat=True)[:NARROWING_SAMPLE]
    return list(Tag.objects.carried_by(sample, limit, excluding=tag_ids))


def filter_url(slugs, add=None, remove=None):
    """The filter page for these slugs with one added or removed; home when none remain."""
    new_slugs = tuple(sorted({*slugs, add} - {remove, None}))
    if not new_slugs:
        return reverse("briefings:home")
    return tag_filter_url(new_slugs)
