"""Settings for Briefings, read from the environment (see .env.example).

Development defaults apply only with DJANGO_DEBUG=1; in production a missing
secret key stops start-up instead of running with a guessable one.
"""

import os
import socket
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from briefings import forwarded

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name, default):
    """A boolean variable: "1" is on, "0" is off, unset is the default."""
    value = os.environ.get(name)
    if value is None:
        return default
    if value not in ("0", "1"):
        raise ImproperlyConfigured(f"{name} must be 0 or 1, not {value!r}.")
    return value == "1"


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_flag("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "Set DJANGO_SECRET_KEY (or DJANGO_DEBUG=1 for local development)."
        )
    SECRET_KEY = "development-only-key-never-used-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "taggit",
    "reversion",
    "axes",
    "csp",
    "django_ratelimit",
    "django_prometheus",
    "ninja",  # the content API's documentation page and its static files
    # After taggit, whose admin registration briefings/admin undoes; before the admin,
    # so that its admin templates (base_site.html) are the ones used.
    "briefings",
    "django.contrib.admin",
]

MIDDLEWARE = [
    # Request counts and latencies for /metrics (django-prometheus): first and last.
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    # Counts every query the request makes, the page cache's own included, for its log line.
    "briefings.request_log.QueryCounter",
    # First: a cached page is stored with what every other middleware adds, and a
    # reader's hit skips them all.
    "briefings.caching.page_cache.PublicPageCacheMiddleware",
    # Before anything that may refuse a request (a bad host is refused by
    # CommonMiddleware), so that refusals carry the security headers too.
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.common.CommonMiddleware",
    "briefings.backstop.BackstopMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Last, as django-axes asks: refuses logins from a locked-out address and name.
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "site_config.urls"
WSGI_APPLICATION = "site_config.wsgi.application"

TEMPLATES = [
    # The public pages (templates/): Jinja2, see briefings/jinja2.py for why.
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "briefings.jinja2.environment",
            "context_processors": ["briefings.context_processors.site_url"],
        },
    },
    # The admin's own templates.
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "briefings.context_processors.newsroom_queue",
            ],
        },
    },
]

DATABASES = {
    # A kept connection is checked before each request reuses it, so a database that
    # restarted costs no request an error.
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=600, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that cannot be reached fails a request in seconds, never hangs it; no
    # statement runs past its limit, whoever sent it (the request backstop stops a
    # request's queries sooner).
    DATABASES["default"]["OPTIONS"] = {
        "connect_timeout": int(os.environ.get("DJANGO_DB_CONNECT_SECONDS", "3")),
        "options": "-c statement_timeout={}s".format(
            int(os.environ.get("DJANGO_DB_STATEMENT_SECONDS", "30"))
        ),
        **DATABASES["default"].get("OPTIONS", {}),
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several workers on one file: readers never wait for a writer (WAL), a writer waits
    # its turn rather than failing (timeout), and a transaction that will write takes
    # the write lock when it begins, so it never fails to upgrade a read lock halfway.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    # Shared by every worker: the versions of what cached pages show
    # (briefings/caching/surrogate_keys.py). Redis when configured, else a database table
    # (made by a migration), so that several workers agree either way.
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # A Redis that hangs holds one request up this long; then pages are served
            # uncached for a few seconds before it is tried again.
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
        if REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "briefings_shared_cache",  # made by migration briefings 0004
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    ),
    # Requests counted for the rate limits: in each worker's memory on one machine, in
    # Redis when there is one, so that every node counts together.
    "ratelimit": (
        {
            # An unreachable Redis counts nothing rather than failing the request.
            "BACKEND": "briefings.caching.forgiving_redis.ForgivingRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ratelimit"}
    ),  # fmt: skip
    # Rendered public pages, in each worker's own memory: no network round trip.
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "pages",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}

# Caching proxies in front of the nodes (briefings/caching/proxies.py): how long one
# may keep a public page (a change purges it at once), the header that names a page's
# surrogate keys, where purges go and the token that lets them in.
PROXY_CACHE_SECONDS = int(os.environ.get("DJANGO_PROXY_CACHE_SECONDS", "3600"))
SURROGATE_KEY_HEADER = os.environ.get("DJANGO_SURROGATE_KEY_HEADER", "xkey")
PROXY_PURGE_URLS = env_list("DJANGO_PROXY_PURGE_URLS")
PROXY_PURGE_TOKEN = os.environ.get("DJANGO_PROXY_PURGE_TOKEN", "")
if PROXY_PURGE_URLS and not PROXY_PURGE_TOKEN:
    raise ImproperlyConfigured("DJANGO_PROXY_PURGE_URLS needs DJANGO_PROXY_PURGE_TOKEN.")

