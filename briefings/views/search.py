"""The search page: /search/?q=words&tag=slug&page=N.

Search pages are not in the page cache (any words make a new page, which would crowd
out the pages everyone reads) and ask search engines not to index them.
"""

from typing import NamedTuple

from django.db.models import Q
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django_ratelimit.decorators import ratelimit

from .. import search, text
from ..cards import most_used_topics, public_cards
from ..models import Tag
from ..tag_filters import MAX_FILTER_TAGS, named, rarest_first, tags_named
from .lookups import numbered_page

RESULTS_PER_PAGE = 10
NARROWING_SHOWN = 20
SUGGESTIONS_SHOWN = 6
MAX_QUERY_SHOWN = 200  # characters of the query repeated in the page's heading


class Result(NamedTuple):
    card: str  # the briefing's card, as HTML
    snippet: str | None  # a passage of its body with the words marked, as HTML


class SearchLink(NamedTuple):
    label: str
    url: str
    count: int | None = None


def search_url(query, slugs=(), **extra):
    parameters = [("q", query), *(("tag", slug) for slug in sorted(slugs)), *extra.items()]
    return reverse("briefings:search") + "?" + urlencode(parameters)


# A reader searches a few times a minute; a script asking for more is refused.
SEARCHES_PER_ADDRESS = "30/m"


@ratelimit(key="ip", rate=SEARCHES_PER_ADDRESS, block=True)
def search_page(request):
    """Published briefings with every word of ?q=, best first, within the ?tag= topics;
    help instead of results when there are no words, suggestions when nothing matches."""
    query = request.GET.get("q", "").strip()
    words = search.query_words(query)
    selected = selected_topics(request.GET.getlist("tag"))
    slugs = [tag.slug for tag in selected]
    found = search.ranked_ids(words, rarest_first(selected))
    page = numbered_page(request, found, RESULTS_PER_PAGE)
    context = {
        "query": query,
        "query_shown": query[:MAX_QUERY_SHOWN],
        "words": words,
        "words_dropped": len(search.query_words(query, limit=None)) > len(words),
        "slugs": slugs,
        "selected": [SearchLink(tag.name, search_url(query, set(slugs) - {tag.slug}))
                     for tag in selected],
        "found": len(found),
        "found_is_capped": len(found) == search.MAX_RESULTS,
        "page": page,
        "results": results(words, list(page.object_list)),
        "narrowing": narrowing(query, selected, found),
        "page_url": lambda number: search_url(query, slugs, page=number),
    }  # fmt: skip
    if words:
        context["named_topic"] = topic_named(query)
        context["query_key"] = text.name_key(query)
    if words and not found:
        context["suggestions"] = suggestions(query, words, selected)
        context["similar_topics"] = topics_named_like(words)
    if not words:
        context["topics"] = most_used_topics(SUGGESTIONS_SHOWN * 2)
    response = render(request, "briefings/search.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response


def selected_topics(slugs):
    """The tags a search is narrowed to, in use, by name; a 404 for any unknown one."""
    slugs = sorted(set(slugs))
    if len(slugs) > MAX_FILTER_TAGS:
        raise Http404(f"A search can be narrowed to at most {MAX_FILTER_TAGS} topics.")
    if not all(text.is_unicode_slug(slug) for slug in slugs):
        raise Http404("No such topic.")
    tags = [tag for tag in tags_named(slugs) if tag.published_count] if slugs else []
    if len(tags) != len(slugs):
        raise Http404("No such topic.")
    return sorted(tags, key=lambda tag: tag.sort_key)


def results(words, briefing_ids):
    """The page's briefings, in rank order, each with its card and passage."""
    shown = public_cards(briefing_ids)
    passages = search.snippets(words, [pk for pk, _ in shown])
    return [Result(card, passages.get(pk)) for pk, card in shown]


def narrowing(query, selected, found):
    """The topics the results carry most, each a link to the search within it too."""
    if not found or len(selected) >= MAX_FILTER_TAGS:
        return []
    slugs = {tag.slug for tag in selected}
    counts = Tag.objects.carried_by(found, NARROWING_SHOWN, excluding=[t.pk for t in selected])
    return [
        SearchLink(name, search_url(query, slugs | {slug}), count)
        for name, slug, _, count in named(list(counts))
    ]


def suggestions(query, words, selected):
    """Searches that find something when this one does not: within topics, the same
    words in every topic; without, the words with one left out. (Within topics each
    check costs about a search, so asking eight would cost eight searches.)"""
    if selected:
        if search.finds_any(words):
            return [SearchLink(f"“{' '.join(words)}” in every topic", search_url(query))]
        return []
    offered = []
    if len(words) > 1:
        for left_out in words:
            fewer = [word for word in words if word != left_out]
            if len(offered) < SUGGESTIONS_SHOWN and search.finds_any(fewer):
                offered.append(SearchLink(f"“{' '.join(fewer)}”", search_url(" ".join(fewer))))
    return offered


def topic_named(query):
    """The topic in use that the whole query names, by its name or another name."""
    if len(query) > MAX_QUERY_SHOWN or "\x00" in query:  # no name has it; PostgreSQL refuses it
        return None
    key = text.name_key(query)
    named = Tag.objects.in_use().filter(Q(name_key=key) | Q(other_names__name_key=key))
    return named.first()


def topics_named_like(words):
    """Topics in use whose names contain one of the words, most used first."""
    named_like = Q()
    for word in words:
        named_like |= Q(name_key__contains=word)
    tags = Tag.objects.in_use().filter(named_like).by_use()[:SUGGESTIONS_SHOWN]
    return [SearchLink(tag.name, tag.get_absolute_url(), tag.published_count) for tag in tags]
