"""A Redis cache that keeps the site up when Redis is down.

Login rate limits (allauth) and the « Pilotage » figures live in the cache. When Redis
cannot be reached, each call falls back to a cache in the process's own memory, with a
warning in the log (at most once a minute per process): pages keep working and the
rate limits still hold, per process (docs/decisions/010-redis-down.md).
"""

import functools
import logging
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
WARN_EVERY = 60  # seconds
FALLBACK_METHODS = (
    "add",
    "get",
    "set",
    "touch",
    "delete",
    "get_many",
    "has_key",
    "incr",
    "set_many",
    "delete_many",
    "clear",
)


def _with_fallback(name):
    redis_method = getattr(RedisCache, name)

    @functools.wraps(redis_method)
    def method(self, *args, **kwargs):
        try:
            return redis_method(self, *args, **kwargs)
        except UNREACHABLE as error:
            self._warn(error)
            return getattr(self.fallback, name)(*args, **kwargs)

    return method


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's Redis cache client builds a new `redis.Redis` for every call (its table of
    a few hundred reply handlers filled each time: about 550 Python calls, a third of a
    millisecond); a `redis.Redis` is safe to share between threads (each command takes a
    connection from the pool), so one is kept per connection pool (decision 012)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class FallbackRedisCache(RedisCache):
    """RedisCache whose every call falls back to process memory when Redis is unreachable."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
        self.fallback = LocMemCache("redis-fallback", {"TIMEOUT": params.get("TIMEOUT", 300)})
        self._warned_at = None

    def _warn(self, error):
        now = time.monotonic()
        if self._warned_at is None or now - self._warned_at > WARN_EVERY:
            self._warned_at = now
            logger.warning(
                "Redis unreachable (%s): cache and login rate limits kept in this "
                "process's memory until it answers again",
                type(error).__name__,
            )


for _name in FALLBACK_METHODS:
    setattr(FallbackRedisCache, _name, _with_fallback(_name))
