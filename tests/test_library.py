"""The image library: pictures uploaded once, shown in any body as figures, only those."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse

from briefings import roles
from briefings.models import Briefing, LibraryImage
from tests.helpers import errors, image_upload

LIBRARY_URL = reverse("admin:briefings_libraryimage_changelist")
ADD_URL = reverse("admin:briefings_libraryimage_add")
FIND_URL = reverse("admin:briefings_briefing_library")


@pytest.fixture
def library_image(db):
    return LibraryImage.objects.create(
        file=image_upload(size=(1600, 1000)), title="Kailash from the south",
        alt="A snow-capped peak above a brown plateau", caption="Mount Kailash.",
        credit="Briefings photo desk",
    )  # fmt: skip


def test_a_writer_uploads_to_the_library_and_gets_the_line_to_use(client, member):
    writer = member(roles.WRITER)
    client.force_login(writer)
    response = client.post(ADD_URL, {"file": image_upload(), "title": "Delegations",
                                     "alt": "Two delegations at a table"})  # fmt: skip
    assert response.status_code == 302, errors(response)
    image = LibraryImage.objects.get()
    assert image.uploaded_by == writer and image.renditions["page"]
    page = client.get(reverse("admin:briefings_libraryimage_change", args=[image.pk]))
    assert f"<code>![](image:{image.pk})</code>" in page.content.decode()
    refused = client.post(ADD_URL, {"file": image_upload(), "title": "No alt", "alt": ""})
    assert refused.status_code == 200 and LibraryImage.objects.count() == 1


def test_a_body_shows_a_library_image_as_a_figure_with_its_renditions(
    client, make_briefing, library_image
):
    body = (
        f"Before.\n\n![](image:{library_image.pk})\n\n"
        f'![A closer look]({"image:"}{library_image.pk} "The south face.")\n\n'
        "![elsewhere](https://example.org/tracker.png)\n\n"
        '<img src="https://example.org/raw.png">\n\n'
        f"Inline ![x](image:{library_image.pk}) is not a figure.\n\n![](image:999999)"
    )
    briefing = make_briefing(body=body)
    html = client.get(briefing.get_absolute_url()).content.decode()
    figures = re.findall(r'<figure class="body-image">.*?</figure>', html, re.S)
    assert len(figures) == 2
    page = library_image.renditions["page"]
    assert f'srcset="/media/{page[0]["name"]} {page[0]["width"]}w' in figures[0]
    assert 'loading="lazy"' in figures[0] and 'sizes="' in figures[0]
    assert 'alt="A snow-capped peak above a brown plateau"' in figures[0]
    assert "Mount Kailash." in figures[0] and "Image: Briefings photo desk" in figures[0]
    assert 'alt="A closer look"' in figures[1] and "The south face." in figures[1]
    assert "example.org" not in html and "image:" not in html
    assert library_image.file.name not in html, "the original is never public"


def test_editing_a_library_image_renders_the_bodies_that_show_it_again(
    client, make_briefing, library_image, django_capture_on_commit_callbacks
):
    briefing = make_briefing(body=f"![](image:{library_image.pk})")
    client.get(briefing.get_absolute_url())  # cached now
    library_image.alt = "The peak at dawn"
    with django_capture_on_commit_callbacks(execute=True):
        library_image.save()
    assert 'alt="The peak at dawn"' in client.get(briefing.get_absolute_url()).content.decode()


def test_an_image_a_body_shows_cannot_be_deleted(admin_client, make_briefing, library_image):
    make_briefing(body=f"![](image:{library_image.pk})")
    url = reverse("admin:briefings_libraryimage_delete", args=[library_image.pk])
    response = admin_client.post(url, {"post": "yes"}, follow=True)
    assert LibraryImage.objects.filter(pk=library_image.pk).exists()
    assert "take it out of their text" in response.content.decode()


def test_an_unused_image_is_deleted_with_its_files(
    admin_client, library_image, django_capture_on_commit_callbacks
):
    files = [library_image.file.name, library_image.renditions["page"][0]["name"]]
    url = reverse("admin:briefings_libraryimage_delete", args=[library_image.pk])
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(url, {"post": "yes"})
    assert not LibraryImage.objects.exists()
    assert not any(default_storage.exists(name) for name in files)


def test_the_writing_screen_finds_library_images_by_title_or_alt(client, member, library_image):
    LibraryImage.objects.create(file=image_upload(), title="Delegations", alt="A table")
    client.force_login(member(roles.WRITER))
    found = client.get(FIND_URL, {"q": "PEAK"}).json()["images"]
    assert [image["title"] for image in found] == ["Kailash from the south"]
    assert found[0]["markdown"] == f"![](image:{library_image.pk})"
    assert len(client.get(FIND_URL, {"q": ""}).json()["images"]) == 2
    assert client.get(FIND_URL, {"q": "x " * 10_000}).status_code == 200
    client.force_login(get_user_model().objects.create(username="staff", is_staff=True))
    assert client.get(FIND_URL, {"q": "peak"}).status_code == 403


def test_clean_media_keeps_the_librarys_files(library_image, settings, monkeypatch):
    monkeypatch.setattr("briefings.management.commands.clean_media.GRACE_SECONDS", -1)
    call_command("clean_media")
    assert default_storage.exists(library_image.file.name)
    assert default_storage.exists(library_image.renditions["thumb"][0]["name"])
    assert Briefing.objects.count() == 0