# How long a public page is served from the cache at most; an edit purges the pages
# it affects in every worker within a second (see briefings/caching/page_cache.py).
# 0 turns the page cache off. Behind caching proxies it is off: the proxy holds the
# pages, and a node's copy, up to a second stale after an edit, could refill the proxy
# with the old page right after its purge.
PAGE_CACHE_SECONDS = int(
    os.environ.get("DJANGO_PAGE_CACHE_SECONDS", "0" if PROXY_PURGE_URLS else "60")
)
if PROXY_PURGE_URLS and PAGE_CACHE_SECONDS:
    raise ImproperlyConfigured(
        "Behind caching proxies (DJANGO_PROXY_PURGE_URLS) the page cache must be off: "
        "leave DJANGO_PAGE_CACHE_SECONDS unset or 0."
    )

# The most database time one request may take before it is stopped with a 503
# (briefings/backstop.py); 0 turns the backstop off.
REQUEST_DB_SECONDS = int(os.environ.get("DJANGO_REQUEST_DB_SECONDS", "5"))

# Whether requests bring in scheduled briefings whose time has come (at most once a
# second a worker). On in development, so `make run` needs nothing else; in production
# `manage.py release_due --loop` runs beside the app servers instead.
RELEASE_DUE_IN_REQUESTS = (
    os.environ.get("DJANGO_RELEASE_DUE_IN_REQUESTS", "1" if DEBUG else "0") == "1"
)

# The site's public address, for canonical links, feeds and the sitemap; pages are
# cached whatever host a request names, so links never come from the request. Its host
# must be one of ALLOWED_HOSTS (a system check says so at start).
DEFAULT_SITE_URL = (
    "http://127.0.0.1:8000" if DEBUG or not ALLOWED_HOSTS else f"https://{ALLOWED_HOSTS[0]}"
)
SITE_URL = os.environ.get("DJANGO_SITE_URL", DEFAULT_SITE_URL).rstrip("/")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]

