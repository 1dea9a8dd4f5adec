"""Reading: the lead story, names in a reader's order, times with their zone, citation
and print, typography, images, and what public pages send (no JavaScript, strict CSP)."""

import gzip
import io
import json
import re
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from briefings import roles
from briefings.models import Briefing, Status, Tag
from briefings.placeholder_images import generated_image
from briefings.views import briefings as home_view
from tests.helpers import image_upload

PAGE_WEIGHT_LIMIT = 30 * 1024  # HTML and CSS of a page, gzip-compressed


def lead_title(response):
    found = re.search(r'<h2 class="lead-title" id="lead-title"><a href="[^"]+">([^<]+)</a>',
                      response.content.decode())  # fmt: skip
    return found and found.group(1)


def card_titles(response):
    return re.findall(r'class="card-title"><a href="[^"]+">([^<]+)</a>', response.content.decode())


# The lead story


def test_the_newest_briefing_leads_the_home_page_once(client, make_briefing):
    make_briefing(title="Older")
    make_briefing(title="Newest", published_at=datetime.now(UTC))
    response = client.get("/")
    assert lead_title(response) == "Newest"
    assert card_titles(response) == ["Older"]


def test_an_editor_can_make_a_briefing_the_lead(client, make_briefing, committed):
    chosen = make_briefing(title="Chosen")
    make_briefing(title="Newest", published_at=datetime.now(UTC))
    with committed():
        chosen.is_lead = True
        chosen.save()
    response = client.get("/")
    assert lead_title(response) == "Chosen"
    assert card_titles(response) == ["Newest"]
    assert lead_title(client.get(f"/?before={chosen.pk}")) is None  # older pages: no lead


def test_only_those_who_publish_choose_the_lead(client, member, make_briefing):
    draft = make_briefing(title="Mine", status=Status.DRAFT)
    change_url = reverse("admin:briefings_briefing_change", args=[draft.pk])
    client.force_login(member(roles.WRITER))
    assert 'name="is_lead"' not in client.get(change_url).content.decode()
    client.force_login(member(roles.EDITOR, "ed"))
    assert 'name="is_lead"' in client.get(change_url).content.decode()


def test_home_topics_fold_away(client, make_briefing):
    make_briefing(tags=["SCO"])
    page = client.get("/").content.decode()
    assert re.search(r'<details class="topics">\s*<summary>Browse by topic</summary>', page)


# Names in a reader's order


def test_names_sort_ignoring_case_and_accents_everywhere(client, admin_client, make_briefing):
    names = ["eagle", "Zambia", "Ecology", "école", "Élan", "apple", "Bhutan", "ezra"]
    make_briefing(title="Tagged", tags=names)
    make_briefing(title="Newest", published_at=datetime.now(UTC))  # leads; Tagged is a card
    expected_e = ["eagle", "école", "Ecology", "Élan", "ezra"]
    section = client.get("/tags/?section=e").content.decode()
    assert re.findall(r'<li><a href="/tags/[^"]+/">([^<]+)</a>', section) == expected_e
    card = client.get("/").content.decode()
    assert re.findall(r'<li><a href="/tags/[^"]+/">([^<]+)</a></li>', card)[: len(names)] == [
        "apple", "Bhutan", *expected_e, "Zambia",
    ]  # fmt: skip
    admin = admin_client.get(reverse("admin:briefings_tag_changelist")).content.decode()
    listed = re.findall(r'<th class="field-name"><a href="[^"]+">([^<]+)</a>', admin)
    assert listed == ["apple", "Bhutan", *expected_e, "Zambia"]
    assert [tag.name for tag in Tag.objects.all()] == listed


# Times, citation, print


def test_times_show_in_the_newsroom_zone_with_its_name(client, make_briefing, settings):
    briefing = make_briefing(title="Timed", published_at=datetime(2025, 1, 28, 8, 0, tzinfo=UTC))
    page = client.get(briefing.get_absolute_url()).content.decode()
    assert "28 January 2025, 13:30 IST" in page  # Asia/Kolkata, UTC+5:30
    assert 'datetime="2025-01-28T13:30:00+05:30"' in page


