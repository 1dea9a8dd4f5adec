"""What cached pages depend on, and the version of each, shared by every worker.

A cached page is stored under the versions of the things it shows (see page_cache.py):
the whole site, the latest list, the topic counts, one briefing, one tag's lists.
A change gives each thing it touched a new version once its transaction commits, so
pages that show it are no longer found, and all others stay cached.

The versions live in the default cache: Redis when REDIS_URL is set, else a table in
the database, so that every worker sees them. Each worker remembers a version for up to
REFRESH_SECONDS, so a change made in one worker shows in the others within that time,
and a cached page costs at most one look-up a second per thing it depends on.

A version lives a little longer than any page stored under the one before it; once it
expires the thing reads as version "0" again, which no live page is stored under. The
shared store therefore holds only recently changed things, whatever readers ask for.

If the shared store fails (a Redis that hangs or is down), pages are served uncached and
the store is left alone for RETRY_SECONDS, so each request costs microseconds instead of
a time-out; changes made meanwhile are sent when it answers again.
"""

import hashlib
import logging
import threading
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from redis.exceptions import RedisError

SITE = "site"  # names, slugs and anything else every page may show
LATEST_LIST = "latest"  # the home list at every depth
TAG_COUNTS = "tag-counts"  # the tags index and the topic counts
CORRECTIONS = "corrections"  # the list of all corrections
REFRESH_SECONDS = 1.0
REMEMBERED_AT_MOST = 10_000  # URLs can name any tag: what a worker remembers is bounded
RETRY_SECONDS = 5.0
logger = logging.getLogger(__name__)


def version_key(thing):
    """The shared cache's key for a thing: hashed, as URLs can name anything, at any length."""
    return "briefings:version:" + hashlib.sha256(thing.encode()).hexdigest()[:32]


def briefing_page(slug):
    return f"briefing:{slug}"


def tag_page(slug):
    """Every filter page that names this tag, and the pages listing its topics."""
    return f"tag:{slug}"


class SharedVersions:
    """This worker's view of the shared versions, with a circuit breaker around the store."""

    def __init__(self):
        self.known = {}  # thing -> (version, when it was read)
        self.unsent = {}  # thing -> version, made while the store was down
        self.down_until = 0.0
        self.lock = threading.Lock()

    def versions(self, things, remembered_only=False):
        """The current version of each thing, or None while the shared store is down.

        remembered_only: None as well if the store would have to be asked.
        """
        now = time.time()
        if now < self.down_until:
            return None
        if len(self.known) >= REMEMBERED_AT_MOST:
            with self.lock:
                self.known.clear()
        stale = [thing for thing in things if self._is_stale(thing, now)]
        if stale or self.unsent:
            if remembered_only:
                return None
            try:
                self._send_unsent()
                keys = {thing: version_key(thing) for thing in stale}
                found = cache.get_many(keys.values())
            except RedisError:
                self._mark_down(now)
                return None
            with self.lock:
                for thing in stale:
                    self.known[thing] = (found.get(keys[thing], "0"), now)
        return [self.known[thing][0] for thing in things]

    def renew(self, things):
        """Give these things new versions, here at once and for other workers shortly."""
        fresh = {thing: uuid.uuid4().hex for thing in things}
        with self.lock:
            self.known.update({thing: (version, time.time()) for thing, version in fresh.items()})
            self.unsent.update(fresh)
        if time.time() >= self.down_until:
            try:
                self._send_unsent()
            except RedisError:
                self._mark_down(time.time())

    def forget(self):
        """Drop what this worker remembers and owes the store (between tests)."""
        with self.lock:
            self.known.clear()
            self.unsent.clear()
            self.down_until = 0.0

    def _is_stale(self, thing, now):
        remembered = self.known.get(thing)
        return remembered is None or now - remembered[1] >= REFRESH_SECONDS

    def _send_unsent(self):
        with self.lock:
            sending = dict(self.unsent)
        if not sending:
            return
        # Long enough that every page stored under the previous version has expired.
        cache.set_many(
            {version_key(thing): version for thing, version in sending.items()},
            timeout=2 * settings.PAGE_CACHE_SECONDS + 2 * REFRESH_SECONDS,
        )
        with self.lock:
            for thing, version in sending.items():
                if self.unsent.get(thing) == version:
                    del self.unsent[thing]

    def _mark_down(self, now):
        logger.warning(
            "Shared cache unreachable: pages are served uncached for %d s.", RETRY_SECONDS
        )
        with self.lock:
            self.down_until = now + RETRY_SECONDS
            self.known.clear()


shared_versions = SharedVersions()
_pending = threading.local()


def retire_after_commit(things):
    """Renew these things' versions once the current transaction commits.

    Every change in a transaction adds to one set, renewed by the first callback to
    run at commit; the others find it empty. So an admin save that changes a briefing
    and its tags renews each thing once, and a page rendered before the commit can
    never be stored under the new versions.
    """
    if not hasattr(_pending, "things"):
        _pending.things = set()
    _pending.things.update(things)
    transaction.on_commit(_renew_pending)


def retire_everything_after_commit():
    retire_after_commit({SITE})


def _renew_pending():
    things, _pending.things = getattr(_pending, "things", set()), set()
    if things:
        shared_versions.renew(things)
