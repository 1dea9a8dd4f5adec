"""No draft, briefing in review, scheduled or withdrawn briefing reaches the public.

The test follows the site's own links, as a reader or a crawler would: from the home
page, the sitemap, robots.txt and the feeds, plus every briefing's and every tag's
address, and searches for the hidden briefings' words. Every page it reaches must
answer without a server error and without a word of the hidden briefings.
"""

import re
from collections import deque
from datetime import timedelta
from html import unescape
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bench.page_kinds import PAGE_KINDS
from briefings import roles
from briefings.models import Briefing, Correction, Status, Tag
from tests.helpers import image_upload

MAX_PAGES = 600
SECRET = "zircon"  # in every hidden briefing, and in nothing public
# Every kind of page that names nothing the archive holds: the rest are reached from them.
START = [kind.address for kind in PAGE_KINDS.values() if "{" not in kind.address]
SKIPPED = ("/admin/", "/static/", "/media/")
LINK = re.compile(r"""(?:href|src)="([^"]+)"|<loc>([^<]+)</loc>|"(?:url|id|next)": "([^"]+)\"""")


@pytest.fixture
def newsroom(make_briefing, member, committed):
    """A public archive with authors, corrections and images, beside hidden briefings
    that share its tags and have tags of their own."""
    author = member(roles.WRITER, "meera")
    for number in range(30):
        public = make_briefing(
            title=f"Public {number}", tags=["India", f"Topic {number % 5}"], author=author,
            published_at=timezone.now() - timedelta(days=number * 20),
        )  # fmt: skip
    Correction.objects.create(briefing=public, text="A date was wrong.")
    make_briefing(title="Pictured", tags=["India"], lead_image=image_upload(), lead_image_alt="Map")
    hidden = {
        "draft": {"status": Status.DRAFT},
        "review": {"status": Status.IN_REVIEW},
        "scheduled": {"published_at": timezone.now() + timedelta(days=2)},
    }
    made = [
        make_briefing(
            title=f"Zircon {name}", slug=f"zircon-{name}", standfirst="Zircon standfirst.",
            body="Zircon body.", tags=["India", "Topic 1", f"Zircon topic {name}"],
            author=author, **fields,
        )
        for name, fields in hidden.items()
    ]  # fmt: skip
    withdrawn = make_briefing(
        title="Zircon withdrawn", slug="zircon-withdrawn", body="Zircon.", tags=["India", "Zircon"]
    )
    with committed():
        Briefing.objects.filter(pk=withdrawn.pk).unpublish()
    return made + [withdrawn]


def crawl(client, start):
    """Every page reached from `start` by the site's own links, at most MAX_PAGES:
    url -> (status, text)."""
    seen, queue, pages = set(start), deque(start), {}
    while queue and len(pages) < MAX_PAGES:
        url = queue.popleft()
        response = client.get(url)
        pages[url] = (response.status_code, text_of(response))
        if response.status_code in (301, 302):
            found = [response["Location"]]
        else:
            found = [next(filter(None, groups)) for groups in LINK.findall(pages[url][1])]
        for link in found:
            path = local_path(url, unescape(link))
            if path and path not in seen:
                seen.add(path)
                queue.append(path)
    return pages


def local_path(base, link):
    """The site's own path and query a link leads to, or None for anywhere else."""
    parts = urlsplit(urljoin("http://testserver" + base, link))
    if parts.hostname not in ("testserver", "briefings.example.org"):
        return None
    if parts.path.startswith(SKIPPED):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def without_echo(text, url):
    """The text without the address and query it was asked for, which a page may repeat
    (a 404 its own address, a search its words): they tell the asker nothing new."""
    parts = urlsplit(url)
    for asked in [
        parts.path,
        *(value for values in parse_qs(parts.query).values() for value in values),
    ]:
        text = text.replace(asked, "")
    return text


def text_of(response):
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def test_no_hidden_briefing_is_reachable(client, newsroom, member):
    editor = Client()
    editor.force_login(member(roles.EDITOR, "editor"))
    for briefing in newsroom:  # a preview by the newsroom must not leave a copy for the public
        preview = reverse("admin:briefings_briefing_preview", args=[briefing.pk])
        assert editor.get(preview).status_code == 200
        editor.get(briefing.get_absolute_url())  # and the public page asked by an editor
    start = [
        *START,
        *(briefing.get_absolute_url() for briefing in Briefing.objects.all()),
        *(tag.get_absolute_url() for tag in Tag.objects.all()),
        *(f"{tag.get_absolute_url()}timeline/" for tag in Tag.objects.all()),
        *(f"{tag.get_absolute_url()}feed/rss/" for tag in Tag.objects.all()),
        f"/search/?q={SECRET}", f"/search/?q={SECRET}+body", "/search/?q=standfirst",
        "/archive/",
    ]  # fmt: skip
    pages = crawl(client, start)
    assert len(pages) > 150, "the crawl reached the site's pages"
    reached = {url.split("?")[0] for url in pages}
    for expected in ["/archive/", "/corrections/", "/tags/", "/sitemap-briefings.xml"]:
        assert expected in reached, expected
    assert any(url.startswith("/authors/") for url in reached)
    assert any("/timeline/" in url for url in reached)
    assert any(url.startswith("/archive/") and url.count("/") == 4 for url in reached)
    for url, (status, text) in pages.items():
        assert status in (200, 301, 302, 404, 410), url
        assert SECRET not in without_echo(text, url).lower(), url
    for briefing in newsroom:
        assert pages[briefing.get_absolute_url()][0] == 404
