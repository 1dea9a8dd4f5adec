import errno
import importlib
import json
import re
from datetime import timedelta
from html import unescape as html_unescape

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.db import IntegrityError
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.views.static import serve

from briefings.models import Briefing, Status, Tag
from briefings.text import MAX_BODY_LENGTH
from tests.helpers import (
    ADD_URL,
    LIST_URL,
    errors,
    file_upload,
    form_data,
    image_bytes,
    image_upload,
    topic_form,
    truncated_jpeg,
)


def test_add_form_saves_a_briefing_with_tags(admin_client):
    response = admin_client.post(
        ADD_URL, form_data(tags='"India, China", border talks, SCO', status=Status.PUBLISHED)
    )
    assert response.status_code == 302, errors(response)
    briefing = Briefing.objects.get()
    assert sorted(tag.name for tag in briefing.tags.all()) == [
        "India, China",
        "SCO",
        "border talks",
    ]
    assert briefing.published_at is not None
    assert briefing.body_html.strip() == '<h2 id="body-details">Details</h2>\n<p>They talked.</p>'


def test_add_form_defaults_author_to_the_editor(admin_client, admin_user):
    html = admin_client.get(ADD_URL).content.decode()
    assert re.search(rf'<option value="{admin_user.pk}" selected>', html)


def test_add_form_prepopulates_slug_from_title(admin_client):
    html = admin_client.get(ADD_URL).content.decode()
    assert 'id="id_slug"' in html
    prepopulated = html_unescape(re.search(r'data-prepopulated-fields="([^"]+)"', html).group(1))
    assert {"id": "#id_slug", "dependency_ids": ["#id_title"]}.items() <= json.loads(prepopulated)[
        0
    ].items()


def test_tag_field_shows_existing_tags_to_reuse(admin_client, make_briefing):
    make_briefing(tags=["SCO", "<b>bold</b>"])
    make_briefing(tags=["SCO"])
    html = admin_client.get(ADD_URL).content.decode()
    assert '<button type="button" class="existing-tag" data-tag="SCO">SCO <span>(2)</span>' in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html and "<b>bold</b>" not in html
    assert "briefings/admin_tags.js" in html


def test_tags_typed_in_another_case_reuse_the_existing_tag(admin_client, make_briefing):
    make_briefing(tags=["SCO"])
    response = admin_client.post(ADD_URL, form_data(tags="sco, Kazan, kazan, KAZAN"))
    assert response.status_code == 302, errors(response)
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["Kazan", "SCO"], "first typed"
    assert Briefing.objects.get(slug="talks-resume").tags.count() == 2


def test_over_long_tag_name_is_a_form_error(admin_client):
    response = admin_client.post(ADD_URL, form_data(tags="fine, " + "x" * 101))
    assert response.status_code == 200
    assert any("at most 100 characters" in error for error in errors(response))
    assert not Briefing.objects.exists() and not Tag.objects.exists()


@pytest.mark.parametrize("name", ["ß" * 60, "ﷺ" * 6, "ﬃ" * 40])
def test_a_tag_name_too_long_once_folded_is_a_form_error(admin_client, name):
    response = admin_client.post(ADD_URL, form_data(tags=f"fine, {name}"))
    assert response.status_code == 200
    assert any("once case and spelling are folded" in error for error in errors(response))
    assert not Briefing.objects.exists() and not Tag.objects.exists()


@pytest.mark.parametrize("field", ["name", "slug"])
def test_a_topic_renamed_too_long_once_folded_is_a_form_error(admin_client, field):
    tag = Tag.objects.create(name="SCO")
    url = reverse("admin:briefings_tag_change", args=[tag.pk])
    data = topic_form({"name": "SCO", "slug": "sco", field: "ß" * 60})
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert any("once case and spelling are folded" in error for error in errors(response))
    tag.refresh_from_db()
    assert (tag.name, tag.slug) == ("SCO", "sco")


def test_no_path_stores_a_tag_name_too_long_once_folded(db):
    with pytest.raises(ValidationError, match="once case and spelling are folded"):
        Tag.objects.create(name="ß" * 60)
    tag = Tag.objects.create(name="ß" * 50)  # 100 once folded: fits, on both engines
    assert len(tag.name_key) == 100 and len(tag.sort_key) <= 202


def test_tag_name_at_the_limit_is_saved(admin_client):
    response = admin_client.post(ADD_URL, form_data(tags="y" * 100))
    assert response.status_code == 302, errors(response)
    assert Tag.objects.get().name == "y" * 100


