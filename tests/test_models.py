from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError
from django.utils import timezone

from briefings.models import Briefing, Status


def test_published_queryset_shows_only_published_past_briefings(make_briefing):
    now = timezone.now()
    past = make_briefing(published_at=now - timedelta(hours=1))
    make_briefing(status=Status.DRAFT, published_at=now - timedelta(hours=1))
    make_briefing(published_at=now + timedelta(hours=1))
    make_briefing(status=Status.DRAFT)
    assert list(Briefing.objects.published()) == [past]


def test_scheduled_briefing_appears_once_its_time_comes(make_briefing):
    briefing = make_briefing(published_at=timezone.now() + timedelta(seconds=1))
    assert not Briefing.objects.published().exists()
    Briefing.objects.filter(pk=briefing.pk).update(
        published_at=timezone.now() - timedelta(seconds=1)
    )
    assert Briefing.objects.published().get() == briefing


def test_publishing_without_a_date_stamps_the_current_time(make_briefing):
    before = timezone.now()
    briefing = make_briefing(status=Status.DRAFT, published_at=None)
    assert briefing.published_at is None
    briefing.status = Status.PUBLISHED
    briefing.save()
    assert briefing.published_at >= before


def test_database_refuses_a_published_briefing_without_date(make_briefing):
    briefing = make_briefing()
    with pytest.raises(IntegrityError):
        Briefing.objects.filter(pk=briefing.pk).update(published_at=None)


def test_save_renders_body_and_reading_time(make_briefing):
    briefing = make_briefing(body="## Heading\n\n" + "word " * 450)
    assert briefing.body_html.startswith('<h2 id="body-heading">Heading</h2>')
    assert briefing.reading_minutes == 3


def test_byline_is_the_full_name_never_the_login(make_briefing, django_user_model):
    author = django_user_model.objects.create(username="jdoe42", first_name="Jane", last_name="Doe")
    assert make_briefing(author=author).byline == "Jane Doe"
    nameless = get_user_model().objects.create(username="login-only")
    assert make_briefing(author=nameless).byline == settings.DESK_NAME
    assert make_briefing(author=None).byline == settings.DESK_NAME
