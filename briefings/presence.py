"""Who has a briefing's change form open: a soft lock, as WordPress shows, stopping no one.

Opening the form notes the editor in the shared cache, so every worker sees it; while
the page stays open its script (static/briefings/admin_editing.js) renews the note every
30 seconds and drops it on leaving. A note not renewed within FORGET_AFTER_SECONDS is
forgotten, so a closed tab (or a browser without JavaScript) drops out on its own. Saves
are guarded separately: BriefingAdminForm refuses to overwrite a newer save.
"""

import logging
import time

from django.core.cache import cache
from django.db import DatabaseError
from redis.exceptions import RedisError

FORGET_AFTER_SECONDS = 90
CACHE_ERRORS = (RedisError, DatabaseError)  # the shared cache is Redis or a table
logger = logging.getLogger(__name__)


def _key(briefing_pk):
    return f"briefings:editing:{briefing_pk}"


def note_open(briefing_pk, user):
    """Note the user on the briefing's form; the names of the others who have it open."""
    now = time.time()
    editors = {**_current(briefing_pk, now), user.pk: (_name(user), now)}
    try:
        cache.set(_key(briefing_pk), editors, FORGET_AFTER_SECONDS)
    except CACHE_ERRORS:  # a soft lock is a courtesy: it never stops an editor
        logger.warning("Could not note who is editing briefing %s.", briefing_pk)
    return sorted(name for pk, (name, _) in editors.items() if pk != user.pk)


def note_closed(briefing_pk, user):
    editors = _current(briefing_pk, time.time())
    if editors.pop(user.pk, None):
        try:
            cache.set(_key(briefing_pk), editors, FORGET_AFTER_SECONDS)
        except CACHE_ERRORS:
            logger.warning("Could not note who is editing briefing %s.", briefing_pk)


def _current(briefing_pk, now):
    try:
        editors = cache.get(_key(briefing_pk)) or {}
    except CACHE_ERRORS:
        return {}
    return {pk: (name, seen) for pk, (name, seen) in editors.items()
            if now - seen < FORGET_AFTER_SECONDS}  # fmt: skip


def _name(user):
    return user.get_full_name() or user.get_username()
