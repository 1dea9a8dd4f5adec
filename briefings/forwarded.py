"""Who a request came from, believed only from the proxies the site runs behind.

A caching proxy or load balancer connects to the node itself, so REMOTE_ADDR is the
proxy's own address; it passes the reader's in X-Forwarded-For and the scheme the
reader used in X-Forwarded-Proto. Anyone can send those headers, so they are read only
on connections from settings.TRUSTED_PROXIES; from anyone else they are dropped. The
reader is then the nearest address in X-Forwarded-For that is not a trusted proxy
(each proxy appends the address it was reached from; what the reader sent comes
first). Everything after this (django-axes, the rate limits, the logs) reads
REMOTE_ADDR alone.

Werkzeug's ProxyFix trusts a number of hops whoever connects; here trust follows the
connecting address, which is what stops a reader who reaches a node directly.
"""

import functools
import ipaddress

from django.conf import settings

FORWARDING_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST")


@functools.lru_cache(maxsize=4)
def networks(specs):
    """The networks named in settings ("10.0.0.5", "10.0.0.0/24", "::1"), given as a
    tuple; ValueError if one is not an address or network."""
    return [ipaddress.ip_network(spec, strict=False) for spec in specs]


@functools.lru_cache(maxsize=1024)  # a node hears from a few proxies, again and again
def _address(text):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def is_within(text, trusted):
    address = _address(text)
    return address is not None and any(address in network for network in trusted)


def reader_address(environ, trusted):
    """The nearest hop in X-Forwarded-For that is not a trusted proxy; the connecting
    address if there is none, or if that hop is not an address."""
    remote = environ.get("REMOTE_ADDR", "")
    hops = environ.get("HTTP_X_FORWARDED_FOR", "").split(",")
    for hop in reversed(hops):
        if not is_within(hop, trusted):
            return str(_address(hop) or remote)
    return remote


def behind_proxies(application):
    """Wrap a WSGI application: forwarding headers count only from trusted proxies."""

    def serve(environ, start_response):
        trusted = networks(tuple(settings.TRUSTED_PROXIES))
        if is_within(environ.get("REMOTE_ADDR", ""), trusted):
            environ["REMOTE_ADDR"] = reader_address(environ, trusted)
        else:
            for header in FORWARDING_HEADERS:
                environ.pop(header, None)
        return application(environ, start_response)

    return serve
