"""What search engines and link previews read: canonical links, OpenGraph, JSON-LD."""

import extruct
import pytest
from django.utils import timezone

from tests.helpers import image_upload


def metadata(client, url, public_address):
    html = client.get(url).content.decode()
    found = extruct.extract(
        html, base_url=public_address + url, syntaxes=["json-ld", "opengraph"], uniform=True
    )
    return html, found


@pytest.fixture
def briefing(make_briefing, member):
    return make_briefing(
        title="Talks resume", standfirst="Both sides met.", tags=["SCO", "India"],
        author=member("Writer", "meera"), lead_image=image_upload(size=(1600, 1000)),
        lead_image_alt="A map",
        revised_at=timezone.now(),
    )  # fmt: skip


def test_a_briefing_page_carries_news_article_data(client, briefing, public_address):
    html, found = metadata(client, briefing.get_absolute_url(), public_address)
    (article,) = found["json-ld"]
    url = f"{public_address}{briefing.get_absolute_url()}"
    assert article["@type"] == "NewsArticle"
    assert (article["headline"], article["description"]) == ("Talks resume", "Both sides met.")
    assert article["url"] == url and article["author"]["name"] == "Meera Smith"
    assert article["datePublished"] == briefing.published_at.isoformat()
    assert article["dateModified"] == briefing.revised_at.isoformat()
    assert sorted(article["keywords"]) == ["India", "SCO"]
    assert sorted(thing["name"] for thing in article["about"]) == ["India", "SCO"]
    assert article["image"][0].startswith(f"{public_address}/media/")
    assert f'<link rel="canonical" href="{url}">' in html


def test_a_briefing_page_previews_with_its_title_text_and_image(client, briefing, public_address):
    _, found = metadata(client, briefing.get_absolute_url(), public_address)
    (preview,) = found["opengraph"]
    assert preview["@type"] == "article" and preview["og:title"] == "Talks resume"
    assert preview["og:description"] == "Both sides met."
    preview_image = briefing.renditions["preview"][0]
    assert preview["og:image"] == f"{public_address}/media/{preview_image['name']}"
    assert (preview["og:image:width"], preview["og:image:height"]) == ("1200", "630")
    assert preview["og:image:alt"] == "A map"


@pytest.mark.parametrize("url", ["/", "/tags/", "/tags/sco/", "/corrections/"])
def test_every_page_has_a_canonical_address_description_and_preview(
    client, briefing, public_address, url
):
    html, found = metadata(client, url, public_address)
    assert f'<link rel="canonical" href="{public_address}{url}">' in html
    assert '<meta name="description" content="' in html
    (preview,) = found["opengraph"]
    assert preview["og:url"] == f"{public_address}{url}" and preview["og:title"]
    assert '<link rel="icon" href="/static/briefings/favicon.svg"' in html
    assert "briefings/site.webmanifest" in html


def test_the_icon_and_manifest_are_served(client, db):
    for name in ["favicon.svg", "site.webmanifest"]:
        response = client.get(f"/static/briefings/{name}")
        assert response.status_code == 200, name
    assert b'"start_url": "/"' in b"".join(client.get("/static/briefings/site.webmanifest"))
    assert client.get("/favicon.ico")["Location"] == "/static/briefings/favicon.svg"
