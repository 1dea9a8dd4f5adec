"""The content API: what readers see, as JSON, checked against the public pages for the
same filters; paged, cached and purged like the pages; clear errors for bad input."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from openapi_spec_validator import validate

from briefings.models import Briefing, Correction, FormerAddress, Kind, OtherName, Status, Tag
from tests.helpers import image_upload, is_cached

API = "/api/v1"
NEWSROOM_ZONE = ZoneInfo("Asia/Kolkata")


@pytest.fixture
def newsroom(make_briefing, member, committed):
    """Public briefings with topics, an author, a picture and a correction, beside a
    draft, a scheduled and a withdrawn one that must never appear."""
    writer = member("Writer", "meera")
    day = datetime(2025, 1, 20, 12, tzinfo=NEWSROOM_ZONE)
    made = []
    for number in range(7):
        made.append(make_briefing(
            title=f"Talks {number}", slug=f"talks-{number}",
            tags=["SCO", "India"] if number % 2 else ["India"],
            author=writer if number % 3 == 0 else None, published_at=day + timedelta(days=number),
        ))  # fmt: skip
    pictured = made[-1]
    Briefing.objects.filter(pk=pictured.pk).delete()
    made[-1] = make_briefing(
        title="Talks 6", slug="talks-6", tags=["SCO", "China"], published_at=day + timedelta(6),
        lead_image=image_upload(), lead_image_alt="Delegates", lead_image_caption="In Beijing",
        lead_image_credit="Desk",
    )  # fmt: skip
    with committed():
        Correction.objects.create(briefing=made[1], text="The city was misnamed.")
    make_briefing(title="Hidden draft", slug="hidden-draft", tags=["SCO", "Secret"],
                  status=Status.DRAFT)  # fmt: skip
    make_briefing(title="Hidden scheduled", slug="hidden-scheduled", tags=["SCO"],
                  published_at=timezone.now() + timedelta(days=2))  # fmt: skip
    withdrawn = make_briefing(title="Hidden withdrawn", slug="hidden-withdrawn", tags=["SCO"])
    with committed():
        Briefing.objects.filter(pk=withdrawn.pk).unpublish()
    Tag.objects.filter(name="SCO").update(kind=Kind.ORGANISATION)
    OtherName.objects.create(tag=Tag.objects.get(name="SCO"), name="ШОС", lang="ru")
    return made


def get(client, path, **query):
    response = client.get(API + path, query)
    return response, response.json()


def every_page(client, path, **query):
    """The results of every page, following `next`."""
    response, data = get(client, path, **query)
    results = list(data["results"])
    while data["next"]:
        response = client.get(data["next"])
        data = response.json()
        results += data["results"]
    return results


def slugs(results):
    return [item["url"].rstrip("/").rsplit("/", 1)[-1] for item in results]


def page_slugs(client, url):
    """The briefings a public page lists, in order."""
    html = client.get(url).content.decode()
    return re.findall(r'<a href="/briefings/([^"/]+)/"', html)


def test_the_list_is_the_site_newest_first_and_pages_through_all(client, newsroom):
    results = every_page(client, "/briefings/", page_size=2)
    assert slugs(results) == [f"talks-{n}" for n in range(6, -1, -1)]
    assert slugs(results) == list(dict.fromkeys(page_slugs(client, "/")))
    assert not any("hidden" in slug for slug in slugs(results))


@pytest.mark.parametrize(
    ("topics", "page"), [("sco", "/tags/sco/"), ("india,sco", "/tags/india+sco/"),
                         ("шос,india", "/tags/india+sco/")],  # another name's slug will do
)  # fmt: skip
def test_topic_filters_give_what_the_topic_pages_list(client, newsroom, topics, page):
    results = every_page(client, "/briefings/", topics=topics, page_size=2)
    assert slugs(results) == list(dict.fromkeys(page_slugs(client, page)))
    assert results


def test_author_and_day_filters(client, newsroom):
    writer = newsroom[0].author
    by_writer = every_page(client, "/briefings/", author=writer.pk)
    assert slugs(by_writer) == ["talks-3", "talks-0"]
    assert by_writer[0]["author"]["name"] == "Meera Smith"
    assert by_writer[0]["author"]["url"].endswith(f"/authors/{writer.pk}/")
    days = every_page(client, "/briefings/", since="2025-01-21", until="2025-01-22")
    assert slugs(days) == ["talks-2", "talks-1"], "whole days in the newsroom's zone"


def test_a_search_is_ranked_and_pages_through_its_results(client, newsroom):
    first, data = get(client, "/briefings/", q="Talks", page_size=4)
    assert first.status_code == 200 and len(data["results"]) == 4 and data["next"]
    everything = every_page(client, "/briefings/", q="Talks", page_size=4)
    assert sorted(slugs(everything)) == sorted(f"talks-{n}" for n in range(7))
    assert first["Cache-Control"] == "public, max-age=0, s-maxage=2", "not kept long"
    hidden = every_page(client, "/briefings/", q="Hidden")
    assert hidden == []


def test_an_item_says_what_the_page_shows(client, newsroom, public_address):
    _, item = get(client, "/briefings/talks-6/")
    assert item["url"] == f"{public_address}/briefings/talks-6/"
    assert item["topics"] == [{"slug": "china", "name": "China", "kind": "subject"},
                              {"slug": "sco", "name": "SCO", "kind": "organisation"}]  # fmt: skip
    assert item["author"] is None and item["revised_at"] is None
    image = item["image"]
    assert (image["alt"], image["caption"], image["credit"]) == ("Delegates", "In Beijing", "Desk")
    assert {rendition["kind"] for rendition in image["renditions"]} == {"thumb", "page", "preview"}
    assert all(r["url"].startswith(public_address) and r["width"] for r in image["renditions"])
    _, corrected = get(client, "/briefings/talks-1/")
    assert [c["text"] for c in corrected["corrections"]] == ["The city was misnamed."]
    assert corrected["body_html"] == Briefing.objects.get(slug="talks-1").body_html
    assert corrected["image"] is None


def test_one_briefing_former_deleted_unknown_and_hidden(client, newsroom, committed):
    FormerAddress.objects.create(slug="old-talks", briefing=newsroom[2])
    moved = client.get(f"{API}/briefings/old-talks/")
    assert (moved.status_code, moved["Location"]) == (301, f"{API}/briefings/talks-2/")
    with committed():
        newsroom[3].delete()
    gone = client.get(f"{API}/briefings/talks-3/")
    assert gone.status_code == 410 and "deleted" in gone.json()["error"]
    for hidden in ["hidden-draft", "hidden-scheduled", "hidden-withdrawn", "no-such"]:
        response = client.get(f"{API}/briefings/{hidden}/")
        assert response.status_code == 404 and response.json()["error"], hidden


def test_topics_in_use_with_kinds_other_names_and_counts(client, newsroom, make_briefing):
    make_briefing(tags=["India | China"])  # a name holding the cursor's separator
    results = every_page(client, "/topics/", page_size=1)
    slugs = [t["slug"] for t in results]
    assert slugs == ["china", "india", "india-china", "sco"], "no draft's topic"
    sco = results[3]
    assert (sco["kind"], sco["count"]) == ("organisation", 4)
    assert sco["other_names"] == [{"name": "ШОС", "lang": "ru"}]
    _, organisations = get(client, "/topics/", kind="organisation")
    assert [t["slug"] for t in organisations["results"]] == ["sco"]


def test_one_topic_by_its_address_another_name_or_a_former_one(client, newsroom):
    Tag.objects.filter(name="SCO").update(description_html="<p>A regional body.</p>")
    _, sco = get(client, "/topics/sco/")
    assert sco["description_html"] == "<p>A regional body.</p>" and sco["count"] == 4
    Tag.objects.get(name="India").former_slugs.create(slug="bharat-old")
    for alias, home in [("шос", "sco"), ("bharat-old", "india"), ("SCO", "sco")]:
        response = client.get(f"{API}/topics/{alias}/")
        assert (response.status_code, response["Location"]) == (301, f"{API}/topics/{home}/")
    for unknown in ["secret", "no-such"]:  # a draft's topic is not public
        assert client.get(f"{API}/topics/{unknown}/").status_code == 404


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ({"page_size": "500"}, "page_size"),
        ({"page_size": "x"}, "page_size"),
        ({"since": "2025-02-30"}, "since"),
        ({"since": "2025-01-25", "until": "2025-01-20"}, "until"),
        ({"q": "talks " * 200}, "q"),
        ({"cursor": "not a cursor"}, "cursor"),
        ({"cursor": "dGFsa3N8MQ"}, "cursor"),  # "talks|1": parses as base64, not as a cursor
        ({"topics": "a,b,c,d,e,f,g"}, "topics"),
        ({"topics": "nowhere"}, "topics"),
        ({"topics": "secret"}, "topics"),  # a draft's topic
        ({"author": "-3"}, "author"),
    ],
)
def test_bad_input_is_a_400_saying_what(client, newsroom, query, said):
    response = client.get(f"{API}/briefings/", query)
    assert response.status_code == 400, response.content
    assert response.json()["error"].startswith(said), response.json()


def test_bad_topic_list_input_and_unknown_addresses(client, newsroom):
    unknown_kind = client.get(f"{API}/topics/", {"kind": "planet"})
    assert unknown_kind.status_code == 400 and "kind" in unknown_kind.json()["error"]
    assert client.get(f"{API}/topics/", {"cursor": "%%%"}).status_code == 400
    for path in ["/nothing/", "/briefings/a/b/", "/v2/"]:
        response = client.get(f"{API}{path}")
        assert response.status_code == 404 and response.json()["error"]
    assert client.post(f"{API}/briefings/").status_code == 405


def test_answers_are_cached_revalidated_and_purged_with_the_pages(
    client, newsroom, django_assert_num_queries, committed
):
    for path in ["/briefings/", "/briefings/?topics=sco", "/briefings/talks-1/", "/topics/",
                 "/topics/sco/"]:  # fmt: skip
        first = client.get(API + path, HTTP_ORIGIN="https://partner.example")
        assert first["Access-Control-Allow-Origin"] == "*" and first["Last-Modified"]
        assert is_cached(client, API + path, django_assert_num_queries), path
        again = client.get(API + path, headers={"If-None-Match": first["ETag"]})
        assert again.status_code == 304, path
    briefing = Briefing.objects.get(slug="talks-1")
    briefing.body = "Rewritten after the talks."
    with committed():
        briefing.save()
    assert "Rewritten" in get(client, "/briefings/")[1]["results"][5]["body_html"]
    assert "Rewritten" in get(client, "/briefings/talks-1/")[1]["body_html"]
    error = client.get(f"{API}/briefings/", {"page_size": "0"})
    assert error["Access-Control-Allow-Origin"] == "*", "clients can read errors too"


def test_the_openapi_document_validates_and_the_docs_page_works_offline(client, newsroom):
    schema = client.get(f"{API}/openapi.json").json()
    validate(schema)
    assert set(schema["paths"]) == {f"{API}/briefings/", f"{API}/briefings/{{slug}}/",
                                    f"{API}/topics/", f"{API}/topics/{{slug}}/"}  # fmt: skip
    docs = client.get(f"{API}/docs/")
    html = docs.content.decode()
    assert docs.status_code == 200 and "Content-Security-Policy" in docs
    scripts = re.findall(r"<script([^>]*)>", html)
    assert all("src=" in attributes or "application/json" in attributes for attributes in scripts)
    assert not re.search(r"https?://(?!127\.0\.0\.1)", "".join(re.findall(r'src="([^"]+)"', html)))
    for path in re.findall(r'(?:src|href)="(/static/[^"]+)"', html):
        assert client.get(path).status_code == 200, path
