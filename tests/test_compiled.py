"""Queries compiled once give what the ORM gives, with each call's own values."""

from datetime import timedelta

import pytest
from django.utils import timezone

from briefings import cards, compiled
from briefings.models import Briefing, Status, Tag, TaggedBriefing
from briefings.pagination import _listing

pytestmark = pytest.mark.django_db


def newest_cards(now, tag_ids):
    """What cards show of the newest briefings: ids, text, times and JSON."""
    rows, briefing = _listing(now, tag_ids)
    prefix = "" if briefing == "pk" else f"{briefing}__"
    newest = rows.order_by("-published_at", f"-{briefing}")
    return newest.values_list(*(prefix + field for field in cards.CARD_FIELDS))[:5]


compiled_newest_cards = compiled.compiled_once(newest_cards)


@pytest.fixture
def archive(make_briefing):
    hour = timedelta(hours=1)
    for number in range(12):
        make_briefing(
            tags=["SCO", "India"] if number % 2 else ["SCO", "China"],
            published_at=timezone.now() - number * hour,
        )
    make_briefing(tags=["SCO"], status=Status.DRAFT)
    make_briefing(tags=["SCO", "China"], published_at=timezone.now() + hour)
    return {tag.name: tag.pk for tag in Tag.objects.all()}


def test_each_call_gets_the_rows_the_orm_gives_for_its_own_values(archive):
    now = timezone.now()
    sco, india, china = archive["SCO"], archive["India"], archive["China"]
    for values in [
        (now, []),
        (now - timedelta(hours=5), []),
        (now, [india]),
        (now, [china]),
        (now, [india, sco]),
        (now - timedelta(hours=3), [china, sco]),
        (now + timedelta(hours=2), [china, sco]),  # the scheduled one has come
    ]:
        expected = [tuple(row) for row in newest_cards(*values)]
        assert compiled_newest_cards(*values) == expected
        assert expected  # each case selects some briefings


def test_the_time_is_the_callers_not_the_first_calls(archive):
    now = timezone.now()
    scheduled = Briefing.objects.get(published_at__gt=now)
    assert scheduled.pk not in [row[0] for row in compiled_newest_cards(now, [])]
    later = [row[0] for row in compiled_newest_cards(now + timedelta(hours=2), [])]
    assert later[0] == scheduled.pk


def test_lists_of_every_length_including_none_and_long_ones(archive):
    ids = list(Briefing.objects.values_list("pk", flat=True))
    long_list = ids + list(range(10**6, 10**6 + compiled.MAX_LIST_LENGTH))
    for briefing_ids in ([], ids[:1], ids[:3], ids, long_list):
        expected = {
            (briefing, name, slug)
            for briefing, name, slug in TaggedBriefing.objects.filter(
                content_object__in=briefing_ids
            ).values_list("content_object", "tag__name", "tag__slug")
        }
        links = cards.tag_links(briefing_ids)
        found = {
            (briefing, link.name, link.url) for briefing, tags in links.items() for link in tags
        }
        assert found == {
            (briefing, name, Tag(slug=slug).get_absolute_url()) for briefing, name, slug in expected
        }
    assert len(cards.tag_links(ids)) == len(ids)


def test_a_query_that_reads_the_time_itself_is_refused(archive):
    @compiled.compiled_once
    def published_ids(briefing_id):
        return Briefing.objects.published().filter(pk__gte=briefing_id).values_list("pk")

    with pytest.raises(ValueError, match="elsewhere than its arguments"):
        published_ids(1)


def test_a_query_that_leaves_out_a_value_is_refused(archive):
    @compiled.compiled_once
    def newest(now, briefing_id):
        return Briefing.objects.published(at=now).values_list("pk")

    with pytest.raises(ValueError, match="each of its values"):
        newest(timezone.now(), 1)
