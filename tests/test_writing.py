"""The writing screen's server side: previews, tag suggestions, and no lost choices."""

from django.contrib.auth import get_user_model
from django.urls import reverse

from briefings import roles
from briefings.models import Briefing, Status
from tests.helpers import ADD_URL, errors, form_data, image_upload

LENGTH_URL = reverse("admin:briefings_briefing_body_length")
NEW_PAGE_URL = reverse("admin:briefings_briefing_new_page_preview")
TAGS_URL = reverse("admin:briefings_briefing_tags_typed")


def test_the_body_length_is_counted_as_the_page_counts_it(client, writer):
    body = "## Talks\n\n" + "word " * 250 + "\n\n<script>alert(1)</script>"
    length = client.post(LENGTH_URL, {"body": body}).json()
    assert (length["words"], length["minutes"]) == (251, 2)


def test_the_preview_is_the_public_page_of_the_unsaved_form(client, writer, make_briefing):
    make_briefing(tags=["SCO"])
    form = {"title": "Leaders arrive", "standfirst": "They met.", "tags": "sco, New topic",
            "body": "## Talks\n\n- one\n- two\n\n<script>alert(1)</script>"}  # fmt: skip
    response = client.post(NEW_PAGE_URL, form)
    page = response.content.decode()
    assert response.status_code == 200
    assert '<link rel="stylesheet" href="/static/briefings/site' in page, "the public stylesheet"
    assert '<h2 id="body-talks">Talks</h2>' in page and "<li>one</li>" in page
    assert "<script>alert" not in page
    assert ">SCO</a>" in page and ">New topic</a>" in page, "topics as a save would make them"
    assert "Preview: this briefing is a draft" in page
    assert "· ·" not in " ".join(page.split()), "no empty date"
    assert Briefing.objects.count() == 1, "nothing saved"
    # Framed by the admin alone; never cached, never indexed.
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    assert "no-cache" in response["Cache-Control"] and response["X-Robots-Tag"] == "noindex"
    writing_screen = client.get(ADD_URL)
    assert "frame-src 'self'" in writing_screen["Content-Security-Policy"]
    assert writing_screen["X-Frame-Options"] == "DENY"
    assert client.get(NEW_PAGE_URL).status_code == 405


def test_the_preview_of_a_briefing_shows_its_unsaved_text_to_those_who_may_see_it(
    client, member, make_briefing
):
    briefing = make_briefing(title="Saved title", status=Status.DRAFT)
    url = reverse("admin:briefings_briefing_page_preview", args=[briefing.pk])
    client.force_login(get_user_model().objects.create(username="staff", is_staff=True))
    assert client.post(url, {"title": "Unsaved title"}).status_code == 403, "no right to see it"
    client.force_login(member(roles.EDITOR))
    page = client.post(url, {"title": "Unsaved title", "body": "Text."}).content.decode()
    assert "<h1>Unsaved title</h1>" in page
    assert Briefing.objects.get().title == "Saved title"
    assert client.post(url.replace(str(briefing.pk), "99999"), {}).status_code == 404


def test_typed_tags_show_what_a_save_makes_and_suggest_existing_ones(client, writer, make_briefing):
    make_briefing(tags=["SCO", "Shanghai summit", "Sanctions"])
    make_briefing(tags=["Shanghai summit"])
    answer = client.get(TAGS_URL, {"typed": "sco, border talks, SHA"}).json()
    assert answer["will_save"] == [
        {"name": "SCO", "typed": "sco", "new": False},
        {"name": "border talks", "typed": "border talks", "new": True},
        {"name": "SHA", "typed": "SHA", "new": True},
    ], "in the order typed, an existing tag in its own spelling"
    assert answer["suggestions"] == ["Shanghai summit"], "matched ignoring case, by use"
    assert client.get(TAGS_URL, {"typed": "x" * 300_000}).status_code == 200


def test_the_writing_helpers_need_the_right_to_write(client, make_briefing):
    client.force_login(get_user_model().objects.create(username="staff", is_staff=True))
    assert client.post(LENGTH_URL, {"body": "x"}).status_code == 403
    assert client.get(TAGS_URL, {"typed": "x"}).status_code == 403
    client.logout()
    assert client.get(TAGS_URL, {"typed": "x"}).status_code == 302, "to the login page"


def test_an_error_elsewhere_says_the_image_must_be_chosen_again(admin_client):
    data = form_data(title="", lead_image=image_upload(), lead_image_alt="A map")
    response = admin_client.post(ADD_URL, data)
    assert any("choose it again" in error for error in errors(response)), errors(response)
    assert not Briefing.objects.exists()


def test_the_author_field_shows_full_names_and_no_user_editing(admin_client, member):
    member(roles.WRITER, "meera")
    get_user_model().objects.create(username="reader-account")  # not staff: not an author
    html = admin_client.get(ADD_URL).content.decode()
    field = html[html.index('name="author"') : html.index("</select>", html.index('name="author"'))]
    assert ">Meera Smith</option>" in field and "reader-account" not in field
    assert "change_id_author" not in html and "delete_id_author" not in html
    assert "add_id_author" not in html
