"""Public pages. Each costs a fixed number of indexed queries, whatever the archive's size."""

from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.core.paginator import InvalidPage, Paginator
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from . import text
from .caching.page_cache import depends_also_on, page_number_key, public_page
from .caching.surrogate_keys import CORRECTIONS, LATEST_LIST, TAG_COUNTS, briefing_page, tag_page
from .cards import links_in_order, listed_cards, listed_rows, most_used_topics, tag_links
from .compiled import compiled_once
from .context_processors import public_address
from .jinja2 import date as local_date
from .models import (
    Briefing,
    Correction,
    FormerAddress,
    FormerTagSlug,
    TaggedBriefing,
)
from .pagination import cursor_query_key, newest_first
from .related import related_cards, source_tags
from .tag_filters import (
    MAX_FILTER_TAGS,
    MORE_NARROWING_SHOWN,
    NARROWING_SAMPLE,
    NARROWING_SHOWN,
    SelectedTopic,
    briefings_with_all,
    filter_url,
    narrowing_links,
    rarest_first,
    tags_named,
)
from .tag_index import SECTIONS, index_query_key, read_index_query, tags_in_section

HOME_TOPIC_COUNT = 12
INDEX_TOP_TOPICS = 60
CORRECTIONS_PER_PAGE = 30
AUTHOR_BRIEFINGS_PER_PAGE = 12


@public_page(depends_on=lambda: {LATEST_LIST, TAG_COUNTS}, query_key=cursor_query_key)
def home(request):
    """The lead story and the newest briefings after it; older pages list the rest."""
    page = newest_first(request)
    lead = None
    if page.newer is None and page.ids:
        lead = lead_story(page.ids[0])
        page.briefings = [card for pk, card in zip(page.ids, page.briefings, strict=True)
                          if pk != lead.briefing.pk]  # fmt: skip
    context = {"page": page, "lead": lead, "topics": most_used_topics(HOME_TOPIC_COUNT)}
    return render(request, "briefings/home.html", context)


class LeadStory(NamedTuple):
    briefing: Briefing  # with its author's name
    tags: list


def lead_story(newest_id):
    """The newest public briefing an editor marked as the lead, else the newest one."""
    briefing = briefing_with_author(_lead(timezone.now(), newest_id)[0])
    return LeadStory(briefing, tag_links([briefing.pk]).get(briefing.pk, []))


# The lead stories come from their own small index: "is_lead OR id" over the published
# briefings made SQLite scan them all (0.5 s at 100,000).
@compiled_once
def _lead(now, newest_id):
    leads = Briefing.objects.filter(is_lead=True).values("pk")
    chosen = Briefing.objects.published(at=now).filter(Q(pk__in=leads) | Q(pk=newest_id))
    first = chosen.order_by("-is_lead", "-published_at", "-pk")
    return first.values_list(*BRIEFING_FIELDS, *AUTHOR_COLUMNS)[:1]


@public_page(depends_on=lambda slug: {briefing_page(slug)})
def briefing_detail(request, slug):
    """A published briefing; those who may view briefings in the admin may also preview
    drafts and scheduled ones."""
    try:
        if request.user.has_perm("briefings.view_briefing"):
            briefing = get_object_or_404(Briefing.objects.select_related("author"), slug=slug)
        else:
            briefing = public_briefing(slug)
    except Http404:
        return former_address(request, slug)
    tag_rows = _tags_of_briefing(briefing.pk)
    tags = links_in_order((name, tag_slug) for _, name, tag_slug, _ in tag_rows)
    related_by = source_tags([(pk, tag_slug, count) for pk, _, tag_slug, count in tag_rows])
    depends_also_on(request, {tag_page(tag.slug) for tag in related_by})
    context = {
        "briefing": briefing,
        "tags": tags,
        "article_data": news_article(briefing, tags, public_address(request)),
        "related": related_cards(briefing.pk, related_by),
        "citation": citation(briefing, public_address(request)),
        "corrections": [Correction(made_at=made_at, text=note)
                        for made_at, note in _corrections_to(briefing.pk)],
    }  # fmt: skip
    response = render(request, "briefings/detail.html", context)
    if not briefing.is_published_now:
        add_never_cache_headers(response)
    return response


