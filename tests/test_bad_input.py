"""Junk in any query parameter of any public page gives a clean page or a 404."""

import itertools

import pytest

PARAMETERS = ["page", "before", "after", "section", "q", "tag", "p", "utm_source"]
JUNK = ["", "x", "-1", "0", "1e3", "９", "9" * 40, "\x00", "%", "'\"<>", "1&page=2", "😀" * 50]


@pytest.fixture
def pages(make_briefing, member):
    briefing = make_briefing(title="Talks", tags=["SCO", "India"], author=member("Writer", "ana"))
    return [
        "/", "/tags/", "/tags/sco/", "/tags/india+sco/", "/tags/sco/topics/",
        "/tags/sco/timeline/", "/search/", "/archive/", f"/archive/{briefing.published_at.year}/",
        "/corrections/", f"/authors/{briefing.author_id}/", briefing.get_absolute_url(),
        "/feed/rss/", "/feed/atom/", "/feed.json", "/tags/sco/feed/rss/", "/tags/sco/feed.json",
        "/sitemap.xml", "/sitemap-briefings.xml", "/sitemap-tags.xml", "/robots.txt",
    ]  # fmt: skip


def test_junk_query_parameters_never_break_a_page(client, pages):
    for url, parameter, junk in itertools.product(pages, PARAMETERS, JUNK):
        response = client.get(url, {parameter: junk})
        assert response.status_code in (200, 301, 404), (url, parameter, junk)
