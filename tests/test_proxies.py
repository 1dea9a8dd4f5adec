"""What public pages tell a caching proxy, and the purges the site sends it."""

import http.server
import threading

import pytest
from django.urls import reverse

from bench.run import free_port
from briefings.caching import proxies
from briefings.caching.surrogate_keys import (
    LATEST_LIST,
    SITE,
    TAG_COUNTS,
    briefing_page,
    tag_page,
)
from briefings.models import PendingPurge
from briefings.upkeep import release_due
from tests.helpers import edit_data, errors


def tokens(response, header="xkey"):
    return set(response[header].split())


def test_a_public_page_may_be_kept_by_proxies_until_a_purge_and_names_its_keys(
    client, make_briefing, settings
):
    briefing = make_briefing(tags=["SCO"])
    for page in ["/", "/", briefing.get_absolute_url()]:  # rendered, then from the cache
        response = client.get(page)
        control = response["Cache-Control"]
        assert control.startswith("public, max-age=0, s-maxage=3600,"), page
        assert "stale-while-revalidate=30" in control and "stale-if-error=86400" in control
    home = client.get("/")
    assert tokens(home) == {proxies.token(key) for key in (SITE, LATEST_LIST, TAG_COUNTS)}
    page = client.get(briefing.get_absolute_url())
    assert {proxies.token(briefing_page(briefing.slug)), proxies.token(tag_page("sco"))} <= (
        tokens(page)
    ), "the keys found while rendering (its related list follows its topics) too"


def test_pages_are_marked_for_proxies_with_the_page_cache_off(client, make_briefing, settings):
    settings.PAGE_CACHE_SECONDS = 0
    make_briefing()
    assert client.get("/")["xkey"]


def test_the_surrogate_key_header_is_named_by_a_setting(client, make_briefing, settings):
    settings.SURROGATE_KEY_HEADER = "Cache-Tag"  # Cloudflare's, a list with commas
    make_briefing()
    response = client.get("/tags/")
    assert "xkey" not in response
    assert set(response["Cache-Tag"].split(",")) == {
        proxies.token(key) for key in (SITE, TAG_COUNTS)
    }


def test_every_other_response_says_how_long_a_shared_cache_may_keep_it(
    client, admin_client, make_briefing
):
    briefing = make_briefing(slug="old-name")
    briefing.delete()
    short = "public, max-age=0, s-maxage=2"
    assert client.get("/search/?q=border")["Cache-Control"] == short
    assert client.get("/briefings/never-was/")["Cache-Control"] == short  # 404
    assert client.get("/briefings/old-name/")["Cache-Control"] == short  # 410
    assert "xkey" not in client.get("/briefings/never-was/")
    assert "private" in admin_client.get("/admin/")["Cache-Control"]
    refused = client.post("/search/", {"q": "border"})
    assert refused["Cache-Control"] == "private, no-store"


class ProxyStandIn(http.server.ThreadingHTTPServer):
    """A caching proxy's purge endpoint: records what it was told, refuses a wrong token."""

    def __init__(self, port):
        self.purged = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_PURGE(handler):  # noqa: N802 (the method's name)
                allowed = handler.headers["X-Purge-Token"] == "purge-secret"
                if allowed:
                    self.purged.append(set(handler.headers["xkey-purge"].split()))
                handler.send_response(200 if allowed else 403)
                handler.end_headers()

            def log_message(handler, *args):
                pass

        super().__init__(("127.0.0.1", port), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()


@pytest.fixture
def proxy_port(settings):
    port = free_port()
    settings.PROXY_PURGE_URLS = [f"http://127.0.0.1:{port}/"]
    settings.PROXY_PURGE_TOKEN = "purge-secret"
    return port


@pytest.fixture
def proxy(proxy_port):
    server = ProxyStandIn(proxy_port)
    yield server
    server.shutdown()
    server.server_close()


def test_an_edit_purges_exactly_its_keys_at_the_proxy(
    admin_client, make_briefing, proxy, committed
):
    briefing = make_briefing(tags=["SCO"], title="Talks resume")
    make_briefing(tags=["India"])
    proxy.purged.clear()
    url = reverse("admin:briefings_briefing_change", args=[briefing.pk])
    data = edit_data(briefing, title="Talks resume in Tianjin", tags="SCO", _action="update")
    with committed():
        response = admin_client.post(url, data)
    assert response.status_code == 302, errors(response)
    assert len(proxy.purged) == 1, "one purge for the whole save"
    purged = proxy.purged[0]
    assert proxies.token(briefing_page(briefing.slug)) in purged
    assert proxies.token(LATEST_LIST) in purged and proxies.token(tag_page("sco")) in purged
    assert proxies.token(tag_page("india")) not in purged, "unrelated pages stay cached"
    assert proxies.token(SITE) not in purged


def test_an_unreachable_proxy_never_fails_a_save_and_is_purged_later(
    make_briefing, proxy_port, committed
):
    briefing = make_briefing(title="Saved while the proxy is down")
    assert PendingPurge.objects.filter(token=proxies.token(briefing_page(briefing.slug))).exists()
    server = ProxyStandIn(proxy_port)
    try:
        release_due()
        assert proxies.token(briefing_page(briefing.slug)) in set().union(*server.purged)
        assert not PendingPurge.objects.exists()
    finally:
        server.shutdown()
        server.server_close()


def test_a_purge_the_proxy_refuses_is_kept_for_later(make_briefing, proxy, settings):
    settings.PROXY_PURGE_TOKEN = "wrong"
    make_briefing()
    assert proxy.purged == [] and PendingPurge.objects.exists()
