"""Public pages. Each costs a fixed number of indexed queries, whatever the archive's size."""

from typing import NamedTuple

from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from . import text
from .cards import tag_links
from .models import Briefing, Tag, TaggedBriefing, TagPair, tag_filter_url
from .page_cache import public_page
from .page_versions import LATEST_LIST, TAG_COUNTS, briefing_page, tag_page
from .pagination import cursor_query_key, newest_first
from .tag_index import SECTIONS, index_query_key, read_index_query, tags_in_section

MAX_FILTER_TAGS = 6
HOME_TOPIC_COUNT = 12
INDEX_TOP_TOPICS = 60
# "Narrow down" on a combination of tags ranks further tags among its newest
# briefings, so that its cost stays flat however many briefings it holds.
NARROWING_SAMPLE = 200
NARROWING_SHOWN = 30
MORE_NARROWING_SHOWN = 300


@public_page(depends_on=lambda: {LATEST_LIST, TAG_COUNTS}, query_key=cursor_query_key)
def home(request):
    context = {
        "page": newest_first(request, Briefing.objects.published()),
        "topics": Tag.objects.most_used()[:HOME_TOPIC_COUNT],
    }
    return render(request, "briefings/home.html", context)


@public_page(depends_on=lambda slug: {briefing_page(slug)})
def briefing_detail(request, slug):
    """A published briefing; staff may also preview drafts and scheduled ones."""
    briefings = Briefing.objects.select_related("author")
    if not request.user.is_staff:
        briefings = briefings.published()
    briefing = get_object_or_404(briefings, slug=slug)
    context = {"briefing": briefing, "tags": tag_links([briefing.pk]).get(briefing.pk, [])}
    response = render(request, "briefings/detail.html", context)
    if not briefing.is_public:
        add_never_cache_headers(response)
    return response


@public_page(depends_on=lambda: {TAG_COUNTS}, query_key=index_query_key)
def tag_index(request):
    """The most used topics and an A–Z of all of them, one letter a page."""
    try:
        section, after = read_index_query(request.GET)
    except ValueError:
        raise Http404("No such section of the topics index.") from None
    if section is None:
        context = {"top_topics": Tag.objects.most_used()[:INDEX_TOP_TOPICS]}
    else:
        context = {"section": section, **tags_in_section(section, after)}
    context["sections"] = SECTIONS
    return render(request, "briefings/tag_index.html", context)


def tag_pages(slugs):
    return {tag_page(slug) for slug in slugs}


@public_page(depends_on=tag_pages, query_key=cursor_query_key)
def tag_filter(request, slugs):
    """Published briefings that carry every tag in the URL, with ways to narrow further."""
    found = find_filter(request, slugs)
    if isinstance(found, HttpResponse):
        return found
    selected, links, sample, count = found
    wanted = [tag.slug for tag in selected]
    narrowing = narrowing_links(selected, sample, NARROWING_SHOWN)
    context = {
        "selected": [
            {"tag": tag, "remove_url": filter_url(wanted, remove=tag.slug)} for tag in selected
        ],
        "count": count,
        "count_is_lower_bound": len(selected) > 2 and count > NARROWING_SAMPLE,
        "narrowing_is_sampled": len(selected) > 1 and count > NARROWING_SAMPLE,
        "sample_size": NARROWING_SAMPLE,
        "narrowing": narrowing[:NARROWING_SHOWN],
        "more_topics_url": reverse("briefings:more_topics", kwargs={"slugs": wanted})
        if len(narrowing) > NARROWING_SHOWN
        else None,
        "page": newest_first(request, links, briefing_field="content_object"),
    }
    return render(request, "briefings/tag_filter.html", context)


