"""The archive by year and month, and each topic's timeline."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from briefings.models import Briefing, Status, Tag
from briefings.views.archive import MONTH_PAGE_SIZE, TIMELINE_PAGE_SIZE

KOLKATA = ZoneInfo("Asia/Kolkata")


def at(year, month, day, hour=12):
    return datetime(year, month, day, hour, tzinfo=KOLKATA)


def card_titles(response):
    return re.findall(r'class="card-title"><a href="[^"]+">([^<]+)</a>', response.content.decode())


def timeline_titles(response):
    return re.findall(r'</time> <a href="[^"]+">([^<]+)</a>', response.content.decode())


@pytest.fixture
def dated(make_briefing):
    """Briefings over two years, with a draft and a scheduled one that must not count."""
    make_briefing(title="March one", published_at=at(2024, 3, 2), tags=["SCO"])
    make_briefing(title="March two", published_at=at(2024, 3, 20), tags=["SCO"])
    make_briefing(title="Late 2024", published_at=at(2024, 12, 31, 23), tags=["India"])
    make_briefing(title="Spring 2025", published_at=at(2025, 4, 1), tags=["SCO"])
    make_briefing(title="Draft", status=Status.DRAFT, tags=["SCO"])
    make_briefing(title="Scheduled", published_at=timezone.now() + timedelta(days=3))


def test_archive_lists_years_with_counts(client, dated):
    page = client.get("/archive/").content.decode()
    years = re.findall(r'<a href="/archive/(\d+)/">\d+</a> <span class="count">\((\d+)', page)
    assert years == [("2025", "1"), ("2024", "3")]


def test_a_year_lists_its_months_with_counts(client, dated):
    page = client.get("/archive/2024/").content.decode()
    months = re.findall(
        r'<a href="/archive/2024/(\d+)/">[^<]+</a> <span class="count">\((\d+)', page
    )
    assert months == [("3", "2"), ("12", "1")]
    assert 'February 2024 <span class="count">(none)' in page
    assert 'href="/archive/2025/"' in page  # the next year


def test_a_month_lists_its_briefings_in_order(client, dated):
    assert card_titles(client.get("/archive/2024/3/")) == ["March one", "March two"]


def test_months_follow_the_site_time_zone(client, make_briefing):
    # 1 January 2025, 01:30 in Kolkata: still 31 December in UTC.
    make_briefing(title="New year", published_at=datetime(2024, 12, 31, 20, tzinfo=ZoneInfo("UTC")))
    assert card_titles(client.get("/archive/2025/1/")) == ["New year"]
    assert client.get("/archive/2024/12/").status_code == 404


def test_a_long_month_is_paged(client, make_briefing):
    for day in range(MONTH_PAGE_SIZE + 2):
        make_briefing(title=f"Day {day}", published_at=at(2024, 5, 1) + timedelta(hours=day))
    first, second = client.get("/archive/2024/5/"), client.get("/archive/2024/5/?page=2")
    assert len(card_titles(first)) == MONTH_PAGE_SIZE
    assert card_titles(second) == [f"Day {MONTH_PAGE_SIZE}", f"Day {MONTH_PAGE_SIZE + 1}"]


@pytest.mark.parametrize(
    "url",
    [
        "/archive/2024/13/", "/archive/2024/0/", "/archive/0000/01/", "/archive/0/1/",
        "/archive/2024/2/", "/archive/1999/", "/archive/9999/", "/archive/99999999999999999999/",
        "/archive/2024/3/?page=9", "/archive/2024/3/?page=x", "/archive/2024/-1/",
        "/archive/2025-13/", "/archive/2024/3/4/",
    ],
)  # fmt: skip
def test_bad_dates_are_404(client, dated, url):
    assert client.get(url).status_code == 404


def test_an_empty_archive_says_so(client, db):
    response = client.get("/archive/")
    assert response.status_code == 200
    assert "No briefings have been published yet." in response.content.decode()


def test_the_footer_links_the_archive_without_counts(client, dated):
    footer = re.search(r"<footer.*</footer>", client.get("/").content.decode(), re.S).group()
    assert '<a href="/archive/">Archive</a>' in footer
    assert not re.search(r"\d", footer)


def test_archive_pages_follow_a_publication(client, dated, committed):
    assert "3 briefings in 2024." in client.get("/archive/2024/").content.decode()
    assert '2024</a> <span class="count">(3 ' in client.get("/archive/").content.decode()
    with committed():
        Briefing.objects.create(
            title="Another", slug="another", standfirst="S.", body="B.",
            status=Status.PUBLISHED, published_at=at(2024, 12, 1),
        )  # fmt: skip
    assert "4 briefings in 2024." in client.get("/archive/2024/").content.decode()
    assert '2024</a> <span class="count">(4 ' in client.get("/archive/").content.decode()


# Timelines


def test_a_timeline_lists_a_topic_oldest_first_by_month(client, dated):
    response = client.get("/tags/sco/timeline/")
    assert timeline_titles(response) == ["March one", "March two", "Spring 2025"]
    page = response.content.decode()
    assert re.findall(r'<h2 id="month-\d+">([^<]+)</h2>', page) == ["March 2024", "April 2025"]
    assert "Draft" not in page


def test_the_tag_page_links_its_timeline(client, dated):
    assert 'href="/tags/sco/timeline/"' in client.get("/tags/sco/").content.decode()


def test_a_long_timeline_pages_both_ways(client, make_briefing):
    total = TIMELINE_PAGE_SIZE + 5
    made = [
        make_briefing(title=f"Step {n}", published_at=at(2023, 1, 1) + timedelta(days=n),
                      tags=["Talks"])
        for n in range(total)
    ]  # fmt: skip
    first = client.get("/tags/talks/timeline/")
    assert len(timeline_titles(first)) == TIMELINE_PAGE_SIZE
    later_link = re.search(r'href="\?after=(\d+)"', first.content.decode()).group(1)
    assert int(later_link) == made[TIMELINE_PAGE_SIZE - 1].pk
    later = client.get(f"/tags/talks/timeline/?after={later_link}")
    assert timeline_titles(later) == [f"Step {n}" for n in range(TIMELINE_PAGE_SIZE, total)]
    earlier_link = re.search(r'href="\?before=(\d+)"', later.content.decode()).group(1)
    earlier = client.get(f"/tags/talks/timeline/?before={earlier_link}")
    assert timeline_titles(earlier) == timeline_titles(first)
    assert 'href="?after=' not in later.content.decode()


def test_timeline_addresses(client, dated, committed):
    assert client.get("/tags/SCO/timeline/")["Location"] == "/tags/sco/timeline/"
    with committed():
        tag = Tag.objects.get(name="SCO")
        tag.name, tag.slug = "Shanghai Cooperation Organisation", "shanghai"
        tag.save()
    assert client.get("/tags/sco/timeline/")["Location"] == "/tags/shanghai/timeline/"
    for url in [
        "/tags/nope/timeline/", "/tags/india+shanghai/timeline/",
        "/tags/shanghai/timeline/?after=x", "/tags/shanghai/timeline/?before=999999",
        "/tags/%00/timeline/",
    ]:  # fmt: skip
        assert client.get(url).status_code == 404, url


def test_a_topic_only_drafts_carry_has_no_timeline(client, make_briefing):
    make_briefing(title="Hidden", status=Status.DRAFT, tags=["Secret topic"])
    assert client.get("/tags/secret-topic/timeline/").status_code == 404