def test_a_briefing_offers_its_citation(client, make_briefing, public_address):
    briefing = make_briefing(
        title="Talks resume", slug="talks-resume", published_at=datetime(2025, 1, 28, 8, tzinfo=UTC)
    )
    page = client.get(briefing.get_absolute_url()).content.decode()
    citation = "Talks resume. Briefings, 28 January 2025. https://briefings.example.org/briefings/talks-resume/"
    assert f'id="cite-heading">Cite this briefing</h2><p>{citation}</p>' in page
    question = make_briefing(
        title="Will talks resume?", published_at=datetime(2025, 1, 28, tzinfo=UTC)
    )
    assert (
        "Will talks resume? Briefings," in client.get(question.get_absolute_url()).content.decode()
    )


def test_pages_link_a_print_stylesheet_that_hides_the_site_around_them(client, make_briefing):
    briefing = make_briefing()
    page = client.get(briefing.get_absolute_url()).content.decode()
    sheet = re.search(r'<link rel="stylesheet" href="([^"]+print[^"]*)" media="print">', page)
    css = b"".join(client.get(sheet.group(1))).decode()
    assert ".site-header nav" in css and "display: none" in css
    assert "@page" in css and ".citation" in css


def test_a_printed_page_carries_the_publications_name(client, make_briefing):
    """The print sheet hides the header's links and search, and keeps the name."""
    briefing = make_briefing()
    page = client.get(briefing.get_absolute_url()).content.decode()
    sheet = re.search(r'<link rel="stylesheet" href="([^"]+print[^"]*)" media="print">', page)
    css = b"".join(client.get(sheet.group(1))).decode()
    hidden = re.search(r"([^{}]*)\{\s*display: none !important", css).group(1)
    assert ".site-header nav" in hidden and ".site-header," not in hidden
    assert re.search(r"\.site-header \{ display: block", css)
    assert '<a class="site-name"' in page


# Typography and images


def test_bodies_get_typographic_quotes_and_dashes(make_briefing):
    briefing = make_briefing(body='He said "talks" -- and it\'s 1990--2000 --- or so.')
    assert "“talks” – and it’s 1990–2000 — or so." in briefing.body_html


def test_titles_and_standfirsts_get_the_same_typography_when_shown(client, make_briefing):
    briefing = make_briefing(
        title='India\'s "new" talks -- at last', standfirst="2025. It's <b>here</b>..."
    )
    page = client.get(briefing.get_absolute_url()).content.decode()
    assert "<h1>India’s “new” talks – at last</h1>" in page
    assert "2025. It’s &lt;b&gt;here&lt;/b&gt;…" in page, "plain text, never Markdown or HTML"
    home = client.get("/").content.decode()
    assert "India’s “new” talks – at last" in home
    data = json.loads(re.search(r'<script type="application/ld\+json">(.+?)</script>', page)[1])
    assert data["headline"] == briefing.title, "JSON-LD keeps the stored text"
    assert briefing.slug == Briefing.objects.get().slug


def test_caption_and_credit_are_apart_and_the_lead_image_comes_first(client, make_briefing):
    briefing = make_briefing(
        lead_image=image_upload(size=(1600, 1000)), lead_image_alt="A ridge",
        lead_image_caption="The road to the summit", lead_image_credit="Briefings photo desk",
    )  # fmt: skip
    page = client.get(briefing.get_absolute_url()).content.decode()
    assert (
        '<figcaption><span class="caption">The road to the summit</span>'
        '<span class="credit">Image: Briefings photo desk</span></figcaption>'
    ) in page
    assert re.search(r'<figure class="lead-image">\s*<img [^>]*fetchpriority="high"', page)
    older = datetime(2020, 1, 1, tzinfo=UTC)
    make_briefing(lead_image=image_upload(), lead_image_alt="Older", published_at=older)
    home = client.get("/").content.decode()
    assert 'fetchpriority="high"' in home  # the lead story's picture
    card_images = re.findall(r'<img class="card-image"[^>]*>', home)
    assert card_images and all('loading="lazy"' in image for image in card_images)


