"""What the public pages share: the public address, numbered pages, where a briefing's
former address leads, and a filter's topics by their addresses, with the answers a
look-up gives instead of the page (a redirect to the canonical address, a 404 that
offers what exists)."""

import functools
from typing import NamedTuple

from django.conf import settings
from django.core.paginator import InvalidPage, Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from .. import text
from ..caching.surrogate_keys import tag_page
from ..models import Briefing, FormerAddress, TaggedBriefing
from ..tag_filters import (
    MAX_FILTER_TAGS,
    briefings_with_all,
    filter_url,
    newest_carrying_all,
    rarest_first,
    tags_named,
    topics_moved,
)


class Answered(Exception):
    """A look-up found the answer to give instead of the page (a redirect to the
    canonical address, a 404 page offering what exists); @answers_lookups gives it."""

    def __init__(self, response):
        super().__init__(response.status_code)
        self.response = response


def answers_lookups(view):
    """Give the answer a look-up raised (Answered) instead of the view's page."""

    @functools.wraps(view)
    def answer(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except Answered as answered:
            return answered.response

    return answer


def public_address():
    """The site's public address (SITE_URL), never the host a request names: a request
    with a foreign Host must not change links that cached pages show everyone."""
    return settings.SITE_URL


def numbered_page(request, items, per_page):
    """Page ?page=N of a short list (its pages are numbered, unlike the archive's); 404
    for a page that is not there."""
    try:
        return Paginator(items, per_page).page(request.GET.get("page", 1))
    except InvalidPage:
        raise Http404("No such page.") from None


def former_address(request, slug):
    """Where a public briefing's old address leads: a 301 to it, or 410 if it was deleted."""
    briefing = briefing_formerly_at(slug)
    if briefing is None:
        return render(request, "410.html", status=410)
    return redirect(briefing, permanent=True)


def briefing_formerly_at(slug):
    """The public briefing this old address leads to; None if it was deleted. Raises
    Http404 if it leads nowhere a reader may go."""
    former = FormerAddress.objects.select_related("briefing").filter(slug=slug).first()
    if former is None or (former.briefing and not former.briefing.is_published_now):
        raise Http404("No such briefing.")
    return former.briefing


def with_byline(briefings, fields=()):
    """These briefings, with these fields (else all) and what their byline shows of
    their author, in the same query."""
    fields = fields or [field.name for field in Briefing._meta.concrete_fields]
    return briefings.select_related("author").only(
        *fields, "author__first_name", "author__last_name"
    )


def tag_pages(slugs):
    return {tag_page(slug) for slug in slugs}


class TagFilter(NamedTuple):
    tags: list  # the tags named, by name
    count: int  # how many briefings carry them all: exact for one or two tags, else
    # counted up to one more than the narrowing sample
    newest: list | None  # for three tags or more, the ids of the newest that carry all


def find_filter(request, slugs):
    """The TagFilter a URL names; Answered with a redirect when the URL is not the
    canonical spelling, or with a 404 that offers the nearest combinations when the tags
    together select nothing."""
    wanted = sorted({text.fold(slug) for slug in slugs} - {""})
    if not 0 < len(wanted) <= MAX_FILTER_TAGS:
        raise Http404(f"A filter names one to {MAX_FILTER_TAGS} tags.")
    if not all(text.is_unicode_slug(slug) for slug in wanted):
        raise Http404("No such tag.")
    selected = [tag for tag in tags_named(wanted) if tag.published_count]
    # Where tags went (renamed, merged) first, so that any address leads home in one hop.
    if len(selected) != len(wanted):
        raise Answered(tags_moved(request, wanted, selected))
    if wanted != slugs:
        raise Answered(same_page_for(request, wanted))
    selected.sort(key=lambda tag: tag.sort_key)
    newest = newest_carrying_all(selected) if len(selected) > 2 else None
    count = briefings_with_all(selected, newest)
    if not count:
        raise Answered(no_briefings_with_all(request, selected))
    return TagFilter(selected, count, newest)


def tags_moved(request, wanted, found):
    """A 301 to the topics that former slugs (renamed, merged) or other names' slugs
    lead to; else the tags are unknown (404). One query for both."""
    missing = set(wanted) - {tag.slug for tag in found}
    moved = {slug: tag.slug for slug, tag in topics_moved(missing).items()}
    if set(moved) != missing:
        raise Http404("No such tag.")
    return same_page_for(request, sorted({moved.get(slug, slug) for slug in wanted}))


def same_page_for(request, slugs):
    """A permanent redirect to this page (a filter, its topics or feeds) for these
    tag slugs, with the same query."""
    path = reverse(request.resolver_match.view_name, kwargs={"slugs": slugs})
    query = request.META.get("QUERY_STRING", "")
    return redirect(f"{path}?{query}" if query else path, permanent=True)


def no_briefings_with_all(request, selected):
    """A 404 that offers each tag alone and the combinations one tag smaller that hold some."""
    nearest = []
    if len(selected) > 2:
        for left_out in selected:
            rest = [tag for tag in selected if tag != left_out]
            if TaggedBriefing.objects.public_with_all(rarest_first(rest)).exists():
                nearest.append({"tags": rest, "url": filter_url([tag.slug for tag in rest])})
    context = {"selected": selected, "nearest": nearest}
    return render(request, "briefings/no_match.html", context, status=404)


RETRY_AFTER_SECONDS = 60


def too_many_requests(request, exception):
    """The answer past a rate limit (settings.RATELIMIT_VIEW): 429, with when to retry."""
    response = render(request, "429.html", {"seconds": RETRY_AFTER_SECONDS}, status=429)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
