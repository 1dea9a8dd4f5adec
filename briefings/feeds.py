"""RSS 2.0 and Atom feeds (django.contrib.syndication) and JSON Feed 1.1, for the whole site,
for each tag and for each combination the site can filter by: the newest 30 briefings,
each with its full sanitised text, tags and lead image.

Feeds are cached like the pages they mirror (same dependencies), so they answer
If-None-Match with a 304. Their Last-Modified is when they were rendered, not their
newest item's date: withdrawing a briefing, or publishing a backdated one, changes a
feed without changing its newest date, and a reader asking If-Modified-Since must then
get the new feed. A cached copy keeps its date until a change purges it. Their absolute
URLs use the site's public address.
"""

from typing import NamedTuple

from django.contrib.syndication.views import Feed
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.http import http_date

from . import images
from .caching.page_cache import public_page
from .caching.surrogate_keys import LATEST_LIST, TAG_COUNTS
from .models import Briefing, TaggedBriefing
from .sitemaps import as_public_address
from .tag_filters import filter_url, rarest_first
from .views.lookups import Answered, answers_lookups, find_filter, public_address, tag_pages

FEED_ITEMS = 30
SITE_TITLE = "Briefings"
SITE_DESCRIPTION = "Short, sourced briefings on foreign affairs."


def newest_briefings(selected=(), fields=None, count=FEED_ITEMS):
    """The newest `count` public briefings, carrying every selected tag if any are
    given; with these fields only, or with what a feed item shows."""
    briefings = Briefing.objects.published()
    if fields:
        briefings = briefings.only(*fields)
    else:
        briefings = briefings.select_related("author").prefetch_related("tags")
    if selected:
        links = TaggedBriefing.objects.public_with_all(rarest_first(selected))
        ids = links.order_by("-published_at", "-content_object").values_list(
            "content_object", flat=True
        )[:count]
        briefings = briefings.filter(pk__in=list(ids))
    return list(briefings.order_by("-published_at", "-pk")[:count])


class WithContentRss(Rss201rev2Feed):
    """RSS with each briefing's whole text in content:encoded, as feed readers expect."""

    def rss_attributes(self):
        return {
            **super().rss_attributes(),
            "xmlns:content": "http://purl.org/rss/1.0/modules/content/",
        }

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name, kind_address in item["topics"]:
            handler.addQuickElement("category", name, {"domain": kind_address})
        handler.addQuickElement("content:encoded", item["content_html"])


class WithContentAtom(Atom1Feed):
    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name, kind_address in item["topics"]:
            handler.addQuickElement("category", "", {"term": name, "scheme": kind_address})
        handler.addQuickElement("content", item["content_html"], {"type": "html"})


def kind_address(kind, address):
    """The taxonomy a topic's category is in: the address of its kind's index."""
    return f"{address}{reverse('briefings:tag_index')}?kind={kind}"


class BriefingsFeed(Feed):
    """The site's feed; TagFeed narrows it to a combination of tags."""

    feed_type = WithContentRss
    description_template = None

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(as_public_address(request), *args, **kwargs)
        return dated_now(response)

    def get_object(self, request, *args, **kwargs):
        return Subject((), public_address())

    def title(self, subject):
        return feed_title(subject.selected)

    def link(self, subject):
        return reverse("briefings:home")

    def description(self, subject):
        return SITE_DESCRIPTION

    def items(self, subject):
        briefings = newest_briefings(subject.selected)
        for briefing in briefings:
            picture = briefing.page_image
            briefing.image_url = (
                images.absolute(picture["src"], subject.address) if picture else None
            )
        return briefings

    def item_title(self, briefing):
        return briefing.title

    def item_description(self, briefing):
        return briefing.standfirst

    def item_pubdate(self, briefing):
        return briefing.published_at

    def item_updateddate(self, briefing):
        return briefing.revised_at or briefing.published_at

    def item_author_name(self, briefing):
        return briefing.byline

    # Topics are written with their kind as the category's domain (RSS) or scheme (Atom),
    # which Django's categories cannot say: see item_extra_kwargs.

    def item_enclosure_url(self, briefing):
        return briefing.image_url

    item_enclosure_length = 0  # not known without reading the file; readers accept 0
    item_enclosure_mime_type = "image/webp"

    def item_extra_kwargs(self, briefing):
        address = public_address()
        topics = [(tag.name, kind_address(tag.kind, address)) for tag in briefing.tags.all()]
        return {"content_html": briefing.body_html, "topics": topics}


class AtomFeed(BriefingsFeed):
    feed_type = WithContentAtom
    subtitle = SITE_DESCRIPTION


