"""Other names of a topic, in any script: typing one saves the topic (and the form says
so), the type-ahead finds it, its slug leads to the topic's page, search finds the
topic's briefings by it, and a name or address belongs to one topic only."""

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from briefings.models import Briefing, Kind, OtherName, Status, Tag
from tests.helpers import ADD_URL, errors, form_data, topic_form

SCO_NAMES = [  # four scripts
    ("Shanghai Cooperation Organisation", "en"),
    ("ШОС", "ru"),
    ("上海合作组织", "zh"),
    ("शंघाई सहयोग संगठन", "hi"),
]
TAGS_URL = reverse("admin:briefings_briefing_tags_typed")


@pytest.fixture
def sco(make_briefing, admin_client, django_capture_on_commit_callbacks):
    """SCO, with its other names given in the admin as an editor gives them."""
    briefing = make_briefing(title="Summit in Tianjin", tags=["SCO", "India"])
    make_briefing(title="Monsoon session", tags=["India"])
    tag = Tag.objects.get(name="SCO")
    url = reverse("admin:briefings_tag_change", args=[tag.pk])
    form = topic_form({"name": "SCO", "slug": "sco", "kind": Kind.ORGANISATION}, SCO_NAMES)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, form)
    assert response.status_code == 302, errors(response)
    tag.briefing = briefing
    return tag


def change_topic(admin_client, tag, other_names, **fields):
    url = reverse("admin:briefings_tag_change", args=[tag.pk])
    return admin_client.post(url, topic_form({"name": tag.name, "slug": tag.slug, **fields},
                                             other_names))  # fmt: skip


def test_other_names_are_kept_with_their_language(sco):
    kept = set(OtherName.objects.filter(tag=sco).values_list("name", "lang", "slug"))
    assert ("ШОС", "ru", "шос") in kept and ("上海合作组织", "zh", "上海合作组织") in kept
    assert len(kept) == 4


def test_an_editor_gives_a_topic_other_names(client, editor, make_briefing):
    make_briefing(title="Monsoon session", tags=["India"])
    india = Tag.objects.get(name="India")
    url = reverse("admin:briefings_tag_change", args=[india.pk])
    assert 'name="other_names-0-name"' in client.get(url).text, "the form offers them"
    form = topic_form({"name": "India", "slug": "india"}, [("भारत", "hi")])
    assert client.post(url, form).status_code == 302
    assert list(india.other_names.values_list("name", "lang")) == [("भारत", "hi")]


def test_typing_another_name_saves_the_topic_and_the_form_says_so(admin_client, sco):
    response = admin_client.post(
        ADD_URL, form_data(tags="ШОС, India, शंघाई सहयोग संगठन", status=Status.PUBLISHED)
    )  # fmt: skip
    assert response.status_code == 302, errors(response)
    saved = Briefing.objects.get(slug="talks-resume")
    assert sorted(tag.name for tag in saved.tags.all()) == ["India", "SCO"], "one topic"
    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert any("ШОС saved as SCO" in line for line in said), said
    assert Tag.objects.count() == 2, "no topic named ШОС"


def test_the_type_ahead_finds_topics_by_their_other_names(client, writer, sco):
    answer = client.get(TAGS_URL, {"typed": "India, шо"}).json()
    assert answer["suggestions"] == ["SCO"]
    answer = client.get(TAGS_URL, {"typed": "上海合作组织"}).json()
    assert answer["will_save"] == [{"name": "SCO", "typed": "上海合作组织", "new": False}]


def test_another_names_address_leads_to_the_topic_alone_and_in_combinations(client, sco):
    assert client.get("/tags/шос/")["Location"] == "/tags/sco/"
    assert client.get("/tags/шос/").status_code == 301
    combined = client.get("/tags/india+上海合作组织/?before=5")
    assert (combined.status_code, combined["Location"]) == (301, "/tags/india+sco/?before=5")
    assert client.get("/tags/шос/feed/rss/")["Location"] == "/tags/sco/feed/rss/"
    assert client.get("/tags/no-such-name/").status_code == 404


def test_resolving_another_name_costs_what_a_former_address_does(
    client, sco, django_assert_num_queries
):
    sco.former_slugs.create(slug="shanghai-bloc")
    client.get("/tags/unknown/")  # what any first request asks once
    with CaptureQueriesContext(connection) as former:
        assert client.get("/tags/shanghai-bloc/").status_code == 301
    with django_assert_num_queries(len(former.captured_queries)):
        assert client.get("/tags/шос/").status_code == 301


