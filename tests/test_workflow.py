"""The workflow as buttons named for what they do, each saying what it did."""

import re
from datetime import timedelta

from django.contrib.admin.models import LogEntry
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from briefings import roles
from briefings.models import Briefing, Status
from tests.helpers import ADD_URL, LIST_URL, change_url, edit_data, errors, form_data


def buttons(response):
    return re.findall(r'<button type="submit" name="_action" value="([a-z_]+)"', response.text)


def said(client, response):
    """The messages the page after a redirect shows."""
    return [str(message) for message in client.get(response.url).context["messages"]]


def last_logged(briefing):
    entry = LogEntry.objects.filter(object_id=str(briefing.pk)).order_by("-pk").first()
    return entry.get_change_message()


def test_each_role_sees_the_actions_it_may_take(client, member, make_briefing):
    client.force_login(member(roles.WRITER))
    page = client.get(ADD_URL)
    assert buttons(page) == ["save_draft", "submit"]
    assert '<select name="status"' not in page.text, "the state is the buttons' to set"
    client.force_login(member(roles.EDITOR))
    assert buttons(client.get(ADD_URL)) == ["save_draft", "publish", "schedule"]
    in_review = make_briefing(status=Status.IN_REVIEW)
    assert buttons(client.get(change_url(in_review))) == [
        "save_review", "send_back", "publish", "schedule"
    ]  # fmt: skip
    live = make_briefing()
    assert buttons(client.get(change_url(live))) == ["update", "unpublish"]
    later = make_briefing(published_at=timezone.now() + timedelta(days=2))
    assert buttons(client.get(change_url(later))) == [
        "update_scheduled", "publish_now", "unpublish"
    ]  # fmt: skip


def test_a_writer_submits_and_is_told_where_it_went(client, writer):
    response = client.post(ADD_URL, form_data(_action="submit"))
    assert response.status_code == 302, errors(response)
    briefing = Briefing.objects.get()
    assert briefing.status == Status.IN_REVIEW
    assert said(client, response) == ["Submitted for review: Editors will see it in Needs review."]
    assert last_logged(briefing) == "Submitted for review."


def test_an_action_not_open_to_the_user_is_refused(client, writer):
    response = client.post(ADD_URL, form_data(_action="publish"))
    assert response.status_code == 200
    assert "That action is not open to you" in " ".join(errors(response))
    assert not Briefing.objects.exists()


def test_send_back_needs_a_note_which_the_writer_sees_until_resubmitting(
    client, member, make_briefing
):
    writer = member(roles.WRITER, "meera")
    briefing = make_briefing(status=Status.IN_REVIEW, author=writer)
    editor = Client()
    editor.force_login(member(roles.EDITOR))
    refused = editor.post(change_url(briefing), edit_data(briefing, _action="send_back"))
    assert refused.status_code == 200 and "Say what it needs" in " ".join(errors(refused))
    note = "Check the date of the summit."
    sent = editor.post(
        change_url(briefing), edit_data(briefing, _action="send_back", review_note=note)
    )
    assert sent.status_code == 302, errors(sent)
    assert said(editor, sent) == [
        "Sent back to Meera Smith with your note: it is in their Returned to me list."
    ]
    assert note in last_logged(briefing)
    client.force_login(writer)
    assert "Returned to me: 1" in client.get(reverse("admin:index")).text
    returned = client.get(LIST_URL, {"whose": "returned"})
    assert list(returned.context["cl"].result_list) == [briefing]
    assert note in client.get(change_url(briefing)).text
    briefing.refresh_from_db()
    resubmitted = client.post(change_url(briefing), edit_data(briefing, _action="submit"))
    assert resubmitted.status_code == 302, errors(resubmitted)
    briefing.refresh_from_db()
    assert (briefing.status, briefing.review_note) == (Status.IN_REVIEW, "")
    assert note in "".join(
        entry.get_change_message() for entry in LogEntry.objects.filter(object_id=str(briefing.pk))
    ), "the note stays in the history"
    assert "Returned to me: 0" in client.get(reverse("admin:index")).text


def test_editors_see_how_many_wait_for_review_on_every_admin_page(client, editor, make_briefing):
    make_briefing(status=Status.IN_REVIEW)
    make_briefing(status=Status.IN_REVIEW)
    for url in (reverse("admin:index"), LIST_URL, ADD_URL):
        assert "Needs review: 2" in client.get(url).text


def test_schedule_needs_a_future_date_and_publish_a_present_one(client, editor, make_briefing):
    draft = make_briefing(status=Status.DRAFT, published_at=None)
    refused = client.post(change_url(draft), edit_data(draft, _action="schedule"))
    assert "in the future to schedule" in " ".join(errors(refused))
    tomorrow = timezone.localtime() + timedelta(days=1)
    later = {"published_at_0": tomorrow.strftime("%Y-%m-%d"), "published_at_1": "09:00:00"}
    refused = client.post(change_url(draft), edit_data(draft, _action="publish", **later))
    assert "schedule it, or clear the date" in " ".join(errors(refused))
    scheduled = client.post(change_url(draft), edit_data(draft, _action="schedule", **later))
    assert scheduled.status_code == 302, errors(scheduled)
    assert said(client, scheduled)[0].startswith("Scheduled: it goes live on")
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED and not draft.is_published_now
    now = client.post(change_url(draft), edit_data(draft, _action="publish_now", **later))
    assert now.status_code == 302, errors(now)
    draft.refresh_from_db()
    assert draft.is_published_now


def test_unpublish_takes_it_off_the_site(client, editor, make_briefing):
    live = make_briefing()
    response = client.post(change_url(live), edit_data(live, _action="unpublish"))
    assert said(client, response) == ["Unpublished: back to draft; readers no longer see it."]
    assert client.get(live.get_absolute_url()).status_code == 404


def test_save_draft_stays_on_the_page(client, writer):
    response = client.post(ADD_URL, form_data(_action="save_draft"))
    briefing = Briefing.objects.get()
    assert response.url == change_url(briefing)
    assert said(client, response) == ["Draft saved."]


def test_a_writers_list_opens_on_their_own_work_by_last_change(client, writer, make_briefing):
    older = make_briefing(status=Status.DRAFT, author=writer)
    make_briefing(status=Status.DRAFT)  # someone else's
    newer = make_briefing(status=Status.DRAFT, author=writer)
    Briefing.objects.filter(pk=older.pk).update(updated_at=timezone.now() + timedelta(hours=1))
    listed = client.get(LIST_URL).context["cl"].result_list
    assert list(listed) == [Briefing.objects.get(pk=older.pk), newer]


def test_the_change_list_names_people_and_keeps_columns_short(
    client, editor, member, make_briefing
):
    writer = member(roles.WRITER, "meera")
    make_briefing(title="Talks", author=writer, tags=["SCO", "India", "China", "LAC", "BRICS"])
    page = client.get(LIST_URL).content.decode()
    assert '<td class="field-byline">Meera Smith</td>' in page, "the name readers see"
    assert ">meera<" not in page
    assert re.search(r'<td class="field-tag_list">[^<]+ \+2</td>', page), "three topics, then +2"
    assert "You are" not in page