def news_article(briefing, tags, address):
    """The briefing as schema.org NewsArticle, for search engines (JSON-LD)."""
    url = address + briefing.get_absolute_url()
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": briefing.title,
        "description": briefing.standfirst,
        "url": url,
        "mainEntityOfPage": url,
        "author": {"@type": "Person" if briefing.author else "Organization",
                   "name": briefing.byline},
        "publisher": {"@type": "Organization", "name": "Briefings"},
        "keywords": [tag.name for tag in tags],
        "about": [{"@type": "Thing", "name": tag.name, "url": address + tag.url}
                  for tag in tags],
    }  # fmt: skip
    if briefing.published_at:
        data["datePublished"] = briefing.published_at.isoformat()
        data["dateModified"] = (briefing.revised_at or briefing.published_at).isoformat()
    picture = briefing.page_image
    if picture:
        data["image"] = [address + picture["src"]]
    return data


def citation(briefing, address):
    """How to cite a published briefing: "Title. Briefings, 28 January 2025. https://…"."""
    if not briefing.published_at:
        return ""
    title = briefing.title if briefing.title[-1:] in ".?!" else f"{briefing.title}."
    published_on = local_date(briefing.published_at, "j F Y")
    return f"{title} Briefings, {published_on}. {address}{briefing.get_absolute_url()}"


@compiled_once
def _tags_of_briefing(briefing_id):
    links = TaggedBriefing.objects.filter(content_object=briefing_id)
    return links.values_list("tag", "tag__name", "tag__slug", "tag__published_count")


@compiled_once
def _corrections_to(briefing_id):
    return Correction.objects.filter(briefing=briefing_id).values_list("made_at", "text")


@public_page(depends_on=lambda: {CORRECTIONS}, query_key=page_number_key)
def corrections(request):
    """Every correction to a public briefing, newest first."""
    listed = Correction.objects.filter(briefing__in=Briefing.objects.published())
    page = numbered_page(request, listed.select_related("briefing"), CORRECTIONS_PER_PAGE)
    return render(request, "briefings/corrections.html", {"page": page})


@public_page(depends_on=lambda author_id: {LATEST_LIST}, query_key=page_number_key)
def author(request, author_id):
    """An author's public briefings, newest first, under the name readers see."""
    writer = get_object_or_404(get_user_model(), pk=author_id)
    if not writer.get_full_name():
        raise Http404("Briefings without an author's name are the desk's.")
    briefings = Briefing.objects.published().filter(author=writer).order_by("-published_at", "-pk")
    page = numbered_page(request, listed_rows(briefings), AUTHOR_BRIEFINGS_PER_PAGE)
    context = {"name": writer.get_full_name(), "page": page,
               "cards": listed_cards(list(page.object_list))}  # fmt: skip
    return render(request, "briefings/author.html", context)


def favicon(request):
    """Browsers ask for /favicon.ico where a page names no icon (the admin's pages)."""
    return redirect(static("briefings/favicon.svg"), permanent=True)


def numbered_page(request, items, per_page):
    """Page ?page=N of a short list (its pages are numbered, unlike the archive's); 404
    for a page that is not there."""
    try:
        return Paginator(items, per_page).page(request.GET.get("page", 1))
    except InvalidPage:
        raise Http404("No such page.") from None


def former_address(request, slug):
    """Where a public briefing's old address leads: a 301 to it, or 410 if it was deleted."""
    former = FormerAddress.objects.select_related("briefing").filter(slug=slug).first()
    if former is None or (former.briefing and not former.briefing.is_published_now):
        raise Http404("No such briefing.")
    if former.briefing is None:
        return render(request, "410.html", status=410)
    return redirect(former.briefing, permanent=True)