LANGUAGE_CODE = "en-gb"
# The newsroom's time zone: editors enter times in it and readers see them in it, with
# the zone named; the database stores UTC.
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "Asia/Kolkata")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
# Where create_demo_accounts keeps the passwords it made (each database its own file).
DEMO_ACCOUNTS_FILE = Path(os.environ.get("DJANGO_DEMO_ACCOUNTS_FILE", BASE_DIR / ".demo-accounts"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed names need collectstatic; development and tests serve
    # the source files directly.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Uploads go to this machine's disk, or with DJANGO_S3_BUCKET to an S3-compatible store
# (AWS S3, MinIO, Garage, R2; django-storages), which every node shares. Readers fetch
# renditions from DJANGO_MEDIA_URL: this site's /media/ by default, or the store's or a
# CDN's address, which pages and feeds use as it is.
MEDIA_URL = os.environ.get("DJANGO_MEDIA_URL", MEDIA_URL)
S3_BUCKET = os.environ.get("DJANGO_S3_BUCKET", "")
if S3_BUCKET:
    media_address = urlsplit(MEDIA_URL)
    if not media_address.netloc:
        raise ImproperlyConfigured(
            "DJANGO_S3_BUCKET needs DJANGO_MEDIA_URL, the absolute address readers fetch "
            "images from: the bucket's (http://127.0.0.1:9000/briefings/) or a CDN's."
        )
    STORAGES["default"] = {
        "BACKEND": "briefings.storage.MediaStorage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": os.environ.get("DJANGO_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("DJANGO_S3_REGION", "us-east-1"),
            "access_key": os.environ.get("DJANGO_S3_ACCESS_KEY", ""),
            "secret_key": os.environ.get("DJANGO_S3_SECRET_KEY", ""),
            "addressing_style": "path",
            "custom_domain": media_address.netloc + media_address.path.rstrip("/"),
            "url_protocol": media_address.scheme + ":",
            "querystring_auth": False,  # renditions are public, their URLs stable
            "file_overwrite": False,
            "default_acl": "private",  # originals; renditions are made public-read
        },
    }
MEDIA_ORIGIN = "{0.scheme}://{0.netloc}".format(urlsplit(MEDIA_URL)) if "://" in MEDIA_URL else ""

# In development whitenoise serves files straight from the apps' static folders.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# Uploads larger than this go to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024

# Logins are throttled per address and user name (django-axes): after 5 failures in
# 15 minutes that pair is locked out for 15 minutes, whether or not the user exists.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "briefings.auth.StaffOnlyBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["ip_address", "username"]]
AXES_RESET_ON_SUCCESS = True
# The address django-axes counts: REMOTE_ADDR alone, which only a trusted proxy may set
# from X-Forwarded-For (briefings/forwarded.py); read by axes from the header itself,
# anyone could lock any editor out, or dodge the lockout.
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

# The byline of a briefing whose author has no full name (never the login name).
DESK_NAME = os.environ.get("DJANGO_DESK_NAME", "Briefings desk")

TAGGIT_CASE_INSENSITIVE = True
# Tags are separated by commas only: "Tianjin summit, border talks" is two tags.
TAGGIT_TAGS_FROM_STRING = "briefings.text.parse_tag_names"
TAGGIT_STRING_FROM_TAGS = "briefings.text.tag_names_text"

# Production hardening, each switchable for a plain-HTTP benchmark or a proxy.
SECURE_SSL_REDIRECT = env_flag("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
# The proxy probes nodes over plain HTTP (briefings/views/health.py).
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SESSION_COOKIE_SECURE = env_flag("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = env_flag("DJANGO_HSTS_PRELOAD", SECURE_HSTS_SECONDS > 0)
# The proxies in front of the nodes (addresses or networks): only their connections may
# say, in X-Forwarded-For and -Proto, who the reader is and how they came
# (briefings/forwarded.py, applied in site_config/wsgi.py).
TRUSTED_PROXIES = env_list("DJANGO_TRUSTED_PROXIES")
try:
    forwarded.networks(tuple(TRUSTED_PROXIES))
except ValueError as error:
    raise ImproperlyConfigured(f"DJANGO_TRUSTED_PROXIES: {error}.") from None
if env_flag("DJANGO_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp; Django 5.2 has none of its own): scripts, styles,
# images and forms from this site only, nothing inline, no plugins, no framing. Public
# pages have no scripts at all; the admin's come from its static files. The JSON-LD on
# briefing pages is data, which browsers do not run.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'none'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *([MEDIA_ORIGIN] if MEDIA_ORIGIN else [])],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "manifest-src": ["'self'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "object-src": ["'none'"],
    }
}
# Browser features the site never uses, turned off for it and anything it might embed.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer", "autoplay", "camera", "display-capture", "encrypted-media",
        "fullscreen", "geolocation", "gyroscope", "magnetometer", "microphone", "midi",
        "payment", "picture-in-picture", "publickey-credentials-get", "screen-wake-lock",
        "usb", "xr-spatial-tracking",
    )
}  # fmt: skip

# Logs: one JSON line per request and per message in production (time, level, request
# id, node; briefings/request_log.py), plain text in development, where runserver
# prints its own line per request.
NODE_NAME = os.environ.get("DJANGO_NODE_NAME", socket.gethostname())
SLOW_REQUEST_SECONDS = float(os.environ.get("DJANGO_SLOW_REQUEST_SECONDS", "1"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "briefings.request_log.WithRequestId"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.orjson.OrjsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s %(request_id)s %(node)s",
            "timestamp": "time",  # ISO 8601 in UTC, whatever the newsroom's zone
            "rename_fields": {"levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "text" if DEBUG else "json",
        }
    },
    # A line per request costs a node about a tenth of the cached pages it can serve:
    # where a proxy in front logs every request (make stack's varnishncsa), WARNING
    # keeps the slow and failed ones only.
    "loggers": {
        "briefings.requests": {
            "level": os.environ.get("DJANGO_REQUEST_LOG_LEVEL", "WARNING" if DEBUG else "INFO")
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}

# Errors also go to Sentry (or a service that speaks its protocol) when a DSN is given;
# by sentry-sdk's defaults, with no personal data (addresses, cookies).
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN, traces_sample_rate=0.0,
        server_name=NODE_NAME, environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
    )  # fmt: skip

# Rate limits (django-ratelimit) on what costs the most to answer: search, per address,
# and the writing screen's live preview, per editor. Past them: 429 with Retry-After.
RATELIMIT_ENABLE = env_flag("DJANGO_RATE_LIMITS", True)
RATELIMIT_USE_CACHE = "ratelimit"
RATELIMIT_FAIL_OPEN = True  # with the counts out of reach, let requests through
if not REDIS_URL:
    # Counting in each worker's memory is the choice on one machine (no write to the
    # database per search): each worker counts apart, so N workers let through up to N
    # times the rate. django-ratelimit asks for a shared cache; Redis is that one.
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]
RATELIMIT_VIEW = "briefings.views.lookups.too_many_requests"
