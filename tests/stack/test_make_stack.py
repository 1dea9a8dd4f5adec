"""`make stack` (deploy/stack.py): every part comes up and answers, stack.json says where,
a crashed part comes back and stack.json follows, Ctrl-C stops everything and keeps the
data, which the next start serves again."""

import io
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import requests
from PIL import Image

from deploy import stack
from tests.helpers import require_tool

pytestmark = pytest.mark.slow
PROJECT = Path(__file__).resolve().parents[2]


def free_run_of_ports(count=8):
    for _ in range(50):
        # Below the ephemeral range (32768 and up on Linux): a port free now must not be
        # taken by an outgoing connection before the part that binds it starts.
        first = random.randrange(20_000, 32_000)
        try:
            for port in range(first, first + count):
                with socket.socket() as probe:
                    probe.bind(("127.0.0.1", port))
            return first
        except OSError:
            continue
    raise AssertionError("no free run of ports")


def read(url):
    with urllib.request.urlopen(url, timeout=10) as answer:
        return answer.status, answer.headers, answer.read().decode(errors="replace")


def answers(url):
    try:
        return read(url)[0] == 200
    except OSError:
        return False


class RunningStack:
    def __init__(self, folder, first_port):
        self.folder, self.first_port = folder, first_port
        self.described = folder / "stack.json"

    def start(self):
        env = {key: value for key, value in os.environ.items()
               if not key.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))}  # fmt: skip
        env |= {"BRIEFINGS_STACK_DIR": str(self.folder),
                "BRIEFINGS_STACK_PORT": str(self.first_port)}  # fmt: skip
        self.process = subprocess.Popen(
            [sys.executable, "deploy/stack.py"], cwd=PROJECT, env=env,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        deadline = time.monotonic() + 180
        while not self.described.exists():
            assert self.process.poll() is None, self.process.stdout.read()
            assert time.monotonic() < deadline, "the stack did not come up in 180 s"
            time.sleep(0.5)
        return json.loads(self.described.read_text())

    def database_pid(self):
        return json.loads(self.described.read_text())["database"]["pid"]

    def stop(self):
        self.process.send_signal(signal.SIGINT)
        output, _ = self.process.communicate(timeout=90)
        return self.process.returncode, output


@pytest.fixture
def stack_folder(tmp_path):
    for tool in ("varnishd", "redis-server"):
        require_tool(shutil.which(tool), f"{tool} is needed: make stack installs it")
    folder = tmp_path / "stack"
    yield folder
    shutil.rmtree(stack.database_folder(folder.resolve()).parent, ignore_errors=True)


def test_the_stack_comes_up_restarts_a_crashed_part_and_keeps_its_data(stack_folder):
    running = RunningStack(stack_folder, free_run_of_ports())
    described = running.start()
    try:
        assert set(described) == {"public", "nodes", "proxy", "database", "redis", "storage",
                                  "env_file"}  # fmt: skip
        status, headers, home = read(described["public"])
        assert status == 200 and headers["Cache-Control"].startswith("public")
        image = home.split('src="' + described["storage"]["endpoint"])[1].split('"')[0]
        assert read(described["storage"]["endpoint"] + image)[0] == 200, "images from the store"
        for node in described["nodes"]:
            assert json.loads(read(node["url"] + "readyz")[2])["ready"] is True
            assert "django_http_requests_total_by_method_total" in read(node["url"] + "metrics")[2]
        an_upload_on_one_node_is_served_to_readers_by_the_other(running, described)
        the_proxy_logs_every_request_and_the_nodes_the_slow_and_failed(running, described)
        crashed = described["nodes"][0]["pid"]
        os.kill(crashed, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while json.loads(running.described.read_text())["nodes"][0]["pid"] in (crashed, None):
            assert time.monotonic() < deadline, "the node did not come back"
            time.sleep(0.5)
        while not answers(described["nodes"][0]["url"] + "healthz"):
            assert time.monotonic() < deadline, "the node came back but does not answer"
            time.sleep(0.5)
        survives_a_database_restart_and_a_stopped_store(running, described)
    finally:
        returncode, output = running.stop()
    assert returncode == 0, output
    assert not running.described.exists()

    again = running.start()
    try:
        status, headers, home_again = read(again["public"])
        assert status == 200 and image in home_again, "the same briefings and images"
        assert read(again["storage"]["endpoint"] + image)[0] == 200
    finally:
        running.stop()


def the_proxy_logs_every_request_and_the_nodes_the_slow_and_failed(running, described):
    logs = running.folder / "logs"
    for attempt in ("first", "second"):  # a miss, then an answer from the proxy's copy
        asked = urllib.request.Request(
            described["public"] + "tags/", headers={"X-Request-ID": f"stack-check-{attempt}"}
        )
        with urllib.request.urlopen(asked, timeout=10) as answer:
            assert answer.headers["X-Request-ID"] == f"stack-check-{attempt}"
    deadline = time.monotonic() + 10
    while True:
        lines = [json.loads(line) for line in (logs / "access.log").read_text().splitlines()
                 if line.startswith("{")]  # fmt: skip
        logged = {line["request_id"]: line for line in lines}
        if "stack-check-second" in logged or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    assert logged["stack-check-first"]["url"] == "/tags/"
    assert logged["stack-check-first"]["status"] == 200
    assert logged["stack-check-second"]["cache"] == "hit"
    node_logs = "".join((logs / f"{node}.log").read_text() for node in ("node1", "node2"))
    assert '"message":"request"' not in node_logs, "the nodes log every request again"


def logged_in(node, accounts_file):
    """A session on one node, as the demo admin whose password the stack made."""
    line = next(line for line in accounts_file.read_text().splitlines() if "demo-admin" in line)
    username, password = line.split(": ")[1].split(" / ")
    session = requests.Session()
    session.get(node + "admin/login/", timeout=10)
    answer = session.post(node + "admin/login/", timeout=10, data={
        "username": username, "password": password,
        "csrfmiddlewaretoken": session.cookies["csrftoken"], "next": "/admin/",
    })  # fmt: skip
    assert answer.url.endswith("/admin/"), "logged in"
    return session


def an_upload_on_one_node_is_served_to_readers_by_the_other(running, described):
    """An editor uploads through the first node's admin; the second node, sharing nothing
    with it but the services, shows the picture to readers from the object store."""
    uploading, serving = (node["url"] for node in described["nodes"])
    session = logged_in(uploading, running.folder / "demo-accounts")
    add = uploading + "admin/briefings/libraryimage/add/"
    session.get(add, timeout=10)
    picture = io.BytesIO()
    Image.new("RGB", (1600, 900), (40, 90, 160)).save(picture, "PNG")
    answer = session.post(add, timeout=30, data={
        "title": "Stack upload", "alt": "A blue field", "caption": "", "credit": "Desk",
        "csrfmiddlewaretoken": session.cookies["csrftoken"],
    }, files={"file": ("blue.png", picture.getvalue(), "image/png")})  # fmt: skip
    assert answer.status_code == 200 and "was added successfully" in answer.text, answer.text
    assert not list(running.folder.glob("node*/**/blue*")), "nothing on the node's disk"
    env = {
        key: value.strip("'")
        for key, value in (
            line.split("=", 1) for line in Path(described["env_file"]).read_text().splitlines()
        )
    }
    shown_in = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c",
         "from briefings.models import Briefing, LibraryImage\n"
         "image = LibraryImage.objects.get(title='Stack upload')\n"
         "briefing = Briefing.objects.published().latest('published_at')\n"
         "briefing.body += '\\n\\n' + image.markdown + '\\n'\n"
         "briefing.save()\n"
         "print(briefing.get_absolute_url())"],
        cwd=PROJECT, env=os.environ | env, check=True, capture_output=True, text=True,
    ).stdout.splitlines()[-1]  # fmt: skip
    shown = read(serving + shown_in.lstrip("/"))[2]
    figure = shown.split('alt="A blue field"')[0].rsplit("<img", 1)[1]
    source = re.search(r'src="([^"]+)"', figure)[1]
    assert source.startswith(described["storage"]["endpoint"]), source
    status, headers, _ = read(source)
    assert status == 200 and headers["Content-Type"].startswith("image/")


