"""A Redis that hangs costs one short wait, then nothing until it is tried again."""

import os
import shutil
import signal
import subprocess
import time

import pytest
import redis
from django.core.cache import caches

from bench.run import free_port
from briefings.caching.surrogate_keys import RETRY_SECONDS
from tests.helpers import require_tool

pytestmark = pytest.mark.slow


@pytest.fixture
def own_redis(settings):
    """A Redis server of this test's own, as the default cache; it can be frozen."""
    binary = require_tool(shutil.which("redis-server"), "redis-server is needed: apt install redis")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port, socket_timeout=1)
    for _ in range(50):  # up within 5 s
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.1)
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        },
    }
    yield process
    os.kill(process.pid, signal.SIGCONT)
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def store_calls(monkeypatch):
    """How many times the pages asked the shared store for versions."""
    calls = []
    store = caches["default"]
    get_many = store.get_many

    def counted(keys, *args, **kwargs):
        calls.append(keys)
        return get_many(keys, *args, **kwargs)

    monkeypatch.setattr(store, "get_many", counted)
    return calls


def test_a_hung_redis_is_left_alone_until_retried_and_used_again_when_back(
    own_redis, client, make_briefing, clock, store_calls, django_assert_num_queries
):
    make_briefing(title="Before the outage")
    client.get("/")
    with django_assert_num_queries(0):
        client.get("/")  # cached

    os.kill(own_redis.pid, signal.SIGSTOP)  # hangs: connections open, nothing answers
    clock.shift(1.5)  # this worker's versions are due for a refresh
    asked = len(store_calls)
    assert client.get("/").status_code == 200, "served uncached after one short wait"
    assert len(store_calls) == asked + 1
    make_briefing(title="Saved during the outage")
    for _ in range(20):
        assert "Saved during the outage" in client.get("/").content.decode()
    assert len(store_calls) == asked + 1, "no request waits on the hung Redis again"

    os.kill(own_redis.pid, signal.SIGCONT)
    clock.shift(RETRY_SECONDS)
    assert "Saved during the outage" in client.get("/").content.decode()
    assert len(store_calls) == asked + 2, "tried again after the pause"
    with django_assert_num_queries(0):
        assert "Saved during the outage" in client.get("/").content.decode()


def test_search_answers_when_the_rate_limits_redis_hangs(
    own_redis, client, make_briefing, settings
):
    settings.RATELIMIT_ENABLE = True
    settings.CACHES = {
        **settings.CACHES,
        "ratelimit": {**settings.CACHES["default"], "BACKEND": (
            "briefings.caching.forgiving_redis.ForgivingRedisCache")},
    }  # fmt: skip
    make_briefing(title="Border talks resume")
    assert client.get("/search/?q=border").status_code == 200  # counted in Redis
    os.kill(own_redis.pid, signal.SIGSTOP)
    response = client.get("/search/?q=border")
    assert response.status_code == 200 and "Border talks resume" in response.content.decode()
