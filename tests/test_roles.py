"""Roles in the newsroom: what Writers, Editors and Admins may do, refused on the server."""

from datetime import timedelta

from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from briefings import roles
from briefings.models import Briefing, Status, Tag
from tests.helpers import ADD_URL, LIST_URL, change_url, delete_url, edit_data, errors, form_data


def test_roles_are_groups_with_their_permissions(db):
    def rights(role):
        group = Group.objects.get(name=role)
        return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}

    assert rights(roles.WRITER) == {
        *roles.BRIEFING_RIGHTS, "briefings.view_correction", "briefings.add_libraryimage",
        "briefings.view_libraryimage",
    }  # fmt: skip
    assert roles.PUBLISH in rights(roles.EDITOR) and "briefings.change_tag" in rights(roles.EDITOR)
    assert "briefings.add_othername" in rights(roles.EDITOR)
    assert "auth.change_user" not in rights(roles.EDITOR)
    assert {"auth.change_user", roles.PUBLISH, "briefings.delete_tag"} <= rights(roles.ADMIN)


def test_a_writer_writes_drafts_of_their_own_and_submits_them(client, writer, member):
    other = member(roles.EDITOR, "someone-else")
    forged = form_data(author=other.pk, published_at_0="2025-01-01", published_at_1="10:00")
    response = client.post(ADD_URL, forged)
    assert response.status_code == 302, errors(response)
    briefing = Briefing.objects.get()
    assert (briefing.author, briefing.status, briefing.published_at) == (writer, Status.DRAFT, None)
    response = client.post(change_url(briefing), edit_data(briefing, status=Status.IN_REVIEW))
    assert response.status_code == 302, errors(response)
    briefing.refresh_from_db()
    assert briefing.status == Status.IN_REVIEW
    refused = client.post(change_url(briefing), edit_data(briefing, title="Changed in review"))
    assert refused.status_code == 403
    briefing.refresh_from_db()
    assert briefing.title != "Changed in review"


def test_a_writer_cannot_publish_by_a_forged_form(client, writer):
    response = client.post(ADD_URL, form_data(status=Status.PUBLISHED))
    assert response.status_code == 200
    assert any("Select a valid choice" in error for error in errors(response))
    assert not Briefing.objects.exists()


def test_a_writer_cannot_touch_other_work(client, writer, make_briefing):
    published = make_briefing(title="Out", author=None)
    others_draft = make_briefing(title="Theirs", status=Status.DRAFT)
    own_draft = make_briefing(title="Mine", status=Status.DRAFT, author=writer)
    for briefing in (published, others_draft):
        assert client.post(change_url(briefing), edit_data(briefing, title="X")).status_code == 403
        assert client.post(delete_url(briefing), {"post": "yes"}).status_code == 403
    assert client.get(change_url(published)).status_code == 200, "read-only view"
    for action in ("publish", "unpublish", "delete_selected"):
        client.post(LIST_URL, {"action": action, "_selected_action": [own_draft.pk, published.pk]})
    assert Briefing.objects.published().get() == published
    assert set(Briefing.objects.values_list("title", flat=True)) == {"Out", "Theirs", "Mine"}
    assert client.post(delete_url(own_draft), {"post": "yes"}).status_code == 302
    assert not Briefing.objects.filter(title="Mine").exists()
    assert client.get(reverse("admin:briefings_tag_changelist")).status_code == 403


def test_an_editor_publishes_and_every_action_is_logged(client, editor, make_briefing):
    drafts = [make_briefing(status=Status.DRAFT) for _ in range(2)]
    data = {"action": "publish", "_selected_action": [b.pk for b in drafts]}
    client.post(LIST_URL, data)
    assert Briefing.objects.published().count() == 2
    client.post(LIST_URL, {**data, "action": "unpublish"})
    logged = LogEntry.objects.filter(user=editor).values_list("object_id", "change_message")
    assert sorted(logged) == sorted(
        [(str(b.pk), "Published.") for b in drafts]
        + [(str(b.pk), "Unpublished: back to draft.") for b in drafts]
    )


def test_unpublishing_undates_and_republishing_dates_anew(client, editor, make_briefing):
    briefing = make_briefing(published_at=timezone.now() - timedelta(days=30))
    client.post(LIST_URL, {"action": "unpublish", "_selected_action": [briefing.pk]})
    briefing.refresh_from_db()
    assert (briefing.status, briefing.published_at) == (Status.DRAFT, None)
    assert "Draft" in client.get(LIST_URL).content.decode()
    client.post(LIST_URL, {"action": "publish", "_selected_action": [briefing.pk]})
    briefing.refresh_from_db()
    assert timezone.now() - briefing.published_at < timedelta(minutes=1)


def test_an_editor_sends_a_briefing_back_with_a_note_the_writer_reads(
    client, member, make_briefing
):
    writer = member(roles.WRITER)
    briefing = make_briefing(status=Status.IN_REVIEW, author=writer)
    client.force_login(member(roles.EDITOR))
    note = "Needs a source for the second paragraph."
    data = edit_data(briefing, status=Status.DRAFT, review_note=note, author=writer.pk)
    response = client.post(change_url(briefing), data)
    assert response.status_code == 302, errors(response)
    client.force_login(writer)
    page = client.get(change_url(briefing)).content.decode()
    assert note in page and 'name="review_note"' not in page, "shown, not editable"


def test_the_change_list_shows_scheduled_briefings_with_their_time(client, editor, make_briefing):
    make_briefing(title="Soon", published_at=timezone.now() + timedelta(days=2))
    html = client.get(LIST_URL).content.decode()
    assert "Scheduled for" in html


def test_merging_tags_needs_the_right_to_change_and_delete_them_and_is_logged(
    client, member, make_briefing
):
    make_briefing(tags=["SCO", "Shanghai Cooperation Organisation"])
    make_briefing(tags=["SCO"])
    tags = list(Tag.objects.values_list("pk", flat=True))
    viewer = member(roles.WRITER, "viewer")
    viewer.user_permissions.add(*Group.objects.get(name=roles.EDITOR).permissions.filter(
        codename="view_tag"))  # fmt: skip
    client.force_login(viewer)
    tag_list = reverse("admin:briefings_tag_changelist")
    client.post(tag_list, {"action": "merge_tags", "_selected_action": tags, "post": "yes"})
    assert Tag.objects.count() == 2
    editor = member(roles.EDITOR)
    client.force_login(editor)
    client.post(tag_list, {"action": "merge_tags", "_selected_action": tags, "post": "yes"})
    assert list(Tag.objects.values_list("name", flat=True)) == ["SCO"]
    messages = set(LogEntry.objects.filter(user=editor).values_list("change_message", flat=True))
    assert "Merged “Shanghai Cooperation Organisation” into it." in messages
    assert LogEntry.objects.filter(user=editor, action_flag=3).count() == 1, "the deletion"
