"""Every kind of public page is valid HTML, as judged by the Nu Html Checker."""

import json
import shutil
import subprocess

import pytest
from django.core.management import call_command

from bench.page_kinds import DEMO, addresses
from briefings.models import Briefing
from tests.helpers import PROJECT, require_tool

pytestmark = pytest.mark.slow

VNU = PROJECT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def test_public_pages_are_valid_html(client, db, tmp_path, make_briefing):
    java = require_tool(
        shutil.which("java"), "Java is not installed, so HTML validation is skipped."
    )
    require_tool(VNU.exists(), "vnu-jar is not installed: install Node.js and npm, then make test.")
    call_command("load_demo", verbosity=0)
    for _ in range(12):
        cursor = make_briefing(tags=["border talks"]).pk
    author = Briefing.objects.get(slug=DEMO["briefing"]).author_id
    pages = addresses(html_only=True, **DEMO, cursor=cursor, author=author)
    for name, url in pages.items():
        (tmp_path / f"{name}.html").write_bytes(client.get(url).content)
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