def test_demo_images_are_drawn_pictures_that_differ(db):
    first, again, other = (Image.open(generated_image(seed)) for seed in ("a", "a", "b"))
    assert first.tobytes() == again.tobytes() and first.tobytes() != other.tobytes()
    assert len(first.getcolors(maxcolors=1_000_000)) > 100  # shaded, not flat


# What public pages send


@pytest.fixture
def demo(db, make_briefing):
    call_command("load_demo", verbosity=0)
    for _ in range(12):
        make_briefing(tags=["border talks"])
    return Briefing.objects.published().filter(slug="from-kazan-to-beijing").get()


def public_pages(demo):
    return [
        "/", f"/?before={Briefing.objects.published()[13].pk}", demo.get_absolute_url(),
        "/tags/border-talks/", "/tags/border-talks+lac/", "/tags/", "/tags/?section=b",
        "/search/?q=talks", "/archive/", "/archive/2025/", "/archive/2025/1/",
        "/tags/border-talks/timeline/", "/corrections/", "/no-such-page/",
    ]  # fmt: skip


def test_public_pages_send_no_javascript(client, demo):
    for url in public_pages(demo):
        page = client.get(url).content.decode()
        scripts = re.findall(r"<script\b[^>]*>", page)
        assert all('type="application/ld+json"' in tag for tag in scripts), url
        assert not re.search(r"\son[a-z]+=", page), url  # no event handler attributes


def test_pages_weigh_at_most_30_kb_compressed(client, demo):
    css = b"".join(client.get("/static/briefings/site.css"))
    for url in public_pages(demo):
        html = client.get(url).content
        assert len(gzip.compress(html)) + len(gzip.compress(css)) <= PAGE_WEIGHT_LIMIT, url


def test_a_strict_content_security_policy_everywhere(client, admin_client, demo):
    for response in (client.get("/"), client.get(demo.get_absolute_url()),
                     admin_client.get("/admin/briefings/briefing/")):  # fmt: skip
        policy = response["Content-Security-Policy"]
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert "default-src 'none'" in policy and "script-src 'self'" in policy
        assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
        assert "camera=()" in response["Permissions-Policy"]
        assert "geolocation=()" in response["Permissions-Policy"]


def test_the_home_page_stands_when_its_newest_briefing_is_withdrawn_while_it_renders(
    client, make_briefing, monkeypatch
):
    """An editor's unpublish can land between the list's query and the lead's."""
    make_briefing(title="Older talks")
    newest = make_briefing(title="Withdrawn meanwhile", published_at=datetime.now(UTC))
    read_list = home_view.newest_first

    def list_then_withdraw(request):
        page = read_list(request)
        Briefing.objects.filter(pk=newest.pk).update(status=Status.DRAFT, published_at=None)
        return page

    monkeypatch.setattr(home_view, "newest_first", list_then_withdraw)
    response = client.get("/")
    assert response.status_code == 200
    assert "Older talks" in response.text


def test_a_lead_without_an_image_is_a_text_hero(client, make_briefing):
    make_briefing(title="Words only")
    assert '<article class="lead text-only"' in client.get("/").content.decode()
    css = b"".join(client.get("/static/briefings/site.css")).decode()
    assert ".lead.text-only { grid-template-columns: 1fr; }" in css


def test_demo_images_are_described_as_drawn(db):
    """The alt text says what each generated picture shows: its sky and its sun."""
    call_command("load_demo", stdout=io.StringIO())
    for briefing in Briefing.objects.all():
        alt = briefing.lead_image_alt
        assert alt.startswith("Illustration: 4 ridges of mountains"), alt
        image = Image.open(briefing.lead_image.path).convert("RGB")
        sky = image.getpixel((image.width // 2, 5))
        evening_or_dusk = "evening" in alt or "dusk" in alt
        assert (sky[2] < 160) == evening_or_dusk, (alt, sky)  # a dark sky is said to be
