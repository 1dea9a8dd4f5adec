"""Each briefing's list card is stored rendered, and follows everything it shows."""

from datetime import UTC, datetime

import pytest
from django.core.management import call_command

from briefings.cards import card_format, render_cards
from briefings.models import Briefing, Tag

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 0


def stored_card(briefing):
    return Briefing.objects.values_list("card_html", "card_format").get(pk=briefing.pk)


def assert_card_is_fresh(briefing):
    assert stored_card(briefing) == (render_cards([briefing.pk])[briefing.pk], card_format())


def test_a_stored_card_follows_every_change_to_what_it_shows(make_briefing, committed):
    briefing = make_briefing(tags=["SCO", "India"], title="Leaders meet in Tianjin")
    html, _ = stored_card(briefing)
    assert "Leaders meet in Tianjin" in html and ">India</a>" in html
    assert_card_is_fresh(briefing)

    briefing.title = "Leaders meet again"
    briefing.save()
    assert "Leaders meet again" in stored_card(briefing)[0]

    briefing.tags.set(["SCO", "Nepal"])
    html, _ = stored_card(briefing)
    assert ">Nepal</a>" in html and ">India</a>" not in html

    sco = Tag.objects.get(name="SCO")
    sco.name = "Shanghai Cooperation Organisation"
    with committed():  # carriers' cards follow a rename once it commits
        sco.save()
    assert ">Shanghai Cooperation Organisation</a>" in stored_card(briefing)[0]

    with committed():
        Tag.objects.get(name="Nepal").delete()
    assert ">Nepal</a>" not in stored_card(briefing)[0]
    assert_card_is_fresh(briefing)


def test_lists_show_the_stored_cards(client, make_briefing):
    briefing = make_briefing(tags=["SCO"])
    make_briefing(published_at=datetime.now(UTC))  # leads the home page; the first is a card
    Briefing.objects.filter(pk=briefing.pk).update(card_html="<article>Stored card</article>")
    assert "Stored card" in client.get("/").text
    assert "Stored card" in client.get("/tags/sco/").text


def test_a_card_stored_in_another_format_is_rendered_afresh(client, make_briefing):
    briefing = make_briefing(tags=["SCO"], title="Border talks resume")
    Briefing.objects.filter(pk=briefing.pk).update(card_html="<p>Stale</p>", card_format="old")

    for path in ("/", "/tags/sco/"):
        page = client.get(path).text
        assert "Stale" not in page and "Border talks resume" in page

    call_command("rebuild_derived", "--only", "cards")
    assert_card_is_fresh(briefing)


def test_a_new_time_zone_is_a_new_card_format(client, settings, make_briefing):
    settings.TIME_ZONE = "UTC"
    make_briefing(published_at=datetime(2026, 11, 20, 23, 30, tzinfo=UTC))
    assert "20 November 2026" in client.get("/").text

    settings.TIME_ZONE = "Asia/Kolkata"
    assert "21 November 2026" in client.get("/").text
