"""A Redis cache that lets the portal carry on, with a warning, while Redis is unreachable.

Only transient state lives in the cache (sign-in rate limits above all); sessions and
everything else are in the database. Refusing every sign-in because the rate limiter
cannot count would turn a cache outage into a full outage, so while Redis cannot be
reached, allauth's own keys (its sign-in and second-factor rate limits, and the codes of
authenticator apps already used) are kept in the process's memory instead: each process
counts on its own until Redis is back, which bounds the guesses at a password or a code by
the number of processes, and refuses a code it has accepted already. A code replayed to
another process within its 90 seconds is not caught meanwhile.
For every other key reads miss, writes are dropped and `add` reports success.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
# After a failure Redis is left alone this long, so a request does not wait for a timeout
# on every one of its cache calls.
RETRY_AFTER_SECONDS = 5.0
# allauth's keys: rate limits ("allauth:rl:…") and authenticator codes used
# ("allauth.mfa.totp.used?…").
KEPT_IN_MEMORY = "allauth"
# One per process, shared by every cache alias: what it holds only matters while Redis is down.
_memory = LocMemCache("cop-portal-while-redis-is-down", {"OPTIONS": {"MAX_ENTRIES": 10_000}})


class ForgivingRedisCache(RedisCache):
    _down_until = 0.0

    def _call(self, method: str, fallback, *args, **kwargs):
        if time.monotonic() < self._down_until:
            return self._without_redis(method, fallback, *args, **kwargs)
        try:
            return getattr(super(), method)(*args, **kwargs)
        except UNREACHABLE as error:
            self._down_until = time.monotonic() + RETRY_AFTER_SECONDS
            logger.warning(
                "Cache unreachable (%s); carrying on without it for %.0f s: sign-in rate "
                "limits are counted by each process meanwhile.",
                error,
                RETRY_AFTER_SECONDS,
            )
            return self._without_redis(method, fallback, *args, **kwargs)

    def answering(self) -> bool:
        """Whether Redis answered the last call made of it (calls are not made for a few
        seconds after one failed)."""
        return time.monotonic() >= self._down_until

    @staticmethod
    def _without_redis(method: str, fallback, *args, **kwargs):
        key = args[0] if args else None
        if isinstance(key, str) and key.startswith(KEPT_IN_MEMORY):
            return getattr(_memory, method)(*args, **kwargs)
        return fallback

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", True, key, value, timeout=timeout, version=version)

    def get(self, key, default=None, version=None):
        return self._call("get", default, key, default=default, version=version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", None, key, value, timeout=timeout, version=version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", False, key, timeout=timeout, version=version)

    def delete(self, key, version=None):
        return self._call("delete", False, key, version=version)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, keys, version=version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, key, version=version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", delta, key, delta=delta, version=version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", [], data, timeout=timeout, version=version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", None, keys, version=version)

    def clear(self):
        return self._call("clear", False)