@pytest.mark.parametrize("name", [name for name, _ in SCO_NAMES])
def test_search_finds_the_topics_briefings_by_any_name_and_offers_the_topic(client, sco, name):
    page = client.get("/search/", {"q": name}).content.decode()
    assert "Summit in Tianjin" in page and "Monsoon session" not in page
    assert 'the topic <a href="/tags/sco/">SCO</a>' in page, "the topic is offered"


def test_the_topic_page_gives_other_names_in_their_language(client, sco):
    page = client.get("/tags/sco/").content.decode()
    assert '<span lang="ru">ШОС</span>' in page and '<span lang="zh">上海合作组织</span>' in page


@pytest.mark.parametrize(
    ("typed", "holder"),
    [
        ("SCO", "SCO"),  # another topic's name
        ("ｓｃｏ", "SCO"),  # full width
        ("шос", "SCO"),  # case, another topic's other name
        ("Ｓhanghai cooperation organisation", "SCO"),
    ],
)
def test_a_name_another_topic_has_is_a_form_error_naming_it(admin_client, sco, typed, holder):
    india = Tag.objects.get(name="India")
    response = change_topic(admin_client, india, [(typed, "")])
    assert response.status_code == 200
    assert any(f"“{holder}”" in error for error in errors(response)), errors(response)
    assert not india.other_names.exists()


def test_names_compare_by_unicode_composition(admin_client, make_briefing):
    make_briefing(tags=["Élysée", "France"])
    france = Tag.objects.get(name="France")
    decomposed = "E\u0301lyse\u0301e"
    response = change_topic(admin_client, france, [(decomposed, "fr")])
    assert any("“Élysée”" in error for error in errors(response)), errors(response)


def test_an_address_another_topic_has_is_a_form_error(admin_client, sco):
    india = Tag.objects.get(name="India")
    response = change_topic(admin_client, india, [("ШОС!", "")])  # its slug: шос
    assert any("/tags/%D1%88%D0%BE%D1%81/" in error or "/tags/шос/" in error
               for error in errors(response)), errors(response)  # fmt: skip
    renamed = change_topic(admin_client, india, [], slug="шос")
    assert any("“SCO” already has this address" in error for error in errors(renamed))


def test_the_same_name_twice_and_a_topics_own_name_are_refused(admin_client, sco):
    india = Tag.objects.get(name="India")
    twice = change_topic(admin_client, india, [("Bharat", "hi"), ("BHARAT", "")])
    assert "This name is given twice." in errors(twice)
    own = change_topic(admin_client, india, [("india", "")])
    assert "The topic has this name already." in errors(own)


def test_a_bad_language_code_is_a_form_error(admin_client, sco):
    india = Tag.objects.get(name="India")
    response = change_topic(admin_client, india, [("Bharat", "not a language")])
    assert any("language as a code" in error for error in errors(response))


def test_a_new_topic_never_takes_another_names_address(make_briefing, sco):
    make_briefing(tags=["шос!"])  # another name, folding differently, with the same slug
    assert Tag.objects.get(name="шос!").slug == "шос_2"


def test_merging_keeps_the_merged_names_as_other_names_and_the_survivors_kind(
    admin_client, sco, make_briefing, django_capture_on_commit_callbacks
):
    make_briefing(tags=["Shanghai Pact"])
    pact = Tag.objects.get(name="Shanghai Pact")
    OtherName.objects.create(tag=pact, name="Шанхайский пакт", lang="ru")
    Tag.objects.filter(pk=pact.pk).update(kind=Kind.EVENT)
    changelist = reverse("admin:briefings_tag_changelist")
    chosen = {"action": "merge_tags", "_selected_action": [sco.pk, pact.pk]}
    asking = admin_client.post(changelist, chosen).content.decode()
    assert "(organisation," in asking and "(event," in asking, "the page shows kinds"
    assert "also called Шанхайский пакт" in asking and "ШОС" in asking, "and other names"
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(changelist, chosen | {"post": "yes", "keep": sco.pk})
    sco.refresh_from_db()
    assert sco.kind == Kind.ORGANISATION
    names = set(sco.other_names.values_list("name", flat=True))
    assert {"Shanghai Pact", "Шанхайский пакт", "ШОС"} <= names


def test_a_new_other_name_shows_on_cached_pages_and_finds_briefings_at_once(
    client, admin_client, sco, django_capture_on_commit_callbacks
):
    client.get("/tags/sco/")
    assert "Shanghai Five" not in client.get("/tags/sco/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        change_topic(admin_client, sco, [("Shanghai Five", "en")], kind=Kind.ORGANISATION)
    assert "Shanghai Five" in client.get("/tags/sco/").content.decode()
    assert "Summit in Tianjin" in client.get("/search/", {"q": "Shanghai Five"}).content.decode()
