import io
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from PIL import Image

from briefings import images
from briefings.models import Briefing
from tests.helpers import change_url, edit_data, errors, file_upload, image_bytes, image_upload


def gps_exif():
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"  # Make
    exif[0x8825] = {1: "N", 2: (28.0, 36.0, 50.0), 3: "E", 4: (77.0, 12.0, 30.0)}  # GPSInfo
    return exif


def test_upload_is_re_encoded_without_exif(make_briefing):
    upload = image_upload("holiday.jpg", "JPEG", exif=gps_exif())
    with Image.open(io.BytesIO(upload.read())) as original:
        assert original.getexif(), "the fixture must carry EXIF for this test to mean anything"
    upload.seek(0)
    briefing = make_briefing(lead_image=upload, lead_image_alt="A photo")
    with default_storage.open(briefing.lead_image.name) as stored, Image.open(stored) as image:
        assert image.format == "JPEG"
        assert not image.getexif()
        assert "exif" not in image.info
    for kind in images.RENDITIONS:
        for size in briefing.renditions[kind]:
            with default_storage.open(size["name"]) as stored:
                assert b"Exif" not in stored.read()


def test_exif_orientation_is_applied_before_it_is_dropped(make_briefing):
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated 90°: the 1000x700 pixels display as 700x1000
    briefing = make_briefing(
        lead_image=image_upload("turned.jpg", "JPEG", exif=exif), lead_image_alt="Turned"
    )
    assert briefing.lead_image.width == 700 and briefing.lead_image.height == 1000


def test_renditions_are_made_once_with_their_sizes(make_briefing):
    briefing = make_briefing(
        lead_image=image_upload(size=(2000, 1000)), lead_image_alt="Wide picture"
    )
    thumbs = briefing.renditions["thumb"]
    pages = briefing.renditions["page"]
    previews = briefing.renditions["preview"]
    assert [(t["width"], t["height"]) for t in thumbs] == [(360, 240), (720, 480)]
    assert [(p["width"], p["height"]) for p in pages] == [(800, 400), (1200, 600), (1600, 800)]
    assert [(p["width"], p["height"]) for p in previews] == [(1200, 630)]  # for link previews
    for size in thumbs + pages + previews:
        with default_storage.open(size["name"]) as stored, Image.open(stored) as image:
            assert image.format == "WEBP"
            assert image.size == (size["width"], size["height"])


def test_small_images_are_not_upscaled(make_briefing):
    briefing = make_briefing(lead_image=image_upload(size=(300, 200)), lead_image_alt="Small")
    assert [t["width"] for t in briefing.renditions["thumb"]] == [300]
    assert [p["width"] for p in briefing.renditions["page"]] == [300]


def test_transparent_png_keeps_its_alpha(make_briefing):
    upload = image_upload(size=(900, 600), mode="RGBA")
    briefing = make_briefing(lead_image=upload, lead_image_alt="Clear")
    with default_storage.open(briefing.renditions["page"][0]["name"]) as stored:
        assert Image.open(stored).mode == "RGBA"


def test_picture_gives_src_srcset_and_size(make_briefing):
    briefing = make_briefing(lead_image=image_upload(size=(1600, 1000)), lead_image_alt="x")
    picture = briefing.thumbnail
    assert picture["src"].endswith("-thumb-360.webp")
    assert picture["srcset"].count("w, ") == 1 and picture["srcset"].endswith("720w")
    assert (picture["width"], picture["height"]) == (360, 240)
    assert Briefing(renditions={}).thumbnail is None


@pytest.mark.parametrize(
    "content, message",
    [
        (b"%PDF-1.4 not an image", "not a complete image"),
        (image_bytes("JPEG")[:600], "not a complete image"),
        (image_bytes("GIF"), "GIF images are not accepted"),
        (image_bytes("BMP"), "BMP images are not accepted"),
        (image_bytes("TIFF"), "TIFF images are not accepted"),
    ],
)
def test_validator_judges_content_not_name(content, message):
    with pytest.raises(ValidationError, match=message):
        images.validate_upload(file_upload("innocent.jpg", content))


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP"])
def test_validator_accepts_jpeg_png_and_webp_whatever_their_name(image_format):
    images.validate_upload(image_upload("named-wrongly.gif", image_format))


