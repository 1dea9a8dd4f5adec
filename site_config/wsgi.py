import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_config.settings")
django_application = get_wsgi_application()

from briefings.caching.page_cache import serve_cached_pages  # noqa: E402 (needs Django set up)
from briefings.forwarded import behind_proxies  # noqa: E402
from briefings.request_log import logged  # noqa: E402

# Outermost, so that even pages answered from memory see the reader as Django would,
# and are logged.
application = behind_proxies(logged(serve_cached_pages(django_application)))
