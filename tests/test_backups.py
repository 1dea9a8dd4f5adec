"""`manage.py backup` and `restore`: a newsroom moves whole between instances and engines,
and a broken or foreign archive restores nothing."""

import json
import os
import subprocess
import sys
import zipfile

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from briefings.models import Briefing, Correction, OtherName, Tag
from tests.helpers import PROJECT, image_upload


@pytest.fixture(autouse=True)
def content_types_forgotten():
    """A flush remakes content types, which the test's rollback takes back: forget the
    ones Django remembers."""
    yield
    ContentType.objects.clear_cache()


PAGES = ["/", "/tags/", "/tags/sco/", "/corrections/", "/feed/rss/", "/sitemap.xml",
         "/tags/?kind=organisation"]  # fmt: skip


@pytest.fixture
def newsroom(make_briefing, django_user_model, committed):
    editor = django_user_model.objects.create_user("editor", password="x", is_staff=True)
    lead = make_briefing(
        title="Border talks resume", tags=["SCO", "India"], author=editor,
        lead_image=image_upload(), lead_image_alt="Delegates",
    )  # fmt: skip
    make_briefing(title="A scheduled one", tags=["SCO"], published_at=None, status="draft")
    with committed():
        Correction.objects.create(briefing=lead, text="An earlier version misnamed the city.")
        Tag.objects.filter(name="SCO").update(kind="organisation")
        OtherName.objects.create(tag=Tag.objects.get(name="SCO"), name="ШОС", lang="ru")
    return lead


def pages(client):
    return {path: client.get(path).content for path in PAGES}


def files():
    from briefings.backups import stored_names

    return {name: default_storage.open(name).read() for name in stored_names("briefings")}


def test_a_backup_restored_into_an_empty_instance_reproduces_every_page_and_image(
    transactional_db, newsroom, client, tmp_path, committed
):
    before_pages, before_files = pages(client), files()
    archive = tmp_path / "newsroom.zip"
    call_command("backup", str(archive), stdout=open(os.devnull, "w"))
    with committed():
        call_command("flush", interactive=False, verbosity=0)
    for name in before_files:
        default_storage.delete(name)
    assert client.get("/").status_code == 200 and not Briefing.objects.exists()

    with committed():
        call_command("restore", str(archive), stdout=open(os.devnull, "w"))
    assert pages(client) == before_pages
    assert files() == before_files
    assert Briefing.objects.get(pk=newsroom.pk).author.username == "editor"
    assert client.get("/tags/шос/")["Location"] == "/tags/sco/", "other names restored"
    call_command("rebuild_derived", "--check", stdout=open(os.devnull, "w"))
    Tag.objects.create(name="After the restore")  # ids continue after the restored ones


def test_an_instance_with_briefings_is_refused_unless_replaced(
    transactional_db, newsroom, tmp_path, committed
):
    archive = tmp_path / "newsroom.zip"
    call_command("backup", str(archive), stdout=open(os.devnull, "w"))
    Briefing.objects.filter(pk=newsroom.pk).update(title="Changed since")
    with pytest.raises(CommandError, match="holds briefings"):
        call_command("restore", str(archive))
    assert Briefing.objects.get(pk=newsroom.pk).title == "Changed since"
    with committed():
        call_command("restore", str(archive), "--replace", stdout=open(os.devnull, "w"))
    assert Briefing.objects.get(pk=newsroom.pk).title == "Border talks resume"


def rewritten(archive, changes):
    """A copy of the archive with some members changed (None: left out)."""
    copy = archive.with_name("changed.zip")
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(copy, "w") as target:
        for name in source.namelist():
            data = changes.get(name, source.read(name))
            if data is not None:
                target.writestr(name, data)
    return copy


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("truncated", "not a complete backup"),
        ("tampered", "has changed since it was made"),
        ("member lost", "incomplete"),
        ("newer format", "reads format 1"),
        ("newer schema", "newer version of Briefings"),
    ],
)
def test_a_broken_or_newer_archive_restores_nothing(db, newsroom, tmp_path, damage, message):
    archive = tmp_path / "newsroom.zip"
    call_command("backup", str(archive), stdout=open(os.devnull, "w"))
    with zipfile.ZipFile(archive) as whole:
        manifest = json.loads(whole.read("manifest.json"))
        briefings = whole.read("content/briefings.briefing.jsonl")
    if damage == "truncated":
        broken = archive.with_name("cut.zip")
        broken.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    elif damage == "tampered":
        changed = briefings.replace(b"Border talks resume", b"Border talks halted")
        broken = rewritten(archive, {"content/briefings.briefing.jsonl": changed})
    elif damage == "member lost":
        broken = rewritten(archive, {"content/briefings.correction.jsonl": None})
    elif damage == "newer format":
        broken = rewritten(archive, {"manifest.json": json.dumps({**manifest, "format": 2})})
    else:
        future = {**manifest["migrations"], "briefings": ["9999_from_the_future"]}
        broken = rewritten(
            archive, {"manifest.json": json.dumps({**manifest, "migrations": future})}
        )
    Briefing.objects.all().delete()
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(broken))
    assert not Briefing.objects.exists()


def test_a_desk_that_began_on_sqlite_moves_through_the_same_path(db, client, tmp_path, committed):
    """A backup made by another instance on SQLite (a separate process and database)
    restores here, on whichever engine the suite runs."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))}  # fmt: skip
    env |= {"DJANGO_DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'desk.sqlite3'}",
            "DJANGO_MEDIA_ROOT": str(tmp_path / "desk-media")}  # fmt: skip
    archive = tmp_path / "desk.zip"
    for command in (["migrate", "--noinput"], ["load_demo"], ["backup", str(archive)]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=PROJECT, env=env,
                       check=True, capture_output=True)  # fmt: skip
    with committed():
        call_command("restore", str(archive), stdout=open(os.devnull, "w"))
    html = client.get("/").content.decode()
    assert Briefing.objects.count() >= 8 and "border" in html.lower()
    image = client.get(Briefing.objects.exclude(lead_image="").first().get_absolute_url())
    assert image.status_code == 200
    call_command("rebuild_derived", "--check", stdout=open(os.devnull, "w"))
