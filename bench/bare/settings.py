"""The smallest Django project that serves a page: the yardstick for the site's figures."""

SECRET_KEY = "bench-only"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
ROOT_URLCONF = "bare.urls"
INSTALLED_APPS = []
MIDDLEWARE = []
USE_TZ = True
