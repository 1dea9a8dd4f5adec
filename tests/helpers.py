"""What several test modules share: form data, admin look-ups, uploads, counts, tools.

Fixtures live in conftest.py; test modules import plain functions from here only.
"""

import io
import os
import re
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse
from PIL import Image

import site_config.wsgi
from briefings.forms import version_of
from briefings.models import Briefing, Status, Tag, TagPair

PROJECT = Path(__file__).resolve().parent.parent


def require_tool(found, missing_message):
    """Skip a test whose outside tool is missing, telling how to get it; under CI, fail."""
    if found:
        return found
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true, so this is a failure, not a skip: {missing_message}")
    pytest.skip(missing_message)


ADD_URL = reverse("admin:briefings_briefing_add")
LIST_URL = reverse("admin:briefings_briefing_changelist")


def form_data(**overrides):
    """A complete, valid add form; override a field to test it."""
    return {
        "title": "Talks resume",
        "slug": "talks-resume",
        "standfirst": "They met.",
        "body": "## Details\n\nThey talked.",
        "tags": "SCO, border talks",
        "lead_image_alt": "",
        "lead_image_caption": "",
        "lead_image_credit": "",
        "status": Status.DRAFT,
        "published_at_0": "",
        "published_at_1": "",
        "author": "",
        # The corrections inline's management form, with no corrections.
        "corrections-TOTAL_FORMS": "0",
        "corrections-INITIAL_FORMS": "0",
        **overrides,
    }


def truncated_jpeg():
    """A JPEG cut short: its header is sound, so only decoding finds the damage."""
    buffer = io.BytesIO()
    Image.effect_noise((800, 600), 50).convert("RGB").save(buffer, format="JPEG")
    return buffer.getvalue()[:5000]


def errors(response):
    return re.findall(r'<ul class="errorlist[^"]*"[^>]*><li>(.+?)</li>', response.content.decode())


def topic_form(fields, other_names=()):
    """What the topic's admin form posts: these fields, and these (name, lang) other
    names as new rows of its inline."""
    rows = {}
    for number, (name, lang) in enumerate(other_names):
        rows |= {f"other_names-{number}-name": name, f"other_names-{number}-lang": lang}
    return {
        "kind": "subject", "description": "", **fields, **rows,
        "other_names-TOTAL_FORMS": str(len(other_names)), "other_names-INITIAL_FORMS": "0",
    }  # fmt: skip


def change_url(briefing):
    return reverse("admin:briefings_briefing_change", args=[briefing.pk])


def delete_url(briefing):
    return reverse("admin:briefings_briefing_delete", args=[briefing.pk])


def edit_data(briefing, **changes):
    stored = {
        "title": briefing.title, "slug": briefing.slug, "standfirst": briefing.standfirst,
        "body": briefing.body, "tags": "", "status": briefing.status,
        "author": briefing.author_id or "",
        "opened_version": version_of(briefing.updated_at),
    }  # fmt: skip
    return form_data(**{**stored, **changes})


def is_cached(client, url, django_assert_num_queries, **headers):
    """Whether the page at url comes from the cache: served without a query."""
    try:
        with django_assert_num_queries(0):
            client.get(url, headers=headers)
    except pytest.fail.Exception:
        return False
    return True


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


def through_the_site(path="/", **headers):
    """(status, headers) of a GET through the site's own WSGI application."""
    environ = RequestFactory().get(path, headers=headers).environ
    answer = {}

    def start_response(status, response_headers, *exc_info):
        answer.update(status=int(status.split()[0]), headers=dict(response_headers))

    b"".join(site_config.wsgi.application(environ, start_response))
    return answer["status"], answer["headers"]


def wait_until_answering(url, timeout=30):
    """Wait until a server answers at url, with any status; fail after `timeout` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{url} did not answer in {timeout} s")
