"""Search: the same tests on SQLite (FTS5) and PostgreSQL (full-text search)."""

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from briefings import backstop, search
from briefings.models import Briefing, SearchEntry, Status, Tag
from briefings.views.search import RESULTS_PER_PAGE

HOSTILE_QUERIES = [
    '"', '""', '"border', "border\"", "talks*", "*", "-talks", "- -", "border NEAR talks",
    "NEAR(border talks)", "border OR talks", "border AND talks", "NOT talks", "(", ")(",
    "((border", "border) OR (", "title:border", "{border}", "^talks", "'; DROP TABLE x; --",
    "😀", "🇮🇳 talks 😀", "भारत", "सीमा वार्ता", "中国", "中印关系 边境", "a\u0000b", "\u200b",
    "x" * 2000, "talks " * 400, "%", "_", "\\", "&<>",
]  # fmt: skip


def result_titles(response):
    return re.findall(r'class="card-title"><a href="[^"]+">([^<]+)</a>', response.content.decode())


def searched(client, query, **parameters):
    return client.get(reverse("briefings:search"), {"q": query, **parameters})


@pytest.fixture
def archive(make_briefing):
    """A few public briefings, a draft and a scheduled one, each with its own words."""
    return {
        "title": make_briefing(title="Border talks resume", body="Officials met.", tags=["SCO"]),
        "body": make_briefing(
            title="A wider thaw", body="The envoys held talks on the border.", tags=["India"]
        ),
        "tag": make_briefing(title="Pilgrims return", body="Routes reopen.", tags=["Border"]),
        "draft": make_briefing(title="Secret border talks", body="Draftword.", status=Status.DRAFT),
        "scheduled": make_briefing(
            title="Future border talks",
            body="Scheduledword.",
            published_at=timezone.now() + timedelta(days=1),
        ),
    }


def test_finds_title_standfirst_body_and_tag_names(client, make_briefing):
    make_briefing(title="Kailash pilgrimage", body="Nothing else.")
    make_briefing(title="One", standfirst="About monsoon data sharing.", body="Text.")
    make_briefing(title="Two", body="The Brahmaputra floods.")
    make_briefing(title="Three", body="Text.", tags=["Depsang plains"])
    assert result_titles(searched(client, "kailash")) == ["Kailash pilgrimage"]
    assert result_titles(searched(client, "monsoon")) == ["One"]
    assert result_titles(searched(client, "brahmaputra")) == ["Two"]
    assert result_titles(searched(client, "depsang")) == ["Three"]


def test_title_and_tags_rank_above_the_body(client, archive):
    titles = result_titles(searched(client, "border"))
    assert titles[:2] == ["Border talks resume", "Pilgrims return"] or titles[:2] == [
        "Pilgrims return",
        "Border talks resume",
    ]
    assert titles[-1] == "A wider thaw"


def test_every_word_must_match(client, archive):
    assert result_titles(searched(client, "border officials")) == ["Border talks resume"]


def test_stemming_finds_other_forms_of_a_word(client, make_briefing):
    make_briefing(title="The talk in Beijing", body="They agreed.")
    make_briefing(title="Patrolling", body="Patrols resumed along the line.")
    assert result_titles(searched(client, "talks")) == ["The talk in Beijing"]
    assert result_titles(searched(client, "patrol")) == ["Patrolling"]
    assert result_titles(searched(client, "AGREEING")) == ["The talk in Beijing"]


def test_drafts_and_scheduled_briefings_are_never_found(client, archive):
    for query in ["secret", "draftword", "future", "scheduledword"]:
        response = searched(client, query)
        assert response.status_code == 200
        assert result_titles(response) == [], query
    page = searched(client, "border").content.decode()
    assert "Secret" not in page and "Future" not in page


