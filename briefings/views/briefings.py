"""The home page, a briefing's page and the corrections. Each costs a fixed number of
indexed queries, whatever the archive's size."""

from typing import NamedTuple

from django.db.models import Exists, OuterRef
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.cache import add_never_cache_headers

from .. import images, text
from ..caching.page_cache import depends_also_on, page_number_key, public_page
from ..caching.surrogate_keys import CORRECTIONS, LATEST_LIST, TAG_COUNTS, briefing_page, tag_page
from ..cards import links_in_order, most_used_topics, tag_links
from ..jinja2 import date as local_date
from ..models import Briefing, Correction, Kind, TaggedBriefing, TopicRow, tag_filter_url
from ..pagination import cursor_query_key, newest_first
from ..related import related_cards, source_tags
from .lookups import (
    former_address,
    numbered_page,
    public_address,
    with_byline,
)

HOME_TOPIC_COUNT = 12
CORRECTIONS_PER_PAGE = 30


@public_page(depends_on=lambda: {LATEST_LIST, TAG_COUNTS}, query_key=cursor_query_key)
def home(request):
    """The lead story and the newest briefings after it; older pages list the rest."""
    page = newest_first(request)
    lead = lead_story(page.ids[0]) if page.newer is None and page.ids else None
    if lead:
        page.briefings = [card for pk, card in zip(page.ids, page.briefings, strict=True)
                          if pk != lead.briefing.pk]  # fmt: skip
    context = {"page": page, "lead": lead, "topics": most_used_topics(HOME_TOPIC_COUNT)}
    return render(request, "briefings/home.html", context)


class LeadStory(NamedTuple):
    briefing: Briefing  # with its author's name
    tags: list


def lead_story(newest_id):
    """The newest public briefing an editor marked as the lead, else the newest one;
    None if neither is public any more (withdrawn since the list was read)."""
    briefing = _lead(newest_id)
    if briefing is None:
        return None
    return LeadStory(briefing, tag_links([briefing.pk]).get(briefing.pk, []))


def _lead(newest_id):
    """The newest public lead story, else the newest briefing.

    The candidates are the lead stories, from their own small index, and the newest,
    each then read by its id: asking for "a lead story or the newest" in one condition
    makes either engine read every published briefing.
    """
    leads = Briefing.objects.filter(is_lead=True).order_by().values("pk")
    candidates = leads.union(Briefing.objects.filter(pk=newest_id).order_by().values("pk"))
    chosen = Briefing.objects.published().filter(pk__in=candidates)
    return with_byline(chosen, LEAD_FIELDS).order_by("-is_lead", "-published_at", "-pk").first()


# What the lead shows of its briefing.
LEAD_FIELDS = ("title", "slug", "standfirst", "published_at", "renditions", "lead_image_alt")


@public_page(depends_on=lambda slug: {briefing_page(slug)})
def briefing_detail(request, slug):
    """A published briefing, the same for every reader (the newsroom previews others in
    the admin: admin/briefings.py)."""
    briefing = briefing_to_show(Briefing.objects.published().filter(slug=slug))
    if briefing is None:
        return former_address(request, slug)
    return briefing_response(request, briefing)


def briefing_to_show(briefings):
    """The first of these briefings, with what its page shows of it; None if none."""
    return with_byline(briefings).annotate(has_corrections=_corrected).first()


def briefing_response(request, briefing, tag_rows=None):
    """A briefing's page: public, or a preview of one that is not (never cached).

    tag_rows, a TopicRow of each topic (id None for a new one), are the briefing's own
    unless given (a preview of unsaved topics).
    """
    if tag_rows is None:
        tag_rows = _tags_of_briefing(briefing.pk)
    tags = links_in_order((row.name, row.slug) for row in tag_rows)
    related_by = source_tags([(row.id, row.slug, row.count) for row in tag_rows if row.id])
    depends_also_on(request, {tag_page(tag.slug) for tag in related_by})
    context = {
        "briefing": briefing,
        "tags": tags,
        "topic_groups": by_kind(tag_rows),
        "article_data": news_article(briefing, tag_rows, public_address()),
        "related": related_cards(briefing.pk, related_by),
        "citation": citation(briefing, public_address()),
        "corrections": [Correction(made_at=made_at, text=note)
                        for made_at, note in _corrections_to(briefing)],
    }  # fmt: skip
    response = render(request, "briefings/detail.html", context)
    if not briefing.is_published_now:
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex"
    return response


def by_kind(tag_rows):
    """[(Kind, [TagLink…])…]: the topics grouped by kind, in Kind's order, each group in
    name order."""
    groups = {}
    for row in tag_rows:
        groups.setdefault(Kind(row.kind), []).append((row.name, row.slug))
    return [(kind, links_in_order(groups[kind])) for kind in Kind if kind in groups]


def about(tag_rows, address):
    """What the briefing is about, each topic as the schema.org type of its kind."""
    things = []
    for row in sorted(tag_rows, key=lambda row: text.sort_key(row.name)):
        thing = {"@type": Kind(row.kind).schema_type, "name": row.name,
                 "url": address + tag_filter_url((row.slug,))}  # fmt: skip
        if row.same_as:
            thing["sameAs"] = row.same_as
        things.append(thing)
    return things


def news_article(briefing, tag_rows, address):
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
        "keywords": sorted((row.name for row in tag_rows), key=text.sort_key),
        "about": about(tag_rows, address),
    }  # fmt: skip
    if briefing.published_at:
        data["datePublished"] = briefing.published_at.isoformat()
        data["dateModified"] = (briefing.revised_at or briefing.published_at).isoformat()
    picture = briefing.page_image
    if picture:
        data["image"] = [images.absolute(picture["src"], address)]
    return data


def citation(briefing, address):
    """How to cite a published briefing: "Title. Briefings, 28 January 2025. https://…"."""
    if not briefing.published_at:
        return ""
    title = briefing.title if briefing.title[-1:] in ".?!" else f"{briefing.title}."
    published_on = local_date(briefing.published_at, "j F Y")
    return f"{title} Briefings, {published_on}. {address}{briefing.get_absolute_url()}"


def _tags_of_briefing(briefing_id):
    links = TaggedBriefing.objects.filter(content_object=briefing_id)
    rows = links.values_list(
        "tag", "tag__name", "tag__slug", "tag__published_count", "tag__kind", "tag__same_as"
    )
    return [TopicRow(*row) for row in rows]


# Asked with the briefing, so that the many never corrected cost no query of their own.
_corrected = Exists(Correction.objects.filter(briefing=OuterRef("pk")))


def _corrections_to(briefing):
    if not getattr(briefing, "has_corrections", False):
        return []
    return list(Correction.objects.filter(briefing=briefing).values_list("made_at", "text"))


@public_page(depends_on=lambda: {CORRECTIONS}, query_key=page_number_key)
def corrections(request):
    """Every correction to a public briefing, newest first."""
    listed = Correction.objects.filter(briefing__in=Briefing.objects.published())
    page = numbered_page(request, listed.select_related("briefing"), CORRECTIONS_PER_PAGE)
    return render(request, "briefings/corrections.html", {"page": page})


def favicon(request):
    """Browsers ask for /favicon.ico where a page names no icon (the admin's pages)."""
    return redirect(static("briefings/favicon.svg"), permanent=True)
