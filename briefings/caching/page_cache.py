"""Public pages are cached whole, in each worker's memory, and purged precisely.

A view opts in with @public_page, naming what its page shows (its surrogate keys, see
surrogate_keys.py) and reading its query string through one function that returns the
canonical form of the parameters that change the page. The middleware then:

- serves GET and HEAD requests from the cache whatever their cookies: public pages are
  the same for everyone (the newsroom previews in the admin);
- keys a page by its path, that canonical query and the current version of each of
  its surrogate keys; the host and any other parameter (utm_*, junk) are not part of the
  key, so they cannot fill the cache, which is bounded besides (MAX_ENTRIES);
- stores only full 200 pages that set no cookie: 404s, redirects and previews are not
  kept;
- where settings.RELEASE_DUE_IN_REQUESTS is on (development), at most once a second
  brings in briefings whose scheduled time has come (upkeep.release_due), which purges
  the pages that must show them; elsewhere `manage.py release_due --loop` does.

The middleware comes first in MIDDLEWARE, so a stored page carries every header the
others add (security headers, ETag) and a hit needs none of them again.
site_config/wsgi.py wraps Django in serve_cached_pages, which answers a hit before
Django's handler: its request signals and middleware cost as much again as the hit
itself. It answers only from this worker's memory: a request that needs the database or
the shared store goes through Django like any other.

Django's CacheMiddleware is not used because it keys pages by the full URL, host and
query string included, which lets any visitor fill the cache with copies.
"""

import functools
import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import SuspiciousOperation
from django.core.handlers.wsgi import WSGIRequest
from django.db import DatabaseError
from django.urls import Resolver404, resolve
from django.utils.cache import get_conditional_response, set_response_etag
from django.utils.http import parse_http_date_safe
from prometheus_client import Counter

from .. import request_log, upkeep
from . import proxies, surrogate_keys

RELEASE_CHECK_SECONDS = 1.0
logger = logging.getLogger(__name__)
# For /metrics: how often the cache answered a cacheable page ("hit") or Django made it.
PAGES_ASKED = Counter(
    "briefings_page_cache_requests", "Cacheable pages asked for, by page cache result", ["result"]
)


@dataclass(frozen=True)
class PagePolicy:
    depends_on: Callable[..., set]  # the view's URL keyword arguments -> surrogate keys
    # request.GET -> canonical string; None for a query whose answer is not kept (a
    # search: any words make a new one); ValueError if malformed
    query_key: Callable


def no_query(query):
    return ""


def page_number_key(query, parameter="page"):
    """?page=N of a numbered list: N as a plain number; ValueError for anything else."""
    number = query.get(parameter, "1")
    if not (number.isascii() and number.isdigit()) or len(number) > 6:
        raise ValueError(number)
    return str(int(number))


def public_page(depends_on, query_key=no_query):
    """Mark a view's pages as cacheable for the public."""

    def mark(view):
        view.page_policy = PagePolicy(depends_on, query_key)
        return view

    return mark


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.RELEASE_DUE_IN_REQUESTS:
            release_schedule.release_if_due()
        try:
            key = cache_key(request)
        except SuspiciousOperation:
            # A bad host or query: answered 400 further in, where the security headers
            # are added, and never cached.
            key = None
        if key is not None:
            response = cached_page(request, key)
            request.META[request_log.PAGE_CACHE] = result = "miss" if response is None else "hit"
            PAGES_ASKED.labels(result).inc()
            if response is not None:
                return response
        response = self.get_response(request)
        keys = public_page_keys(request, response)
        if keys is None:
            say_how_long_to_keep(request, response)
            return response
        mark_public(response, keys)
        stored_key = key_with_found(request)
        if stored_key:
            caches["pages"].set(stored_key, response, settings.PAGE_CACHE_SECONDS)
        return response


def serve_cached_pages(application):
    """Wrap a WSGI application: answer the cached pages this worker can serve from memory."""

    def serve(environ, start_response):
        response = None
        if not (settings.RELEASE_DUE_IN_REQUESTS and release_schedule.is_due()):
            # WSGIRequest rewrites PATH_INFO; Django must get the environ as it came.
            request = WSGIRequest(dict(environ))
            try:
                key = cache_key(request, remembered_only=True)
            except SuspiciousOperation:
                key = None  # Django answers it with a 400
            response = key and cached_page(request, key)
        if response is None:
            return application(environ, start_response)
        environ[request_log.PAGE_CACHE] = "hit"
        PAGES_ASKED.labels("hit").inc()
        start_response(f"{response.status_code} {response.reason_phrase}", [*response.items()])
        return [response.content]

    return serve


class ReleaseSchedule:
    """Brings in briefings whose scheduled time has come, at most once a second a worker.

    For development only: a reader's request never fails for it (a database error is
    logged and the next second tries again).
    """

    def __init__(self):
        self.next_check = 0.0

    def is_due(self):
        now = time.time()
        return now >= self.next_check or now < self.next_check - 2 * RELEASE_CHECK_SECONDS

    def release_if_due(self):
        if self.is_due():
            self.next_check = time.time() + RELEASE_CHECK_SECONDS
            try:
                upkeep.release_due()
            except DatabaseError:
                logger.exception("Releasing scheduled briefings failed; retrying shortly.")


release_schedule = ReleaseSchedule()