def test_the_index_follows_publication_edits_and_deletion(client, archive, committed):
    briefing = archive["title"]
    with committed():
        briefing.title = "Trade figures"
        briefing.save()
    assert result_titles(searched(client, "trade")) == ["Trade figures"]
    assert "Trade figures" not in result_titles(searched(client, "resume"))
    with committed():
        Briefing.objects.filter(pk=briefing.pk).unpublish()
    assert result_titles(searched(client, "trade")) == []
    with committed():
        archive["draft"].status = Status.PUBLISHED
        archive["draft"].save()
    assert result_titles(searched(client, "draftword")) == ["Secret border talks"]
    with committed():
        archive["draft"].delete()
    assert result_titles(searched(client, "draftword")) == []
    assert not SearchEntry.objects.filter(title="Secret border talks").exists()


def test_a_scheduled_briefing_is_found_once_its_time_comes(client, archive, clock, committed):
    assert result_titles(searched(client, "scheduledword")) == []
    clock.shift(timedelta(days=2))
    with committed():
        client.get("/")  # any request brings in what is due
    assert result_titles(searched(client, "scheduledword")) == ["Future border talks"]


def test_renamed_and_retagged_briefings_are_found_by_their_new_tags(client, archive, committed):
    with committed():
        tag = Tag.objects.get(name="SCO")
        tag.name = "Shanghai Cooperation Organisation"
        tag.save()
    assert result_titles(searched(client, "shanghai")) == ["Border talks resume"]
    with committed():
        archive["body"].tags.add("Galwan")
    assert result_titles(searched(client, "galwan")) == ["A wider thaw"]


def test_snippets_mark_the_words_and_escape_the_text(client, make_briefing):
    make_briefing(title="Rivers", body="Data on the Sutlej & <b>floods</b> is shared in talks.")
    page = searched(client, "talk").content.decode()
    snippet = re.search(r'<p class="snippet">(.*?)</p>', page, re.S).group(1)
    assert "<mark>talks</mark>" in snippet
    assert "&amp;" in snippet and "<b>" not in snippet


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_hostile_queries_are_only_text(client, archive, query):
    response = searched(client, query)
    assert response.status_code == 200
    assert "Secret" not in response.content.decode()


def test_syntax_words_are_searched_as_words(client, make_briefing):
    make_briefing(title="Near the line", body="Troops pulled back.")
    assert result_titles(searched(client, "NEAR")) == ["Near the line"]
    assert result_titles(searched(client, '"near" (line')) == ["Near the line"]


def test_words_in_other_scripts_are_found(client, make_briefing):
    make_briefing(title="भारत और चीन", body="सीमा पर बातचीत।", tags=["中印关系"])
    assert result_titles(searched(client, "भारत")) == ["भारत और चीन"]
    assert result_titles(searched(client, "中印关系")) == ["भारत और चीन"]


def test_an_empty_query_shows_a_helpful_page(client, archive):
    for query in ["", "   ", "😀 !!", '"*"']:
        response = searched(client, query)
        assert response.status_code == 200
        page = response.content.decode()
        assert "Type one or more words" in page
        assert 'href="/tags/sco/"' in page  # topics to browse instead
    assert client.get(reverse("briefings:search")).status_code == 200


def test_a_long_query_searches_its_first_words(client, archive):
    page = searched(client, "border " + " ".join(f"w{n}" for n in range(20))).content.decode()
    assert f"Only the first {search.MAX_WORDS} words were searched for." in page


def test_no_results_suggest_fewer_words_and_topics(client, archive):
    page = searched(client, "border zanzibar").content.decode()
    assert "No briefings have all of these words" in page
    assert 'href="/search/?q=border"' in page
    assert 'href="/tags/border/"' in page  # a topic named like a word


def test_search_within_topics_with_counts(client, archive, make_briefing):
    make_briefing(title="SCO summit border issue", body="Text.", tags=["SCO"])
    everything = searched(client, "border").content.decode()
    assert re.search(
        r'href="/search/\?q=border&amp;tag=sco">.*?SCO <span class="count">\(2', everything
    )
    within = searched(client, "border", tag="sco")
    assert sorted(result_titles(within)) == ["Border talks resume", "SCO summit border issue"]
    assert 'href="/search/?q=border"' in within.content.decode()  # leave the topic
    assert searched(client, "border", tag="no-such-tag").status_code == 404
    assert searched(client, "border", tag=[f"t{n}" for n in range(7)]).status_code == 404


