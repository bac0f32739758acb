"""Counting hits in a time window through the cache: the one helper behind every rate limit and lockout.

`cache.add` + `cache.incr` are atomic in Redis and in the local-memory cache, so concurrent workers never
lose a hit; with several servers the cache must be shared (REDIS_URL).
"""
from django.core.cache import cache


def count_hit(key, window_seconds, cost=1):
    """Add `cost` to the counter `key`, which lives `window_seconds` from its first hit; return the total."""
    try:
        return cache.incr(key, cost)
    except ValueError:  # no counter yet, or it just expired
        if cache.add(key, cost, timeout=window_seconds):
            return cost
        return cache.incr(key, cost)
