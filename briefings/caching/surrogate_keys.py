"""Surrogate keys: what a cached page depends on, and the version of each, shared by
every worker.

A cached page is stored under the versions of its surrogate keys (see page_cache.py):
the whole site, the latest list, the topic counts, one briefing, one tag's lists. A
change purges each key it touched once its transaction commits: the key gets a new
version, so pages stored under the old one are no longer found, and all others stay.

The versions live in the default cache: Redis when REDIS_URL is set, else a table in
the database, so that every worker sees them. Each worker remembers a version for up to
REFRESH_SECONDS, so a purge made in one worker shows in the others within that time,
and a cached page costs at most one look-up a second per key.

A version lives a little longer than any page stored under the one before it; once it
expires the key reads as the store's generation again, which no live page is stored
under. The generation is a random value the store keeps for good: a store that lost
everything (a Redis restarted empty) gets a new one, so no key can read as a version a
page was stored under before the loss, and no page from before an edit comes back.

If the shared store fails (a Redis that hangs or is down, or the database its table is
in), pages are served uncached and the store is left alone for RETRY_SECONDS; purges
made meanwhile are kept in this worker and sent when it answers again.
"""

import hashlib
import logging
import threading
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, transaction
from redis.exceptions import RedisError

from . import proxies

SITE = "site"  # names, slugs and anything else every page may show
LATEST_LIST = "latest"  # the home list at every depth
TAG_COUNTS = "tag-counts"  # the tags index and the topic counts
CORRECTIONS = "corrections"  # the list of all corrections
GENERATION = "briefings:generation"  # the version of every key never purged
REFRESH_SECONDS = 1.0
# What the shared store may raise when out of reach: Redis, or the database its table is in.
STORE_ERRORS = (RedisError, DatabaseError)
REMEMBERED_AT_MOST = 10_000  # URLs can name any tag: what a worker remembers is bounded
RETRY_SECONDS = 5.0
logger = logging.getLogger(__name__)


def version_key(key):
    """Where the shared cache keeps a surrogate key's version: hashed, as URLs can name
    anything, at any length."""
    return "briefings:version:" + hashlib.sha256(key.encode()).hexdigest()[:32]


def briefing_page(slug):
    return f"briefing:{slug}"


def tag_page(slug):
    """Every filter page that names this tag, and the pages listing its topics."""
    return f"tag:{slug}"


class SharedVersions:
    """This worker's view of the shared versions, with a circuit breaker around the store."""

    def __init__(self):
        self.known = {}  # surrogate key -> (version, when it was read)
        self.unsent = {}  # surrogate key -> version, purged while the store was down
        self.down_until = 0.0
        self.lock = threading.Lock()

    def versions(self, keys, remembered_only=False):
        """The current version of each key, or None while the shared store is down.

        remembered_only: None as well if the store would have to be asked.
        """
        now = time.time()
        if now < self.down_until:
            return None
        if len(self.known) >= REMEMBERED_AT_MOST:
            with self.lock:
                self.known.clear()
        stale = [key for key in keys if self._is_stale(key, now)]
        if stale or self.unsent:
            if remembered_only:
                return None
            try:
                self._send_unsent()
                stored_as = {key: version_key(key) for key in stale}
                found = cache.get_many([GENERATION, *stored_as.values()])
                generation = found.get(GENERATION) or _new_generation()
            except STORE_ERRORS:
                self._mark_down(now)
                return None
            with self.lock:
                for key in stale:
                    self.known[key] = (found.get(stored_as[key], generation), now)
        return [self.known[key][0] for key in keys]

    def purge(self, keys):
        """Give these keys new versions, here at once and for other workers shortly."""
        fresh = {key: uuid.uuid4().hex for key in keys}
        with self.lock:
            self.known.update({key: (version, time.time()) for key, version in fresh.items()})
            self.unsent.update(fresh)
        if time.time() >= self.down_until:
            try:
                self._send_unsent()
            except STORE_ERRORS:
                self._mark_down(time.time())

    def forget(self):
        """Drop what this worker remembers and owes the store (between tests)."""
        with self.lock:
            self.known.clear()
            self.unsent.clear()
            self.down_until = 0.0

    def _is_stale(self, key, now):
        remembered = self.known.get(key)
        return remembered is None or now - remembered[1] >= REFRESH_SECONDS

    def _send_unsent(self):
        with self.lock:
            sending = dict(self.unsent)
        if not sending:
            return
        # Long enough that every page stored under the previous version has expired.
        cache.set_many(
            {version_key(key): version for key, version in sending.items()},
            timeout=2 * settings.PAGE_CACHE_SECONDS + 2 * REFRESH_SECONDS,
        )
        with self.lock:
            for key, version in sending.items():
                if self.unsent.get(key) == version:
                    del self.unsent[key]

    def _mark_down(self, now):
        logger.warning(
            "Shared cache unreachable: pages are served uncached for %d s.", RETRY_SECONDS
        )
        with self.lock:
            self.down_until = now + RETRY_SECONDS
            self.known.clear()


def _new_generation():
    """The store's generation: a new one if it has none (first use, or everything lost);
    of two workers making one at once, the first to store it wins."""
    cache.add(GENERATION, uuid.uuid4().hex, timeout=None)
    return cache.get(GENERATION)


shared_versions = SharedVersions()
_pending = threading.local()


def purge_after_commit(keys):
    """Purge these surrogate keys once the current transaction commits.

    Every change in a transaction adds to one set, purged by the first callback to run
    at commit; the others find it empty. So an admin save that changes a briefing and
    its tags purges each key once, and a page rendered before the commit can never be
    stored under the new versions.
    """
    if not hasattr(_pending, "keys"):
        _pending.keys = set()
    _pending.keys.update(keys)
    transaction.on_commit(_purge_pending, robust=True)


def _purge_pending():
    keys, _pending.keys = getattr(_pending, "keys", set()), set()
    if keys:
        purge_now(keys)


def purge_now(keys):
    """Retire the pages that depend on these keys: in every worker's page cache (new
    versions) and at every caching proxy."""
    shared_versions.purge(keys)
    proxies.purge(keys)