@pytest.mark.parametrize(
    "content, message",
    [
        (b"MZ\x90\x00 an executable", "Upload a valid image"),
        (image_bytes("GIF"), "GIF images are not accepted"),
        (truncated_jpeg(), "not a complete image"),
        (image_bytes("PNG", size=(8000, 5001)), "the limit is 40"),
        (image_bytes("PNG", size=(1, 30_000)), "each side can be at most 12,000"),
        (image_bytes("PNG", size=(1600, 20_000)), "each side can be at most 12,000"),
        (image_bytes("PNG", size=(100, 9000)), "one side can be at most 8 times the other"),
    ],
)
def test_bad_uploads_are_form_errors_and_save_nothing(admin_client, settings, content, message):
    upload = file_upload("photo.jpg", content)
    response = admin_client.post(ADD_URL, form_data(lead_image=upload, lead_image_alt="x"))
    assert response.status_code == 200
    assert any(message in error for error in errors(response)), errors(response)
    assert not Briefing.objects.exists()
    assert not (settings.MEDIA_ROOT / "briefings").exists(), "no file is left behind"


@pytest.mark.parametrize("failing_write", [1, 3], ids=["original", "a rendition"])
def test_a_full_disk_during_an_upload_is_a_form_error_leaving_nothing_behind(
    admin_client, settings, monkeypatch, failing_write
):
    """The disk fills while the original or a rendition is written: the cut-off file
    and everything stored before it go, the form says why, and nothing is saved."""
    save = type(storages["default"]).save
    writes = []

    def fill_up(self, name, content, max_length=None):
        writes.append(name)
        if len(writes) < failing_write:
            return save(self, name, content, max_length)
        cut_off = settings.MEDIA_ROOT / name
        cut_off.parent.mkdir(parents=True, exist_ok=True)
        cut_off.write_bytes(content.read()[:100])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(type(storages["default"]), "save", fill_up)
    data = form_data(title="Kept in the form", lead_image=image_upload(), lead_image_alt="x")
    response = admin_client.post(ADD_URL, data)
    assert response.status_code == 200
    assert any("could not be stored" in error for error in errors(response)), errors(response)
    assert "Kept in the form" in response.content.decode()
    assert len(writes) == failing_write and not Briefing.objects.exists()
    stored = [path for path in settings.MEDIA_ROOT.rglob("*") if path.is_file()]
    assert stored == [], "no cut-off file, nothing stored before it"


