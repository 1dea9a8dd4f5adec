"""One owner for derived data: every path holds the topic limit, after-commit work that
fails is finished later, and each event touches only what it changes."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from briefings import search, tag_index, upkeep
from briefings.models import (
    MAX_TAGS_PER_BRIEFING,
    Briefing,
    PendingUpkeep,
    SearchEntry,
    Status,
    Tag,
)
from tests.helpers import (
    ADD_URL,
    edit_data,
    errors,
    form_data,
    pair_counts,
    topic_form,
    true_pair_counts,
)


def names(count):
    return [f"Topic {n}" for n in range(count)]


@pytest.mark.parametrize("count", [40, 100, 1000])
def test_too_many_topics_in_the_form_is_a_form_error(admin_client, count):
    response = admin_client.post(ADD_URL, form_data(tags=", ".join(names(count))))
    assert response.status_code == 200
    assert f"at most {MAX_TAGS_PER_BRIEFING} topics" in " ".join(errors(response))
    assert not Briefing.objects.exists()


def test_the_limit_holds_outside_forms_too(make_briefing):
    briefing = make_briefing(tags=names(MAX_TAGS_PER_BRIEFING))
    with pytest.raises(ValidationError):
        briefing.tags.add("One more")
    assert briefing.tags.count() == MAX_TAGS_PER_BRIEFING


def test_publishing_a_briefing_with_the_most_topics_counts_every_pair(make_briefing):
    briefing = make_briefing(tags=names(MAX_TAGS_PER_BRIEFING), status=Status.DRAFT)
    briefing.status = Status.PUBLISHED
    with CaptureQueriesContext(connection) as queries:
        briefing.save()
    assert pair_counts() == true_pair_counts()
    assert len(pair_counts()) == MAX_TAGS_PER_BRIEFING * (MAX_TAGS_PER_BRIEFING - 1)
    longest = max(len(query["sql"]) for query in queries.captured_queries)
    assert longest < 20_000, "pair counts move in bounded statements"


def test_generated_briefings_never_exceed_the_limit(db):
    call_command("generate_briefings", count=20, tags=200, images=0, words=50)
    most = max(briefing.tags.count() for briefing in Briefing.objects.all())
    assert most <= MAX_TAGS_PER_BRIEFING


def test_a_save_whose_search_entry_fails_stands_and_is_finished_later(
    make_briefing, committed, monkeypatch, caplog
):
    briefing = make_briefing(title="Border talks")

    def broken(briefing_ids):
        raise DatabaseError("search engine down")

    monkeypatch.setattr(search, "write_entries", broken)
    briefing.title = "Border talks conclude"
    with committed():
        briefing.save()
    assert Briefing.objects.get(pk=briefing.pk).title == "Border talks conclude"
    assert "search engine down" in caplog.text, "the failure is logged"
    assert PendingUpkeep.objects.filter(pk=briefing.pk).exists(), "and recorded"
    with pytest.raises(Exception, match="pending"):
        call_command("rebuild_derived", "--check")

    monkeypatch.undo()
    upkeep.release_due()  # the runner's next pass
    assert SearchEntry.objects.get(pk=briefing.pk).title == "Border talks conclude"
    assert not PendingUpkeep.objects.exists()
    call_command("rebuild_derived", "--check")


def test_writing_a_search_entry_twice_leaves_one(make_briefing):
    briefing = make_briefing(title="Border talks")
    search.write_entries([briefing.pk])
    search.write_entries([briefing.pk])
    assert SearchEntry.objects.filter(pk=briefing.pk).count() == 1
    assert search.ranked_ids(["border"]) == [briefing.pk]


def test_a_description_edit_leaves_the_carriers_alone(make_briefing, committed):
    carriers = [make_briefing(tags=["SCO"]) for _ in range(3)]
    sco = Tag.objects.get(name="SCO")
    Briefing.objects.filter(pk__in=[b.pk for b in carriers]).update(card_html="kept")
    sco.description = "The Shanghai Cooperation Organisation."
    with committed():
        sco.save()
    assert set(Briefing.objects.values_list("card_html", flat=True)) == {"kept"}

    sco.name = "Shanghai Cooperation Organisation"
    with committed():
        sco.save()
    cards = Briefing.objects.values_list("card_html", flat=True)
    assert all(">Shanghai Cooperation Organisation</a>" in card for card in cards)


@pytest.mark.parametrize("typed", ["India", "INDIA", "india"])
def test_renaming_a_topic_to_another_topics_name_is_a_form_error(
    admin_client, make_briefing, typed
):
    make_briefing(tags=["India", "China"])
    china = Tag.objects.get(name="China")
    url = reverse("admin:briefings_tag_change", args=[china.pk])
    response = admin_client.post(url, topic_form({"name": typed, "slug": "china"}))
    assert response.status_code == 200
    assert "already has this name" in " ".join(errors(response))
    assert Tag.objects.get(pk=china.pk).name == "China"


def test_merging_a_topic_into_itself_is_refused(make_briefing):
    make_briefing(tags=["India"])
    india = Tag.objects.get(name="India")
    with pytest.raises(ValidationError):
        upkeep.tags_merged(india, [india])
    assert Tag.objects.get(pk=india.pk).published_count == 1


def test_a_topic_deleted_while_a_form_holds_it_comes_back_counted(
    admin_client, make_briefing, committed
):
    briefing = make_briefing(tags=["India", "China"])
    with committed():
        Tag.objects.get(name="China").delete()
    url = reverse("admin:briefings_briefing_change", args=[briefing.pk])
    with committed():
        response = admin_client.post(url, edit_data(briefing, tags="India, China"))
    assert response.status_code == 302, errors(response)
    assert Tag.objects.get(name="China").published_count == 1
    call_command("rebuild_derived", "--check")


def test_published_now_agrees_with_published(make_briefing):
    now = timezone.now()
    briefings = [
        make_briefing(status=Status.DRAFT, published_at=None),
        make_briefing(status=Status.IN_REVIEW, published_at=None),
        make_briefing(published_at=now + timedelta(hours=1)),
        make_briefing(published_at=now - timedelta(hours=1)),
    ]
    published = set(Briefing.objects.published().values_list("pk", flat=True))
    assert {b.pk for b in briefings if b.is_published_now} == published
    assert len(published) == 1


def test_scheduled_briefings_come_in_by_the_runner_not_by_requests_in_production(
    client, settings, make_briefing, clock
):
    settings.RELEASE_DUE_IN_REQUESTS = False
    make_briefing(title="Embargoed", published_at=timezone.now() + timedelta(seconds=30))
    clock.shift(timedelta(seconds=31))
    client.get("/")
    assert not Briefing.objects.get().counts_as_public
    call_command("release_due")
    assert Briefing.objects.get().counts_as_public


def test_a_database_error_in_the_release_inside_requests_never_reaches_a_reader(
    client, monkeypatch, make_briefing
):
    make_briefing(title="Out")

    def broken():
        raise DatabaseError("database is locked")

    monkeypatch.setattr(upkeep, "release_due", broken)
    assert client.get("/").status_code == 200


def test_sqlite_runs_in_wal_with_a_busy_timeout_and_immediate_writes(settings, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's own settings")
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE" and options["timeout"] >= 5
    import sqlite3

    with sqlite3.connect(tmp_path / "site.sqlite3") as database:
        database.executescript(options["init_command"])
        assert database.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_the_index_sections_follow_topics_into_and_out_of_use(make_briefing, committed):
    def held():
        return tag_index.sections_in_use()

    draft = make_briefing(tags=["Border talks"], status=Status.DRAFT)
    assert held() == [], "a draft's topics are not in use"
    briefing = make_briefing(tags=["SCO", "Border talks", "75th anniversary"])
    assert held() == ["b", "s", "other"]
    with committed():
        briefing.tags.remove(Tag.objects.get(name="SCO"))
    assert held() == ["b", "other"]
    sco = Tag.objects.get(name="SCO")
    with committed():
        briefing.tags.add(sco)
    border = Tag.objects.get(name="Border talks")
    border.name = "Frontier talks"
    with committed():
        border.save()
    assert held() == ["f", "s", "other"], "a rename moves the topic's letter"
    with committed():
        Tag.objects.get(name="75th anniversary").delete()
    assert held() == ["f", "s"]
    with committed():
        upkeep.tags_merged(Tag.objects.create(name="Anniversary"), [sco])
    assert held() == ["a", "f"], "the merged topic's section empties, the kept one's fills"
    briefing.status = Status.DRAFT
    with committed():
        briefing.save()
    assert held() == [], "only drafts carry topics now"
    assert draft.tags.get().name == "Frontier talks"
    call_command("rebuild_derived", "--check", "--only", "sections")
