"""Public pages are cached whole: a repeat request costs one look-up of the content
generation and a read from the worker's memory, and no database query.

Django's CacheMiddleware does the caching, in each worker's memory (the
"pages" cache). Its key prefix is the current content generation, kept in the
default cache (Redis in production, shared by all workers), which changes
whenever an editor saves anything the public can see: an edit shows at once
everywhere. The short page lifetime bounds how late a scheduled briefing
appears. Browsers are told to revalidate every time (ETag, 304), so none keeps
a stale copy.
"""

import logging
import uuid
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.middleware.cache import CacheMiddleware
from redis.exceptions import RedisError

GENERATION_KEY = "briefings:content-generation"
logger = logging.getLogger(__name__)


def current_generation():
    """The generation to key pages by; None while the shared cache cannot be reached."""
    try:
        return cache.get_or_set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    except RedisError:
        logger.exception("Shared cache unreachable: serving pages without the page cache.")
        return None


def start_new_generation(**signal_arguments):
    """Forget every cached page. Call it after changes that send no signal (update())."""
    try:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    except RedisError:
        # The editor's change is saved; other workers' copies expire within
        # PAGE_CACHE_SECONDS, and none is used while the cache stays unreachable.
        logger.exception("Shared cache unreachable: could not retire cached pages.")


def cached_public_page(view):
    """Serve a public view from the page cache; private responses (staff previews) pass by."""

    @wraps(view)
    def cached_view(request, *args, **kwargs):
        generation = current_generation() if settings.PAGE_CACHE_SECONDS else None
        if generation is None:
            return view(request, *args, **kwargs)
        middleware = CacheMiddleware(
            lambda request: view(request, *args, **kwargs),
            page_timeout=settings.PAGE_CACHE_SECONDS,
            key_prefix=generation,
            cache_alias="pages",
        )
        response = middleware(request)
        if not response.has_header("Cache-Control") or "private" not in response["Cache-Control"]:
            response["Cache-Control"] = "max-age=0, must-revalidate"
            del response["Expires"]
        return response

    return cached_view


def connect_signals():
    from .models import Briefing, Tag, TaggedBriefing

    for model in (Briefing, Tag, TaggedBriefing):
        post_save.connect(start_new_generation, sender=model, dispatch_uid=f"pages-{model}")
        post_delete.connect(start_new_generation, sender=model, dispatch_uid=f"pages-d-{model}")
    m2m_changed.connect(start_new_generation, sender=TaggedBriefing, dispatch_uid="pages-m2m")
