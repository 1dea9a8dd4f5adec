"""Two editors on one briefing: the later save never silently overwrites the earlier."""

import re

import pytest
import reversion
from django.contrib.admin.models import LogEntry
from django.test import Client

from briefings import revisions, roles
from briefings.models import Briefing, Status
from tests.helpers import change_url, edit_data, errors


def opened_form(client, briefing):
    """The form data a browser would send back: what the change page holds."""
    html = client.get(change_url(briefing)).content.decode()
    return edit_data(
        briefing,
        opened_version=hidden_value(html, "opened_version"),
        opened_revision=hidden_value(html, "opened_revision"),
    )


def hidden_value(html, name):
    found = re.search(f'name="{name}"(?: value="([^"]*)")?', html)
    return found[1] or ""


def returned_form(response):
    """The form as a refused save shows it again, as the browser would send it."""
    return response.context["adminform"].form.data.dict()


@pytest.fixture
def revised_briefing(make_briefing):
    """make_briefing, with a first revision as the admin would keep."""

    def make(**fields):
        briefing = make_briefing(**fields)
        with reversion.create_revision():
            revisions.record(briefing)
        return briefing

    return make


@pytest.fixture
def two_editors(member, revised_briefing):
    briefing = revised_briefing(
        title="Summit opens", standfirst="Leaders meet.", body="First draft.", status=Status.DRAFT
    )
    first, second = Client(), Client()
    first.force_login(member(roles.EDITOR, "asha"))
    second.force_login(member(roles.EDITOR, "ben"))
    return briefing, first, second


def saved(client, briefing, form):
    response = client.post(change_url(briefing), form)
    assert response.status_code == 302, errors(response)
    return response


def test_changes_to_different_fields_are_both_kept(two_editors):
    briefing, first, second = two_editors
    first_form, second_form = opened_form(first, briefing), opened_form(second, briefing)
    saved(first, briefing, {**first_form, "title": "Summit opens in Tianjin"})
    response = saved(second, briefing, {**second_form, "body": "Ben's careful body."})
    briefing.refresh_from_db()
    assert (briefing.title, briefing.body) == ("Summit opens in Tianjin", "Ben's careful body.")
    told = [str(message) for message in second.get(response.url).context["messages"]]
    assert any("Asha Smith" in message and "Title kept" in message for message in told)
    newest = LogEntry.objects.filter(object_id=str(briefing.pk)).order_by("-pk").first()
    assert newest.get_change_message() == "Changed Body."


def test_a_field_both_changed_is_shown_side_by_side_and_the_rest_is_theirs(two_editors):
    briefing, first, second = two_editors
    first_form, second_form = opened_form(first, briefing), opened_form(second, briefing)
    saved(first, briefing, {**first_form, "title": "Asha's title", "standfirst": "Asha's."})
    refused = second.post(
        change_url(briefing), {**second_form, "standfirst": "Ben's.", "body": "Ben's body."}
    )
    assert refused.status_code == 200
    form = refused.context["adminform"].form
    assert [conflict.name for conflict in form.conflicts] == ["standfirst"]
    page = refused.content.decode()
    assert 'name="resolve-standfirst"' in page and "Asha Smith" in page
    assert "a script" not in page, "the revision it was opened from is not a save since"
    assert form["title"].value() == "Asha's title", "a field only they changed shows theirs"
    assert form["body"].value() == "Ben's body.", "yours stays"
    briefing.refresh_from_db()
    assert (briefing.standfirst, briefing.body) == ("Asha's.", "First draft."), "nothing saved"


@pytest.mark.parametrize(("choice", "standfirst"), [("theirs", "Asha's."), ("yours", "Ben's.")])
def test_the_second_save_applies_only_what_was_chosen(two_editors, choice, standfirst):
    briefing, first, second = two_editors
    first_form, second_form = opened_form(first, briefing), opened_form(second, briefing)
    saved(first, briefing, {**first_form, "title": "Asha's title", "standfirst": "Asha's."})
    refused = second.post(
        change_url(briefing), {**second_form, "standfirst": "Ben's.", "body": "Ben's body."}
    )
    unchosen = second.post(change_url(briefing), returned_form(refused))
    assert unchosen.status_code == 200, "saved without a choice"
    assert "Choose, for each field" in " ".join(errors(unchosen))
    saved(second, briefing, {**returned_form(unchosen), "resolve-standfirst": choice})
    briefing.refresh_from_db()
    assert (briefing.title, briefing.standfirst, briefing.body) == (
        "Asha's title",
        standfirst,
        "Ben's body.",
    )


def test_a_third_save_during_the_choice_is_compared_again(two_editors, member):
    briefing, first, second = two_editors
    first_form, second_form = opened_form(first, briefing), opened_form(second, briefing)
    saved(first, briefing, {**first_form, "standfirst": "Asha's."})
    refused = second.post(change_url(briefing), {**second_form, "standfirst": "Ben's."})
    saved(first, briefing, {**opened_form(first, briefing), "standfirst": "Asha's again."})
    again = second.post(
        change_url(briefing), {**returned_form(refused), "resolve-standfirst": "yours"}
    )
    assert again.status_code == 200, "a choice made against an older save was applied"
    assert Briefing.objects.get(pk=briefing.pk).standfirst == "Asha's again."


def test_tags_compare_as_sets_of_names(client, member, revised_briefing):
    briefing = revised_briefing(tags=["SCO", "India"], status=Status.DRAFT)
    client.force_login(member(roles.EDITOR))
    saved(client, briefing, {**opened_form(client, briefing), "tags": "india, sco", "body": "New."})
    newest = LogEntry.objects.filter(object_id=str(briefing.pk)).order_by("-pk").first()
    assert newest.get_change_message() == "Changed Body."


def test_an_author_no_longer_on_staff_keeps_the_byline(client, member, make_briefing):
    former = member(roles.WRITER, "meera")
    briefing = make_briefing(author=former, status=Status.DRAFT)
    former.is_staff = False
    former.save()
    client.force_login(member(roles.EDITOR))
    page = client.get(change_url(briefing)).content.decode()
    assert f'<option value="{former.pk}" selected>' in page
    saved(client, briefing, {**opened_form(client, briefing), "author": str(former.pk),
                             "body": "A correction."})  # fmt: skip
    assert Briefing.objects.get(pk=briefing.pk).author == former


def test_a_form_without_its_opened_version_is_refused(client, member, make_briefing):
    briefing = make_briefing(status=Status.DRAFT)
    client.force_login(member(roles.EDITOR))
    data = edit_data(briefing, title="Blind overwrite")
    del data["opened_version"]
    response = client.post(change_url(briefing), data)
    assert response.status_code == 200
    assert Briefing.objects.get().title != "Blind overwrite"