def test_upload_over_20_mb_is_a_form_error(admin_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = None
    upload = file_upload("huge.png", image_bytes("PNG") + b"\0" * (20 * 1024 * 1024))
    response = admin_client.post(ADD_URL, form_data(lead_image=upload, lead_image_alt="x"))
    assert any("larger than 20 MB" in error for error in errors(response)), errors(response)
    assert not Briefing.objects.exists()


def test_image_without_alt_text_is_a_form_error(admin_client):
    response = admin_client.post(ADD_URL, form_data(lead_image=image_upload()))
    assert any("Describe the image" in error for error in errors(response))
    assert not Briefing.objects.exists()


def test_change_list_shows_columns_filters_and_dates(admin_client, make_briefing):
    make_briefing(title="Listed", tags=["SCO", "India"])
    html = admin_client.get(LIST_URL).content.decode()
    assert re.search(r'<td class="field-tag_list">(India, SCO|SCO, India)</td>', html)
    for heading in ["Title", "State", "Published", "Author", "Topics", "Changed"]:
        assert f">{heading}<" in html
    for title in ["state", "tag", "publication date"]:
        assert f'<details data-filter-title="{title}"' in html
    assert "?published_at__year=" in html, "date hierarchy"


def test_change_list_searches_title_standfirst_and_body(admin_client, make_briefing):
    make_briefing(title="Alpha", body="mentions Depsang")
    make_briefing(title="Beta", standfirst="about Demchok")
    make_briefing(title="Gamma")
    for term, expected in [("Depsang", "Alpha"), ("Demchok", "Beta"), ("Gamma", "Gamma")]:
        html = admin_client.get(LIST_URL, {"q": term}).content.decode()
        listed = re.findall(r'<th class="field-title"><a [^>]+>([^<]+)</a>', html)
        assert listed == [expected]


def test_change_list_filters_by_state_and_tag(admin_client, make_briefing):
    make_briefing(title="Draft one", status=Status.DRAFT, tags=["SCO"])
    make_briefing(title="Live one", tags=["India"])
    make_briefing(title="Waiting", status=Status.IN_REVIEW)
    make_briefing(title="Embargoed", published_at=timezone.now() + timedelta(hours=2))
    sco = Tag.objects.get(name="SCO")
    for query, expected in [
        ({"state": "draft"}, ["Draft one"]),
        ({"state": "review"}, ["Waiting"]),
        ({"state": "scheduled"}, ["Embargoed"]),
        ({"state": "published"}, ["Live one"]),
        ({"tag": sco.slug}, ["Draft one"]),
    ]:
        html = admin_client.get(LIST_URL, query).content.decode()
        assert re.findall(r'<th class="field-title"><a [^>]+>([^<]+)</a>', html) == expected


def test_change_list_tag_filter_offers_only_the_most_used_tags(admin_client, make_briefing):
    for n in range(30):
        make_briefing(tags=[f"Topic {n:02d}"] + [f"Popular {k}" for k in range(n % 3)])
    html = admin_client.get(LIST_URL).content.decode()
    offered = re.findall(r'<a href="\?tag=([^"&]+)"', html)
    assert len(offered) == 20
    assert offered[:2] == ["popular-0", "popular-1"]
    chosen = admin_client.get(LIST_URL, {"tag": "topic-29"}).content.decode()
    assert 'href="?tag=topic-29"' in chosen, "the tag in use stays offered"


def test_change_lists_do_not_count_the_whole_archive(admin_client, make_briefing):
    make_briefing(tags=["SCO"])
    for url in [LIST_URL, reverse("admin:briefings_tag_changelist")]:
        html = admin_client.get(url, {"q": "o"}).content.decode()
        assert "Show all" in html and "total" not in html, url


def test_bulk_publish_and_unpublish(admin_client, make_briefing):
    first = make_briefing(status=Status.DRAFT, published_at=None)
    second = make_briefing(status=Status.DRAFT, published_at=None)
    data = {"action": "publish", "_selected_action": [first.pk, second.pk]}
    response = admin_client.post(LIST_URL, data, follow=True)
    assert "Published 2 briefing(s)." in response.content.decode()
    assert Briefing.objects.published().count() == 2
    admin_client.post(LIST_URL, {**data, "action": "unpublish"})
    assert not Briefing.objects.published().exists()
    assert set(Briefing.objects.values_list("status", flat=True)) == {Status.DRAFT}


def test_change_page_has_view_on_site_link(admin_client, make_briefing):
    briefing = make_briefing()
    html = admin_client.get(
        reverse("admin:briefings_briefing_change", args=[briefing.pk])
    ).content.decode()
    assert 'class="viewsitelink"' in html


def test_admin_escapes_html_in_titles_and_tags(admin_client, make_briefing):
    make_briefing(title="<script>alert(1)</script>", tags=["<img src=x onerror=alert(2)>"])
    for url in [LIST_URL, reverse("admin:briefings_tag_changelist")]:
        html = admin_client.get(url).content.decode()
        assert "<script>alert(1)" not in html and "<img src=x" not in html


def test_merging_tags_moves_briefings_to_the_most_used(admin_client, make_briefing):
    make_briefing(tags=["border talks"])
    make_briefing(tags=["border talks", "Border-talks"])
    make_briefing(tags=["Border-talks"])
    make_briefing(tags=["boundary talks"])
    response = admin_client.post(
        reverse("admin:briefings_tag_changelist"),
        {
            "action": "merge_tags",
            "post": "yes",
            "_selected_action": list(Tag.objects.values_list("pk", flat=True)),
        },
        follow=True,
    )
    assert "Merged 2 topic(s)" in response.content.decode()
    kept = Tag.objects.get()
    assert kept.tagged_briefings.count() == 4


def test_tags_in_any_script_can_be_edited_in_the_admin(admin_client, make_briefing):
    make_briefing(tags=["भारत"])
    tag = Tag.objects.get()
    url = reverse("admin:briefings_tag_change", args=[tag.pk])
    response = admin_client.post(url, topic_form({"name": "भारत गणराज्य", "slug": tag.slug}))
    assert response.status_code == 302, errors(response)
    tag.refresh_from_db()
    assert (tag.name, tag.slug) == ("भारत गणराज्य", "भारत"), "renaming keeps the address"
    response = admin_client.post(url, topic_form({"name": "x", "slug": "no spaces/or slashes"}))
    assert any("letters, digits, hyphens" in error for error in errors(response))


def test_tags_are_separated_by_commas_only_in_the_form(admin_client):
    admin_client.post(ADD_URL, form_data(tags='Tianjin summit, border talks, "Talks, round two"'))
    names = sorted(Briefing.objects.get().tags.values_list("name", flat=True), key=str.lower)
    assert names == ["border talks", "Talks, round two", "Tianjin summit"]


def test_uploads_get_random_names_whatever_they_were_called(admin_client):
    upload = image_upload("भारत" * 25 + ".png")
    response = admin_client.post(ADD_URL, form_data(lead_image=upload, lead_image_alt="A map"))
    assert response.status_code == 302, errors(response)
    briefing = Briefing.objects.get()
    assert re.fullmatch(r"briefings/originals/[0-9a-f]{32}\.png", briefing.lead_image.name)
    stem = briefing.lead_image.name.split("/")[-1].removesuffix(".png")
    names = [size["name"] for sizes in briefing.renditions.values() for size in sizes]
    assert names and all("भारत" not in name for name in names)
    assert not any(stem in name for name in names), "the original is not named by its renditions"


def test_originals_are_never_served_and_renditions_are(settings, make_briefing):
    briefing = make_briefing(lead_image=image_upload(), lead_image_alt="A map")
    rendition = briefing.renditions["page"][0]["name"]
    settings.DEBUG = True  # the development server's media patterns (tests run without)
    urls = importlib.reload(importlib.import_module("site_config.urls"))
    try:
        assert resolve(f"/media/{rendition}", urlconf=urls).func is serve
        with pytest.raises(Resolver404):
            resolve(f"/media/{briefing.lead_image.name}", urlconf=urls)
    finally:
        settings.DEBUG = False
        importlib.reload(urls)


def test_the_files_of_a_save_that_fails_are_removed(make_briefing, settings):
    taken = make_briefing(slug="taken")
    clash = Briefing(title="Clash", slug=taken.slug, standfirst="S.", body="B.",
                     lead_image=image_upload(), lead_image_alt="A map")  # fmt: skip
    with pytest.raises(IntegrityError):
        clash.save()
    folder = settings.MEDIA_ROOT / "briefings"
    assert [path for path in folder.rglob("*") if path.is_file()] == []


def test_markdown_built_to_be_slow_is_saved(admin_client):
    response = admin_client.post(ADD_URL, form_data(body="[" * 20_000 + "[^1]" * 5_000))
    assert response.status_code == 302, errors(response)


def test_a_tag_list_too_long_to_read_is_a_form_error(admin_client):
    response = admin_client.post(ADD_URL, form_data(tags="x" * 200_000))
    assert "The list of tags is too long." in errors(response)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("slug", "taken", "Briefing with this Slug already exists."),
        ("title", "", "This field is required."),
        ("title", "x" * 201, "Ensure this value has at most 200 characters"),
        ("standfirst", "x" * 401, "Ensure this value has at most 400 characters"),
        ("published_at_0", "31/02/2026", "Enter a valid date."),
        ("published_at_1", "25:61", "Enter a valid time."),
    ],
)
def test_bad_input_is_a_form_error_and_saves_nothing(
    admin_client, make_briefing, field, value, message
):
    make_briefing(slug="taken", title="Taken")
    data = form_data(status=Status.PUBLISHED, published_at_0="2026-11-20", published_at_1="10:00")
    response = admin_client.post(ADD_URL, {**data, field: value})
    assert response.status_code == 200
    assert any(message in error for error in errors(response)), errors(response)
    assert list(Briefing.objects.values_list("title", flat=True)) == ["Taken"]


