"""Revisions: every admin save is kept with who and when, compared and restored."""

from io import StringIO

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from reversion.models import Version

from briefings import images, roles, upkeep
from briefings.models import Briefing, Status, Tag
from tests.helpers import ADD_URL, LIST_URL, change_url, edit_data, errors, form_data, image_upload


def versions(briefing):
    return list(
        Version.objects.get_for_object(briefing)
        .select_related("revision__user")
        .order_by("revision__date_created", "pk")
    )


def revision_url(briefing, version):
    return reverse("admin:briefings_briefing_revision", args=[briefing.pk, version.pk])


@pytest.fixture
def edited(client, editor):
    """A briefing added, then edited in the admin: two revisions."""
    client.post(ADD_URL, form_data(title="Talks resume", body="They met in Delhi.", tags="SCO"))
    briefing = Briefing.objects.get()
    response = client.post(
        change_url(briefing),
        edit_data(briefing, title="Talks resume at last", body="They met in Beijing.",
                  tags="SCO, border talks", status=Status.PUBLISHED),
    )  # fmt: skip
    assert response.status_code == 302, errors(response)
    briefing.refresh_from_db()
    return briefing


def test_every_admin_save_keeps_a_revision_with_who_and_tags_by_name(client, editor, edited):
    first, second = versions(edited)
    assert (first.revision.user, second.revision.user) == (editor, editor)
    assert first.field_dict["title"] == "Talks resume" and first.field_dict["tag_names"] == "SCO"
    assert second.field_dict["tag_names"] == "border talks, SCO"
    assert "Changed" in second.revision.get_comment()
    client.post(LIST_URL, {"action": "unpublish", "_selected_action": [edited.pk]})
    third = versions(edited)[-1]
    assert third.field_dict["status"] == Status.DRAFT
    assert third.revision.get_comment() == "Unpublished: back to draft."


def test_history_lists_revisions_and_compares_any_with_now(client, edited):
    first = versions(edited)[0]
    history = client.get(reverse("admin:briefings_briefing_history", args=[edited.pk]))
    assert history.content.decode().count("Compare with now") == 2
    html = client.get(revision_url(edited, first)).content.decode()
    assert "<td>Talks resume<ins> at last</ins></td>" in html
    assert "<td>They met in <del>Delhi.</del><ins>Beijing.</ins></td>" in html
    assert "<td><ins>border talks, </ins>SCO</td>" in html
    assert "<td><del>Draft</del><ins>Published</ins></td>" in html
    assert "Restore this revision" in html
    assert "<style" not in html and "briefings/admin" in html, "the CSP refuses inline style"


def test_restoring_brings_back_the_text_as_a_new_revision(client, edited):
    first = versions(edited)[0]
    response = client.post(revision_url(edited, first))
    assert response.status_code == 302
    edited.refresh_from_db()
    assert (edited.title, edited.body) == ("Talks resume", "They met in Delhi.")
    assert [tag.name for tag in edited.tags.all()] == ["SCO"]
    assert edited.status == Status.PUBLISHED, "restoring words does not unpublish"
    assert Tag.objects.get(name="border talks").published_count == 0, "counts follow"
    latest = versions(edited)[-1]
    assert len(versions(edited)) == 3 and latest.revision.get_comment().startswith("Restored")
    assert "Talks resume" in client.get(edited.get_absolute_url()).content.decode()


def test_a_revision_whose_tag_was_deleted_since_restores_the_name(client, edited):
    first = versions(edited)[0]
    Tag.objects.get(name="SCO").delete()
    assert client.post(revision_url(edited, first)).status_code == 302
    assert [tag.name for tag in edited.tags.all()] == ["SCO"]


def test_a_writer_compares_but_cannot_restore_published_work(client, edited, member):
    first = versions(edited)[0]
    client.force_login(member(roles.WRITER))
    page = client.get(revision_url(edited, first))
    assert page.status_code == 200 and "Restore this revision" not in page.content.decode()
    assert client.post(revision_url(edited, first)).status_code == 403
    edited.refresh_from_db()
    assert edited.title == "Talks resume at last"
    client.logout()
    assert client.get(revision_url(edited, first)).status_code == 302, "to the login page"


def test_an_image_a_revision_names_is_kept_and_comes_back_on_restore(
    client, editor, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(ADD_URL, form_data(lead_image=image_upload(), lead_image_alt="A map"))
    briefing = Briefing.objects.get()
    first_image = briefing.lead_image.name
    with django_capture_on_commit_callbacks(execute=True):
        data = edit_data(briefing, lead_image=image_upload(), lead_image_alt="A map")
        assert client.post(change_url(briefing), data).status_code == 302
    briefing.refresh_from_db()
    assert briefing.lead_image.name != first_image
    assert default_storage.exists(first_image), "a revision still names it"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(revision_url(briefing, versions(briefing)[0]))
    briefing.refresh_from_db()
    assert briefing.lead_image.name == first_image
    assert all(default_storage.exists(name) for name in images.stored_files(
        first_image, briefing.renditions))  # fmt: skip


def test_clean_media_removes_only_what_nothing_refers_to(client, editor, monkeypatch):
    monkeypatch.setattr("briefings.management.commands.clean_media.GRACE_SECONDS", -1)
    client.post(ADD_URL, form_data(lead_image=image_upload(), lead_image_alt="A map"))
    briefing = Briefing.objects.get()
    in_use = images.stored_files(briefing.lead_image.name, briefing.renditions)
    stray = default_storage.save("briefings/originals/stray.png", image_upload())
    named_by_revision = default_storage.save("briefings/originals/old.png", image_upload())
    Version.objects.filter(pk=versions(briefing)[0].pk).update(
        serialized_data=versions(briefing)[0].serialized_data.replace(
            briefing.lead_image.name, named_by_revision
        )
    )
    call_command("clean_media", stdout=StringIO())
    assert not default_storage.exists(stray)
    assert default_storage.exists(named_by_revision)
    assert all(default_storage.exists(name) for name in in_use)


def test_a_revision_whose_tag_was_merged_since_restores_the_tag_it_became(
    client, edited, make_briefing
):
    first = versions(edited)[0]  # tagged SCO
    make_briefing(tags=["Shanghai Cooperation Organisation"])
    keep = Tag.objects.get(name="Shanghai Cooperation Organisation")
    upkeep.tags_merged(keep, [Tag.objects.get(name="SCO")])
    assert client.post(revision_url(edited, first)).status_code == 302
    assert [tag.name for tag in edited.tags.all()] == ["Shanghai Cooperation Organisation"]
    assert not Tag.objects.filter(name="SCO").exists(), "the merge is not undone"


def test_the_comparison_shows_times_in_the_newsroom_zone(client, edited, settings):
    settings.TIME_ZONE = "Asia/Kolkata"
    first = versions(edited)[0]
    html = client.get(revision_url(edited, first)).content.decode()
    saved = date_format(localtime(first.revision.date_created), "DATETIME_FORMAT")
    published = date_format(localtime(edited.published_at), "DATETIME_FORMAT")
    assert f"Revision of {saved}" in html
    assert f"<ins>{published}</ins>" in html
