"""Two real gunicorn workers with the default settings (no Redis) and the release runner
agree within seconds.

Each worker is a gunicorn of its own, so the test knows which one answers; both share
the SQLite database and, through it, the page versions. Changes are made by a third
process, as an editor's save in the admin would be. The test polls, at most every
0.1 s and within the deadline the issue sets, and fails past it.
"""

import json
import subprocess
import sys
import time
import urllib.request
from contextlib import ExitStack

import pytest

from bench.run import PROJECT, bench_env, serve

pytestmark = pytest.mark.slow

CONSISTENT_WITHIN = 2.0
SCHEDULED_WITHIN = 5.0


def manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT, env=env, check=True, capture_output=True, text=True, timeout=120,
    ).stdout  # fmt: skip


def run_django(env, code):
    return manage(env, "shell", "-c", code)


def page(port, path="/"):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
        return response.read().decode()


def seconds_until(condition, deadline):
    """Poll until condition() holds; the seconds it took, or None past the deadline."""
    started = time.monotonic()
    while time.monotonic() - started < deadline:
        if condition():
            return time.monotonic() - started
        time.sleep(0.1)
    return None


@pytest.fixture(scope="module")
def two_workers(tmp_path_factory):
    folder = tmp_path_factory.mktemp("workers")
    env = bench_env(folder, f"sqlite:///{folder / 'site.sqlite3'}")  # no REDIS_URL
    for command in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"]):
        manage(env, *command)
    manage(env, "generate_briefings", "--count", "30", "--tags", "5", "--images", "0")
    with ExitStack() as stack:
        ports = [stack.enter_context(serve("site_config.wsgi", env, PROJECT, workers=1))
                 for _ in range(2)]  # fmt: skip
        # Production brings scheduled briefings in with a runner, not in requests.
        runner = subprocess.Popen(
            [sys.executable, "manage.py", "release_due", "--loop", "--every", "0.5"],
            cwd=PROJECT, env=env, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        stack.callback(runner.wait, timeout=30)
        stack.callback(runner.terminate)
        yield env, ports


def on_every_worker(ports, path, text, present=True):
    return lambda: all((text in page(port, path)) == present for port in ports)


def test_a_publication_shows_on_every_worker_within_two_seconds(two_workers):
    env, ports = two_workers
    run_django(env, """
from briefings.models import Briefing, Status
Briefing.objects.create(title="Cross-worker news", slug="cross-worker", standfirst="S.",
                        body="B.", status=Status.DRAFT)
""")  # fmt: skip
    for port in ports:
        page(port), page(port)  # both workers hold the home page in their cache
    run_django(env, "from briefings.models import Briefing; "
                    "Briefing.objects.filter(slug='cross-worker').publish()")  # fmt: skip
    took = seconds_until(on_every_worker(ports, "/", "Cross-worker news"), CONSISTENT_WITHIN)
    assert took is not None, "the publication did not reach every worker within 2 s"

    run_django(env, """
from briefings.models import Briefing
briefing = Briefing.objects.get(slug="cross-worker")
briefing.title = "Cross-worker news, corrected"
briefing.save()
""")  # fmt: skip
    edited = on_every_worker(ports, "/briefings/cross-worker/", "news, corrected")
    assert seconds_until(edited, CONSISTENT_WITHIN) is not None

    run_django(env, "from briefings.models import Briefing; "
                    "Briefing.objects.filter(slug='cross-worker').unpublish()")  # fmt: skip
    gone = on_every_worker(ports, "/", "Cross-worker news", present=False)
    assert seconds_until(gone, CONSISTENT_WITHIN) is not None


def test_a_scheduled_briefing_appears_on_every_worker_within_five_seconds(two_workers):
    env, ports = two_workers
    for port in ports:
        page(port)
    due = json.loads(run_django(env, """
import json
from datetime import timedelta
from django.utils import timezone
from briefings.models import Briefing, Status
due = timezone.now() + timedelta(seconds=2)
Briefing.objects.create(title="Embargo lifted", slug="embargo", standfirst="S.", body="B.",
                        status=Status.PUBLISHED, published_at=due)
print(json.dumps(due.timestamp()))
""").strip().splitlines()[-1])  # fmt: skip
    for port in ports:
        assert "Embargo lifted" not in page(port)
    time.sleep(max(0.0, due - time.time()))  # the embargo itself is real time
    took = seconds_until(on_every_worker(ports, "/", "Embargo lifted"), SCHEDULED_WITHIN)
    assert took is not None, "the scheduled briefing was not on every worker within 5 s"