def test_results_are_paginated(client, make_briefing):
    for number in range(RESULTS_PER_PAGE + 3):
        make_briefing(title=f"Visa rules {number}", body="Text.")
    first, second = searched(client, "visa"), searched(client, "visa", page=2)
    assert len(result_titles(first)) == RESULTS_PER_PAGE
    assert len(result_titles(second)) == 3
    assert not set(result_titles(first)) & set(result_titles(second))
    assert 'href="/search/?q=visa&amp;page=2"' in first.content.decode()
    for junk in ["3", "0", "-1", "x", "1e3", "9" * 30]:
        assert searched(client, "visa", page=junk).status_code == 404, junk


def test_search_pages_are_noindex_and_not_cached(client, archive, clock, django_assert_num_queries):
    response = searched(client, "border")  # and brings in due briefings: a query more
    assert response["X-Robots-Tag"] == "noindex"
    assert '<meta name="robots" content="noindex">' in response.content.decode()
    for _ in range(2):
        with django_assert_num_queries(SEARCH_QUERIES):
            searched(client, "border")


# The ranked ids; the page's cards; their passages; the topics of the results, their names;
# the topic the words may name. PostgreSQL's ranking also sets and resets its plan within
# a savepoint: four statements.
SEARCH_QUERIES = 6 + (4 if connection.vendor == "postgresql" else 0)


def test_search_costs_a_fixed_number_of_queries(
    client, make_briefing, clock, django_assert_num_queries
):
    for number in range(30):
        make_briefing(title=f"Border note {number}", tags=[f"T{number % 4}", "SCO"])
    client.get("/")  # brings in due briefings, once a second
    for parameters in [{}, {"page": 2}, {"tag": "sco"}]:
        # Searching within a topic reads the topic first.
        with django_assert_num_queries(SEARCH_QUERIES + ("tag" in parameters)):
            assert searched(client, "border", **parameters).status_code == 200


def test_the_header_has_a_search_form(client, archive):
    page = client.get("/").content.decode()
    header = re.search(r'<header class="site-header">.*?</header>', page, re.S).group()
    form = re.search(r'<form class="site-search" role="search".*?</form>', header, re.S).group()
    assert 'action="/search/" method="get"' in form and 'name="q"' in form


@pytest.mark.skipif(connection.vendor != "sqlite", reason="counts SQLite's own steps")
def test_a_search_within_a_topic_costs_about_what_it_costs_without(db):
    """Work counted in SQLite's virtual machine steps: within a topic, the engine once
    re-ran the whole match for every briefing of the topic (seconds for common words)."""
    call_command("generate_briefings", count=300, tags=10, images=0, words=60)
    words = search.query_words("the of and india talks border china minister")
    topic = Tag.objects.most_used().first()
    without, within = (
        steps(lambda: search.ranked_ids(words)),
        steps(lambda: search.ranked_ids(words, [topic.pk])),
    )
    assert search.ranked_ids(words, [topic.pk]), "the topic has matches"
    assert within <= 3 * without, (within, without)


def steps(work, every=100):
    """How many times SQLite's progress handler is called while `work` runs."""
    counted = []
    connection.ensure_connection()
    connection.connection.set_progress_handler(lambda: counted.append(1) and 0, every)
    try:
        work()
    finally:  # SQLite keeps one handler a connection: give the backstop its own back
        connection.connection.set_progress_handler(
            backstop._past_deadline, backstop.STEPS_BETWEEN_CHECKS
        )
    return len(counted)


def test_an_empty_search_within_a_topic_costs_the_same_whatever_its_words(client, archive, clock):
    """Its suggestions are the same words in every topic: checking the words with one
    left out, within topics, cost a search each."""
    client.get("/")  # brings in due briefings, once a second
    counts = []
    for query in ["zanzibar talks", "zanzibar talks border the of and india minister"]:
        with CaptureQueriesContext(connection) as captured:
            page = searched(client, query, tag="sco").content.decode()
        assert "in every topic" in page or "No briefings" in page
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1], counts
