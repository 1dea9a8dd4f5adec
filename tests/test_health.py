"""A node's liveness and readiness, for the proxy's probes and the operator."""

import re

import pytest
from django.conf import settings
from django.db import OperationalError, connection

from briefings.views import health
from tests.helpers import through_the_site


@pytest.fixture(autouse=True)
def migrations_not_yet_checked(monkeypatch):
    monkeypatch.setattr(health, "_migrated", False)


def test_liveness_answers_without_the_database(client, settings, monkeypatch):
    settings.RELEASE_DUE_IN_REQUESTS = False  # as in production, where the runner releases
    monkeypatch.setattr(health, "_database", lambda: 1 / 0)
    response = client.get("/healthz")
    assert (response.status_code, response.content) == (200, b"ok\n")
    assert "no-cache" in response["Cache-Control"]


def test_readiness_checks_database_cache_storage_and_migrations(client, db):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "ready": True, "database": "ok", "cache": "ok", "storage": "ok", "migrations": "ok"
    }  # fmt: skip
    assert "no-cache" in response["Cache-Control"]


def test_a_failing_database_makes_the_node_not_ready(client, db, monkeypatch):
    def unreachable():
        raise OperationalError("connection refused")

    monkeypatch.setattr(health, "_database", unreachable)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["database"] == "failed: OperationalError"


def test_a_cache_that_keeps_nothing_makes_the_node_not_ready(client, db, settings):
    settings.CACHES = {
        **settings.CACHES, "default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    }  # fmt: skip
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["cache"].startswith("failed")


def test_unapplied_migrations_make_the_node_not_ready(client, db, monkeypatch):
    monkeypatch.setattr(
        "django.db.migrations.executor.MigrationExecutor.migration_plan",
        lambda self, targets: [("briefings", "0099_future")],
    )
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["migrations"] == "failed: 1 not applied"


def test_probes_are_answered_over_plain_http_when_pages_redirect(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/").status_code == 301
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's own timeouts")
def test_postgresql_connections_are_checked_and_bounded_in_time(db):
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"]
    assert settings.DATABASES["default"]["OPTIONS"]["connect_timeout"] == 3
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "30s"


def test_metrics_count_requests_and_page_cache_hits_and_are_never_cached(
    client, make_briefing, connection_kept
):
    make_briefing()
    through_the_site("/")
    through_the_site("/")  # answered from memory, before Django
    response = client.get("/metrics")
    assert response.status_code == 200 and "no-cache" in response["Cache-Control"]
    text = response.content.decode()
    hits = re.search(r'briefings_page_cache_requests_total\{result="hit"\} (\d+)', text)
    misses = re.search(r'briefings_page_cache_requests_total\{result="miss"\} (\d+)', text)
    assert hits and misses and int(hits.group(1)) >= 1 and int(misses.group(1)) >= 1
    assert "django_http_requests_total_by_method_total" in text
