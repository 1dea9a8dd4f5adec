"""The newsroom in a real browser: a Writer submits, an Editor previews and publishes,
and two editors' saves never overwrite each other."""

import re

import pytest
import reversion
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from briefings import revisions, roles
from briefings.models import Briefing, LibraryImage, Status
from tests.helpers import image_upload

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
    page.locator("#id_body").press_sequentially("## Arrivals\n\nThe summit opens on Monday.")
    page.get_by_text("6 words · 1 min read").wait_for()
    page.get_by_role("button", name="Preview the page").click()
    frame = page.frame_locator("iframe[name=page-preview]")
    frame.get_by_role("heading", level=2, name="Arrivals").wait_for()
    assert frame.get_by_role("heading", level=1).inner_text() == "Leaders arrive in Tianjin"
    assert "Briefing" not in Briefing.objects.values_list("title", flat=True), "nothing saved"
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
    buttons = page.locator(".submit-row button").all_inner_texts()
    assert buttons == ["Save draft", "Submit for review"], "a Writer cannot publish"
    page.get_by_role("button", name="Submit for review").click()
    page.get_by_text("Submitted for review: Editors will see it in Needs review.").wait_for()
    briefing = Briefing.objects.get(slug="leaders-arrive-in-tianjin")
    assert (briefing.status, briefing.author) == (Status.IN_REVIEW, writer)

    page = logged_in_page("arjun")
    page.get_by_role("link", name="Needs review: 1").click()
    page.get_by_role("link", name="Leaders arrive in Tianjin").click()
    page.get_by_role("link", name="Preview").click()
    page.get_by_text("Preview: this briefing is in review").wait_for()
    page.go_back()
    page.get_by_role("button", name="Publish", exact=True).click()
    page.get_by_text("Published: readers see it now.").wait_for()

    reader = browser.new_context().new_page()
    reader.goto(f"{live_server.url}{briefing.get_absolute_url()}")
    reader.get_by_role("heading", level=1, name="Leaders arrive in Tianjin").wait_for()
    assert reader.get_by_text("By Meera Rao").is_visible()
    reader.context.close()


def test_typed_text_survives_a_closed_tab_and_ctrl_s_saves(
    live_server, transactional_db, logged_in_page
):
    newsroom_member(roles.WRITER, "meera", "Meera")
    page = logged_in_page("meera")
    add_url = f"{live_server.url}/admin/briefings/briefing/add/"
    page.goto(add_url)
    page.fill("#id_title", "Kept in the browser")
    page.locator("#id_body").press_sequentially("Typed before the crash.")
    page.wait_for_timeout(1500)  # kept a second after the last key
    page.once("dialog", lambda dialog: dialog.accept())
    page.goto(add_url)
    page.get_by_role("button", name="Put it back").click()
    assert page.input_value("#id_body") == "Typed before the crash."
    page.fill("#id_standfirst", "A standfirst.")
    page.keyboard.press("Control+s")
    page.get_by_text("Draft saved.").wait_for()
    assert Briefing.objects.get().title == "Kept in the browser"
    page.goto(add_url)
    assert page.get_by_role("button", name="Put it back").count() == 1, "new page: still offered"


def test_editors_who_both_changed_a_field_choose_and_lose_nothing(
    live_server, transactional_db, make_briefing, logged_in_page
):
    briefing = make_briefing(title="Talks resume", body="First draft.", status=Status.DRAFT)
    with reversion.create_revision():  # as the admin keeps one of every save
        revisions.record(briefing)
    newsroom_member(roles.EDITOR, "asha", "Asha")
    newsroom_member(roles.EDITOR, "ben", "Ben")
    change_url = f"{live_server.url}/admin/briefings/briefing/{briefing.pk}/change/"
    asha = logged_in_page("asha")
    ben = logged_in_page("ben")
    asha.goto(change_url)
    ben.goto(change_url)
    ben.get_by_text("Also open now: Asha Rao").wait_for()

    asha.fill("#id_title", "Talks resume in Beijing")
    asha.fill("#id_body", "Asha's body.")
    asha.get_by_role("button", name="Save draft").click()
    asha.get_by_text("Draft saved.").wait_for()

    ben.fill("#id_body", "Ben's careful rewrite.")
    ben.get_by_role("button", name="Save draft").click()
    ben.get_by_text(
        re.compile("Someone else saved this briefing after you opened it: Asha Rao at")
    ).wait_for()
    assert ben.input_value("#id_body") == "Ben's careful rewrite."
    assert ben.input_value("#id_title") == "Talks resume in Beijing", "theirs, untouched by Ben"
    briefing.refresh_from_db()
    assert briefing.body == "Asha's body."

    ben.get_by_label("Keep yours").check()
    ben.get_by_role("button", name="Save draft").click()
    ben.get_by_text("Draft saved.").wait_for()
    briefing.refresh_from_db()
    assert (briefing.title, briefing.body) == ("Talks resume in Beijing", "Ben's careful rewrite.")


