from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
from axes.models import AccessFailureLog
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.utils import timezone

from briefings.demo_content import BRIEFINGS
from briefings.management.commands import release_due
from briefings.models import Briefing, Kind, Status, Tag
from briefings.text import render_markdown

FACTS_TAGS = {"SCO", "75th anniversary", "border talks"}


def test_demo_briefings_load_once_with_tags_and_images(db, client):
    call_command("load_demo")
    call_command("load_demo")
    briefings = Briefing.objects.published()
    assert briefings.count() == len(BRIEFINGS) >= 6
    assert FACTS_TAGS <= set(Tag.objects.values_list("name", flat=True))
    assert {tag.slug for tag in Tag.objects.filter(name__in=FACTS_TAGS)} == {
        "sco",
        "75th-anniversary",
        "border-talks",
    }
    shared = Tag.objects.get(name="border talks")
    assert shared.tagged_briefings.count() >= 2, "filtering needs tags that several share"
    for briefing in briefings:
        assert briefing.renditions["thumb"] and briefing.renditions["page"]
        assert briefing.lead_image_alt and briefing.byline == "Foreign Desk"
    assert client.get("/tags/border-talks+lac/").status_code == 200


def test_demo_loader_leaves_edited_briefings_alone(db):
    call_command("load_demo")
    Briefing.objects.filter(slug=BRIEFINGS[0]["slug"]).update(title="Edited by an editor")
    Tag.objects.filter(name="LAC").update(kind=Kind.EVENT)
    call_command("load_demo")
    assert Briefing.objects.get(slug=BRIEFINGS[0]["slug"]).title == "Edited by an editor"
    assert Tag.objects.get(name="LAC").kind == Kind.EVENT


def test_demo_topics_know_what_they_are(db, client):
    call_command("load_demo")
    kinds = dict(Tag.objects.values_list("name", "kind"))
    assert (kinds["India"], kinds["China"], kinds["SCO"]) == ("country", "country", "organisation")
    assert (kinds["LAC"], kinds["75th anniversary"], kinds["visas"]) == (
        "place",
        "event",
        "subject",
    )
    assert Tag.objects.get(name="India").same_as.startswith("https://www.wikidata.org/wiki/Q")
    page = client.get("/briefings/" + BRIEFINGS[0]["slug"] + "/").content.decode()
    assert ">Countries</h3>" in page
    call_command("load_demo")
    sco = Tag.objects.get(name="SCO")
    assert set(sco.other_names.values_list("lang", flat=True)) == {"en", "ru", "zh", "hi"}
    assert client.get("/tags/шос/")["Location"] == "/tags/sco/"
    assert "/tags/sco/" in client.get("/search/", {"q": "上海合作组织"}).content.decode()


def test_generated_archive_is_shaped_like_a_real_one(db):
    call_command("generate_briefings", count=600, tags=400, images=1, words=200, seed=3)
    briefings = Briefing.objects.all()
    assert briefings.count() == 600
    drafts = briefings.filter(status=Status.DRAFT).count()
    scheduled = briefings.filter(status=Status.PUBLISHED).exclude(pk__in=briefings.published())
    assert 5 <= drafts <= 40, "about 3 % drafts"
    assert Briefing.objects.published().count() == 600 - drafts - scheduled.count()
    per_briefing = [len(b.tags.all()) for b in briefings.prefetch_related("tags")]
    assert min(per_briefing) == 3 and max(per_briefing) == 6
    counts = sorted(Tag.objects.values_list("published_count", flat=True), reverse=True)
    assert len(counts) == 400 and min(counts) >= 0
    assert counts[0] >= 600 / 3, "the top tag is on a third or more"
    assert sum(1 for count in counts if count <= 3) >= 150, "a long tail of rare tags"
    years = {d.year for d in briefings.published().dates("published_at", "year")}
    assert len(years) >= 10
    assert (
        Tag.objects.exclude(initial__in=list("abcdefghijklmnopqrstuvwxyz"))
        .filter(name__regex=r"[^\x00-\x7f]")
        .exists()
    ), "some names in other scripts"
    words = Counter(word for b in briefings[:100] for word in b.body.lower().split())
    ranked = [count for _, count in words.most_common()]
    assert len(words) > 1000 and ranked[0] > 20 * ranked[100], "Zipf-like word frequencies"
    sample = briefings.exclude(status=Status.DRAFT).first()
    assert sample.body_html == render_markdown(sample.body), "derived through the model"
    assert sample.renditions["thumb"] and sample.reading_minutes == 1


def test_demo_accounts_one_per_role_printed_once_and_kept(db, settings, tmp_path, client):
    settings.DEBUG = True
    settings.DEMO_ACCOUNTS_FILE = tmp_path / ".demo-accounts"
    first, again = StringIO(), StringIO()
    call_command("create_demo_accounts", stdout=first)
    call_command("create_demo_accounts", stdout=again)
    kept = (tmp_path / ".demo-accounts").read_text()
    assert kept.count(" / ") == 3 and all(line in first.getvalue() for line in kept.splitlines())
    assert " / " not in again.getvalue() and ".demo-accounts" in again.getvalue()
    for line in kept.splitlines():
        role, credentials = line.split(": ")
        username, password = credentials.split(" / ")
        user = get_user_model().objects.get(username=username)
        assert user.check_password(password) and user.groups.get().name == role
        assert user.get_full_name(), "a byline, never the login name"


def test_demo_accounts_are_never_made_in_production(db, settings, tmp_path):
    settings.DEBUG = False
    settings.DEMO_ACCOUNTS_FILE = tmp_path / ".demo-accounts"
    call_command("create_demo_accounts", stdout=StringIO())
    assert not get_user_model().objects.exists()
    assert not (tmp_path / ".demo-accounts").exists()


def test_a_weak_superuser_password_is_refused(db, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "chief")
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "chief@example.org")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "password1")
    with pytest.raises(CommandError, match="too weak"):
        call_command("create_superuser_from_env")
    assert not get_user_model().objects.exists()
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "long enough and unusual 7")
    call_command("create_superuser_from_env", stdout=StringIO())
    call_command("create_superuser_from_env", stdout=StringIO())
    assert get_user_model().objects.get().is_superuser


def test_the_runners_clean_ups_remove_expired_sessions_and_old_login_failures(db):
    Session.objects.create(
        session_key="old", session_data="x", expire_date=timezone.now() - timedelta(days=1)
    )
    Session.objects.create(
        session_key="live", session_data="x", expire_date=timezone.now() + timedelta(days=1)
    )
    old = AccessFailureLog.objects.create(username="x", ip_address="203.0.113.5")
    AccessFailureLog.objects.filter(pk=old.pk).update(
        attempt_time=timezone.now() - timedelta(days=40)
    )
    release_due.Command(stdout=StringIO()).clean_up()
    assert list(Session.objects.values_list("session_key", flat=True)) == ["live"]
    assert not AccessFailureLog.objects.exists()
