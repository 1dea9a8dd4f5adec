"""One log line per request, with its request id; every other line of the request
carries the same id."""

import json
import logging
import logging.config

import pytest
from django.conf import settings

from briefings.views import tags
from tests.helpers import through_the_site


@pytest.fixture
def lines(caplog):
    caplog.set_level(logging.INFO, logger="briefings.requests")
    return lambda: [r for r in caplog.records if r.name == "briefings.requests"]


def test_each_request_gets_one_line_cache_hits_answered_from_memory_included(
    make_briefing, lines, connection_kept
):
    make_briefing()
    first_status, first = through_the_site("/")
    second_status, second = through_the_site("/")
    miss, hit = lines()
    assert (miss.status, miss.method, miss.path, miss.page_cache) == (200, "GET", "/", "miss")
    assert miss.queries > 0 and miss.query_ms >= 0 and miss.duration_ms > 0
    assert (hit.status, hit.page_cache, hit.queries) == (200, "hit", 0)
    assert miss.request_id == first["X-Request-ID"] != hit.request_id == second["X-Request-ID"]
    assert hit.node == settings.NODE_NAME and hit.levelname == "INFO"


@pytest.mark.parametrize(
    ("given", "kept"), [("lb-7f3a.91", True), ("two words", False), ("x" * 65, False)]
)
def test_a_request_id_from_in_front_is_kept_if_it_is_a_plain_token(
    db, lines, connection_kept, given, kept
):
    status, headers = through_the_site("/healthz", x_request_id=given)
    assert (headers["X-Request-ID"] == given) == kept
    assert lines()[0].request_id == headers["X-Request-ID"]


def test_slow_requests_are_warnings(db, lines, connection_kept, settings):
    settings.SLOW_REQUEST_SECONDS = 0
    through_the_site("/healthz")
    assert [(r.levelname, r.getMessage()) for r in lines()] == [("WARNING", "slow request")]


def test_an_error_is_logged_as_json_with_its_traceback_and_the_request_id(
    db, caplog, connection_kept, monkeypatch
):
    def broken(limit):
        raise RuntimeError("the topics table is on fire")

    monkeypatch.setattr(tags, "most_used_topics", broken)
    status, headers = through_the_site("/tags/")
    assert status == 500
    error = next(r for r in caplog.records if r.name == "django.request")
    assert error.request_id == headers["X-Request-ID"]
    formatter = logging.config.DictConfigurator(settings.LOGGING).configure_formatter(
        settings.LOGGING["formatters"]["json"]
    )
    line = json.loads(formatter.format(error))
    assert line["level"] == "ERROR" and line["request_id"] == headers["X-Request-ID"]
    assert "the topics table is on fire" in line["exc_info"] and "Traceback" in line["exc_info"]
    assert {"time", "logger", "node", "message"} <= set(line)
