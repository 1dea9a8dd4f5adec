"""Related briefings on a briefing's page: shared tags, the rarer the weightier, then recency."""

import re
from datetime import timedelta

from django.utils import timezone

from briefings.models import Briefing, Status
from briefings.related import MAX_CANDIDATE_LINKS, RELATED_SHOWN, source_tags


def related_titles(response):
    page = response.content.decode()
    aside = re.search(r'<aside class="related".*?</aside>', page, re.S)
    if aside is None:
        return []
    return re.findall(r'class="card-title"><a href="[^"]+">([^<]+)</a>', aside.group())


def test_rarer_shared_tags_weigh_more_then_newer_first(client, make_briefing):
    for number in range(6):  # make "India" common
        make_briefing(title=f"Filler {number}", tags=["India"])
    subject = make_briefing(title="Subject", tags=["India", "Kailash"])
    make_briefing(title="Shares the rare tag", tags=["Kailash"], published_at=days_ago(30))
    make_briefing(title="Shares both", tags=["India", "Kailash"], published_at=days_ago(60))
    titles = related_titles(client.get(subject.get_absolute_url()))
    assert titles[:2] == ["Shares both", "Shares the rare tag"]
    assert len(titles) == RELATED_SHOWN
    assert titles[2:] == ["Filler 0", "Filler 1"]  # the newest of the common tag's


def test_no_related_without_shared_public_tags(client, make_briefing):
    subject = make_briefing(title="Subject", tags=["Bhutan"])
    make_briefing(title="Draft", tags=["Bhutan"], status=Status.DRAFT)
    make_briefing(title="Scheduled", tags=["Bhutan"], published_at=timezone.now() + timedelta(1))
    make_briefing(title="Elsewhere", tags=["Nepal"])
    page = client.get(subject.get_absolute_url())
    assert related_titles(page) == []
    assert "Related briefings" not in page.content.decode()


def test_a_briefing_is_not_related_to_itself(client, make_briefing):
    subject = make_briefing(title="Subject", tags=["Visas"])
    other = make_briefing(title="Other", tags=["Visas"])
    assert related_titles(client.get(subject.get_absolute_url())) == ["Other"]
    assert related_titles(client.get(other.get_absolute_url())) == ["Subject"]


def test_candidates_come_from_the_rarest_tags_within_a_budget():
    tags = [(1, "common", 50_000), (2, "rare", 10), (3, "middle", MAX_CANDIDATE_LINKS)]
    assert [tag.slug for tag in source_tags(tags)] == ["rare"]
    assert [tag.slug for tag in source_tags([(1, "common", 50_000)])] == ["common"]
    few = [(1, "a", 10), (2, "b", 20)]
    chosen = source_tags(few)
    assert [tag.slug for tag in chosen] == ["a", "b"] and chosen[0].weight > chosen[1].weight


def test_a_cached_page_drops_a_related_briefing_that_leaves(client, make_briefing, committed):
    subject = make_briefing(title="Subject", tags=["Galwan"])
    leaving = make_briefing(title="Leaving", tags=["Galwan", "India"])
    assert related_titles(client.get(subject.get_absolute_url())) == ["Leaving"]
    with committed():
        Briefing.objects.filter(pk=leaving.pk).unpublish()
    assert related_titles(client.get(subject.get_absolute_url())) == []


def test_a_cached_page_shows_a_new_related_briefing(client, make_briefing, committed):
    subject = make_briefing(title="Subject", tags=["Galwan"])
    client.get(subject.get_absolute_url())
    with committed():
        make_briefing(title="Newcomer", tags=["Galwan"])
    assert related_titles(client.get(subject.get_absolute_url())) == ["Newcomer"]


def days_ago(days):
    return timezone.now() - timedelta(days=days)
