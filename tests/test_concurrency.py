"""Editors and readers at once: no 5xx, no lost update, nothing derived left wrong.

The newsroom runs against gunicorn's two workers on the engine the suite runs on (a
SQLite file, or PostgreSQL when DATABASE_URL names it). The races named in the tests
below run as threads on PostgreSQL, where rows are locked one by one; SQLite takes the
whole database's write lock when a transaction begins, so they cannot happen there.
"""

import contextlib
import json
import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.test import Client
from django.urls import reverse

from briefings import derived, upkeep
from briefings.forms import version_of
from briefings.models import Briefing, OtherName, PendingUpkeep, SearchEntry, Status, Tag
from tests.helpers import edit_data, topic_form
from tests.newsroom_load import manage, newsroom_site, run_newsroom

pytestmark = pytest.mark.slow
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite serialises writers at BEGIN"
)


def test_editors_at_once_get_no_errors_and_leave_nothing_to_repair(tmp_path):
    with newsroom_site(tmp_path, editors=5) as (env, port):
        desk = run_newsroom(port, editors=5, rounds=10)
        check = manage(env, "rebuild_derived", "--check")
        names = manage(env, "shell", "-c", HOLDERS_OF_OTHER_NAMES)
    assert desk.failures == []
    assert desk.saves >= 10, f"too few saves went through: {desk.statuses}"
    assert check.returncode == 0, check.stdout + check.stderr
    holders = json.loads(names.stdout.strip().splitlines()[-1])
    assert holders, "no other name was given: the names' race went untried"
    assert all(count == 1 for count in holders.values()), f"a name held twice: {holders}"


# {folded name: how many topics have it, as their name or another name}
HOLDERS_OF_OTHER_NAMES = """
import json
from collections import Counter
from briefings.models import OtherName, Tag
keys = set(OtherName.objects.values_list("name_key", flat=True))
held = Counter(OtherName.objects.values_list("name_key", flat=True))
held.update(Tag.objects.filter(name_key__in=keys).values_list("name_key", flat=True))
print(json.dumps(held))
"""


def in_thread(target, name):
    """Run target in a thread with its own database connection; returns the thread and
    a list that receives any exception it raised."""
    raised = []

    def run():
        try:
            target()
        except Exception as error:  # reported to the test, which fails on it
            raised.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, name=name)
    thread.start()
    return thread, raised


@pytest.fixture
def public_briefing(transactional_db):
    briefing = Briefing.objects.create(
        title="Border talks resume", slug="border-talks", standfirst="S.", body="B.",
        status=Status.PUBLISHED,
    )  # fmt: skip
    briefing.tags.set(["SCO", "India"])
    return Briefing.objects.get(pk=briefing.pk)


@postgres_only
def test_two_commits_touching_one_briefing_write_its_search_entry_once(public_briefing):
    def save_again(n):
        def run():
            for round_ in range(10):
                briefing = Briefing.objects.get(pk=public_briefing.pk)
                briefing.title = f"Border talks, take {n}.{round_}"
                briefing.save()

        return run

    threads = [in_thread(save_again(n), f"editor {n}") for n in range(3)]
    for thread, _ in threads:
        thread.join(timeout=60)
    assert [error for _, raised in threads for error in raised] == []
    entry = SearchEntry.objects.get(pk=public_briefing.pk)
    assert entry.title == Briefing.objects.get(pk=public_briefing.pk).title
    assert derived.SCOPES["search"].differing() == []


@postgres_only
def test_of_two_saves_in_the_same_instant_the_second_is_refused(public_briefing, admin_user):
    opened = version_of(public_briefing.updated_at)
    url = f"/admin/briefings/briefing/{public_briefing.pk}/change/"
    answers = {}

    def post(name, title):
        data = edit_data(public_briefing, title=title, opened_version=opened)
        return post_as(admin_user, url, data, answers, name)

    first_then_second(
        post("first", "First editor's title"), post("second", "Second editor's title"),
        slowed=Briefing,
    )  # fmt: skip
    assert answers["first"].status_code == 302
    assert answers["second"].status_code == 200, "the second save overwrote the first"
    assert "Someone else saved" in answers["second"].text
    assert "Second editor&#x27;s title" in answers["second"].text, "the refused text is kept"
    assert Briefing.objects.get(pk=public_briefing.pk).title == "First editor's title"


@postgres_only
def test_a_rename_never_writes_back_a_concurrent_saves_old_title(public_briefing):
    saved = threading.Event()

    def retitle():
        with transaction.atomic():
            briefing = Briefing.objects.get(pk=public_briefing.pk)
            briefing.title = "Border talks conclude"
            briefing.save()
            saved.set()
            time.sleep(0.6)  # the rename runs while this save holds the row

    def rename():
        saved.wait(10)
        tag = Tag.objects.get(name="SCO")
        tag.name = "Shanghai Cooperation Organisation"
        tag.save()

    threads = [in_thread(retitle, "editor"), in_thread(rename, "tag editor")]
    for thread, raised in threads:
        thread.join(timeout=60)
        assert raised == []
    card = Briefing.objects.get(pk=public_briefing.pk).card_html
    assert "Border talks conclude" in card
    assert ">Shanghai Cooperation Organisation</a>" in card
    for name in ("cards", "search", "tag_names"):
        assert derived.SCOPES[name].differing() == [], name


