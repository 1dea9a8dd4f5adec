"""Forwarded headers are believed only from the configured proxies: a reader behind the
proxy is counted as themselves, and a reader who forges the headers is not believed."""

import re
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.test import RequestFactory, override_settings

import site_config.wsgi
from briefings.forwarded import behind_proxies

PROXY = "127.0.0.1"
TRUSTED = ["127.0.0.1", "10.0.0.0/8"]


def seen_by_django(remote, trusted=TRUSTED, **headers):
    """The WSGI environ the site would get for this connection and these headers."""
    seen = {}

    def application(environ, start_response):
        seen.update(environ)
        start_response("200 OK", [])
        return [b""]

    environ = RequestFactory().get("/", REMOTE_ADDR=remote, headers=headers).environ
    with override_settings(TRUSTED_PROXIES=trusted):
        behind_proxies(application)(environ, lambda *args: None)
    return seen


@pytest.mark.parametrize(
    ("forwarded_for", "reader"),
    [
        ("203.0.113.5", "203.0.113.5"),
        ("198.51.100.1, 203.0.113.5", "203.0.113.5"),  # the first hop is what the reader sent
        ("203.0.113.5, 10.0.0.2", "203.0.113.5"),  # through a second trusted proxy
        ("2001:db8::7", "2001:db8::7"),
        ("not-an-address", PROXY),
        ("", PROXY),
        ("10.0.0.2", PROXY),  # only proxies: the request came from them
    ],
)
def test_the_reader_is_the_nearest_hop_before_the_trusted_proxies(forwarded_for, reader):
    seen = seen_by_django(PROXY, x_forwarded_for=forwarded_for, x_forwarded_proto="https")
    assert seen["REMOTE_ADDR"] == reader
    assert seen["HTTP_X_FORWARDED_PROTO"] == "https", "the proxy says how the reader came"


@pytest.mark.parametrize("trusted", [TRUSTED, []])
def test_forwarded_headers_from_anyone_else_are_dropped(trusted):
    seen = seen_by_django(
        "198.51.100.9",
        trusted,
        x_forwarded_for="203.0.113.5",
        x_forwarded_proto="https",
        x_forwarded_host="evil.example",
    )
    assert seen["REMOTE_ADDR"] == "198.51.100.9"
    assert not {"HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST"} & set(
        seen
    )


class Browser:
    """A browser's cookies and posts through the site's own WSGI application."""

    def __init__(self, connecting_from=PROXY):
        self.connecting_from = connecting_from
        self.cookies = SimpleCookie()

    def request(self, method, path, data=None, **headers):
        factory = RequestFactory()
        cookie = "; ".join(f"{name}={morsel.value}" for name, morsel in self.cookies.items())
        if method == "POST":
            request = factory.post(
                path, urlencode(data), content_type="application/x-www-form-urlencoded",
                headers={"cookie": cookie, **headers},
            )  # fmt: skip
        else:
            request = factory.get(path, headers={"cookie": cookie, **headers})
        request.environ["REMOTE_ADDR"] = self.connecting_from
        answer = {}

        def start_response(status, response_headers):
            answer.update(status=int(status.split()[0]), headers=response_headers)

        body = b"".join(site_config.wsgi.application(request.environ, start_response))
        body = body.decode()
        for name, value in answer["headers"]:
            if name.lower() == "set-cookie":
                self.cookies.load(value)
        return answer["status"], body

    def log_in(self, username, password, reader):
        forwarded = {"x_forwarded_for": reader}
        status, form = self.request("GET", "/admin/login/", **forwarded)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
        data = {"csrfmiddlewaretoken": token, "username": username, "password": password}
        return self.request("POST", "/admin/login/?next=/admin/", data, **forwarded)[0]


def test_lockouts_count_the_reader_behind_the_proxy_not_the_proxy(db, settings, connection_kept):
    settings.TRUSTED_PROXIES = [PROXY]
    settings.ALLOWED_HOSTS = ["testserver"]
    get_user_model().objects.create_user("editor", password="right-horse-9", is_staff=True)
    attacker = Browser()
    failures = [attacker.log_in("editor", "wrong", reader="203.0.113.66") for _ in range(5)]
    assert failures == [200] * 4 + [429], "the fifth failure locks that reader out"
    assert attacker.log_in("editor", "right-horse-9", reader="203.0.113.66") == 429
    editor = Browser()
    assert editor.log_in("editor", "right-horse-9", reader="198.51.100.7") == 302, (
        "the editor, behind the same proxy, is not locked out"
    )


def test_a_forged_forwarded_for_from_outside_the_proxy_dodges_no_lockout(
    db, settings, connection_kept
):
    settings.TRUSTED_PROXIES = [PROXY]
    settings.ALLOWED_HOSTS = ["testserver"]
    get_user_model().objects.create_user("editor", password="right-horse-9", is_staff=True)
    attacker = Browser(connecting_from="198.51.100.9")
    failures = [attacker.log_in("editor", "wrong", reader=f"203.0.113.{n}") for n in range(5)]
    assert failures[-1] == 429, "counted by the address it connects from"
