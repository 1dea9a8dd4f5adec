"""Topic counts kept in the database follow every way a briefing enters or leaves the site."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from briefings.models import Briefing, Status, Tag
from briefings.upkeep import release_due
from tests.helpers import pair_counts, published_counts, true_counts, true_pair_counts


def test_counts_follow_publish_unpublish_retag_and_delete(make_briefing):
    first = make_briefing(tags=["SCO", "India"])
    second = make_briefing(tags=["India"], status=Status.DRAFT, published_at=None)
    assert published_counts() == {"SCO": 1, "India": 1}
    second.status = Status.PUBLISHED
    second.save()
    assert published_counts()["India"] == 2
    first.tags.remove("SCO")
    first.tags.add("China")
    assert published_counts() == {"SCO": 0, "India": 2, "China": 1}
    first.tags.clear()
    assert published_counts() == {"SCO": 0, "India": 1, "China": 0}
    second.status = Status.DRAFT
    second.save()
    second.tags.add("China")  # a draft's tags count for nothing
    assert published_counts() == {"SCO": 0, "India": 0, "China": 0}
    assert pair_counts() == true_pair_counts() == {}
    first.tags.set(["SCO", "India", "China"])
    assert pair_counts() == true_pair_counts()
    assert pair_counts()["SCO", "China"] == 1
    first.delete()
    assert published_counts() == true_counts() == {"SCO": 0, "India": 0, "China": 0}
    assert pair_counts() == true_pair_counts() == {}


def test_counts_follow_bulk_actions_and_merges(admin_client, make_briefing):
    briefings = [make_briefing(tags=["India", "china"], status=Status.DRAFT) for _ in range(3)]
    make_briefing(tags=["China ", "BRICS"])
    changelist = reverse("admin:briefings_briefing_changelist")
    selected = [briefing.pk for briefing in briefings]
    admin_client.post(changelist, {"action": "publish", "_selected_action": selected})
    assert published_counts() == true_counts() == {"India": 3, "china": 4, "BRICS": 1}
    assert pair_counts() == true_pair_counts()
    assert pair_counts()["china", "India"] == 3
    admin_client.post(changelist, {"action": "unpublish", "_selected_action": selected[:2]})
    assert published_counts() == true_counts() == {"India": 1, "china": 2, "BRICS": 1}
    every_tag = list(Tag.objects.values_list("pk", flat=True))
    merge = {"action": "merge_tags", "_selected_action": every_tag, "post": "yes"}
    admin_client.post(reverse("admin:briefings_tag_changelist"), merge)
    assert published_counts() == true_counts() == {"china": 2}
    assert pair_counts() == true_pair_counts() == {}


def test_a_scheduled_briefing_counts_once_its_time_comes_without_a_save(make_briefing, clock):
    make_briefing(tags=["SCO"], published_at=timezone.now() + timedelta(minutes=5))
    release_due()
    assert published_counts() == {"SCO": 0}
    clock.shift(timedelta(minutes=6))
    release_due()
    release_due()  # a second worker finds nothing left to do
    assert published_counts() == true_counts() == {"SCO": 1}
    assert pair_counts() == true_pair_counts()
    assert Briefing.objects.get().counts_as_public


def test_any_request_brings_due_briefings_in(client, make_briefing, clock):
    make_briefing(tags=["SCO"], published_at=timezone.now() + timedelta(seconds=30))
    client.get("/")
    clock.shift(timedelta(seconds=31))
    client.get("/admin/login/")
    assert published_counts() == {"SCO": 1}


def test_moving_a_published_briefing_into_the_future_takes_it_out(make_briefing):
    briefing = make_briefing(tags=["SCO"])
    briefing.published_at = timezone.now() + timedelta(days=1)
    briefing.save()
    assert published_counts() == {"SCO": 0}


def test_a_stale_copy_saved_after_go_live_does_not_count_twice(make_briefing, clock):
    briefing = make_briefing(tags=["SCO"], published_at=timezone.now() + timedelta(seconds=5))
    stale_copy = Briefing.objects.get(pk=briefing.pk)
    clock.shift(timedelta(seconds=6))
    release_due()
    stale_copy.title = "Edited by someone who opened it earlier"
    stale_copy.save()
    assert published_counts() == true_counts() == {"SCO": 1}


def test_generated_archive_counts_match_a_recount(db):
    call_command("generate_briefings", count=120, tags=30, images=1, words=100)
    assert published_counts() == true_counts()
    assert pair_counts() == true_pair_counts()


def test_bulk_actions_work_on_a_searched_list(admin_client, make_briefing):
    draft = make_briefing(title="Tagged draft", tags=["SCO", "India"], status=Status.DRAFT)
    changelist = reverse("admin:briefings_briefing_changelist")
    data = {"action": "publish", "_selected_action": [draft.pk], "select_across": 1}
    response = admin_client.post(f"{changelist}?q=sco", data)
    assert response.status_code == 302
    assert published_counts() == {"SCO": 1, "India": 1}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL plans by table size")
def test_the_look_for_due_briefings_reads_their_index(make_briefing):
    """It runs once a second in every worker: it must not scan the published briefings."""
    make_briefing(published_at=timezone.now() + timedelta(hours=1))
    with CaptureQueriesContext(connection) as queries:
        release_due()
    looked = queries.captured_queries[0]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {looked['sql']}")
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "USING INDEX briefing_due_idx" in plan