def axe_violations(page, axe_script):
    page.add_script_tag(path=str(axe_script))
    return set(
        page.evaluate(
            "tags => axe.run({runOnly: {type: 'tag', values: tags}})"
            ".then(result => result.violations.map(v => v.id))",
            ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"],
        )
    )


@pytest.mark.parametrize("width", [390, 1280])
def test_the_writing_screen_fits_and_adds_no_accessibility_faults(
    browser, live_server, transactional_db, make_briefing, axe_script, width
):
    """The text in a column beside the rest at 1280 px, one column at 390 px; axe finds
    nothing on it that it does not find on the admin's own user form (whose split date
    and time fields lack labels of their own)."""
    briefing = make_briefing(title="Talks resume", status=Status.DRAFT)
    admin = newsroom_member(roles.ADMIN, "asha", "Asha")
    admin.is_superuser = True
    admin.save()
    # A browser 10.5 hours behind the newsroom: no note about it beside the dates.
    context = browser.new_context(
        bypass_csp=True, viewport={"width": width, "height": 900}, timezone_id="America/New_York"
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "asha")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    page.goto(f"{live_server.url}/admin/auth/user/{admin.pk}/change/")
    known = axe_violations(page, axe_script)
    page.goto(f"{live_server.url}/admin/briefings/briefing/{briefing.pk}/change/")
    assert axe_violations(page, axe_script) <= known
    body = page.locator("#id_body").bounding_box()
    side = page.locator(".side-column").bounding_box()
    if width >= 1100:
        assert side["x"] > body["x"] + body["width"], "the rest beside the text"
        assert 500 <= body["width"] <= 800, "a readable measure"
    else:
        assert side["y"] > body["y"], "one column"
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, "scrolls sideways"
    page.locator("#id_published_at_0").wait_for()
    notes = page.get_by_text(re.compile("hours? (behind|ahead of) server time"))
    assert notes.count() and not any(note.is_visible() for note in notes.all())
    if width >= 1100:
        Briefing.objects.filter(pk=briefing.pk).update(title="A very long title " * 12)
        page.goto(f"{live_server.url}/admin/briefings/briefing/")
        title = page.locator("#result_list .field-title a").first
        line = float(title.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)"))
        assert title.bounding_box()["height"] <= 2 * line + 1, "two lines at most"
        table = page.locator("#changelist .results")
        overflow = table.evaluate("results => results.scrollWidth - results.clientWidth")
        assert overflow <= 0, "every column of the change list shows, none cut"
    context.close()


def test_a_library_image_goes_into_the_text_and_shows_in_the_preview(
    live_server, transactional_db, logged_in_page
):
    image = LibraryImage.objects.create(
        file=image_upload(), title="Kailash", alt="A snow-capped peak", credit="Desk"
    )
    newsroom_member(roles.WRITER, "meera", "Meera")
    page = logged_in_page("meera")
    page.goto(f"{live_server.url}/admin/briefings/briefing/add/")
    page.fill("#id_body", "The route.")
    page.get_by_text("Show an image from the library in the text").click()
    page.fill("#library-q", "peak")
    page.get_by_role("button", name="Kailash — A snow-capped peak").click()
    assert page.input_value("#id_body") == f"The route.\n\n![](image:{image.pk})\n\n"
    page.fill("#id_title", "Pilgrims return")
    page.get_by_role("button", name="Preview the page").click()
    frame = page.frame_locator("iframe[name=page-preview]")
    figure = frame.locator("figure.body-image img")
    figure.wait_for()
    assert figure.get_attribute("alt") == "A snow-capped peak"
    assert figure.get_attribute("loading") == "lazy"
