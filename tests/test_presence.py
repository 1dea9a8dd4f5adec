"""The soft lock: the change form says who else has the briefing open, and stops no one."""

import pytest
from django.test import Client
from django.urls import reverse

from briefings import roles
from briefings.models import Status
from tests.helpers import change_url


def editing_url(briefing):
    return reverse("admin:briefings_briefing_editing", args=[briefing.pk])


def others_on_page(client, briefing):
    html = client.get(change_url(briefing)).content.decode()
    start = html.index('id="also-editing"')
    return html[start : html.index("</p>", start)]


@pytest.fixture
def asha_and_ben(member):
    asha, ben = Client(), Client()
    asha.force_login(member(roles.EDITOR, "asha"))
    ben.force_login(member(roles.EDITOR, "ben"))
    return asha, ben


def test_the_form_names_who_else_has_it_open_until_they_leave(asha_and_ben, make_briefing, clock):
    asha, ben = asha_and_ben
    briefing = make_briefing(status=Status.DRAFT)
    first_look = others_on_page(asha, briefing)
    assert " hidden" in first_look, "nobody else yet"
    assert "Asha Smith" in others_on_page(ben, briefing)
    assert asha.post(editing_url(briefing)).json() == {"others": ["Ben Smith"]}
    ben.post(editing_url(briefing), {"closed": "1"})
    assert asha.post(editing_url(briefing)).json() == {"others": []}


def test_a_form_left_without_a_word_is_forgotten(asha_and_ben, make_briefing, clock):
    asha, ben = asha_and_ben
    briefing = make_briefing(status=Status.DRAFT)
    ben.get(change_url(briefing))
    clock.shift(60)
    assert asha.post(editing_url(briefing)).json() == {"others": ["Ben Smith"]}
    clock.shift(31)
    assert asha.post(editing_url(briefing)).json() == {"others": []}


def test_only_the_newsroom_may_say_it_is_editing(client, make_briefing):
    briefing = make_briefing(status=Status.DRAFT)
    assert client.post(editing_url(briefing)).status_code == 302, "to the login page"


def test_every_briefing_offers_a_preview_and_a_public_one_its_page(admin_client, make_briefing):
    draft = make_briefing(status=Status.DRAFT)
    published = make_briefing()
    draft_page = admin_client.get(change_url(draft)).content.decode()
    preview = reverse("admin:briefings_briefing_preview", args=[draft.pk])
    assert f'href="{preview}" class="viewsitelink">Preview</a>' in draft_page
    assert "View on site" not in draft_page
    published_page = admin_client.get(change_url(published)).content.decode()
    page = published.get_absolute_url()
    assert f'href="{page}" class="viewsitelink">View on site' in published_page
