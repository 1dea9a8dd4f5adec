import io
import itertools
import os
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from briefings import roles
from briefings.caching.page_cache import release_schedule
from briefings.caching.surrogate_keys import shared_versions
from briefings.models import Briefing, Status, Tag, TagPair

_numbers = itertools.count(1)
PROJECT = Path(__file__).resolve().parent.parent


def require_tool(found, missing_message):
    """Skip a test whose outside tool is missing, telling how to get it; under CI, fail."""
    if found:
        return found
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true, so this is a failure, not a skip: {missing_message}")
    pytest.skip(missing_message)


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


def image_bytes(image_format="PNG", size=(1000, 700), mode="RGB", **save_options):
    buffer = io.BytesIO()
    Image.new(mode, size).save(buffer, format=image_format, **save_options)
    return buffer.getvalue()


def image_upload(name="photo.png", image_format="PNG", size=(1000, 700), **options):
    """An uploaded file holding a real image of the given format."""
    return SimpleUploadedFile(name, image_bytes(image_format, size, **options))


def file_upload(name, content):
    """An uploaded file with any content, whatever its name says."""
    return SimpleUploadedFile(name, content)


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


def published_counts():
    """Each tag's stored count of public briefings, by name."""
    return dict(Tag.objects.values_list("name", "published_count"))


def true_counts():
    """Each tag's count of public briefings, counted from scratch."""
    public = Briefing.objects.published()
    return {
        tag.name: tag.tagged_briefings.filter(content_object__in=public).count()
        for tag in Tag.objects.all()
    }


def pair_counts():
    """Each stored pair count above zero, by the two tags' names."""
    pairs = TagPair.objects.filter(count__gt=0).values_list("tag__name", "other__name", "count")
    return {(tag, other): count for tag, other, count in pairs}


def true_pair_counts():
    """How many public briefings carry each two tags, counted from scratch."""
    counts = {}
    for briefing in Briefing.objects.published().prefetch_related("tags"):
        names = [tag.name for tag in briefing.tags.all()]
        for tag in names:
            for other in names:
                if tag != other:
                    counts[tag, other] = counts.get((tag, other), 0) + 1
    return counts
