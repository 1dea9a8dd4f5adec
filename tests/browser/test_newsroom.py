"""The newsroom in a real browser: a Writer submits, an Editor previews and publishes,
and two editors' saves never overwrite each other."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from briefings import roles
from briefings.models import Briefing, Status

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "correct-horse-battery-staple"


def newsroom_member(role, username, first_name):
    user = get_user_model().objects.create_user(
        username, password=PASSWORD, first_name=first_name, last_name="Rao", is_staff=True
    )
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def logged_in_page(browser, live_server):
    """log_in(username): a page of a browser context of its own, logged in to the admin."""
    pages = []

    def log_in(username):
        page = browser.new_context().new_page()
        pages.append(page)
        page.goto(f"{live_server.url}/admin/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_url(f"{live_server.url}/admin/")
        return page

    yield log_in
    for page in pages:
        # Leaving a change form tells the server it closed: let that land while the
        # test's server and database are still there.
        page.goto("about:blank")
        page.wait_for_timeout(500)
        page.context.close()


def test_a_writer_submits_and_an_editor_previews_and_publishes(
    browser, live_server, transactional_db, make_briefing, logged_in_page
):
    make_briefing(title="Earlier note", tags=["border talks"])
    writer = newsroom_member(roles.WRITER, "meera", "Meera")
    newsroom_member(roles.EDITOR, "arjun", "Arjun")

    page = logged_in_page("meera")
    page.goto(f"{live_server.url}/admin/briefings/briefing/add/")
    page.fill("#id_title", "Leaders arrive in Tianjin")
    page.fill("#id_standfirst", "Delegations gathered for the summit.")
    page.locator("#id_body").press_sequentially("The summit opens on Monday.")
    page.get_by_text("5 words · 1 min read").wait_for()
    page.get_by_text("5 words · 1 min read").wait_for()
    page.get_by_role("button", name="Show preview").click()
    assert page.locator(".writing-preview").inner_text() == "The summit opens on Monday."
    page.locator("#id_tags").press_sequentially("Tianjin summit, BORD")
    page.get_by_role("list", name="Existing tags that match").get_by_role(
        "button", name="border talks"
    ).click()
    assert page.input_value("#id_tags") == "Tianjin summit, border talks, "
    page.get_by_text("Will be saved as: Tianjin summit (new) · border talks").wait_for()
    warnings = []
    page.once("dialog", lambda dialog: (warnings.append(dialog.type), dialog.dismiss()))
    page.close(run_before_unload=True)  # leaving with unsaved changes: asked first
    page.wait_for_timeout(500)
    assert warnings == ["beforeunload"] and not page.is_closed()
    options = page.locator("#id_status option").all_inner_texts()
    assert options == ["Draft", "In review"], "a Writer cannot publish"
    page.select_option("#id_status", "review")
    page.click("input[name=_save]")
    page.get_by_text("was added successfully").wait_for()
    briefing = Briefing.objects.get(slug="leaders-arrive-in-tianjin")
    assert (briefing.status, briefing.author) == (Status.IN_REVIEW, writer)

    page = logged_in_page("arjun")
    page.goto(f"{live_server.url}/admin/briefings/briefing/?state=review")
    page.get_by_role("link", name="Leaders arrive in Tianjin").click()
    page.get_by_role("link", name="Preview").click()
    page.get_by_text("Preview: this briefing is in review").wait_for()
    page.go_back()
    page.select_option("#id_status", "published")
    page.click("input[name=_save]")
    page.get_by_text("was changed successfully").wait_for()

    reader = browser.new_context().new_page()
    reader.goto(f"{live_server.url}{briefing.get_absolute_url()}")
    reader.get_by_role("heading", level=1, name="Leaders arrive in Tianjin").wait_for()
    assert reader.get_by_text("By Meera Rao").is_visible()
    reader.context.close()


def test_the_later_of_two_editors_is_told_and_keeps_their_text(
    live_server, transactional_db, make_briefing, logged_in_page
):
    briefing = make_briefing(title="Talks resume", body="First draft.", status=Status.DRAFT)
    newsroom_member(roles.EDITOR, "asha", "Asha")
    newsroom_member(roles.EDITOR, "ben", "Ben")
    change_url = f"{live_server.url}/admin/briefings/briefing/{briefing.pk}/change/"
    asha = logged_in_page("asha")
    ben = logged_in_page("ben")
    asha.goto(change_url)
    ben.goto(change_url)
    ben.get_by_text("Also open now: Asha Rao").wait_for()

    asha.fill("#id_title", "Talks resume in Beijing")
    asha.click("input[name=_save]")
    asha.get_by_text("was changed successfully").wait_for()

    ben.fill("#id_body", "Ben's careful rewrite.")
    ben.click("input[name=_save]")
    ben.get_by_text(
        re.compile("Someone else saved this briefing after you opened it: Asha Rao")
    ).wait_for()
    assert ben.input_value("#id_body") == "Ben's careful rewrite."
    briefing.refresh_from_db()
    assert (briefing.title, briefing.body) == ("Talks resume in Beijing", "First draft.")

    ben.fill("#id_title", "Talks resume in Beijing")  # merged by hand
    ben.click("input[name=_save]")
    ben.get_by_text("was changed successfully").wait_for()
    briefing.refresh_from_db()
    assert (briefing.title, briefing.body) == ("Talks resume in Beijing", "Ben's careful rewrite.")
