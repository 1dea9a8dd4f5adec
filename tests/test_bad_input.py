"""Junk in any query parameter of any public page gives a clean page or a 404."""

import itertools

import pytest

from bench.page_kinds import PAGE_KINDS, addresses

PARAMETERS = ["page", "before", "after", "section", "q", "tag", "p", "utm_source",
              "topics", "author", "since", "until", "page_size", "cursor", "kind"]  # fmt: skip
JUNK = ["", "x", "-1", "0", "1e3", "９", "9" * 40, "\x00", "%", "'\"<>", "1&page=2", "😀" * 50]


@pytest.fixture
def pages(make_briefing, member):
    briefing = make_briefing(title="Talks", tags=["SCO", "India"], author=member("Writer", "ana"))
    make_briefing(title="Border", tags=["Nepal"])
    published = briefing.published_at
    return addresses(
        briefing=briefing.slug, tag="sco", two_tags="india+sco", two_topics="india,sco",
        no_match="india+nepal+sco",
        initial="s", word="talks", year=published.year, month=published.month,
        author=briefing.author_id, cursor=briefing.pk,
    )  # fmt: skip


def test_every_kind_of_page_answers_as_it_should_without_junk(client, pages):
    for name, url in pages.items():
        assert client.get(url).status_code == PAGE_KINDS[name].status, (name, url)


def test_junk_query_parameters_never_break_a_page(client, pages):
    for url, parameter, junk in itertools.product(pages.values(), PARAMETERS, JUNK):
        response = client.get(url, {parameter: junk})
        # The API says what was wrong, in JSON, with a 400.
        expected = (200, 301, 404, 400) if url.startswith("/api/") else (200, 301, 404)
        assert response.status_code in expected, (url, parameter, junk)
