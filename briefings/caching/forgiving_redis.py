"""The rate limits' counts in Redis, forgiving an outage.

django-ratelimit reads and counts in a cache; Django's Redis backend raises when Redis
hangs or is down, which would turn every rate-limited request (search, previews) into a
500. Here an unreachable Redis counts nothing, and RATELIMIT_FAIL_OPEN lets the request
through: a few seconds without rate limits beat a site without search.
"""

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError


class ForgivingRedisCache(RedisCache):
    def add(self, *args, **kwargs):
        try:
            return super().add(*args, **kwargs)
        except RedisError:
            return False

    def incr(self, *args, **kwargs):
        try:
            return super().incr(*args, **kwargs)
        except RedisError:
            return None

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except RedisError:
            return default
