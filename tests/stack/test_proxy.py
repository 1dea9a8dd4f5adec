"""Two gunicorn nodes behind Varnish with xkey, as deploy/ sets them up: purges show an
edit at once and leave the rest cached, cookies change nothing on public pages, the
admin passes, a dead node is taken out, and the last good copy outlives every node."""

import gzip
import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bench.run import free_port
from deploy.nodes import varnish_command
from tests.helpers import require_tool, wait_until_answering

pytestmark = pytest.mark.slow

PROJECT = Path(__file__).resolve().parents[2]
PYTHON = str(Path(sys.executable))
TOKEN = "stacktesttoken42"


class Stack:
    def __init__(self, folder):
        self.folder = folder
        self.proxy_port = free_port()
        self.node_ports = [free_port(), free_port()]
        self.after_tls_port = free_port()
        self.proxy = f"http://127.0.0.1:{self.proxy_port}"
        self.env = {
            key: value for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))
        } | {
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "stack-test-" + "k" * 50,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SITE_URL": self.proxy,
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_SECURE_COOKIES": "0",
            "DJANGO_HSTS_SECONDS": "0",
            "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
            "DJANGO_STATIC_ROOT": str(folder / "static"),
            "DJANGO_MEDIA_ROOT": str(folder / "media"),
            "DJANGO_TRUSTED_PROXIES": "127.0.0.1",
            "DJANGO_PROXY_PURGE_URLS": self.proxy + "/",
            "DJANGO_PROXY_PURGE_TOKEN": TOKEN,
            "DJANGO_RATE_LIMITS": "0",
        }  # fmt: skip
        self.nodes = {}

    def manage(self, *command):
        return subprocess.run(
            [PYTHON, "manage.py", *command], cwd=PROJECT, env=self.env,
            check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip

    def start_node(self, port):
        self.nodes[port] = subprocess.Popen(
            [str(Path(PYTHON).parent / "gunicorn"), "-c", "deploy/gunicorn.conf.py"],
            cwd=PROJECT, env=self.env | {"GUNICORN_BIND": f"127.0.0.1:{port}"},
            stderr=subprocess.DEVNULL, start_new_session=True,  # its workers with it
        )  # fmt: skip
        wait_until_answering(f"http://127.0.0.1:{port}/healthz")

    def start(self):
        self.manage("migrate", "--noinput")
        self.manage("collectstatic", "--noinput")
        self.manage("load_demo")
        for port in self.node_ports:
            self.start_node(port)
        command = varnish_command(
            self.folder / "varnish", f"127.0.0.1:{self.proxy_port}",
            f"127.0.0.1:{free_port()}", [f"127.0.0.1:{port}" for port in self.node_ports], TOKEN,
            listen_after_tls=f"127.0.0.1:{self.after_tls_port}",
        )  # fmt: skip
        self.varnish = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        wait_until_answering(self.proxy + "/")
        time.sleep(2.5)  # both nodes probed healthy

    def objects_held(self):
        """How many objects Varnish holds now."""
        counters = subprocess.run(
            ["varnishstat", "-n", str(self.folder / "varnish" / "work"), "-1", "-j",
             "-f", "MAIN.n_object"], check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip
        return json.loads(counters)["counters"]["MAIN.n_object"]["value"]

    def signal_node(self, port, sent):
        """Send a signal to a node's master and workers."""
        os.killpg(self.nodes[port].pid, sent)

    def stop(self):
        for port, process in self.nodes.items():
            if process.poll() is None:
                self.signal_node(port, signal.SIGCONT)
                process.terminate()
                process.wait(timeout=30)
        self.varnish.terminate()
        self.varnish.wait(timeout=30)

    def get(self, path, opener=None, **headers):
        """(status, headers, body) of a GET through the proxy."""
        request = urllib.request.Request(self.proxy + path, headers=headers)
        try:
            with (opener or urllib.request.build_opener()).open(request, timeout=10) as answer:
                return answer.status, answer.headers, answer.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()

    def request(self, method, path, **headers):
        request = urllib.request.Request(self.proxy + path, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return answer.status
        except urllib.error.HTTPError as error:
            return error.code

    def edit(self, statement):
        """Run Python against the stack's database, as an editor's save would."""
        self.manage("shell", "-c", "from briefings.models import *\n" + statement)


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    require_tool(shutil.which("varnishd"), "Varnish is needed: apt install varnish varnish-modules")
    stack = Stack(tmp_path_factory.mktemp("stack"))
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()


def briefing_paths(stack):
    home = stack.get("/")[2]
    return re.findall(r'href="(/briefings/[^"/]+/)"', home)


def test_public_pages_are_cached_and_a_purge_shows_an_edit_leaving_the_rest_cached(stack):
    edited = briefing_paths(stack)[0]
    for path in (edited, "/tags/", edited, "/tags/"):
        stack.get(path)
    assert stack.get(edited)[1]["X-Cache"] == "hit"
    slug = edited.split("/")[2]
    stack.edit(
        f"b = Briefing.objects.get(slug={slug!r}); b.title = 'Edited through the stack'; b.save()"
    )
    status, headers, body = stack.get(edited)
    assert "Edited through the stack" in body, "purged as the save committed"
    assert "xkey" not in headers, "the keys stay between the nodes and the proxy"
    assert stack.get("/tags/")[1]["X-Cache"] == "hit", "a page the edit does not touch"


def test_the_api_keeps_its_filters_through_the_proxy_and_an_edit_purges_it(stack):
    path = "/api/v1/briefings/?topics=sco&page_size=1&utm_source=x"
    status, headers, body = stack.get(path)
    first = json.loads(body)["results"]
    assert status == 200 and len(first) == 1, "page_size reached the node"
    assert "sco" in [topic["slug"] for topic in first[0]["topics"]], "and topics did"
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert stack.get(path)[1]["X-Cache"] == "hit"
    slug = first[0]["url"].rstrip("/").rsplit("/", 1)[-1]
    stack.edit(f"b = Briefing.objects.get(slug={slug!r}); b.title = 'Edited for the API'; b.save()")
    assert json.loads(stack.get(path)[2])["results"][0]["title"] == "Edited for the API"


def test_pages_feeds_and_the_api_come_compressed_to_readers_who_ask(stack):
    for path in ("/", "/feed/atom/", "/api/v1/briefings/"):
        asked = urllib.request.Request(stack.proxy + path, headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(asked, timeout=10) as answer:
            assert answer.headers["Content-Encoding"] == "gzip", path
            packed, etag = answer.read(), answer.headers["ETag"]
        status, headers, body = stack.get(path)
        assert status == 200 and "Content-Encoding" not in headers, "unpacked for the rest"
        assert gzip.decompress(packed).decode() == body
        assert len(packed) < len(body.encode()) / 2, path
        assert stack.get(path, **{"If-None-Match": etag})[0] == 304, "and still revalidated"


def test_a_forged_session_gets_the_cached_copy_and_the_admin_passes(stack):
    stack.get("/tags/")
    status, headers, body = stack.get("/tags/", Cookie="sessionid=forged; csrftoken=x")
    assert (status, headers["X-Cache"]) == (200, "hit")
    jar = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    status, headers, form = stack.get("/admin/login/", browser)
    assert (status, headers["X-Cache"]) == (200, "miss")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    stack.edit(
        "from django.contrib.auth import get_user_model\n"
        "get_user_model().objects.create_superuser('chief', password='stack-horse-9')"
    )
    data = {"csrfmiddlewaretoken": token, "username": "chief", "password": "stack-horse-9",
            "next": "/admin/"}  # fmt: skip
    request = urllib.request.Request(
        stack.proxy + "/admin/login/", data=urllib.parse.urlencode(data).encode(),
        headers={"Referer": stack.proxy + "/admin/login/"},
    )  # fmt: skip
    with browser.open(request, timeout=10) as answer:
        assert answer.url.endswith("/admin/"), "logged in through the proxy"
    status, headers, body = stack.get("/admin/", browser)
    assert status == 200 and "Log out" in body and headers["X-Cache"] == "miss"


def test_purges_need_the_token_and_operator_endpoints_stay_off_the_public_address(stack):
    assert stack.request("PURGE", "/", **{"xkey-purge": "x"}) == 403
    assert stack.request("PURGE", "/", **{"xkey-purge": "x", "X-Purge-Token": "wrong"}) == 403
    assert stack.request("BAN", "/") == 405
    assert stack.request("PURGE", "/", **{"xkey-purge": "x", "X-Purge-Token": TOKEN}) == 200
    for path in ("/healthz", "/readyz", "/metrics"):
        assert stack.get(path)[0] == 404, path
    node = f"http://127.0.0.1:{stack.node_ports[0]}/healthz"
    assert urllib.request.urlopen(node, timeout=5).status == 200


def test_a_scheduled_briefing_shows_through_the_proxy_once_the_runner_brings_it_in(stack):
    stack.edit(
        "from datetime import timedelta\nfrom django.utils import timezone\n"
        "Briefing.objects.create(title='Embargoed until now', slug='embargoed', "
        "standfirst='S.', body='B.', status=Status.PUBLISHED, "
        "published_at=timezone.now() + timedelta(seconds=4))"
    )
    assert "Embargoed until now" not in stack.get("/")[2]
    assert stack.get("/briefings/embargoed/")[0] == 404  # kept two seconds at most
    time.sleep(4)
    stack.manage("release_due")  # the runner's pass, as `release_due --loop` makes each second
    assert "Embargoed until now" in stack.get("/")[2], "the home page was purged"
    deadline = time.monotonic() + 3
    while stack.get("/briefings/embargoed/")[0] != 200:
        assert time.monotonic() < deadline, "the 404 outlived its two seconds"
        time.sleep(0.2)


def test_a_flood_of_cookies_and_made_up_parameters_adds_nothing_to_the_cache(stack):
    paths = ["/", "/tags/", *briefing_paths(stack)[:2]]
    for path in paths:
        stack.get(path)
    held = stack.objects_held()

    def flood(n):
        path = paths[n % len(paths)]
        made_up = f"{path}?utm_source=x{n}&flood{n}=1&tag{n}" + ("&page=1" if n % 2 else "")
        return stack.get(made_up, Cookie=f"sessionid=forged{n}; other{n}=1")[1]["X-Cache"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        served = list(pool.map(flood, range(len(paths), 400)))
    assert stack.objects_held() - held <= 2, "one copy per page (and ?page=1 on the home)"
    assert served.count("hit") >= len(served) - 2


def test_a_flood_of_distinct_addresses_is_limited_but_cached_pages_still_served(stack):
    stack.get("/tags/")
    # Each a fetch, of something cheap for a node to answer, many at once.
    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(lambda n: stack.get(f"/robots.txt?page={n}")[0], range(600)))
    assert 429 in answers, "past 100 fetches a second, the client is told to slow down"
    assert stack.get("/tags/")[1]["X-Cache"] == "hit", "what is cached is still served"
    time.sleep(1.1)
    assert stack.get("/robots.txt?page=after-the-flood")[0] == 200, "a rate, not a lockout"


def fetch_as(stack, reader, path):
    """The status of a GET as a TLS terminator passes it on, naming the reader in the
    PROXY protocol (version 1)."""
    with socket.create_connection(("127.0.0.1", stack.after_tls_port), timeout=10) as line:
        line.sendall(
            f"PROXY TCP4 {reader} 127.0.0.1 40000 443\r\n"
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode()
        )  # fmt: skip
        return int(line.makefile("rb").readline().split()[1])


def test_behind_a_tls_terminator_each_reader_has_a_rate_of_their_own(stack):
    time.sleep(1.1)  # past any earlier test's second
    with ThreadPoolExecutor(max_workers=16) as pool:
        flooding = list(pool.map(
            lambda n: fetch_as(stack, "203.0.113.7", f"/robots.txt?page=tls{n}"), range(300)
        ))  # fmt: skip
    assert 429 in flooding, "the flooding reader is slowed down"
    assert fetch_as(stack, "203.0.113.8", "/robots.txt?page=another") == 200, "not the others"


# Last: it leaves one node dead.
def test_a_killed_node_is_taken_out_and_every_node_down_serves_the_last_good_copy(stack):
    paths = briefing_paths(stack)
    search = "/search/?q=border"  # kept two seconds, then only as the last good copy
    assert stack.get(search)[0] == 200
    killed, hung = stack.node_ports
    stack.signal_node(killed, signal.SIGKILL)
    answers = [stack.get(path)[0] for path in paths * 3]
    assert answers == [200] * len(answers), "the other node answers, at once"
    stack.signal_node(hung, signal.SIGSTOP)  # nothing answers now
    try:
        time.sleep(4)  # the search page past its lifetime, both nodes probed sick
        status, headers, body = stack.get(search)
        assert status == 200 and "border" in body.lower(), "the last good copy (grace)"
        assert stack.get("/")[0] == 200
    finally:
        stack.signal_node(hung, signal.SIGCONT)
