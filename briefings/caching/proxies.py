"""The caching proxies in front of the nodes (Varnish with its xkey module): what a page
tells them, and the purges sent to them.

A public page names its surrogate keys in the header settings.SURROGATE_KEY_HEADER
("xkey" for Varnish, "Surrogate-Key" for Fastly, "Cache-Tag" for Cloudflare), each as a
token, a short hash that any header can carry (slugs may be in any script). After a
change commits, each URL in settings.PROXY_PURGE_URLS gets a PURGE naming the tokens in
`xkey-purge`, with settings.PROXY_PURGE_TOKEN in `X-Purge-Token` (the proxy refuses a
purge without it). A proxy that cannot be reached, or refuses, is logged and its tokens
kept as PendingPurge rows, which `manage.py release_due` sends again: a save never fails
for a proxy.
"""

import hashlib
import logging
import urllib.request

from django.conf import settings

from ..models import PendingPurge

TOKENS_PER_PURGE = 100  # about 2.5 KB of header, well inside a proxy's limits
PURGE_TIMEOUT_SECONDS = 1.0
SEPARATORS = {"cache-tag": ","}  # Cloudflare's list; the others are separated by spaces
logger = logging.getLogger(__name__)


def token(key):
    return hashlib.sha256(key.encode()).hexdigest()[:24]


def header_value(keys):
    """The surrogate key header of a page that depends on these keys."""
    separator = SEPARATORS.get(settings.SURROGATE_KEY_HEADER.lower(), " ")
    return separator.join(sorted({token(key) for key in keys}))


def purge(keys):
    """Purge these surrogate keys' pages at every proxy; what fails is kept for later."""
    if not settings.PROXY_PURGE_URLS or not keys:
        return
    tokens = sorted({token(key) for key in keys})
    if not _sent(tokens):
        PendingPurge.objects.bulk_create(
            [PendingPurge(token=each) for each in tokens], ignore_conflicts=True
        )


def send_pending(limit=1000):
    """Send again the purges no proxy took; how many were sent."""
    if not settings.PROXY_PURGE_URLS:
        return 0
    tokens = list(PendingPurge.objects.order_by("since").values_list("token", flat=True)[:limit])
    if tokens and _sent(tokens):
        PendingPurge.objects.filter(token__in=tokens).delete()
        return len(tokens)
    return 0


def _sent(tokens):
    """Whether every proxy took the purge of every token."""
    everywhere = True
    for url in settings.PROXY_PURGE_URLS:
        for start in range(0, len(tokens), TOKENS_PER_PURGE):
            batch = " ".join(tokens[start : start + TOKENS_PER_PURGE])
            request = urllib.request.Request(
                url,
                method="PURGE",
                headers={"xkey-purge": batch, "X-Purge-Token": settings.PROXY_PURGE_TOKEN},
            )
            try:
                urllib.request.urlopen(request, timeout=PURGE_TIMEOUT_SECONDS).close()
            except OSError as error:  # refused (HTTPError) too
                logger.warning("Purge at %s failed (%s); it is sent again later.", url, error)
                everywhere = False
                break
    return everywhere
