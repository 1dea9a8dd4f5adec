"""Public pages are cached whole, in each worker's memory, and retired precisely.

A view opts in with @public_page, naming what its page shows (its dependencies, see
page_versions.py) and reading its query string through one function that returns the
canonical form of the parameters that change the page. The middleware then:

- serves only anonymous GET and HEAD requests from the cache: a request carrying a
  session cookie (an editor) neither reads nor fills it;
- keys a page by its path, that canonical query and the current version of each of
  its dependencies; the host and any other parameter (utm_*, junk) are not part of the
  key, so they cannot fill the cache, which is bounded besides (MAX_ENTRIES);
- stores only full 200 pages that set no cookie: 404s, redirects and previews are not
  kept;
- once a second, brings in briefings whose scheduled time has come
  (publication.release_due_briefings), which retires the pages that must show them.

Django's CacheMiddleware is not used because it keys pages by the full URL, host and
query string included, which lets any visitor fill the cache with copies.
"""

import functools
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.urls import Resolver404, resolve
from django.utils.cache import get_conditional_response, set_response_etag

from . import page_versions, publication

RELEASE_CHECK_SECONDS = 1.0


@dataclass(frozen=True)
class PagePolicy:
    depends_on: Callable[..., set]  # the view's URL keyword arguments -> dependencies
    query_key: Callable  # request.GET -> canonical string; ValueError if malformed


def no_query(query):
    return ""


def public_page(depends_on, query_key=no_query):
    """Mark a view's pages as cacheable for the public."""

    def mark(view):
        view.page_policy = PagePolicy(depends_on, query_key)
        return view

    return mark


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.next_release_check = 0.0

    def __call__(self, request):
        self.release_due_briefings_now_and_then()
        key = self.cache_key(request)
        if key is None:
            return self.get_response(request)
        pages = caches["pages"]
        response = pages.get(key)
        if response is not None:
            # A hit skips the middleware after this one, so it answers If-None-Match
            # as ConditionalGetMiddleware would.
            return get_conditional_response(request, etag=response["ETag"], response=response)
        response = self.get_response(request)
        if is_storable(response):
            # Browsers revalidate every time (ETag, 304), so none keeps a stale copy.
            response["Cache-Control"] = "max-age=0, must-revalidate"
            set_response_etag(response)
            pages.set(key, response, settings.PAGE_CACHE_SECONDS)
        return response

    def release_due_briefings_now_and_then(self):
        now = time.time()
        if now >= self.next_release_check or now < self.next_release_check - 2:
            self.next_release_check = now + RELEASE_CHECK_SECONDS
            publication.release_due_briefings()

    def cache_key(self, request):
        """The key of this request's page, or None if it must not use the cache."""
        if (
            not settings.PAGE_CACHE_SECONDS
            or request.method not in ("GET", "HEAD")
            or settings.SESSION_COOKIE_NAME in request.COOKIES
        ):
            return None
        request.get_host()  # refuses a host not allowed (400), as CommonMiddleware would
        policy, url_arguments = page_policy(request.path_info)
        if policy is None:
            return None
        try:
            query = policy.query_key(request.GET)
        except ValueError:
            return None  # the view answers malformed parameters with a 404
        things = sorted({page_versions.SITE, *policy.depends_on(**url_arguments)})
        versions = page_versions.shared_versions.versions(things)
        if versions is None:
            return None
        page = "\n".join([request.method, request.path_info, query, *things, *versions])
        return "page:" + hashlib.sha256(page.encode()).hexdigest()


@functools.lru_cache(maxsize=10_000)
def page_policy(path):
    """The PagePolicy of the page at this path and its URL arguments; (None, None) if none.

    Worked out once a path: a cached page is served in about a tenth of a millisecond,
    and resolving its URL would be a tenth of that.
    """
    try:
        match = resolve(path)
    except Resolver404:
        return None, None
    return getattr(match.func, "page_policy", None), match.kwargs


def is_storable(response):
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in response.get("Cache-Control", "")
    )
