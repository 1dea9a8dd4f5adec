"""Substantive updates, corrections and the newsroom's time zone, as readers see them."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from briefings import roles
from briefings.models import Correction, Status
from tests.helpers import change_url, edit_data, errors, is_cached


def with_correction(data, text, made_at="2026-11-20 10:00:00"):
    day, time = made_at.split()
    return {
        **data,
        "corrections-TOTAL_FORMS": "1",
        "corrections-0-made_at_0": day,
        "corrections-0-made_at_1": time,
        "corrections-0-text": text,
    }


def test_only_an_edit_marked_substantive_shows_as_updated(client, editor, make_briefing):
    briefing = make_briefing()
    client.post(change_url(briefing), edit_data(briefing, body="A small fix."))
    briefing.refresh_from_db()
    assert briefing.revised_at is None
    data = edit_data(briefing, body="New facts.", substantive_update="on")
    assert client.post(change_url(briefing), data).status_code == 302
    briefing.refresh_from_db()
    assert timezone.now() - briefing.revised_at < timedelta(minutes=1)
    client.logout()
    assert "Updated <time" in client.get(briefing.get_absolute_url()).content.decode()


def test_a_correction_is_listed_on_the_briefing_and_on_the_corrections_page(
    client, member, make_briefing, django_assert_num_queries, django_capture_on_commit_callbacks
):
    briefing = make_briefing(title="Talks resume")
    other = make_briefing(title="Summit opens")
    Correction.objects.create(briefing=other, text="An older correction.",
                              made_at=datetime(2026, 1, 1, tzinfo=UTC))  # fmt: skip
    client.get("/corrections/")
    client.force_login(member(roles.EDITOR))
    data = with_correction(edit_data(briefing), "The talks were in Delhi, not Mumbai.")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(change_url(briefing), data)
    assert response.status_code == 302, errors(response)
    client.logout()
    page = client.get(briefing.get_absolute_url()).content.decode()
    assert "Corrections" in page and "The talks were in Delhi, not Mumbai." in page
    assert "20 November 2026, 10:00 IST" in page, "in the newsroom's time zone, named"
    assert not is_cached(client, "/corrections/", django_assert_num_queries), "retired"
    listing = client.get("/corrections/").content.decode()
    assert listing.index("Delhi, not Mumbai") < listing.index("An older correction.")


def test_corrections_to_briefings_the_public_cannot_see_are_not_listed(client, make_briefing):
    draft = make_briefing(status=Status.DRAFT)
    Correction.objects.create(briefing=draft, text="Secret correction.")
    assert "Secret correction." not in client.get("/corrections/").content.decode()


@pytest.mark.parametrize("page", ["abc", "0", "99", "1" * 20, "-1"])
def test_a_bad_corrections_page_number_is_not_found(client, make_briefing, page):
    assert client.get("/corrections/", {"page": page}).status_code == 404


def test_a_writer_cannot_add_a_correction(client, member, make_briefing):
    writer = member(roles.WRITER)
    draft = make_briefing(status=Status.DRAFT, author=writer)
    client.force_login(writer)
    client.post(change_url(draft), with_correction(edit_data(draft), "Forged."))
    assert not Correction.objects.exists()


def test_date_fields_name_the_newsrooms_time_zone(client, editor):
    html = client.get(reverse("admin:briefings_briefing_add")).content.decode()
    assert "Times are in Asia/Kolkata (IST)." in html
