"""The A–Z of topics: one section a page, paged by name, so no page grows with the archive.

`/tags/?section=b` lists the topics under B, `/tags/?kind=country` the countries;
`&after=<slug>` continues after that topic. Names starting with a digit or a letter
outside A–Z are under "other".
"""

from typing import NamedTuple

from django.http import Http404

from .models import OTHER_INITIAL, IndexSection, Kind, Tag

SECTIONS = [*"abcdefghijklmnopqrstuvwxyz", "other"]
SECTION_PAGE_SIZE = 200


class IndexPart(NamedTuple):
    """One page of the index: a section ("b", "other") or a kind ("country"), and the
    topic it continues after."""

    section: str | None = None
    kind: str | None = None
    after: str | None = None

    @property
    def is_front(self):
        return self.section is None and self.kind is None


def read_index_query(query):
    """The IndexPart a query string asks for; the front page's for none.

    Raises ValueError for a section or kind that does not exist, or both at once.
    """
    section, kind = query.get("section"), query.get("kind")
    if section is not None and kind is not None:
        raise ValueError("a section or a kind, not both")
    after = query.get("after") or None
    if section is not None:
        section = section.strip().lower()
        if section not in SECTIONS:
            raise ValueError("no such section")
        return IndexPart(section=section, after=after)
    if kind is not None:
        if kind not in Kind.values:
            raise ValueError("no such kind")
        return IndexPart(kind=kind, after=after)
    return IndexPart()


def index_query_key(query):
    part = read_index_query(query)
    if part.is_front:
        return ""
    return f"section={part.section or ''}&kind={part.kind or ''}&after={part.after or ''}"


def _initial(section):
    return OTHER_INITIAL if section == "other" else section


SECTION_INITIALS = [_initial(section) for section in SECTIONS]


def sections_in_use():
    """The sections that hold a topic in use, in A–Z order (their stored counts)."""
    held = set(IndexSection.objects.filter(topics_in_use__gt=0).values_list("initial", flat=True))
    return [section for section in SECTIONS if _initial(section) in held]


def tags_in_part(part):
    """A page of the topics in one section or of one kind, and the slug to continue
    after, if any.

    Raises Http404 when `after` names no topic in use in this part.
    """
    tags = Tag.objects.in_use()
    if part.section:
        tags = tags.filter(initial=_initial(part.section))
    else:
        tags = tags.filter(kind=part.kind)
    after = part.after
    if after:
        anchor = tags.filter(slug=after).values_list("sort_key", flat=True).first()
        if anchor is None:
            raise Http404("No such topic in this section.")
        tags = tags.filter(sort_key__gt=anchor)
    found = list(tags.order_by("sort_key")[: SECTION_PAGE_SIZE + 1])
    shown = found[:SECTION_PAGE_SIZE]
    return {
        "tags": shown,
        "continue_after": shown[-1].slug if len(found) > SECTION_PAGE_SIZE else None,
    }
