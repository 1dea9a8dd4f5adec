"""RSS, Atom and JSON feeds of the site, of a tag and of a combination, read by feedparser."""

from datetime import timedelta

import feedparser
import pytest
from django.utils import timezone

from briefings.models import Status
from tests.helpers import image_upload, is_cached

SITE_FEEDS = ["/feed/rss/", "/feed/atom/", "/feed.json"]


def tag_feeds(slugs):
    return [f"/tags/{slugs}/feed/rss/", f"/tags/{slugs}/feed/atom/", f"/tags/{slugs}/feed.json"]


def parsed(client, url):
    """The feed's entries as feedparser reads them (JSON Feed read to the same shape:
    the feedparser on PyPI reads no JSON)."""
    response = client.get(url)
    assert response.status_code == 200, url
    if url.endswith(".json"):
        return json_feed_entries(response)
    feed = feedparser.parse(response.content)
    assert not feed.bozo, (url, feed.get("bozo_exception"))
    return feed


def json_feed_entries(response):
    assert response["Content-Type"] == "application/feed+json"
    feed = response.json()
    assert feed["version"] == "https://jsonfeed.org/version/1.1" and feed["title"]
    entries = [
        feedparser.FeedParserDict(
            title=item["title"], link=item["url"], summary=item["summary"],
            content=[feedparser.FeedParserDict(value=item["content_html"])],
            author=item["authors"][0]["name"],
            tags=[feedparser.FeedParserDict(term=name) for name in item["tags"]],
            published_parsed=item["date_published"], image=item.get("image", ""),
        )
        for item in feed["items"]
    ]  # fmt: skip
    return feedparser.FeedParserDict(entries=entries)


@pytest.fixture
def archive(make_briefing, member):
    author = member("Writer", "meera")
    make_briefing(slug="old", title="Old talks", tags=["SCO"],
                  published_at=timezone.now() - timedelta(days=9))  # fmt: skip
    make_briefing(slug="draft", title="Secret draft", tags=["SCO", "India"],
                  status=Status.DRAFT)  # fmt: skip
    make_briefing(slug="later", title="Embargoed", tags=["SCO", "India"],
                  published_at=timezone.now() + timedelta(days=1))  # fmt: skip
    make_briefing(slug="drafts-only", title="Hidden", tags=["Hidden topic"], status=Status.DRAFT)
    return make_briefing(
        slug="new", title="Talks resume", standfirst="They met.", body="## Details\n\nAt length.",
        tags=["SCO", "India"], author=author, lead_image=image_upload(), lead_image_alt="A map",
    )  # fmt: skip


@pytest.mark.parametrize("url", SITE_FEEDS + tag_feeds("sco") + tag_feeds("india+sco"))
def test_every_feed_kind_parses_with_full_items_and_no_drafts(client, archive, public_address, url):
    feed = parsed(client, url)
    titles = [entry.title for entry in feed.entries]
    assert "Secret draft" not in titles and "Embargoed" not in titles
    assert titles[0] == "Talks resume"
    entry = feed.entries[0]
    assert entry.link == f"{public_address}/briefings/new/"
    assert entry.get("summary") == "They met."
    assert "<h2" in entry.content[0].value and "At length." in entry.content[0].value
    assert entry.author == "Meera Smith"
    assert sorted(tag.term for tag in entry.tags) == ["India", "SCO"]
    assert entry.get("published_parsed") or entry.get("updated_parsed")
    image = [link.href for link in entry.get("links", []) if link.get("rel") == "enclosure"]
    assert (image or [entry.get("image", "")])[0].startswith(f"{public_address}/media/")


def test_feeds_carry_the_newest_30(client, make_briefing):
    for _ in range(32):
        make_briefing(tags=["SCO"])
    for url in SITE_FEEDS + tag_feeds("sco"):
        assert len(parsed(client, url).entries) == 30, url


def test_bad_feed_addresses_are_not_found_or_redirected(client, archive):
    assert client.get("/tags/hidden-topic/feed/rss/").status_code == 404, "drafts only"
    assert client.get("/tags/no-such-tag/feed.json").status_code == 404
    assert client.get("/tags/SCO/feed/atom/").status_code == 301
    assert (
        client.get("/tags/" + "+".join(f"t{n}" for n in range(7)) + "/feed/rss/").status_code == 404
    )


def test_feeds_are_cached_and_answer_conditional_requests(
    client, archive, django_assert_num_queries
):
    for url in SITE_FEEDS + tag_feeds("sco"):
        first = client.get(url)
        assert is_cached(client, url, django_assert_num_queries), url
        assert client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 304
        since = {"if-modified-since": first["Last-Modified"]}
        assert client.get(url, headers=since).status_code == 304, url
        assert (
            client.get(
                url, headers={"if-modified-since": "Mon, 01 Jan 2001 00:00:00 GMT"}
            ).status_code
            == 200
        )


def test_pages_advertise_their_feeds(client, archive):
    home = client.get("/").content.decode()
    assert 'type="application/rss+xml" title="Briefings (RSS)" href="/feed/rss/"' in home
    tag = client.get("/tags/sco/").content.decode()
    assert 'href="/feed/atom/"' in tag and 'href="/tags/sco/feed/atom/"' in tag
    assert 'href="/tags/sco/feed.json"' in tag


@pytest.mark.parametrize("url", SITE_FEEDS)
@pytest.mark.parametrize("change", ["withdrawn", "backdated"])
def test_a_feed_asked_if_modified_since_shows_a_change_that_kept_its_newest_date(
    client, make_briefing, clock, committed, url, change
):
    newest = make_briefing(title="Newest news")
    an_hour_ago = timezone.now() - timedelta(hours=1)
    withdrawn = make_briefing(title="Soon withdrawn", published_at=an_hour_ago)
    first = client.get(url)
    assert first.status_code == 200 and b"Soon withdrawn" in first.content
    clock.shift(5)
    with committed():
        if change == "withdrawn":
            withdrawn.status = Status.DRAFT
            withdrawn.save()
        else:
            backdated = newest.published_at - timedelta(hours=2)
            make_briefing(title="Backdated note", published_at=backdated)
    response = client.get(url, headers={"if-modified-since": first["Last-Modified"]})
    assert response.status_code == 200, "a 304 would keep the old feed"
    body = b"".join(response) if response.streaming else response.content
    assert (b"Soon withdrawn" in body) == (change != "withdrawn")
    assert (b"Backdated note" in body) == (change == "backdated")


def test_tag_pages_and_the_footer_link_a_page_that_says_how_to_follow(client, make_briefing):
    make_briefing(title="Talks resume", tags=["SCO", "India"])
    make_briefing(title="Elsewhere", tags=["LAC"])
    tag_page = client.get("/tags/sco/").content.decode()
    assert '<a href="/tags/sco/follow/">Follow this topic</a>' in tag_page
    assert '<a href="/follow/">Follow</a>' in tag_page
    follow = client.get("/tags/sco/follow/")
    page = follow.content.decode()
    assert follow.status_code == 200 and follow["Content-Type"].startswith("text/html")
    assert "<h1>Follow SCO</h1>" in page
    for feed in ("/tags/sco/feed/rss/", "/tags/sco/feed/atom/", "/tags/sco/feed.json"):
        assert f"{feed}</code>" in page
    assert ">Talks resume</a>" in page and "Elsewhere" not in page
    assert "Follow these topics" in client.get("/tags/india+sco/").content.decode()
    site = client.get("/follow/").content.decode()
    assert "/feed/rss/</code>" in site and ">Elsewhere</a>" in site
    assert client.get("/tags/no-such-topic/follow/").status_code == 404
