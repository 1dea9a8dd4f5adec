"""Kinds of topic: chosen by editors, read by kind in the index, grouped on a briefing's
page, named on a topic's page, typed for search engines and feeds, and a change of kind
shows at once on the carriers' cached pages."""

import xml.etree.ElementTree as ElementTree

import extruct
import pytest
from django.urls import reverse

from briefings.models import Kind, Tag
from tests.helpers import errors, is_cached, topic_form

WIKIDATA_INDIA = "https://www.wikidata.org/wiki/Q668"


@pytest.fixture
def briefing(make_briefing):
    briefing = make_briefing(tags=["India", "SCO", "Border talks", "Galwan"])
    make_briefing(tags=["China"], status="draft")  # a kind's page lists topics in use only
    for name, kind in [("India", Kind.COUNTRY), ("SCO", Kind.ORGANISATION),
                       ("Galwan", Kind.PLACE), ("China", Kind.COUNTRY)]:  # fmt: skip
        Tag.objects.filter(name=name).update(kind=kind)
    Tag.objects.filter(name="India").update(same_as=WIKIDATA_INDIA)
    return briefing


def test_new_topics_are_subjects(make_briefing):
    make_briefing(tags=["Trade"])
    assert Tag.objects.get().kind == Kind.SUBJECT == "subject"


def test_the_index_lists_one_kind_at_a_time(client, briefing):
    countries = client.get("/tags/?kind=country").content.decode()
    assert "<h1>Topics: countries</h1>" in countries
    assert ">India</a>" in countries and ">SCO</a>" not in countries
    assert ">China</a>" not in countries, "carried by a draft only"
    assert '<a href="?kind=person">People</a>' in client.get("/tags/").content.decode()
    for bad in ["?kind=planet", "?kind=country&section=i", "?kind="]:
        assert client.get("/tags/" + bad).status_code == 404, bad


def test_a_briefing_page_groups_its_topics_by_kind(client, briefing):
    html = client.get(briefing.get_absolute_url()).content.decode()
    footer = html.split('<h2 class="tags-heading">Topics</h2>')[1]
    headings = [part.split("</h3>")[0].split(">")[-1] for part in footer.split("<h3")[1:]]
    assert headings == ["Subjects", "Countries", "Organisations", "Places"]
    countries = footer.split(">Countries</h3>")[1].split("</ul>")[0]
    assert ">India</a>" in countries and ">SCO</a>" not in countries


def test_search_engines_get_each_topic_as_its_type_with_its_reference(
    client, briefing, public_address
):
    url = briefing.get_absolute_url()
    html = client.get(url).content.decode()
    (article,) = extruct.extract(html, base_url=public_address + url, syntaxes=["json-ld"],
                                 uniform=True)["json-ld"]  # fmt: skip
    about = {thing["name"]: thing for thing in article["about"]}
    assert {name: thing["@type"] for name, thing in about.items()} == {
        "Border talks": "Thing", "Galwan": "Place", "India": "Country", "SCO": "Organization"
    }  # fmt: skip
    assert about["India"]["sameAs"] == WIKIDATA_INDIA and "sameAs" not in about["SCO"]


def test_a_topic_page_says_its_kind(client, briefing):
    html = client.get("/tags/sco/").content.decode()
    assert 'Organisation · <a href="/tags/?kind=organisation">All organisations</a>' in html


def test_feeds_name_each_topics_kind_as_its_category_scheme(client, briefing, public_address):
    kind_of = f"{public_address}/tags/?kind="
    rss = ElementTree.fromstring(client.get("/feed/rss/").content)
    categories = {c.text: c.get("domain") for c in rss.iter("category")}
    assert categories["India"] == kind_of + "country"
    assert categories["Border talks"] == kind_of + "subject"
    atom = ElementTree.fromstring(client.get("/feed/atom/").content)
    categories = {c.get("term"): c.get("scheme")
                  for c in atom.iter("{http://www.w3.org/2005/Atom}category")}  # fmt: skip
    assert categories["SCO"] == kind_of + "organisation"


def test_editors_choose_the_kind_and_a_bad_reference_is_a_form_error(admin_client, briefing):
    india = Tag.objects.get(name="India")
    url = reverse("admin:briefings_tag_change", args=[india.pk])
    form = topic_form({"name": "India", "slug": "india", "kind": "country"})
    refused = admin_client.post(url, form | {"same_as": "not an address"})
    assert refused.status_code == 200 and errors(refused) == ["Enter a valid URL."]
    assert admin_client.post(url, form | {"kind": "planet"}).status_code == 200
    saved = admin_client.post(url, form | {"kind": "place", "same_as": WIKIDATA_INDIA})
    assert saved.status_code == 302, errors(saved)
    assert Tag.objects.get(pk=india.pk).kind == Kind.PLACE


def test_a_change_of_kind_shows_at_once_on_the_carriers_cached_pages(
    client, admin_client, briefing, django_assert_num_queries, django_capture_on_commit_callbacks
):
    page = briefing.get_absolute_url()
    for url in (page, "/tags/?kind=event"):
        client.get(url)
        assert is_cached(client, url, django_assert_num_queries)
    sco = Tag.objects.get(name="SCO")
    url = reverse("admin:briefings_tag_change", args=[sco.pk])
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(url, topic_form({"name": "SCO", "slug": "sco", "kind": "event"}))
    html = client.get(page).content.decode()
    assert ">SCO</a>" in html.split(">Events</h3>")[1].split("</ul>")[0]
    assert ">SCO</a>" in client.get("/tags/?kind=event").content.decode()
