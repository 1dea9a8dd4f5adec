"""Every address the README gives as an example shows briefings from the demo content."""

import re

from django.core.management import call_command

from tests.helpers import PROJECT

NOT_PAGES = ("/admin/", "/media/")  # the editors' side, and where uploads live
BRIEFING_LINK = re.compile(rb'(href="|//127\.0\.0\.1:8000)/briefings/[\w-]+/')  # the public address


def readme_examples():
    paths = re.findall(r"`(/[^`\s]*)`", (PROJECT / "README.md").read_text())
    return sorted(
        {path for path in paths if not re.search(r"[<…]", path) and not path.startswith(NOT_PAGES)}
    )


def test_the_readme_gives_examples():
    assert {"/tags/border-talks+lac/", "/archive/2025/1/", "/feed/rss/"} <= set(readme_examples())


def test_each_readme_example_shows_demo_briefings(client, db):
    call_command("load_demo", verbosity=0)
    for path in readme_examples():
        response = client.get(path, follow=True)
        assert response.status_code == 200, path
        content = b"".join(response) if response.streaming else response.content
        if re.match(r"/(tags/[^/]+/|archive/\d+/\d+/|feed)|/search/\?q=\w", path):
            assert BRIEFING_LINK.search(content), f"{path} shows no briefing"