def status_of(url):
    try:
        return read(url)[0]
    except urllib.error.HTTPError as error:
        return error.code


def survives_a_database_restart_and_a_stopped_store(running, described):
    """PostgreSQL restarted: pages the proxy holds answer, the rest a clean 503, never a
    500, and once it is back the nodes answer again. The object store stopped: pages
    still answer."""
    public, node = described["public"], described["nodes"][1]["url"]
    uncached = node + "tags/?section=b"  # asked of a node: nothing holds it
    assert read(public)[0] == 200
    postmaster = running.database_pid()
    os.kill(postmaster, signal.SIGINT)  # a fast shutdown; supervisord starts it again
    seen, deadline = set(), time.monotonic() + 60
    while running.database_pid() in (postmaster, None) or status_of(uncached) != 200:
        seen |= {status_of(uncached)}
        assert read(public)[0] == 200, "held by the proxy"
        assert time.monotonic() < deadline, "the nodes did not come back to the database"
        time.sleep(0.2)
    assert seen <= {200, 503}, f"a clean 503 while it restarts, never a 500: {seen}"
    store = described["storage"]["pid"]
    os.kill(store, signal.SIGSTOP)
    try:
        assert read(public)[0] == 200 and status_of(uncached) == 200
    finally:
        os.kill(store, signal.SIGCONT)
