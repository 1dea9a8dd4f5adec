"""sitemap.xml and robots.txt: public briefings and topics, at the site's public address."""

import xml.etree.ElementTree as ET
from datetime import timedelta

from django.utils import timezone

from briefings.models import Status

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def locations(response):
    assert response.status_code == 200
    return [element.text for element in ET.fromstring(response.content).iterfind(".//s:loc", NS)]


def test_robots_names_the_sitemap_and_keeps_crawlers_out_of_admin_and_search(
    db, client, public_address
):
    text = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/\nDisallow: /search/\n" in text
    assert f"Sitemap: {public_address}/sitemap.xml" in text


def test_the_sitemap_lists_public_briefings_and_topics_at_the_public_address(
    client, make_briefing, public_address
):
    out = make_briefing(slug="out", tags=["SCO"])
    make_briefing(slug="draft", status=Status.DRAFT, tags=["Secret"])
    make_briefing(slug="later", published_at=timezone.now() + timedelta(days=1), tags=["Soon"])
    sections = locations(client.get("/sitemap.xml"))
    assert sections == [f"{public_address}/sitemap-briefings.xml",
                        f"{public_address}/sitemap-topics.xml"]  # fmt: skip
    assert locations(client.get("/sitemap-briefings.xml")) == [
        f"{public_address}{out.get_absolute_url()}"
    ]
    assert locations(client.get("/sitemap-topics.xml")) == [f"{public_address}/tags/sco/"]
    assert b"example.com" not in client.get("/sitemap-briefings.xml").content.replace(
        b"briefings.example.org", b""
    )


def test_a_briefings_lastmod_moves_only_with_a_substantive_update(
    client, make_briefing, django_capture_on_commit_callbacks
):
    briefing = make_briefing(published_at=timezone.now() - timedelta(days=3))
    went_out = f"<lastmod>{timezone.localtime(briefing.published_at).date().isoformat()}"
    with django_capture_on_commit_callbacks(execute=True):
        briefing.body = "A small fix."
        briefing.save()
    assert went_out in client.get("/sitemap-briefings.xml").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        briefing.revised_at = timezone.now()
        briefing.save()
    updated = client.get("/sitemap-briefings.xml").content.decode()
    assert f"<lastmod>{timezone.localdate().isoformat()}" in updated


def test_sections_are_split_into_pages_and_bad_pages_are_not_found(
    client, make_briefing, monkeypatch
):
    monkeypatch.setattr("briefings.sitemaps.BriefingSitemap.limit", 2)
    for _ in range(5):
        make_briefing()
    index = locations(client.get("/sitemap.xml"))
    assert [url.split("/")[-1] for url in index][:3] == [
        "sitemap-briefings.xml", "sitemap-briefings.xml?p=2", "sitemap-briefings.xml?p=3",
    ]  # fmt: skip
    assert len(locations(client.get("/sitemap-briefings.xml", {"p": "3"}))) == 1
    for page in ["99", "x", "0", "1" * 30]:
        assert client.get("/sitemap-briefings.xml", {"p": page}).status_code == 404, page
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_links_come_from_the_public_address_whatever_host_a_request_names(
    client, settings, make_briefing
):
    assert settings.SITE_URL == "http://127.0.0.1:8000", "the development default"
    settings.ALLOWED_HOSTS = ["127.0.0.1", "elsewhere.example"]
    make_briefing()
    for url in ["/", "/robots.txt", "/sitemap.xml", "/feed/rss/", "/feed.json"]:
        body = client.get(url, HTTP_HOST="elsewhere.example").content.decode()
        assert "http://127.0.0.1:8000/" in body and "elsewhere.example" not in body, url
