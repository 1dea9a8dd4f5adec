"""Every kind of public page is valid HTML, as judged by the Nu Html Checker."""

import json
import shutil
import subprocess

import pytest
from django.core.management import call_command

from tests.helpers import PROJECT, require_tool

pytestmark = pytest.mark.slow

VNU = PROJECT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
PAGES = {
    "home.html": "/",
    "home-older.html": "/?before={cursor}",
    "briefing.html": "/briefings/from-kazan-to-beijing/",
    "tag.html": "/tags/border-talks/",
    "filter.html": "/tags/border-talks+lac/",
    "tags.html": "/tags/",
    "tags-section.html": "/tags/?section=b",
    "more-topics.html": "/tags/border-talks/topics/",
    "no-match.html": "/tags/border-talks+connectivity+lac/",
    "not-found.html": "/no-such-page/",
    "search.html": "/search/?q=talks",
    "search-in-topic.html": "/search/?q=talks&tag=lac",
    "search-empty.html": "/search/",
    "search-nothing.html": "/search/?q=talks+zanzibar",
    "archive.html": "/archive/",
    "archive-year.html": "/archive/2025/",
    "archive-month.html": "/archive/2025/1/",
    "timeline.html": "/tags/border-talks/timeline/",
}


def test_public_pages_are_valid_html(client, db, tmp_path, make_briefing):
    java = require_tool(
        shutil.which("java"), "Java is not installed, so HTML validation is skipped."
    )
    require_tool(VNU.exists(), "vnu-jar is not installed: install Node.js and npm, then make test.")
    call_command("load_demo", verbosity=0)
    for _ in range(12):
        cursor = make_briefing(tags=["border talks"]).pk
    for name, url in PAGES.items():
        (tmp_path / name).write_bytes(client.get(url.format(cursor=cursor)).content)
    result = subprocess.run(
        [
            java,
            "-jar",
            str(VNU),
            "--errors-only",
            "--format",
            "json",
            *sorted(tmp_path.glob("*.html")),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    messages = json.loads(result.stderr)["messages"]
    assert [(m["url"].rsplit("/", 1)[-1], m["message"]) for m in messages] == []
