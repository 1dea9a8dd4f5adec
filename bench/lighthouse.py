"""Lighthouse scores and page weights of every public page type, on the demo content.

    .venv/bin/python bench/lighthouse.py            # needs npm ci (lighthouse) and chromium

Serves the demo briefings and 200 generated ones with production settings under
gunicorn, runs Lighthouse (Node, from node_modules) with its mobile and desktop presets
against each page type in headless Chromium, and prints the four category scores and
the page's HTML and CSS weight, gzip-compressed. Traffic goes to 127.0.0.1 only.
"""

import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

from run import PROJECT, bench_env, manage, serve

from bench.page_kinds import DEMO, addresses

LIGHTHOUSE = PROJECT / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
ATTEMPTS = 3
CHROMIUM_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
    "--disable-background-networking --disable-component-update --disable-sync"
)
FIND_VALUES = """
import json
from briefings.models import Briefing
newest = Briefing.objects.published().order_by("-published_at", "-pk")
print(json.dumps({"cursor": newest[40].pk}))
"""
AUDITED = [
    "home", "deep home", "briefing", "tag", "two-tag filter", "tags index", "search",
    "archive", "archive month", "timeline",
]  # fmt: skip


def main():
    only = set(sys.argv[1:])  # page names to audit, all if none
    if not LIGHTHOUSE.exists() or not shutil.which("chromium"):
        sys.exit(
            "Lighthouse needs npm ci (make node-tools) and chromium (apt-get install chromium)"
        )
    with tempfile.TemporaryDirectory(prefix="briefings-lighthouse-") as folder:
        folder = Path(folder)
        env = bench_env(folder, f"sqlite:///{folder / 'site.sqlite3'}", page_cache_seconds="60")
        for command in (
            ["migrate", "--noinput", "-v0"],
            ["collectstatic", "--noinput", "-v0"],
            ["load_demo"],
            ["generate_briefings", "--count", "200", "--tags", "40", "--images", "4"],
        ):
            manage(env, *command)
        found = json.loads(manage(env, "shell", "-c", FIND_VALUES).strip().splitlines()[-1])
        pages = addresses(AUDITED, **DEMO, **found)
        with serve("bench.media_wsgi", env, PROJECT) as port:
            origin = f"http://127.0.0.1:{port}"
            chosen = {name: path for name, path in pages.items() if not only or name in only}
            rows = [(name, *audit(origin + path)) for name, path in chosen.items()]
    print(f"\n{'page':<16}{'preset':>8}" + "".join(f"{c[:11]:>12}" for c in CATEGORIES)
          + f"{'HTML+CSS KB gz':>16}")  # fmt: skip
    for name, scores, weight in rows:
        for preset, by_category in scores.items():
            cells = "".join(f"{by_category[category]:>12}" for category in CATEGORIES)
            print(f"{name:<16}{preset:>8}{cells}{weight:>16.1f}")


def audit(url):
    """({preset: {category: score}}, HTML and CSS gzip-compressed in KB) for one page."""
    scores = {}
    for preset in ("mobile", "desktop"):
        command = [
            str(LIGHTHOUSE), url, "--quiet", "--output=json", "--output-path=stdout",
            f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={CHROMIUM_FLAGS}",
            *(["--preset=desktop"] if preset == "desktop" else []),
        ]  # fmt: skip
        for _ in range(ATTEMPTS):  # Lighthouse now and then fails to record a trace
            run = subprocess.run(
                command, capture_output=True, text=True, timeout=180,
                env={**os.environ, "CHROME_PATH": shutil.which("chromium")},
            )  # fmt: skip
            if not run.returncode:
                break
        if run.returncode:
            sys.exit(f"Lighthouse failed on {url} ({preset}):\n{run.stderr[-2000:]}")
        report = json.loads(run.stdout)
        scores[preset] = {
            category: round(100 * (report["categories"][category]["score"] or 0))
            for category in CATEGORIES
        }
        failed = sorted(failed_audits(report))
        if failed:
            print(f"{url} ({preset}) falls short on: {', '.join(failed)}", flush=True)
    return scores, compressed_weight(url)


def failed_audits(report):
    """The scored audits of the four categories that did not pass in full."""
    for category in CATEGORIES:
        for reference in report["categories"][category]["auditRefs"]:
            score = report["audits"][reference["id"]]["score"]
            if reference["weight"] and score is not None and score < 1:
                yield reference["id"]


def compressed_weight(url):
    """The page's HTML and its stylesheets (not the print one), gzip-compressed, in KB."""
    html = urllib.request.urlopen(url, timeout=10).read()
    total = len(gzip.compress(html))
    origin = url.split("/", 3)[:3]
    for sheet in set(re.findall(rb'<link rel="stylesheet" href="([^"]+)">', html)):
        css = urllib.request.urlopen("/".join(origin) + sheet.decode(), timeout=10).read()
        total += len(gzip.compress(css))
    return total / 1024


if __name__ == "__main__":
    main()
