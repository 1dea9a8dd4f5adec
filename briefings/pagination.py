"""Newest-first lists paged by cursor, so the 500th page costs what the first does.

`?before=<id>` lists the briefings older than briefing <id>, `?after=<id>` those newer.
The cursor names a public briefing; one that names none is a 404. A page is read from
an index on (published_at, id), of the briefings or of one tag's links, with no OFFSET
and no COUNT(*).
"""

from dataclasses import dataclass

from django.db.models import Q
from django.http import Http404

from .cards import card_rows, cards
from .models import Briefing

PAGE_SIZE = 12
CURSOR_DIRECTIONS = ("before", "after")  # "before" wins when a request has both
MAX_CURSOR = 2**63 - 1


@dataclass(frozen=True)
class Cursor:
    direction: str
    briefing_id: int


@dataclass
class Page:
    briefings: list  # of cards.Card
    newer: Cursor | None
    older: Cursor | None


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


def newest_first(request, rows, briefing_field="pk"):
    """The page of briefings, as cards, that the request's cursor asks for.

    `rows` are briefings, or links to them (then `briefing_field` names the briefing),
    each with a published_at to page by. Raises Http404 for a malformed cursor or one
    that names no public briefing. A "newer" page that would reach the newest briefing
    is the list's first page.
    """
    try:
        cursor = read_cursor(request.GET)
    except ValueError:
        raise Http404("No such page.") from None
    listing = card_rows(rows.order_by("-published_at", f"-{briefing_field}"), briefing_field)
    if cursor is None:
        return _page(list(listing[: PAGE_SIZE + 1]), has_newer=False)
    anchor = (
        Briefing.objects.published()
        .filter(pk=cursor.briefing_id)
        .values_list("published_at", flat=True)
        .first()
    )
    if anchor is None:
        raise Http404("This page of the list no longer exists.")
    # Each condition repeats the anchor's date on its own, so that the index scan
    # starts there rather than filtering every newer row on the way.
    if cursor.direction == "before":
        older = Q(published_at__lte=anchor) & (
            Q(published_at__lt=anchor)
            | Q(published_at=anchor, **{f"{briefing_field}__lt": cursor.briefing_id})
        )
        return _page(list(listing.filter(older)[: PAGE_SIZE + 1]), has_newer=True)
    newer = Q(published_at__gte=anchor) & (
        Q(published_at__gt=anchor)
        | Q(published_at=anchor, **{f"{briefing_field}__gt": cursor.briefing_id})
    )
    oldest_first = listing.filter(newer).order_by("published_at", briefing_field)
    found = list(oldest_first[: PAGE_SIZE + 1])
    if len(found) <= PAGE_SIZE:
        return _page(list(listing[: PAGE_SIZE + 1]), has_newer=False)
    shown = found[PAGE_SIZE - 1 :: -1]
    return Page(cards(shown), newer=_cursor("after", shown[0]), older=_cursor("before", shown[-1]))


def _page(found, has_newer):
    shown = found[:PAGE_SIZE]
    return Page(
        cards(shown),
        newer=_cursor("after", shown[0]) if has_newer and shown else None,
        older=_cursor("before", shown[-1]) if len(found) > PAGE_SIZE else None,
    )


def _cursor(direction, row):
    return Cursor(direction, row[0])  # rows start with the briefing's id
