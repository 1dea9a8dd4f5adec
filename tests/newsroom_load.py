"""Editors and readers at once, against gunicorn: the harness of the concurrency tests.

A fresh database (a SQLite file, or a database of its own on the PostgreSQL server
that DATABASE_URL names), a small archive, editor accounts, then gunicorn with two
workers. Editors work through the admin as a browser would (the change form read,
changed and posted back, the tag admin's rename with another name, and merge; two
editors may give one name at once, and a briefing may be tagged with a name another
editor is giving); readers browse. Every
answer's status is counted. Runnable by hand, to see what the desk would see:

    .venv/bin/python -m tests.newsroom_load [--editors 5] [--rounds 8]
"""

import argparse
import itertools
import os
import random
import subprocess
import sys
import threading
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

import requests
from bs4 import BeautifulSoup

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from bench.run import bench_env, recreate_postgres_database, serve  # noqa: E402

PASSWORD = "Concurrent-editing-1"
BRIEFINGS = 6
TOPICS = ["India", "China", "SCO", "border talks", "trade", "visas", "Nepal", "energy", "Bharat"]
OTHER_NAMES = ["Bharat", "ШОС", "Zhongguo"]
SETUP = f"""
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from briefings import roles
User = get_user_model()
for n in range(int("{{editors}}")):
    user = User.objects.create_user(f"editor{{n}}", password="{PASSWORD}", is_staff=True,
                                    first_name=f"Editor {{n}}")
    user.groups.add(Group.objects.get(name=roles.EDITOR))
"""


def manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


@contextmanager
def newsroom_site(folder, editors):
    """A site with a small archive and `editors` Editor accounts, served by two workers;
    yields (env, port)."""
    server = os.environ.get("DATABASE_URL", "")
    if server.startswith("postgres"):
        database_url = recreate_postgres_database(server, "briefings_concurrency")
    else:
        database_url = f"sqlite:///{folder / 'site.sqlite3'}"
    env = bench_env(folder, database_url)
    for command in (
        ["migrate", "--noinput", "-v0"],
        ["collectstatic", "--noinput", "-v0"],
        ["generate_briefings", "--count", str(BRIEFINGS), "--tags", "8", "--images", "0"],
        ["shell", "-c", SETUP.replace("{editors}", str(editors))],
    ):
        done = manage(env, *command)
        assert done.returncode == 0, done.stderr
    with serve("site_config.wsgi", env, PROJECT) as port:
        yield env, port


class Desk:
    """Counts every answer by status; keeps what went wrong."""

    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}"
        self.statuses = Counter()
        self.failures = []
        self.saves = 0
        self.refusals_keeping_text = 0
        self.lock = threading.Lock()

    def note(self, what, response):
        with self.lock:
            self.statuses[response.status_code] += 1
            if response.status_code >= 500:
                self.failures.append(f"{what}: {response.status_code}")

    def editor(self, name):
        session = requests.Session()
        login = session.get(f"{self.base}/admin/login/", timeout=30)
        response = session.post(
            f"{self.base}/admin/login/",
            data={"username": name, "password": PASSWORD, "next": "/admin/",
                  "csrfmiddlewaretoken": login.cookies["csrftoken"]},
            timeout=30,
        )  # fmt: skip
        assert response.url.endswith("/admin/"), f"{name} could not log in"
        return session

    def briefing_ids(self, session):
        page = session.get(f"{self.base}/admin/briefings/briefing/?o=-6", timeout=30)
        soup = BeautifulSoup(page.text, "html.parser")
        return [int(box["value"]) for box in soup.select("input[name=_selected_action]")]

    def tag_ids(self, session):
        page = session.get(f"{self.base}/admin/briefings/tag/", timeout=30)
        soup = BeautifulSoup(page.text, "html.parser")
        return [int(box["value"]) for box in soup.select("input[name=_selected_action]")]

    def edit(self, session, path, form_id, change):
        """Open a change form, change some fields (a dict, or a function of the form's
        fields giving one), post it back; True if saved."""
        url = f"{self.base}{path}"
        opened = session.get(url, timeout=30, allow_redirects=False)
        self.note(f"GET {path}", opened)
        if opened.status_code != 200:
            return False  # a topic merged or deleted meanwhile redirects to the list
        fields = form_fields(opened.text, form_id)
        fields |= change(fields) if callable(change) else change
        fields["_save"] = "Save"
        saved = session.post(url, data=fields, timeout=60, allow_redirects=False)
        self.note(f"POST {path}", saved)
        if saved.status_code == 200 and "Someone else saved" in saved.text:
            if fields.get("title", "") in saved.text:
                with self.lock:
                    self.refusals_keeping_text += 1
        if saved.status_code == 302:
            with self.lock:
                self.saves += 1
        return saved.status_code == 302

    def merge(self, session, tag_ids):
        changelist = f"{self.base}/admin/briefings/tag/"
        response = session.post(
            changelist,
            data={"action": "merge_tags", "_selected_action": tag_ids, "index": 0, "post": "yes",
                  "csrfmiddlewaretoken": session.cookies["csrftoken"]},
            timeout=60, allow_redirects=False,
        )  # fmt: skip
        self.note("merge", response)

    def read(self, path):
        self.note(f"GET {path}", requests.get(f"{self.base}{path}", timeout=30))


