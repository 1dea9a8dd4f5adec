"""Tag pages stay small and useful with thousands of topics; names match in any script."""

import re
import unicodedata
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from briefings import tag_filters
from briefings.models import Tag
from briefings.tag_filters import NARROWING_SHOWN
from briefings.tag_index import SECTION_PAGE_SIZE


def narrowing_names(html):
    return re.findall(r'<span class="visually-hidden">Add </span>([^<]+) <span', html)


def test_narrowing_shows_the_top_tags_by_what_adding_them_leaves(client, make_briefing):
    for n in range(40):
        make_briefing(tags=["SCO", f"Topic {n:02d}"] + [f"Topic {k:02d}" for k in range(n % 4)])
    html = client.get("/tags/sco/").content.decode()
    names = narrowing_names(html)
    assert len(names) == NARROWING_SHOWN
    assert names[:3] == ["Topic 00", "Topic 01", "Topic 02"]
    assert 'href="/tags/sco/topics/">More topics' in html
    more = client.get("/tags/sco/topics/").content.decode()
    assert len(re.findall(r'<li><a href="/tags/sco\+topic-\d\d/">', more)) == 40


def test_tags_index_is_split_a_to_z_and_paged(client, make_briefing):
    for n in range(SECTION_PAGE_SIZE + 5):
        make_briefing(tags=[f"Border {n:03d}", "École", "भारत", "2025"])
    front = client.get("/tags/").content.decode()
    assert 'href="?section=b"' in front and 'href="?section=other"' in front
    first = client.get("/tags/?section=B").content.decode()
    listed = re.findall(r'<li><a href="/tags/([^/]+)/">', first)
    assert len(listed) == SECTION_PAGE_SIZE and listed[0] == "border-000"
    more = re.search(r'href="\?section=b&amp;after=([^"]+)"', first).group(1)
    rest = client.get(f"/tags/?section=b&after={more}").content.decode()
    assert re.findall(r'<li><a href="/tags/([^/]+)/">', rest) == [
        f"border-{n:03d}" for n in range(SECTION_PAGE_SIZE, SECTION_PAGE_SIZE + 5)
    ]
    assert "École" in client.get("/tags/?section=e").content.decode(), "accents ignored"
    other = client.get("/tags/?section=other").content.decode()
    assert "भारत" in other and "2025" in other


def test_popular_pages_stay_under_100_kb_with_many_tags(client, db):
    call_command("generate_briefings", count=300, tags=3000, images=0, words=100)
    top = Tag.objects.most_used().first()
    for url in ["/", "/tags/", f"/tags/?section={top.initial}", top.get_absolute_url(),
                f"{top.get_absolute_url()}topics/"]:  # fmt: skip
        response = client.get(url)
        assert response.status_code == 200 and len(response.content) < 100 * 1024, url


@pytest.mark.parametrize(
    "first, second", [("École", "école"), ("Россия", "РОССИЯ"), ("Straße", "STRASSE")]
)
def test_tag_names_are_one_tag_whatever_their_case_in_any_script(make_briefing, first, second):
    make_briefing(tags=[first])
    briefing = make_briefing(tags=[second])
    assert list(Tag.objects.values_list("name", flat=True)) == [first]
    assert [tag.name for tag in briefing.tags.all()] == [first]
    assert Tag.objects.get().published_count == 2


def test_tag_urls_in_another_case_or_unicode_form_lead_to_the_one_page(client, make_briefing):
    make_briefing(tags=["École", "Россия"])
    decomposed = unicodedata.normalize("NFD", "école")
    for spelling in ["ÉCOLE", quote(decomposed), "%C3%89cole"]:
        response = client.get(f"/tags/{spelling}/")
        assert response.status_code == 301, spelling
        assert response["Location"] == quote("/tags/école/"), spelling
    assert client.get("/tags/РОССИЯ+école/")["Location"] == quote("/tags/école+россия/", safe="/+")
    assert client.get(quote("/tags/école/")).status_code == 200


def test_one_tags_narrowing_counts_are_exact_and_a_combinations_are_sampled(client, make_briefing):
    sample = tag_filters.NARROWING_SAMPLE
    for n in range(sample + 5):  # each made older than the one before: "Rare" on the oldest
        make_briefing(tags=["SCO", "India", "Common"] + (["Rare"] if n >= sample + 2 else []))
    one = client.get("/tags/sco/").content.decode()
    assert f"{sample + 5} briefings" in one and "counts among" not in one
    assert f'India <span class="count">({sample + 5}' in one
    assert 'Rare <span class="count">(3' in one, "found however old"
    two = client.get("/tags/india+sco/").content.decode()
    assert f"{sample + 5} briefings with all of these topics" in two, "exact for two tags"
    assert f"counts among the {sample} newest" in two
    assert "Add </span>Rare" not in two, "only the oldest carry it: outside the sample"


def test_three_topics_are_intersected_once_for_their_count_and_narrowing(
    client, make_briefing, settings
):
    """The newest briefings carrying all three (counted up to the sample) are the sample
    the narrowing is ranked in: read once, not again inside the narrowing's query."""
    settings.PAGE_CACHE_SECONDS = 0
    for _ in range(3):
        make_briefing(tags=["SCO", "India", "China", "LAC"])
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/tags/china+india+sco/")
    assert response.status_code == 200 and ">LAC<" in response.content.decode()
    intersections = [q["sql"] for q in queries.captured_queries if "EXISTS" in q["sql"]]
    assert len(intersections) == 2, "the count and sample, then the page of cards"
