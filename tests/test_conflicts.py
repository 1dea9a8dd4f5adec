"""Two editors on one briefing: the later save never silently overwrites the earlier."""

import pytest
from django.test import Client

from briefings import roles
from briefings.models import Briefing, Status
from tests.helpers import change_url, edit_data, errors


def opened_form(client, briefing):
    """The form data a browser would send back: what the change page holds."""
    html = client.get(change_url(briefing)).content.decode()
    marker = 'name="opened_version" value="'
    start = html.index(marker) + len(marker)
    return edit_data(briefing, opened_version=html[start : html.index('"', start)])


@pytest.fixture
def two_editors(client, member, make_briefing):
    briefing = make_briefing(title="Summit opens", body="First draft.", status=Status.DRAFT)
    first, second = Client(), Client()
    first.force_login(member(roles.EDITOR, "asha"))
    second.force_login(member(roles.EDITOR, "ben"))
    return briefing, first, second


def test_the_second_save_is_refused_with_who_and_what_and_keeps_the_text(two_editors):
    briefing, first, second = two_editors
    first_form, second_form = opened_form(first, briefing), opened_form(second, briefing)
    saved = first.post(change_url(briefing), {**first_form, "title": "Summit opens in Tianjin"})
    assert saved.status_code == 302, errors(saved)
    refused = second.post(change_url(briefing), {**second_form, "body": "Ben's careful body."})
    assert refused.status_code == 200
    message = " ".join(errors(refused))
    assert "Someone else saved this briefing" in message
    assert "Asha Smith" in message and "Changed Title" in message
    assert "Ben&#x27;s careful body." in refused.content.decode(), "still in the form"
    briefing.refresh_from_db()
    assert (briefing.title, briefing.body) == ("Summit opens in Tianjin", "First draft.")
    # Having merged by hand, the second editor saves the form as it came back.
    retry = refused.context["adminform"].form.data
    merged = second.post(change_url(briefing), {**retry, "title": "Summit opens in Tianjin"})
    assert merged.status_code == 302, errors(merged)
    briefing.refresh_from_db()
    assert briefing.body == "Ben's careful body."


def test_a_form_without_its_opened_version_is_refused(client, member, make_briefing):
    briefing = make_briefing(status=Status.DRAFT)
    client.force_login(member(roles.EDITOR))
    data = edit_data(briefing, title="Blind overwrite")
    del data["opened_version"]
    response = client.post(change_url(briefing), data)
    assert response.status_code == 200
    assert Briefing.objects.get().title != "Blind overwrite"