@postgres_only
def test_a_merge_racing_an_unpublish_leaves_the_counts_right(public_briefing):
    other = Briefing.objects.create(
        title="Other", slug="other", standfirst="S.", body="B.", status=Status.PUBLISHED
    )
    other.tags.set(["China"])
    keep = Tag.objects.get(name="China")

    def merge():
        upkeep.tags_merged(keep, [Tag.objects.get(name="SCO")])

    def unpublish():
        Briefing.objects.filter(pk=public_briefing.pk).unpublish()

    threads = [in_thread(merge, "merge"), in_thread(unpublish, "unpublish")]
    for thread, raised in threads:
        thread.join(timeout=60)
        assert raised == []
    for name in ("counts", "sections", "pairs", "links"):
        assert derived.SCOPES[name].differing() == [], name
    assert not PendingUpkeep.objects.exists()
    call_command("rebuild_derived", "--check")


@contextlib.contextmanager
def saves_slowed_in_the_first(model):
    """model.save waits half a second after writing in the thread named "first": a
    second editor's request arrives before the first commits."""
    original_save = model.save

    def slow_save(self, *args, **kwargs):
        original_save(self, *args, **kwargs)
        if threading.current_thread().name == "first":
            time.sleep(0.5)

    model.save = slow_save
    try:
        yield
    finally:
        model.save = original_save


def post_as(user, url, data, answers, name):
    """A request to run in a thread: `user` posts `data` to `url`; answers[name] is
    the response."""

    def run():
        client = Client()
        client.force_login(user)
        answers[name] = client.post(url, data)

    return run


def first_then_second(first, second, slowed):
    """Run `first`, and `second` while the first is still saving a `slowed` model;
    neither may raise."""
    with saves_slowed_in_the_first(slowed):
        threads = [in_thread(first, "first")]
        time.sleep(0.2)
        threads.append(in_thread(second, "second"))
        for thread, raised in threads:
            thread.join(timeout=60)
            assert raised == []


@postgres_only
@pytest.mark.parametrize("second_gives", ["another name", "a new topic's name"])
def test_of_two_editors_giving_one_name_at_once_the_second_is_told_who_has_it(
    public_briefing, admin_user, second_gives
):
    sco, india = Tag.objects.get(name="SCO"), Tag.objects.get(name="India")
    answers = {}
    first = post_as(
        admin_user, reverse("admin:briefings_tag_change", args=[sco.pk]),
        topic_form({"name": "SCO", "slug": "sco"}, [("ШОС", "ru")]), answers, "first",
    )  # fmt: skip
    if second_gives == "another name":
        url = reverse("admin:briefings_tag_change", args=[india.pk])
        form = topic_form({"name": "India", "slug": "india"}, [("шос", "ru")])
    else:
        url = reverse("admin:briefings_tag_add")
        form = topic_form({"name": "ШОС", "slug": "shos"})
    second = post_as(admin_user, url, form, answers, "second")
    first_then_second(first, second, slowed=OtherName)
    assert answers["first"].status_code == 302
    assert answers["second"].status_code == 200, "the name was given twice"
    assert "The topic “SCO” already has this name" in answers["second"].text
    assert [tag.name for tag in Tag.objects.filter(other_names__name_key="шос")] == ["SCO"]
    assert not Tag.objects.filter(name_key="шос").exists()


@postgres_only
def test_a_briefing_typing_a_name_that_another_editor_is_giving_carries_that_topic(
    public_briefing, admin_user
):
    india = Tag.objects.get(name="India")
    other = Briefing.objects.create(
        title="Other", slug="other", standfirst="S.", body="B.", status=Status.PUBLISHED
    )
    other.tags.set(["China"])  # not India, whose row the first editor's save locks
    answers = {}
    first = post_as(
        admin_user, reverse("admin:briefings_tag_change", args=[india.pk]),
        topic_form({"name": "India", "slug": "india"}, [("भारत", "hi")]), answers, "first",
    )  # fmt: skip
    second = post_as(
        admin_user, f"/admin/briefings/briefing/{other.pk}/change/",
        edit_data(other, tags="China, भारत"), answers, "second",
    )  # fmt: skip
    first_then_second(first, second, slowed=OtherName)
    assert answers["first"].status_code == 302
    assert answers["second"].status_code == 302
    assert not Tag.objects.filter(name_key="भारत").exists(), "a second topic took the name"
    assert sorted(Briefing.objects.get(pk=other.pk).tags.names()) == ["China", "India"]
