"""The A–Z of topics: one section a page, paged by name, so no page grows with the archive.

`/tags/?section=b` lists the topics under B; `&after=<slug>` continues after that
topic. Names starting with a digit or a letter outside A–Z are under "other".
"""

from django.http import Http404

from .models import OTHER_INITIAL, IndexSection, Tag

SECTIONS = [*"abcdefghijklmnopqrstuvwxyz", "other"]
SECTION_PAGE_SIZE = 200


def read_index_query(query):
    """(section, after-slug) from a query string; (None, None) for the index's front page.

    Raises ValueError for a section that does not exist.
    """
    section = query.get("section")
    if section is None:
        return None, None
    section = section.strip().lower()
    if section not in SECTIONS:
        raise ValueError("no such section")
    return section, query.get("after") or None


def index_query_key(query):
    section, after = read_index_query(query)
    return "" if section is None else f"section={section}&after={after or ''}"


def _initial(section):
    return OTHER_INITIAL if section == "other" else section


SECTION_INITIALS = [_initial(section) for section in SECTIONS]


def sections_in_use():
    """The sections that hold a topic in use, in A–Z order (their stored counts)."""
    held = set(IndexSection.objects.filter(topics_in_use__gt=0).values_list("initial", flat=True))
    return [section for section in SECTIONS if _initial(section) in held]


def tags_in_section(section, after):
    """A page of the topics in one section, and the slug to continue after, if any.

    Raises Http404 when `after` names no topic in use in this section.
    """
    tags = Tag.objects.in_use().filter(initial=_initial(section))
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
