import re

import pytest
from django.contrib.auth import get_user_model

from briefings.models import Briefing, Status
from tests.helpers import image_bytes

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def editor(transactional_db):
    return get_user_model().objects.create_superuser(
        "editor", "editor@example.org", PASSWORD, first_name="Asha", last_name="Menon"
    )


def test_editor_writes_publishes_and_readers_filter_by_tag(
    page, live_server, editor, make_briefing, tmp_path
):
    make_briefing(title="Earlier SCO note", tags=["SCO"])
    make_briefing(title="Earlier border note", tags=["border talks"])
    image = tmp_path / "delegations.png"
    image.write_bytes(image_bytes("PNG", size=(1600, 1000)))

    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.locator("#briefings-briefing").get_by_role("link", name="Briefings").click()
    page.get_by_role("link", name="Add briefing").click()

    page.locator("#id_title").press_sequentially("Misri meets Wang Yi")
    assert page.input_value("#id_slug") == "misri-meets-wang-yi"
    page.fill("#id_standfirst", "The two sides reviewed the border agreement.")
    page.fill("#id_body", "## Talks\n\nThe talks covered *patrolling*.")
    page.get_by_role("button", name="border talks (1)").click()  # reuse existing tags
    page.get_by_role("button", name="SCO (1)").click()
    assert page.input_value("#id_tags") == "border talks, SCO"
    page.set_input_files("#id_lead_image", str(image))
    page.fill("#id_lead_image_alt", "Two delegations at a table")
    page.get_by_role("button", name="Save draft").click()
    page.get_by_text("Draft saved.").wait_for()
    page.goto(f"{live_server.url}/admin/briefings/briefing/")

    briefing = Briefing.objects.get(slug="misri-meets-wang-yi")
    assert briefing.status == Status.DRAFT and briefing.author == editor
    assert sorted(tag.name for tag in briefing.tags.all()) == ["SCO", "border talks"]

    page.get_by_role("row", name=re.compile("Misri meets Wang Yi")).get_by_role("checkbox").check()
    page.select_option("select[name=action]", "publish")
    page.click("button[name=index]")
    page.get_by_text("Published 1 briefing(s).").wait_for()

    page.goto(f"{live_server.url}/admin/briefings/briefing/{briefing.pk}/change/")
    page.get_by_role("link", name="View on site").click()
    page.get_by_role("heading", level=1, name="Misri meets Wang Yi").wait_for()
    assert page.get_by_text("By Asha Menon").is_visible()
    assert page.locator(".lead-image img").get_attribute("alt") == "Two delegations at a table"

    page.get_by_role("list", name="Topics", exact=True).get_by_role("link", name="SCO").click()
    page.get_by_role("heading", level=1, name="SCO").wait_for()
    cards = page.locator(".card-title")
    assert cards.all_inner_texts() == ["Misri meets Wang Yi", "Earlier SCO note"]

    page.get_by_role("link", name=re.compile("Add border talks")).click()
    page.get_by_role("heading", level=1, name="border talks + SCO").wait_for()
    assert page.url.endswith("/tags/border-talks+sco/")
    assert cards.all_inner_texts() == ["Misri meets Wang Yi"]