def form_fields(html, form_id):
    """What a browser would send back for the form: every named field as shown."""
    form = BeautifulSoup(html, "html.parser").find("form", id=form_id)
    fields = {}
    for element in form.find_all(["input", "textarea", "select"]):
        name = element.get("name")
        if not name or element.get("type") in ("submit", "file"):
            continue
        if element.get("type") == "checkbox":
            if element.has_attr("checked"):
                fields[name] = element.get("value", "on")
        elif element.name == "textarea":
            fields[name] = element.text.removeprefix("\n")
        elif element.name == "select":
            chosen = element.find("option", selected=True)
            fields[name] = chosen["value"] if chosen else ""
        else:
            fields[name] = element.get("value", "")
    return fields


def renamed_with_other_name(name, other_name):
    """A change to a topic's form: a new name, and another name in the empty row of
    its other names (the one after those it has)."""

    def change(fields):
        return {"name": name, f"other_names-{fields['other_names-INITIAL_FORMS']}-name": other_name}

    return change


def editor_work(desk, name, rounds, seed):
    """Retitle, retag, publish and unpublish the same briefings; rename and merge topics."""
    rng = random.Random(seed)
    session = desk.editor(name)
    briefings = desk.briefing_ids(session)
    for n in range(rounds):
        pk = rng.choice(briefings)
        path = f"/admin/briefings/briefing/{pk}/change/"
        form = "briefing_form"
        operation = n % 5
        if operation == 0:
            desk.edit(session, path, form, {"title": f"{name} round {n}"})
        elif operation == 1:
            desk.edit(
                session, path, form, {"tags": ", ".join(rng.sample(TOPICS, rng.randint(1, 5)))}
            )
        elif operation == 2:
            desk.edit(session, path, form, {"status": "published"})
        elif operation == 3:
            desk.edit(session, path, form, {"status": "draft"})
        elif rng.random() < 0.5:
            tags = desk.tag_ids(session)
            if tags:
                tag_path = f"/admin/briefings/tag/{rng.choice(tags)}/change/"
                change = renamed_with_other_name(f"Topic {name} {n}", rng.choice(OTHER_NAMES))
                desk.edit(session, tag_path, "tag_form", change)
        else:
            tags = desk.tag_ids(session)
            if len(tags) > 3:
                desk.merge(session, rng.sample(tags, 2))


def reader_work(desk, rounds):
    for _ in range(rounds):
        for path in ("/", "/tags/", "/archive/", "/search/?q=talks"):
            desk.read(path)


def run_newsroom(port, editors, rounds, readers=2):
    """Editors and readers at once; returns the Desk with what they met (an editor or
    reader whose work broke off is a failure too)."""
    desk = Desk(port)

    def reported(work, *args):
        try:
            work(desk, *args)
        except Exception as error:  # the test fails on it, with what happened
            with desk.lock:
                desk.failures.append(f"{work.__name__}{args}: {error!r}")

    workers = [
        threading.Thread(target=reported, args=(editor_work, f"editor{n}", rounds, n))
        for n in range(editors)
    ] + [threading.Thread(target=reported, args=(reader_work, rounds)) for _ in range(readers)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=600)
    return desk


def main():
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--editors", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=10)
    options = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as folder,
        newsroom_site(Path(folder), options.editors) as (env, port),
    ):
        desk = run_newsroom(port, options.editors, options.rounds)
        saves = sum(count for status, count in desk.statuses.items())
        print(
            f"answers by status: {dict(sorted(desk.statuses.items()))} of {saves}; "
            f"{desk.saves} saves went through"
        )
        print(*itertools.islice(desk.failures, 10), sep="\n")
        check = manage(env, "rebuild_derived", "--check")
        print(
            "rebuild_derived --check:", check.returncode, check.stdout[-2000:], check.stderr[-500:]
        )


if __name__ == "__main__":
    main()
