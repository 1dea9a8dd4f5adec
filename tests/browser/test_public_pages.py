"""The public pages in a real browser: accessible (axe-core) and usable from 320 px up."""

import io

import pytest
from django.core.management import call_command

from bench.page_kinds import DEMO, addresses
from briefings.models import Briefing

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# WCAG 2.2 AA, plus axe's best practices: heading order, one <h1>, landmarks.
AXE_RULE_TAGS = ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa", "best-practice"]


@pytest.fixture
def demo_site(transactional_db, live_server):
    call_command("load_demo", stdout=io.StringIO())
    return live_server.url


@pytest.fixture
def demo_pages(demo_site):
    """Every kind of HTML page, from the demo briefings."""
    newest = Briefing.objects.published().order_by("-published_at", "-pk")
    author = Briefing.objects.get(slug=DEMO["briefing"]).author_id
    return addresses(html_only=True, **DEMO, cursor=newest[3].pk, author=author).values()


@pytest.fixture
def checker_page(browser):
    """A page that lets the test add axe-core, which the site's policy would refuse."""
    context = browser.new_context(bypass_csp=True)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("width, scheme", [(320, "light"), (1280, "light"), (1280, "dark")])
def test_public_pages_pass_axe_and_fit_the_screen(
    checker_page, demo_site, demo_pages, axe_script, width, scheme
):
    """axe's colour-contrast rule holds text to 4.5:1, in the light and the dark scheme."""
    page = checker_page
    page.emulate_media(color_scheme=scheme)
    page.set_viewport_size({"width": width, "height": 900})
    for path in demo_pages:
        page.goto(demo_site + path)
        page.add_script_tag(path=str(axe_script))
        violations = page.evaluate(
            "tags => axe.run({runOnly: {type: 'tag', values: tags}})"
            ".then(result => result.violations.map(v => v.id + ': ' + v.help))",
            AXE_RULE_TAGS,
        )
        assert violations == [], path
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways at {width}px"


def test_pages_log_nothing_to_the_console(page, demo_site, demo_pages):
    """No missing file and nothing the Content-Security-Policy refuses, on any page."""
    logged = []
    page.on("console", lambda message: logged.append((message.type, message.text)))
    page.on("pageerror", lambda error: logged.append(("error", str(error))))
    for path in demo_pages:
        logged.clear()
        status = page.goto(demo_site + path).status
        errors = [text for kind, text in logged if kind == "error"]
        # A page that is not there answers 404, which the browser reports, and no more.
        expected = [
            "Failed to load resource: the server responded with a status of 404 (Not Found)"
        ]
        assert errors == (expected if status == 404 else []), path


def test_keyboard_focus_is_visible_and_skips_to_content(page, demo_site):
    page.goto(demo_site + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => { const el = document.activeElement; const box = el.getBoundingClientRect();"
        " return {text: el.textContent, outline: getComputedStyle(el).outlineStyle,"
        " visible: box.left >= 0 && box.width > 0}; }"
    )
    assert focused == {"text": "Skip to content", "outline": "solid", "visible": True}
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"


def test_pages_read_without_javascript(browser, demo_site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(demo_site + "/tags/border-talks/")
    page.get_by_role("link", name="From Kazan to Beijing: how the thaw took shape").click()
    assert page.get_by_role("heading", level=1).inner_text() == (
        "From Kazan to Beijing: how the thaw took shape"
    )
    context.close()


def test_search_rows_are_compact_and_related_briefings_match_the_cards(page, demo_site):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(demo_site + "/search/?q=talks")
    widths = page.locator(".search-results .card-image").evaluate_all(
        "images => images.map(image => image.getBoundingClientRect().width)"
    )
    assert widths and max(widths) <= 160, "small thumbnails, not full-width pictures"
    page.goto(demo_site + "/")
    card_font = page.locator(".cards .card-title").first.evaluate(
        "e => getComputedStyle(e).fontFamily"
    )
    page.goto(demo_site + "/briefings/" + DEMO["briefing"] + "/")
    related = page.locator(".related .card-title")
    assert related.count() == 4
    assert related.first.evaluate("e => getComputedStyle(e).fontFamily") == card_font
    rows = {round(box["y"]) for box in related.evaluate_all(
        "titles => titles.map(title => title.closest('.card').getBoundingClientRect())"
    )}  # fmt: skip
    assert len(rows) == 1, "four in a row, no orphan"


def test_the_api_documentation_runs_under_the_sites_policy(page, demo_site):
    """django-ninja's Swagger page, from the site's own static files: it lists every
    endpoint and answers "Try it out", and the policy refuses nothing on it."""
    logged = []
    page.on("console", lambda message: logged.append((message.type, message.text)))
    page.on("pageerror", lambda error: logged.append(("error", str(error))))
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(demo_site + "/api/v1/docs/")
    page.wait_for_selector(".opblock", timeout=15_000)
    assert page.locator(".opblock").count() == 4
    assert [text for kind, text in logged if kind == "error"] == []
    assert all(url.startswith(demo_site) for url in requested), "nothing from elsewhere"
