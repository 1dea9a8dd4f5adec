"""Rate limits on what costs the most to answer: 429 with Retry-After past them."""

import pytest
from django.core.cache import caches
from django.urls import reverse


@pytest.fixture
def limits_on(settings):
    settings.RATELIMIT_ENABLE = True
    caches["ratelimit"].clear()
    yield
    caches["ratelimit"].clear()


def test_searches_past_the_limit_get_429_and_when_to_retry(client, db, limits_on):
    answers = [client.get("/search/", {"q": f"talks {n}"}).status_code for n in range(31)]
    assert answers == [200] * 30 + [429]
    refused = client.get("/search/", {"q": "talks"})
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "Too many requests" in refused.content.decode()
    assert client.get("/search/", {"q": "talks"}, REMOTE_ADDR="10.0.0.2").status_code == 200
    assert client.get("/").status_code == 200, "other pages are not limited"


@pytest.mark.parametrize(
    "url_name", ["briefings_briefing_body_length", "briefings_briefing_new_page_preview"]
)
def test_previews_past_the_limit_get_429(client, writer, limits_on, url_name):
    url = reverse(f"admin:{url_name}")
    answers = [client.post(url, {"body": f"Draft {n}"}).status_code for n in range(61)]
    assert answers == [200] * 60 + [429]