class Subject(NamedTuple):
    selected: tuple  # the tags a feed narrows to; none for the site's
    address: str  # the site's public address, for absolute image URLs


def feed_title(selected):
    names = " + ".join(tag.name for tag in selected)
    return f"{SITE_TITLE}: {names}" if names else SITE_TITLE


class TagFeedMixin:
    """A feed of the briefings carrying every tag in the URL; the URL is checked, and
    redirected or refused, as the tag page's is."""

    def __call__(self, request, slugs):
        try:
            request.selected_tags = find_filter(request, slugs).tags
        except Answered as answered:
            return answered.response
        return super().__call__(request, slugs=slugs)

    def get_object(self, request, slugs):
        return Subject(request.selected_tags, public_address())

    def link(self, subject):
        return filter_url([tag.slug for tag in subject.selected])


class TagRssFeed(TagFeedMixin, BriefingsFeed):
    pass


class TagAtomFeed(TagFeedMixin, AtomFeed):
    pass


def json_feed(request, selected, feed_url):
    """JSON Feed 1.1 (https://jsonfeed.org/version/1.1) of the newest briefings."""
    address = public_address()
    home = filter_url([tag.slug for tag in selected]) if selected else reverse("briefings:home")
    briefings = newest_briefings(selected)
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": feed_title(selected),
        "description": SITE_DESCRIPTION,
        "home_page_url": address + home,
        "feed_url": address + feed_url,
        "items": [json_item(briefing, address) for briefing in briefings],
    }
    return dated_now(JsonResponse(feed, content_type="application/feed+json"))


def dated_now(response):
    """The feed as last modified now: the latest moment what it shows may have changed."""
    if response.status_code == 200:
        response["Last-Modified"] = http_date()
    return response


def json_item(briefing, address):
    url = address + briefing.get_absolute_url()
    item = {
        "id": url,
        "url": url,
        "title": briefing.title,
        "summary": briefing.standfirst,
        "content_html": briefing.body_html,
        "date_published": briefing.published_at.isoformat(),
        "date_modified": (briefing.revised_at or briefing.published_at).isoformat(),
        "authors": [{"name": briefing.byline}],
        "tags": [tag.name for tag in briefing.tags.all()],
    }
    picture = briefing.page_image
    if picture:
        item["image"] = images.absolute(picture["src"], address)
    return item


def site_feeds():
    return {LATEST_LIST, TAG_COUNTS}


site_rss = public_page(depends_on=site_feeds)(BriefingsFeed())
site_atom = public_page(depends_on=site_feeds)(AtomFeed())
tag_rss = public_page(depends_on=tag_pages)(TagRssFeed())
tag_atom = public_page(depends_on=tag_pages)(TagAtomFeed())


@public_page(depends_on=site_feeds)
def site_json(request):
    return json_feed(request, (), reverse("briefings:feed_json"))


@public_page(depends_on=tag_pages)
@answers_lookups
def tag_json(request, slugs):
    found = find_filter(request, slugs)
    feed_url = reverse("briefings:tag_feed_json", kwargs={"slugs": slugs})
    return json_feed(request, found.tags, feed_url)


# The pages that say how to follow a feed: what reaches a browser as a feed's address
# shows raw XML, so tag pages and the footer link here instead.
FOLLOW_LATEST = 10


@public_page(depends_on=site_feeds)
def follow_site(request):
    return follow_page(request, (), feed_addresses(None))


@public_page(depends_on=tag_pages)
@answers_lookups
def follow_tags(request, slugs):
    return follow_page(request, find_filter(request, slugs).tags, feed_addresses(slugs))


def feed_addresses(slugs):
    """The absolute addresses of the site's feeds, or of these tags'."""
    names = {"rss": "feed_rss", "atom": "feed_atom", "json": "feed_json"}
    kwargs = {"slugs": slugs} if slugs else {}
    prefix = "tag_" if slugs else ""
    return {
        kind: public_address() + reverse(f"briefings:{prefix}{name}", kwargs=kwargs)
        for kind, name in names.items()
    }


def follow_page(request, selected, addresses):
    context = {
        "selected": selected,
        "name": " + ".join(tag.name for tag in selected) or SITE_TITLE,
        "addresses": addresses,
        "briefings": newest_briefings(selected, fields=FOLLOW_FIELDS, count=FOLLOW_LATEST),
        "page_url": filter_url([tag.slug for tag in selected]) if selected else None,
    }
    return render(request, "briefings/follow.html", context)


FOLLOW_FIELDS = ("title", "slug", "published_at")
