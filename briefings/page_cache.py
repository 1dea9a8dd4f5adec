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

import uuid
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.middleware.cache import CacheMiddleware

GENERATION_KEY = "briefings:content-generation"


def current_generation():
    return cache.get_or_set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)


def start_new_generation(**signal_arguments):
    """Forget every cached page. Call it after changes that send no signal (update())."""
    cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)


def cached_public_page(view):
    @wraps(view)
    def cached_view(request, *args, **kwargs):
        if not settings.PAGE_CACHE_SECONDS:
            return view(request, *args, **kwargs)
        middleware = CacheMiddleware(
            lambda request: view(request, *args, **kwargs),
            page_timeout=settings.PAGE_CACHE_SECONDS,
            key_prefix=current_generation(),
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
