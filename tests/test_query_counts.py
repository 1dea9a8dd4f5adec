"""Every public page costs a fixed number of queries, whatever the archive's size."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils.timezone import localtime as local

from bench.page_kinds import address
from briefings.models import Briefing, Correction, Tag

PAGE_SIZE_LIMIT = 100 * 1024

# Page type -> queries with the page cache off.
EXPECTED_QUERIES = {
    # the page's briefings with their stored cards, topic counts, the lead story, its tags
    "home": 4,
    "deep home": 3,  # + the cursor's briefing
    # the briefing with its author and whether it has corrections, its tags; related:
    # the candidates, the cards of the chosen
    "briefing": 4,
    "corrected briefing": 5,  # + its corrections
    "most popular tag": 4,  # the tags, narrowing counts, the page's briefings, other names
    "deep tag page": 5,
    "long-tail tag": 4,
    # + how many briefings the combination holds, the narrowing tags' names
    "two most popular tags": 5,
    "more topics": 2,
    "tags index": 2,  # the sections that hold topics, the most used
    "tags index section": 2,  # the sections, the section's page of topics
    # the archive's first and last years, then one count for each of them or their months
    "archive": 2,
    "archive year": 2,
    "archive month": 3,  # the years, how many the month holds, its page of briefings
    "timeline": 2,  # the tag, the page of its links with their briefings
    "deep timeline": 3,  # + the cursor's briefing
    "search": 6,  # see tests/test_search.py; + the topic the words may name
    "search in a topic": 7,
    "feed": 2,  # the newest briefings with their authors, their tags
    "tag feed": 4,  # + the tag, then the ids of its newest briefings
    "follow": 1,  # the feed's newest briefings
    "follow topic": 3,  # the tag, the ids of its newest briefings, those briefings
    # the page's ids, its briefings with their authors, their topics, their corrections
    "API briefings": 4,
    "API one topic": 5,  # + the topic
    "API two topics": 5,
    "API briefing": 3,
    "API topics": 2,  # the page's topics, their other names
    "API topic": 2,
}


def page_urls():
    """One URL of each page type (bench/page_kinds.py), picked from the archive as a
    reader would reach them."""
    newest = Briefing.objects.published().order_by("-published_at", "-pk")
    popular = list(Tag.objects.most_used()[:2])
    rare = Tag.objects.in_use().order_by("published_count", "name_key").first()
    deep_in_tag = newest.filter(tags=popular[0])[30]
    moment = local(newest[0].published_at)
    tag = popular[0].slug
    return {
        "home": address("home"),
        "deep home": address("deep home", cursor=newest[40].pk),
        "briefing": address("briefing", briefing=newest[5].slug),
        "corrected briefing": address("briefing", briefing=newest[6].slug),
        "most popular tag": address("tag", tag=tag),
        "deep tag page": address("tag", tag=tag) + f"?before={deep_in_tag.pk}",
        "long-tail tag": address("tag", tag=rare.slug),
        "two most popular tags": address(
            "two-tag filter", two_tags="+".join(sorted(t.slug for t in popular))
        ),
        "more topics": address("more topics", tag=tag),
        "tags index": address("tags index"),
        "tags index section": address("tags index section", initial=popular[0].initial),
        "archive": address("archive"),
        "archive year": address("archive year", year=moment.year),
        "archive month": address("archive month", year=moment.year, month=moment.month),
        "timeline": address("timeline", tag=tag),
        "deep timeline": address("timeline", tag=tag) + f"?after={deep_in_tag.pk}",
        "search": address("search", word="talks"),
        "search in a topic": address("search in topic", word="talks", tag=tag),
        "feed": address("site RSS"),
        "tag feed": address("topic Atom", tag=tag),
        "follow": address("follow"),
        "follow topic": address("follow topic", tag=tag),
        "API briefings": address("API briefings"),
        "API one topic": address("API one topic", tag=tag),
        "API two topics": address(
            "API two topics", two_topics=",".join(sorted(t.slug for t in popular))
        ),
        "API briefing": address("API briefing", briefing=newest[6].slug),
        "API topics": address("API topics"),
        "API topic": address("API topic", tag=tag),
    }


@pytest.mark.parametrize("briefings, tags", [(80, 30), (400, 160)])
def test_page_query_counts_do_not_grow_with_the_archive(
    db, client, settings, clock, django_assert_num_queries, briefings, tags
):
    call_command("generate_briefings", count=briefings, tags=tags, images=1, words=100)
    settings.PAGE_CACHE_SECONDS = 0
    newest = Briefing.objects.published().order_by("-published_at", "-pk")
    Correction.objects.create(briefing=newest[6], text="The talks were in Beijing.")
    client.get("/")  # brings in due briefings: at most once a second, not counted here
    for page, url in page_urls().items():
        expected = EXPECTED_QUERIES[page]
        if page.startswith("search") and connection.vendor == "postgresql":
            expected += 4  # the ranking sets its plan, in a savepoint
        with django_assert_num_queries(expected, info=page):
            response = client.get(url)
        assert response.status_code == 200, (page, url)
        assert len(response.content) < PAGE_SIZE_LIMIT, page
