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
    return versioned_many({name: compute}, ttl)[1][name]


def versioned_many(computes, ttl=TTL):
    """(version, {name: value}) for several values kept under the data's version, as
    `versioned` keeps one (keys `name:version`), read in one round trip after the
    version: a page that needs three of them made six (decision 012). Without a cache
    that answers, computed each time (version None)."""
    try:
        version = current_version()
    except Exception:
        logger.warning("Cache injoignable : %s recalculé(s)", ", ".join(computes), exc_info=True)
        version = None
    return version, cached_many(
        {
            name: (None if version is None else f"{name}:{version}", compute)
            for name, compute in computes.items()
        },
        ttl=ttl,
    )


def cached_many(entries, refresh=(), ttl=TTL):
    """{name: value} for entries {name: (key, compute)}, read in one round trip to the
    cache: a value missing (or None, or named in `refresh`) is computed, and the computed
    ones are kept for `ttl` in one write. An entry without a key (no cache to key it by)
    is computed each time. A cache that fails only costs the computations."""
    wanted = [key for name, (key, _) in entries.items() if key is not None and name not in refresh]
    try:
        found = cache.get_many(wanted) if wanted else {}
    except Exception:
        logger.warning("Cache injoignable : %s recalculé(s)", ", ".join(entries), exc_info=True)
        found = {}
    values, missing = {}, {}
    for name, (key, compute) in entries.items():
        value = None if name in refresh else found.get(key)
        if value is None:
            value = compute()
            if key is not None:
                missing[key] = value
        values[name] = value
    if missing:
        try:
            cache.set_many(missing, ttl)
        except Exception:
            logger.warning("Cache injoignable : %s non gardé(s)", ", ".join(entries), exc_info=True)
    return values
