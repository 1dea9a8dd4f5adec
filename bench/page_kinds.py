"""Every kind of public page, by name: the one list the tests, the draft-leak crawl,
bench/run.py and bench/lighthouse.py take their pages from.

Each kind is an address with blanks ({tag}, {briefing}, …) that the user fills from its
own data; DEMO fills them from the demo briefings (`manage.py load_demo`).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class PageKind:
    address: str  # with {blanks}
    html: bool = True  # False for feeds, sitemaps and robots.txt
    status: int = 200  # what it answers when its blanks are filled right


PAGE_KINDS = {
    "home": PageKind("/"),
    "deep home": PageKind("/?before={cursor}"),
    "briefing": PageKind("/briefings/{briefing}/"),
    "tag": PageKind("/tags/{tag}/"),
    "two-tag filter": PageKind("/tags/{two_tags}/"),
    "no-match filter": PageKind("/tags/{no_match}/", status=404),
    "more topics": PageKind("/tags/{tag}/topics/"),
    "tags index": PageKind("/tags/"),
    "tags index section": PageKind("/tags/?section={initial}"),
    "timeline": PageKind("/tags/{tag}/timeline/"),
    "search": PageKind("/search/?q={word}"),
    "search in topic": PageKind("/search/?q={word}&tag={tag}"),
    "search help": PageKind("/search/"),
    "search finding nothing": PageKind("/search/?q={word}+zanzibar"),
    "archive": PageKind("/archive/"),
    "archive year": PageKind("/archive/{year}/"),
    "archive month": PageKind("/archive/{year}/{month}/"),
    "author": PageKind("/authors/{author}/"),
    "corrections": PageKind("/corrections/"),
    "follow": PageKind("/follow/"),
    "follow topic": PageKind("/tags/{tag}/follow/"),
    "not found": PageKind("/no-such-page/", status=404),
    "site RSS": PageKind("/feed/rss/", html=False),
    "site Atom": PageKind("/feed/atom/", html=False),
    "site JSON feed": PageKind("/feed.json", html=False),
    "topic RSS": PageKind("/tags/{tag}/feed/rss/", html=False),
    "topic Atom": PageKind("/tags/{tag}/feed/atom/", html=False),
    "topic JSON feed": PageKind("/tags/{tag}/feed.json", html=False),
    "sitemap": PageKind("/sitemap.xml", html=False),
    "sitemap of briefings": PageKind("/sitemap-briefings.xml", html=False),
    "sitemap of topics": PageKind("/sitemap-topics.xml", html=False),
    "robots.txt": PageKind("/robots.txt", html=False),
    "API briefings": PageKind("/api/v1/briefings/", html=False),
    "API one topic": PageKind("/api/v1/briefings/?topics={tag}", html=False),
    "API two topics": PageKind("/api/v1/briefings/?topics={two_topics}", html=False),
    "API search": PageKind("/api/v1/briefings/?q={word}", html=False),
    "API briefing": PageKind("/api/v1/briefings/{briefing}/", html=False),
    "API topics": PageKind("/api/v1/topics/", html=False),
    "API topic": PageKind("/api/v1/topics/{tag}/", html=False),
    "API schema": PageKind("/api/v1/openapi.json", html=False),
    "API documentation": PageKind("/api/v1/docs/", html=False),  # django-ninja's page
}

# The demo briefings' values; `cursor` and `author` are ids, found at run time.
DEMO = {
    "briefing": "from-kazan-to-beijing",
    "tag": "border-talks",
    "two_tags": "border-talks+lac",
    "two_topics": "border-talks,lac",
    "no_match": "border-talks+connectivity+lac",
    "initial": "b",
    "word": "talks",
    "year": 2025,
    "month": 1,
}


def addresses(names=None, html_only=False, **values):
    """{name: address} for these kinds (all, by default), blanks filled from `values`."""
    chosen = PAGE_KINDS if names is None else {name: PAGE_KINDS[name] for name in names}
    return {
        name: kind.address.format(**values)
        for name, kind in chosen.items()
        if kind.html or not html_only
    }


def address(name, **values):
    """The address of one kind of page, blanks filled from `values`."""
    return PAGE_KINDS[name].address.format(**values)
