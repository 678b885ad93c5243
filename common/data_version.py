"""The version of the programme's data, kept in the shared cache (Redis in production).

`grant.figures_cache` moves it on every save, delete and bulk write of the data the
figures read (signals); anything cached under it is recomputed after the next change,
and after a bounded time for what a signal cannot see (a raw SQL fix). The enterprise
list's filter choices (QPVs, NAF sections, partner organisations) are kept under it too
(decision 011): they change with the data, never between two changes."""

import logging

from django.core.cache import cache
from django.utils import timezone

logger = logging.getLogger(__name__)
VERSION_KEY = "pilotage:figures:version"
TTL = 10 * 60  # seconds: what no signal saw is forgotten this long after at the latest


def new_version():
    # An integer (Redis increments only integers), never one used before: milliseconds.
    return int(timezone.now().timestamp() * 1000)


def current_version():
    """The version now, created when missing (or evicted)."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, new_version(), None)
        version = cache.get(VERSION_KEY)
    return version


def versioned(name, compute, ttl=TTL):
    """compute()'s result, kept under `name` and the data's version: computed again after
    the next change of the data, or after `ttl`. A cache that fails only costs the
    computation."""
    try:
        key = f"{name}:{current_version()}"
        value = cache.get(key)
    except Exception:
        logger.warning("Cache injoignable : %s recalculé", name, exc_info=True)
        return compute()
    if value is None:
        value = compute()
        try:
            cache.set(key, value, ttl)
        except Exception:
            logger.warning("Cache injoignable : %s non gardé", name, exc_info=True)
    return value