def test_webp_upload_stays_webp(make_briefing):
    briefing = make_briefing(lead_image=image_upload("a.webp", "WEBP"), lead_image_alt="x")
    assert briefing.lead_image.name.endswith(".webp")


def test_validator_refuses_files_over_20_mb():
    upload = image_upload()
    upload.size = 20 * 1024 * 1024 + 1
    with pytest.raises(ValidationError, match="larger than 20 MB"):
        images.validate_upload(upload)


def test_validator_refuses_images_over_40_megapixels():
    with pytest.raises(ValidationError, match="40"):
        images.validate_upload(image_upload(size=(8000, 5001)))
    images.validate_upload(image_upload(size=(8000, 5000)))


def test_page_views_never_open_an_image_file(client, make_briefing):
    briefing = make_briefing(lead_image=image_upload(), lead_image_alt="Picture", tags=["SCO"])
    with mock.patch.object(Image, "open", side_effect=AssertionError("image opened")):
        for url in ["/", briefing.get_absolute_url(), "/tags/sco/", "/tags/"]:
            assert client.get(url).status_code == 200


def stored(names):
    return [default_storage.exists(name) for name in names]


def test_replacing_or_clearing_an_image_removes_the_old_files(
    make_briefing, django_capture_on_commit_callbacks
):
    briefing = make_briefing(lead_image=image_upload("first.png"), lead_image_alt="First")
    first = images.stored_files(briefing.lead_image.name, briefing.renditions)
    with django_capture_on_commit_callbacks(execute=True):
        briefing.lead_image = image_upload("second.png")
        briefing.save()
    second = images.stored_files(briefing.lead_image.name, briefing.renditions)
    assert not any(stored(first)) and all(stored(second))
    with django_capture_on_commit_callbacks(execute=True):
        briefing.lead_image = ""
        briefing.lead_image_alt = ""
        briefing.save()
    assert not any(stored(second)) and briefing.renditions == {}


def test_replacing_an_image_through_the_admin_removes_the_old_files(
    admin_client, make_briefing, committed
):
    """The form stores the new upload while validating; the save must still see a new
    image, and retire the old one's files."""
    briefing = make_briefing(lead_image=image_upload("first.png"), lead_image_alt="First")
    first = images.stored_files(briefing.lead_image.name, briefing.renditions)
    data = edit_data(briefing, lead_image=image_upload("second.png"), lead_image_alt="Second")
    with committed():
        response = admin_client.post(change_url(briefing), data)
    assert response.status_code == 302, errors(response)
    briefing.refresh_from_db()
    second = images.stored_files(briefing.lead_image.name, briefing.renditions)
    assert not any(stored(first)) and all(stored(second))


def test_deleting_a_briefing_removes_its_files_unless_shared(
    make_briefing, django_capture_on_commit_callbacks
):
    briefing = make_briefing(lead_image=image_upload(), lead_image_alt="Shared")
    files = images.stored_files(briefing.lead_image.name, briefing.renditions)
    twin = make_briefing(
        lead_image=briefing.lead_image.name, renditions=briefing.renditions, lead_image_alt="x"
    )
    with django_capture_on_commit_callbacks(execute=True):
        briefing.delete()
    assert all(stored(files)), "still used by the twin"
    with django_capture_on_commit_callbacks(execute=True):
        twin.delete()
    assert not any(stored(files))


def test_saving_text_keeps_the_image(make_briefing, django_capture_on_commit_callbacks):
    briefing = make_briefing(lead_image=image_upload(), lead_image_alt="Kept")
    files = images.stored_files(briefing.lead_image.name, briefing.renditions)
    with django_capture_on_commit_callbacks(execute=True):
        briefing.title = "Retitled"
        briefing.save()
    assert all(stored(files))


def test_the_writing_screen_shows_the_lead_image_by_its_thumbnail_not_the_original(
    admin_client, make_briefing
):
    briefing = make_briefing(lead_image=image_upload(size=(1600, 1000)), lead_image_alt="Map")
    page = admin_client.get(f"/admin/briefings/briefing/{briefing.pk}/change/").content.decode()
    assert briefing.lead_image.name not in page, "the original is never public"
    assert briefing.thumbnail["src"] in page