@public_page(depends_on=tag_pages)
def more_topics(request, slugs):
    """The further topics to narrow a filter by, beyond the top ones."""
    found = find_filter(request, slugs)
    if isinstance(found, HttpResponse):
        return found
    selected, _, sample, count = found
    context = {
        "selected": selected,
        "filter_url": filter_url([tag.slug for tag in selected]),
        "narrowing": narrowing_links(selected, sample, MORE_NARROWING_SHOWN),
        "narrowing_is_sampled": len(selected) > 1 and count > NARROWING_SAMPLE,
        "sample_size": NARROWING_SAMPLE,
    }
    return render(request, "briefings/more_topics.html", context)


class TagFilter(NamedTuple):
    tags: list  # the tags named, by name
    links: QuerySet  # the tag links of the briefings that carry them all
    sample: QuerySet  # the ids of the newest of those briefings, for "narrow down"
    count: int  # how many: exact for one or two tags, up to the sample and one for more


def find_filter(request, slugs):
    """The TagFilter a URL names, or the response it gets instead.

    That is a redirect when the URL is not the canonical spelling, and a 404 that
    offers the nearest combinations when the tags together select nothing.
    """
    wanted = sorted({text.fold(slug) for slug in slugs} - {""})
    if not 0 < len(wanted) <= MAX_FILTER_TAGS:
        raise Http404(f"A filter names one to {MAX_FILTER_TAGS} tags.")
    if not all(text.is_unicode_slug(slug) for slug in wanted):
        raise Http404("No such tag.")
    if wanted != slugs:
        query = request.META.get("QUERY_STRING", "")
        path = reverse(request.resolver_match.view_name, kwargs={"slugs": wanted})
        return redirect(f"{path}?{query}" if query else path, permanent=True)
    # By slug alone, then in use: the planner need not know how counts are spread.
    selected = [tag for tag in Tag.objects.filter(slug__in=wanted) if tag.published_count]
    if len(selected) != len(wanted):
        raise Http404("No such tag.")
    selected.sort(key=lambda tag: tag.name_key)
    links = TaggedBriefing.objects.live_with_all(selected)
    newest = links.order_by("-published_at", "-content_object")
    newest_ids = newest.values_list("content_object", flat=True)
    if len(selected) == 1:
        count = selected[0].published_count
    elif len(selected) == 2:
        pair = TagPair.objects.filter(tag=selected[0], other=selected[1])
        count = pair.values_list("count", flat=True).first() or 0
    else:
        count = newest_ids[: NARROWING_SAMPLE + 1].count()
    if not count:
        return no_briefings_with_all(request, selected)
    return TagFilter(selected, links, newest_ids[:NARROWING_SAMPLE], count)


def no_briefings_with_all(request, selected):
    """A 404 that offers each tag alone and the combinations one tag smaller that hold some."""
    nearest = []
    if len(selected) > 2:
        for left_out in selected:
            rest = [tag for tag in selected if tag != left_out]
            if TaggedBriefing.objects.live_with_all(rest).exists():
                nearest.append({"tags": rest, "url": filter_url([tag.slug for tag in rest])})
    context = {"selected": selected, "nearest": nearest}
    return render(request, "briefings/no_match.html", context, status=404)


def narrowing_links(selected, sample, limit):
    """Further tags, ranked by how many briefings adding each would leave.

    For one tag the counts are exact, kept in TagPair; for a combination they are
    counted among its newest briefings (the sample), which keeps the cost flat.
    """
    if len(selected) >= MAX_FILTER_TAGS:
        return []
    slugs = [tag.slug for tag in selected]
    if len(selected) == 1:
        further = TagPair.objects.shared_with(selected[0], limit + 1)
    else:
        further = Tag.objects.carried_by(sample, limit + 1, excluding=selected)
    return [
        {"name": name, "count": count, "url": filter_url(slugs, add=slug)}
        for name, slug, _, count in further
    ]


def filter_url(slugs, add=None, remove=None):
    """The filter page for these slugs with one added or removed; home when none remain."""
    new_slugs = tuple(sorted({*slugs, add} - {remove, None}))
    if not new_slugs:
        return reverse("briefings:home")
    return tag_filter_url(new_slugs)
