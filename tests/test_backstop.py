"""The database's backstop: a request that asks for too much is stopped with a 503."""

import time

import pytest
from django.core.cache import caches
from django.db import InterfaceError, OperationalError, connection

from briefings import backstop
from briefings.caching.surrogate_keys import shared_versions
from briefings.views import tags

ENDLESS = {
    "sqlite": "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) "
    "SELECT count(*) FROM n",
    "postgresql": "SELECT pg_sleep(30)",
}


@pytest.fixture
def one_second(settings):
    settings.REQUEST_DB_SECONDS = 1
    yield
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 0")
        connection.statement_timeout = None


def endless_search(*args, **kwargs):
    with connection.cursor() as cursor:
        cursor.execute(ENDLESS[connection.vendor])
    return []


def test_a_request_past_its_database_time_is_a_503_not_a_hung_worker(
    client, transactional_db, one_second, monkeypatch
):
    monkeypatch.setattr("briefings.search.ranked_ids", endless_search)
    started = time.monotonic()
    response = client.get("/search/", {"q": "talks"})
    assert response.status_code == 503
    assert response["Retry-After"] == str(backstop.RETRY_AFTER_SECONDS)
    assert "try again in a moment" in response.content.decode()
    assert time.monotonic() - started < 10
    assert client.get("/").status_code == 200, "the next request is served"


def test_commands_and_tests_outside_requests_have_no_limit(db, one_second):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")  # the handler is idle outside a request
    assert not backstop._past_deadline()


def test_the_limit_holds_on_a_connection_opened_again(
    client, transactional_db, one_second, monkeypatch
):
    assert client.get("/").status_code == 200  # the first connection gets the limit
    connection.close()  # as when CONN_MAX_AGE ends one
    monkeypatch.setattr("briefings.search.ranked_ids", endless_search)
    started = time.monotonic()
    assert client.get("/search/", {"q": "talks"}).status_code == 503
    assert time.monotonic() - started < 10


@pytest.mark.parametrize(
    "failure",
    [
        OperationalError("server closed the connection unexpectedly"),
        InterfaceError("connection already closed"),
    ],
)
def test_a_database_out_of_reach_is_a_clean_503_never_a_500(client, db, monkeypatch, failure):
    def unreachable(limit):
        raise failure

    monkeypatch.setattr(tags, "most_used_topics", unreachable)
    response = client.get("/tags/")
    assert response.status_code == 503 and response["Retry-After"]
    assert "try again" in response.content.decode().lower()


def test_pages_are_served_uncached_when_the_database_holding_the_versions_fails(
    client, make_briefing, monkeypatch
):
    make_briefing(title="Still here")
    shared_versions.forget()

    def unreachable(*args, **kwargs):
        raise OperationalError("the database system is starting up")

    monkeypatch.setattr(caches["default"], "get_many", unreachable)
    response = client.get("/")
    assert response.status_code == 200 and "Still here" in response.content.decode()
