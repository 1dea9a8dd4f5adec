import itertools
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone

from briefings import roles
from briefings.caching.page_cache import release_schedule
from briefings.caching.surrogate_keys import shared_versions
from briefings.models import Briefing, Status

_numbers = itertools.count(1)
PROJECT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def empty_caches():
    """Each test starts with no cached pages, no remembered page versions and a release
    of scheduled briefings due."""
    caches["pages"].clear()
    release_schedule.next_check = 0.0
    # The database cache lives in the test database, which each test rolls back.
    if not isinstance(caches["default"], DatabaseCache):
        caches["default"].clear()
    shared_versions.forget()


@pytest.fixture(autouse=True)
def no_rate_limits(settings):
    """Tests ask far faster than readers; the limits have tests of their own."""
    settings.RATELIMIT_ENABLE = False


@pytest.fixture(autouse=True)
def no_backstop(settings):
    """The database backstop has tests of its own (test_backstop.py); elsewhere its
    one-off SET on PostgreSQL would be counted by whichever test asks first."""
    settings.REQUEST_DB_SECONDS = 0


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Uploads and renditions go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def member(db):
    """make(role): a newsroom member in that role's group (roles.WRITER, EDITOR, ADMIN)."""

    def make(role, username=None):
        username = username or role.lower()
        user = get_user_model().objects.create_user(
            username, first_name=username.title(), last_name="Smith", is_staff=True
        )
        user.groups.add(Group.objects.get(name=role))
        return user

    return make


@pytest.fixture
def writer(client, member):
    """A Writer, logged in on `client`."""
    user = member(roles.WRITER)
    client.force_login(user)
    return user


@pytest.fixture
def editor(client, member):
    """An Editor, logged in on `client`."""
    user = member(roles.EDITOR)
    client.force_login(user)
    return user


@pytest.fixture
def make_briefing(db, django_capture_on_commit_callbacks):
    """Create a briefing, committed: published a day ago unless overridden; tags by name."""

    def make(tags=(), **overrides):
        with django_capture_on_commit_callbacks(execute=True):
            return create(tags, **overrides)

    def create(tags, **overrides):
        number = next(_numbers)
        fields = {
            "title": f"Briefing {number}",
            "slug": f"briefing-{number}",
            "standfirst": f"Standfirst of briefing {number}.",
            "body": f"Body of briefing {number}.",
            "status": Status.PUBLISHED,
            "published_at": timezone.now() - timedelta(days=1, minutes=number),
            **overrides,
        }
        briefing = Briefing.objects.create(**fields)
        if tags:
            briefing.tags.set(list(tags))
        return briefing

    return make


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what a block leaves for after commit, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def public_address(settings):
    """The site's configured public address, as production sets it."""
    settings.SITE_URL = "https://briefings.example.org"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "briefings.example.org"]
    return settings.SITE_URL


@pytest.fixture
def clock():
    """Time stands still until the test moves it (clock.shift(seconds))."""
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


@pytest.fixture
def connection_kept():
    """Keep the test's database connection across requests, as Django's test client does:
    the real handler closes it when a request ends."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)