def test_addresses_readers_once_knew_cannot_be_taken(admin_client, client, make_briefing):
    moved = make_briefing(slug="talks-begin")
    moved.slug = "talks-resume"
    moved.save()
    make_briefing(slug="withdrawn").delete()
    for slug, told in [("talks-begin", "taken there"), ("withdrawn", "told it is gone")]:
        response = admin_client.post(ADD_URL, form_data(title="New", slug=slug))
        assert response.status_code == 200, slug
        assert any(told in error for error in errors(response)), slug
    assert client.get("/briefings/talks-begin/")["Location"] == "/briefings/talks-resume/"
    assert client.get("/briefings/withdrawn/").status_code == 410
    own = reverse("admin:briefings_briefing_change", args=[moved.pk])
    opened = admin_client.get(own).context["adminform"].form["opened_version"].value()
    data = form_data(title=moved.title, slug="talks-begin", tags="", opened_version=opened)
    response = admin_client.post(own, data)
    assert response.status_code == 302, errors(response)  # its own old address, taken back


def test_a_text_over_the_limit_is_a_form_error_and_an_older_long_one_may_only_shrink(
    admin_client, make_briefing
):
    too_long = "word " * (MAX_BODY_LENGTH // 5) + "more"
    response = admin_client.post(ADD_URL, form_data(body=too_long))
    assert response.status_code == 200
    assert any("at most 100,000 characters" in error for error in errors(response))
    old = make_briefing(body=too_long + " and more")  # saved before there was a limit
    url = reverse("admin:briefings_briefing_change", args=[old.pk])
    opened = admin_client.get(url).context["adminform"].form["opened_version"].value()
    data = form_data(title=old.title, slug=old.slug, opened_version=opened)
    grown = admin_client.post(url, {**data, "body": old.body + " still more"})
    assert any("at most 100,000 characters" in error for error in errors(grown))
    shrunk = admin_client.post(url, {**data, "body": too_long})
    assert shrunk.status_code == 302, errors(shrunk)
