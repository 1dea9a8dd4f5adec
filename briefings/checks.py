"""Configuration refused at start rather than found out by readers."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, register
from django.http.request import validate_host

# What Django allows while DEBUG is on and ALLOWED_HOSTS is empty.
DEBUG_HOSTS = ["localhost", "127.0.0.1", "[::1]"]


@register()
def public_address_is_served(app_configs, **kwargs):
    """SITE_URL names the site at a host it answers to: otherwise every canonical link,
    feed and sitemap points at an address that answers 400."""
    address = urlsplit(settings.SITE_URL)
    if address.scheme not in ("http", "https") or not address.hostname:
        message = "DJANGO_SITE_URL must be the site's address, such as https://example.org"
        return [Error(f"{message}; it is {settings.SITE_URL!r}.", id="briefings.E001")]
    host = f"[{address.hostname}]" if ":" in address.hostname else address.hostname
    allowed = settings.ALLOWED_HOSTS or (DEBUG_HOSTS if settings.DEBUG else [])
    if not validate_host(host, allowed):
        hosts = ", ".join(settings.ALLOWED_HOSTS) or "none"
        message = f"The public address {settings.SITE_URL} is not among DJANGO_ALLOWED_HOSTS"
        return [Error(f"{message} ({hosts}): its pages would answer 400.", id="briefings.E002")]
    return []
