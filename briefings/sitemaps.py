"""sitemap.xml (django.contrib.sitemaps) and robots.txt.

The sitemap is an index of sections, each split into pages of at most URLS_PER_PAGE URLs,
so it stays valid at any archive size and each page renders well within the request
backstop (50,000, the format's limit, took over 5 s at 100,000 briefings on PostgreSQL).
Its absolute URLs use the site's public address.
"""

import copy
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.http import Http404, HttpResponse
from django.urls import reverse

from .caching.page_cache import page_number_key, public_page
from .caching.surrogate_keys import LATEST_LIST, TAG_COUNTS
from .models import Briefing, Tag
from .views.lookups import public_address

URLS_PER_PAGE = 5_000


class BriefingSitemap(Sitemap):
    limit = URLS_PER_PAGE

    def items(self):
        return (
            Briefing.objects.published()
            .only("slug", "published_at", "revised_at")
            .order_by("-published_at", "-pk")
        )

    def lastmod(self, briefing):
        """Changed for readers only by a substantive update."""
        return briefing.revised_at or briefing.published_at


class TagSitemap(Sitemap):
    limit = URLS_PER_PAGE

    def items(self):
        return Tag.objects.in_use().only("slug").order_by("sort_key")


SECTIONS = {"briefings": BriefingSitemap, "topics": TagSitemap}


def sitemap_page_key(query):
    """Sitemap pages are numbered by ?p=N."""
    return page_number_key(query, parameter="p")


@public_page(depends_on=lambda: {LATEST_LIST, TAG_COUNTS})
def sitemap_index(request):
    return sitemap_views.index(
        as_public_address(request), SECTIONS, sitemap_url_name="briefings:sitemap_section"
    )


@public_page(depends_on=lambda section: {LATEST_LIST, TAG_COUNTS}, query_key=sitemap_page_key)
def sitemap_section(request, section):
    if section not in SECTIONS:
        raise Http404("No such sitemap section.")
    return sitemap_views.sitemap(as_public_address(request), SECTIONS, section=section)


@public_page(depends_on=lambda: set())
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /search/",
        f"Sitemap: {public_address()}{reverse('briefings:sitemap')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


def as_public_address(request):
    """The request as if made to the site's public address (SITE_URL).

    Django's sitemaps and feeds build absolute URLs from the request's host and scheme;
    with the page cache keyed without the host, they must not come from whoever asked
    first.
    """
    address = urlsplit(settings.SITE_URL)
    public = copy.copy(request)
    public.META = public.environ = {
        **request.META,
        "HTTP_HOST": address.netloc,
        "wsgi.url_scheme": address.scheme,  # what request.scheme reads
        "HTTP_X_FORWARDED_PROTO": address.scheme,  # or this, behind a TLS proxy
    }
    return public
