"""The writing screen's server side: previews, tag suggestions, and no lost choices."""

from django.contrib.auth import get_user_model
from django.urls import reverse

from briefings import roles
from briefings.models import Briefing
from tests.helpers import ADD_URL, errors, form_data, image_upload

PREVIEW_URL = reverse("admin:briefings_briefing_body_preview")
TAGS_URL = reverse("admin:briefings_briefing_tags_typed")


def test_the_body_preview_is_the_page_rendering_with_its_length(client, writer):
    body = "## Talks\n\n" + "word " * 250 + "\n\n<script>alert(1)</script>"
    preview = client.post(PREVIEW_URL, {"body": body}).json()
    assert preview["html"].startswith('<h2 id="body-talks">Talks</h2>')
    assert "<script>" not in preview["html"]
    assert (preview["words"], preview["minutes"]) == (251, 2)


def test_typed_tags_show_what_a_save_makes_and_suggest_existing_ones(client, writer, make_briefing):
    make_briefing(tags=["SCO", "Shanghai summit", "Sanctions"])
    make_briefing(tags=["Shanghai summit"])
    answer = client.get(TAGS_URL, {"typed": "sco, border talks, SHA"}).json()
    assert answer["will_save"] == [
        {"name": "SCO", "new": False},
        {"name": "border talks", "new": True},
        {"name": "SHA", "new": True},
    ], "in the order typed, an existing tag in its own spelling"
    assert answer["suggestions"] == ["Shanghai summit"], "matched ignoring case, by use"
    assert client.get(TAGS_URL, {"typed": "x" * 300_000}).status_code == 200


def test_the_writing_helpers_need_the_right_to_write(client, make_briefing):
    client.force_login(get_user_model().objects.create(username="staff", is_staff=True))
    assert client.post(PREVIEW_URL, {"body": "x"}).status_code == 403
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
