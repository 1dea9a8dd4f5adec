"""The topics index and the pages of a topic or a combination of topics."""

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from ..caching.page_cache import public_page
from ..caching.surrogate_keys import TAG_COUNTS
from ..cards import most_used_topics
from ..models import Kind, OtherName
from ..pagination import cursor_query_key, newest_first
from ..tag_filters import (
    MORE_NARROWING_SHOWN,
    NARROWING_SAMPLE,
    NARROWING_SHOWN,
    SelectedTopic,
    filter_url,
    narrowing_links,
    rarest_first,
)
from ..tag_index import index_query_key, read_index_query, sections_in_use, tags_in_part
from .lookups import answers_lookups, find_filter, tag_pages

INDEX_TOP_TOPICS = 60


@public_page(depends_on=lambda: {TAG_COUNTS}, query_key=index_query_key)
def tag_index(request):
    """The most used topics, an A–Z of all of them, one letter a page, and each kind."""
    try:
        part = read_index_query(request.GET)
    except ValueError:
        raise Http404("No such part of the topics index.") from None
    if part.is_front:
        context = {"top_topics": most_used_topics(INDEX_TOP_TOPICS)}
    else:
        context = {"section": part.section, "kind": part.kind and Kind(part.kind),
                   **tags_in_part(part)}  # fmt: skip
    context["sections"] = sections_in_use()
    context["kinds"] = list(Kind)
    return render(request, "briefings/tag_index.html", context)


@public_page(depends_on=tag_pages, query_key=cursor_query_key)
@answers_lookups
def tag_filter(request, slugs):
    """Published briefings that carry every tag in the URL, with ways to narrow further."""
    selected, count, newest = find_filter(request, slugs)
    wanted = [tag.slug for tag in selected]
    narrowing = narrowing_links(selected, NARROWING_SHOWN, newest)
    context = {
        "selected": [SelectedTopic(tag, filter_url(wanted, remove=tag.slug)) for tag in selected],
        "follow_url": reverse("briefings:tag_follow", kwargs={"slugs": wanted}),
        "count": count,
        "count_is_lower_bound": len(selected) > 2 and count > NARROWING_SAMPLE,
        "narrowing_is_sampled": len(selected) > 1 and count > NARROWING_SAMPLE,
        "sample_size": NARROWING_SAMPLE,
        "narrowing": narrowing[:NARROWING_SHOWN],
        "more_topics_url": reverse("briefings:more_topics", kwargs={"slugs": wanted})
        if len(narrowing) > NARROWING_SHOWN
        else None,
        "page": newest_first(request, tag_ids=rarest_first(selected)),
        "other_names": list(OtherName.objects.filter(tag=selected[0]).values("name", "lang"))
        if len(selected) == 1
        else [],
        "timeline_url": reverse("briefings:timeline", kwargs={"slugs": wanted})
        if len(wanted) == 1
        else None,
        "feeds": {
            kind: reverse(f"briefings:tag_feed_{kind}", kwargs={"slugs": wanted})
            for kind in ("rss", "atom", "json")
        },
    }
    return render(request, "briefings/tag_filter.html", context)


@public_page(depends_on=tag_pages)
@answers_lookups
def more_topics(request, slugs):
    """The further topics to narrow a filter by, beyond the top ones."""
    selected, count, newest = find_filter(request, slugs)
    context = {
        "selected": selected,
        "filter_url": filter_url([tag.slug for tag in selected]),
        "narrowing": narrowing_links(selected, MORE_NARROWING_SHOWN, newest),
        "narrowing_is_sampled": len(selected) > 1 and count > NARROWING_SAMPLE,
        "sample_size": NARROWING_SAMPLE,
    }
    return render(request, "briefings/more_topics.html", context)
