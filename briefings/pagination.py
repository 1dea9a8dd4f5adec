"""Newest-first lists paged by cursor, so the 500th page costs what the first does.

`?before=<id>` lists the briefings older than briefing <id>, `?after=<id>` those newer.
The cursor names a public briefing; one that names none is a 404. A page is read from
an index on (published_at, id), of the briefings or of one tag's links, with no OFFSET
and no COUNT(*).
"""

from dataclasses import dataclass, field

from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from .cards import LISTED_FIELDS, listed_cards, listed_rows
from .models import Briefing, TaggedBriefing, published_condition

PAGE_SIZE = 12
CURSOR_DIRECTIONS = ("before", "after")  # "before" wins when a request has both
MAX_CURSOR = 2**63 - 1


@dataclass(frozen=True)
class Cursor:
    direction: str
    briefing_id: int


@dataclass
class Page:
    briefings: list  # their cards, as HTML
    newer: Cursor | None
    older: Cursor | None
    ids: list = field(default_factory=list)  # the briefings', in the same order


def read_cursor(query):
    """The cursor in a query string, or None; ValueError if it is not a briefing id."""
    for direction in CURSOR_DIRECTIONS:
        value = query.get(direction)
        if value:
            if not (value.isascii() and value.isdigit()) or not 0 < int(value) <= MAX_CURSOR:
                raise ValueError(f"{direction} takes a briefing number")
            return Cursor(direction, int(value))
    return None


def cursor_query_key(query):
    """The canonical spelling of a list's cursor: ?before=007 is ?before=7."""
    cursor = read_cursor(query)
    return f"{cursor.direction}={cursor.briefing_id}" if cursor else ""


def newest_first(request, tag_ids=()):
    """The page of public briefings, as cards, that the request's cursor asks for.

    All of them, or those that carry every one of `tag_ids` (rarest tag first).
    Raises Http404 for a malformed cursor or one that names no public briefing. A
    "newer" page that would reach the newest briefing is the list's first page.
    """
    try:
        cursor = read_cursor(request.GET)
    except ValueError:
        raise Http404("No such page.") from None
    now, tag_ids = timezone.now(), list(tag_ids)
    if cursor is None:
        return _page(_newest(now, tag_ids), has_newer=False)
    anchor = _publication_time(now, cursor.briefing_id)
    if not anchor:
        raise Http404("This page of the list no longer exists.")
    (anchor_at,) = anchor[0]
    if cursor.direction == "before":
        return _page(_older(tag_ids, anchor_at, cursor.briefing_id), has_newer=True)
    found = _newer(now, tag_ids, anchor_at, cursor.briefing_id)
    if len(found) <= PAGE_SIZE:
        return _page(_newest(now, tag_ids), has_newer=False)
    shown = found[PAGE_SIZE - 1 :: -1]
    return Page(
        listed_cards(shown),
        newer=_cursor("after", shown[0]),
        older=_cursor("before", shown[-1]),
        ids=[row[0] for row in shown],
    )


def listing(now, tag_ids):
    """The public briefings, or the live links of those carrying all these tags, and
    the name of the briefing's id in them. Both have a published_at to page by."""
    if not tag_ids:
        return Briefing.objects.published(at=now), "pk"
    links = TaggedBriefing.objects.public_with_all(tag_ids)
    return links.filter(published_condition("content_object__", at=now)), "content_object"


def oldest_first(request, tag_ids, fields, size):
    """A page of the public briefings that carry all these tags, in the order they came
    out (`?after=<id>` continues after a briefing, `?before=<id>` goes back from one), as
    rows of `fields` (the id first), with the ids to page earlier and later from, or None
    at either end. Raises Http404 for a cursor as newest_first does."""
    try:
        cursor = read_cursor(request.GET)
    except ValueError:
        raise Http404("No such page.") from None
    now, tag_ids, shape = timezone.now(), list(tag_ids), {"fields": fields, "limit": size + 1}
    if cursor is None:
        found = _oldest(now, tag_ids, **shape)
        shown, more_earlier, more_later = found[:size], False, len(found) > size
    else:
        anchor = _publication_time(now, cursor.briefing_id)
        if not anchor:
            raise Http404("This page of the list no longer exists.")
        (anchor_at,) = anchor[0]
        if cursor.direction == "after":
            found = _newer(now, tag_ids, anchor_at, cursor.briefing_id, **shape)
            shown, more_earlier, more_later = found[:size], True, len(found) > size
        else:
            found = _older(tag_ids, anchor_at, cursor.briefing_id, **shape)
            shown, more_earlier, more_later = found[:size][::-1], len(found) > size, True
    earlier = shown[0][0] if shown and more_earlier else None
    later = shown[-1][0] if shown and more_later else None
    return shown, earlier, later


def _newest(now, tag_ids, fields=LISTED_FIELDS, limit=PAGE_SIZE + 1):
    rows, briefing = listing(now, tag_ids)
    newest_first = rows.order_by("-published_at", f"-{id_column(briefing)}")
    return list(listed_rows(newest_first, briefing, fields)[:limit])


def _oldest(now, tag_ids, fields=LISTED_FIELDS, limit=PAGE_SIZE + 1):
    rows, briefing = listing(now, tag_ids)
    oldest = rows.order_by("published_at", id_column(briefing))
    return list(listed_rows(oldest, briefing, fields)[:limit])


def _publication_time(now, briefing_id):
    return list(
        Briefing.objects.published(at=now).filter(pk=briefing_id).values_list("published_at")
    )


# Older briefings are those public at the anchor's time (which has come) and before
# the anchor; judging them at that time, and repeating its date on its own, makes
# the index scan start there rather than at the newest briefing.
def _older(tag_ids, anchor_at, anchor_id, fields=LISTED_FIELDS, limit=PAGE_SIZE + 1):
    rows, briefing = listing(anchor_at, tag_ids)
    older = Q(published_at__lte=anchor_at) & (
        Q(published_at__lt=anchor_at)
        | Q(published_at=anchor_at, **{f"{id_column(briefing)}__lt": anchor_id})
    )
    newest_first = rows.filter(older).order_by("-published_at", f"-{id_column(briefing)}")
    return list(listed_rows(newest_first, briefing, fields)[:limit])


def _newer(now, tag_ids, anchor_at, anchor_id, fields=LISTED_FIELDS, limit=PAGE_SIZE + 1):
    rows, briefing = listing(now, tag_ids)
    newer = Q(published_at__gte=anchor_at) & (
        Q(published_at__gt=anchor_at)
        | Q(published_at=anchor_at, **{f"{id_column(briefing)}__gt": anchor_id})
    )
    oldest = rows.filter(newer).order_by("published_at", id_column(briefing))
    return list(listed_rows(oldest, briefing, fields)[:limit])


def id_column(briefing):
    """The briefing's id column: ordering by the relation itself would follow the
    briefing's default ordering instead."""
    return "pk" if briefing == "pk" else f"{briefing}_id"


def _page(found, has_newer):
    shown = found[:PAGE_SIZE]
    return Page(
        listed_cards(shown),
        newer=_cursor("after", shown[0]) if has_newer and shown else None,
        older=_cursor("before", shown[-1]) if len(found) > PAGE_SIZE else None,
        ids=[row[0] for row in shown],
    )


def _cursor(direction, row):
    return Cursor(direction, row[0])  # rows start with the briefing's id