def public_briefing(slug):
    """The public briefing with this slug, its author's name read with it; or a 404."""
    found = _public_briefing(timezone.now(), slug)
    if not found:
        raise Http404("No such briefing.")
    return briefing_with_author(found[0])


BRIEFING_FIELDS = [field.attname for field in Briefing._meta.concrete_fields]
AUTHOR_FIELDS = ["id", "first_name", "last_name"]  # what the byline shows
AUTHOR_COLUMNS = [f"author__{name}" for name in AUTHOR_FIELDS]


def briefing_with_author(row):
    """A Briefing from a row of BRIEFING_FIELDS and AUTHOR_COLUMNS, its author attached."""
    briefing = Briefing.from_db(DEFAULT_DB_ALIAS, BRIEFING_FIELDS, row[: len(BRIEFING_FIELDS)])
    if briefing.author_id is not None:
        author = row[len(BRIEFING_FIELDS) :]
        briefing.author = get_user_model().from_db(DEFAULT_DB_ALIAS, AUTHOR_FIELDS, author)
    return briefing


@compiled_once
def _public_briefing(now, slug):
    briefings = Briefing.objects.published(at=now).filter(slug=slug)
    return briefings.values_list(*BRIEFING_FIELDS, *AUTHOR_COLUMNS)


@public_page(depends_on=lambda: {TAG_COUNTS}, query_key=index_query_key)
def tag_index(request):
    """The most used topics and an A–Z of all of them, one letter a page."""
    try:
        section, after = read_index_query(request.GET)
    except ValueError:
        raise Http404("No such section of the topics index.") from None
    if section is None:
        context = {"top_topics": most_used_topics(INDEX_TOP_TOPICS)}
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
    selected, count = found
    wanted = [tag.slug for tag in selected]
    narrowing = narrowing_links(selected, NARROWING_SHOWN)
    context = {
        "selected": [SelectedTopic(tag, filter_url(wanted, remove=tag.slug)) for tag in selected],
        "count": count,
        "count_is_lower_bound": len(selected) > 2 and count > NARROWING_SAMPLE,
        "narrowing_is_sampled": len(selected) > 1 and count > NARROWING_SAMPLE,
        "sample_size": NARROWING_SAMPLE,
        "narrowing": narrowing[:NARROWING_SHOWN],
        "more_topics_url": reverse("briefings:more_topics", kwargs={"slugs": wanted})
        if len(narrowing) > NARROWING_SHOWN
        else None,
        "page": newest_first(request, tag_ids=rarest_first(selected)),
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
def more_topics(request, slugs):
    """The further topics to narrow a filter by, beyond the top ones."""
    found = find_filter(request, slugs)
    if isinstance(found, HttpResponse):
        return found
    selected, count = found
    context = {
        "selected": selected,
        "filter_url": filter_url([tag.slug for tag in selected]),
        "narrowing": narrowing_links(selected, MORE_NARROWING_SHOWN),
        "narrowing_is_sampled": len(selected) > 1 and count > NARROWING_SAMPLE,
        "sample_size": NARROWING_SAMPLE,
    }
    return render(request, "briefings/more_topics.html", context)


class TagFilter(NamedTuple):
    tags: list  # the tags named, by name
    count: int  # how many briefings carry them all: exact for one or two tags,
    # counted up to the narrowing sample and one for more


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
        return same_page_for(request, wanted)
    selected = [tag for tag in tags_named(wanted) if tag.published_count]
    if len(selected) != len(wanted):
        return tags_moved(request, wanted, selected)
    selected.sort(key=lambda tag: tag.sort_key)
    count = briefings_with_all(selected)
    if not count:
        return no_briefings_with_all(request, selected)
    return TagFilter(selected, count)


def tags_moved(request, wanted, found):
    """A 301 to where renamed or merged tags went; else the tags are unknown (404)."""
    missing = set(wanted) - {tag.slug for tag in found}
    moved = dict(
        FormerTagSlug.objects.filter(slug__in=missing, tag__published_count__gt=0).values_list(
            "slug", "tag__slug"
        )
    )
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