def cache_key(request, remembered_only=False):
    """The key of this request's page, or None if it must not use the cache.

    remembered_only: None as well if a version must be read from the shared store.
    """
    # Whatever cookies it brings: public pages are the same for everyone (the newsroom
    # previews in the admin), so a forged session cookie cannot make a request miss.
    if not settings.PAGE_CACHE_SECONDS or request.method not in ("GET", "HEAD"):
        return None
    request.get_host()  # refuses a host not allowed, as CommonMiddleware would
    policy, url_arguments = page_policy(request.path_info)
    if policy is None:
        return None
    query = kept_for(policy, request.GET)  # malformed: the view answers with a 404
    if query is None:
        return None
    address = (request.method, request.scheme, request.path_info, query)
    found = found_while_rendering.get(address, ())
    keys = sorted({surrogate_keys.SITE, *policy.depends_on(**url_arguments), *found})
    versions = surrogate_keys.shared_versions.versions(keys, remembered_only)
    if versions is None:
        return None
    request.page_key_parts = (address, dict(zip(keys, versions, strict=True)))
    return _hashed(*request.page_key_parts)


def _hashed(address, versions):
    # The scheme too: plain HTTP may be redirected, and HSTS is sent over HTTPS only.
    page = "\n".join([*address, *versions, *versions.values()])
    return "page:" + hashlib.sha256(page.encode()).hexdigest()


# The surrogate keys pages found while rendering, by (method, scheme, path, query);
# bounded, like everything a URL can put in a worker's memory.
found_while_rendering = {}


def depends_also_on(request, keys):
    """Add to this page's surrogate keys some that only rendering finds (a briefing's
    related list follows the tags it came from).

    Their versions are read now, before the data they cover, so a change committed
    meanwhile leaves the page stored under a version that is already old.
    """
    request.found_keys = keys = sorted(keys)
    parts = getattr(request, "page_key_parts", None)
    if parts is None:
        return
    versions = surrogate_keys.shared_versions.versions(keys)
    if versions is None:
        request.page_key_parts = None
        return
    address, known = parts
    if len(found_while_rendering) >= surrogate_keys.REMEMBERED_AT_MOST:
        found_while_rendering.clear()
    found_while_rendering[address] = keys
    request.page_key_parts = (address, dict(zip(keys, versions, strict=True)) | known)


def key_with_found(request):
    """The key to store the page under: the one its request was looked up by, with
    the surrogate keys found while rendering it."""
    parts = getattr(request, "page_key_parts", None)
    return None if parts is None else _hashed(parts[0], dict(sorted(parts[1].items())))


def cached_page(request, key):
    """The stored page, or a 304 if the browser holds it (by ETag, or by date for pages
    that carry one, as feeds do); None if it is not stored."""
    response = caches["pages"].get(key)
    if response is None:
        return None
    dated = response.get("Last-Modified")
    last_modified = parse_http_date_safe(dated) if dated else None
    return get_conditional_response(
        request, etag=response["ETag"], last_modified=last_modified, response=response
    )


@functools.lru_cache(maxsize=10_000)
def page_policy(path):
    """The PagePolicy of the page at this path and its URL arguments; (None, None) if none.

    Worked out once a path: resolving a URL is a noticeable share of serving a cached
    page.
    """
    try:
        match = resolve(path)
    except Resolver404:
        return None, None
    return getattr(match.func, "page_policy", None), match.kwargs


def public_page_keys(request, response):
    """The surrogate keys of a public page that any cache may keep; None for any other
    response."""
    if request.method not in ("GET", "HEAD") or not is_storable(response):
        return None
    policy, url_arguments = page_policy(request.path_info)
    if policy is None or kept_for(policy, request.GET) is None:
        return None
    found = getattr(request, "found_keys", ())
    return {surrogate_keys.SITE, *policy.depends_on(**url_arguments), *found}


def kept_for(policy, query):
    """The canonical query a page is kept under; None if it is not kept."""
    try:
        return policy.query_key(query)
    except ValueError:
        return None


# Stale copies a proxy may serve: while it asks a node for a fresh one, and for a day
# while every node fails (a purge still drops them at once).
STALE_WHILE_REVALIDATE_SECONDS = 30
STALE_IF_ERROR_SECONDS = 86400
# What else a proxy may keep: search results, 404s, 410s and redirects, briefly, as
# nothing purges them (a scheduled briefing's 404 is gone within seconds of its time).
SHORT_LIVED_SECONDS = 2
SHORT_LIVED_STATUSES = {200, 301, 308, 404, 410}


def mark_public(response, keys):
    """Browsers revalidate every time (ETag, 304), so none keeps a stale copy; proxies
    keep the page until a change purges one of its surrogate keys, named in a header."""
    response["Cache-Control"] = (
        f"public, max-age=0, s-maxage={settings.PROXY_CACHE_SECONDS}, "
        f"stale-while-revalidate={STALE_WHILE_REVALIDATE_SECONDS}, "
        f"stale-if-error={STALE_IF_ERROR_SECONDS}"
    )
    response[settings.SURROGATE_KEY_HEADER] = proxies.header_value(keys)
    set_response_etag(response)


def say_how_long_to_keep(request, response):
    """Every response tells a shared cache how long it may keep it: what is the same for
    everyone a few seconds, anything else not at all."""
    if response.has_header("Cache-Control"):
        return
    same_for_everyone = (
        request.method in ("GET", "HEAD")
        and response.status_code in SHORT_LIVED_STATUSES
        and not response.cookies
        and "cookie" not in response.get("Vary", "").lower()
    )
    if same_for_everyone:
        response["Cache-Control"] = f"public, max-age=0, s-maxage={SHORT_LIVED_SECONDS}"
    else:
        response["Cache-Control"] = "private, no-store"


def is_storable(response):
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in response.get("Cache-Control", "")
    )
