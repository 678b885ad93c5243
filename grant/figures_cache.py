"""The « Pilotage » figures, kept in the shared cache (Redis in production) between two
changes of the data they come from.

At national scale (20 000 enterprises, 200 000 activities) computing them takes about
half a second of aggregates over the activities (README, « Performance »); staff open the
dashboard far more often than the data changes. Every save or delete of a model the
figures read, and every bulk write (`enterprises.signals.records_changed`), moves a
version number that is part of the cache key, so the next visit recomputes. Whatever a
signal cannot see (a raw SQL fix) is forgotten after FIGURES_TTL at the latest. The
report never reads this cache: it computes its figures afresh."""

import logging

from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from common.data_version import TTL, VERSION_KEY, cached_many, current_version, new_version
from enterprises.signals import records_changed

from .indicators import programme_figures, public_programme_figures

logger = logging.getLogger(__name__)
FIGURES_TTL = TTL  # seconds: the data version's bound (common.data_version)

# The models whose rows the figures read (grant/indicators/).
WATCHED = [
    "enterprises.Enterprise",
    "enterprises.StageChange",
    "enterprises.Assignment",
    "enterprises.Activity",
    "enterprises.Participation",
    "enterprises.Assessment",
    "enterprises.Pairing",
    # « Pilotage » keeps the survey summary and the requests to join under the same version.
    "enterprises.Survey",
    "enterprises.JoinRequest",
    "partners.Meeting",
    "partners.MeetingInvitation",
    "partners.Organisation",
    # Who sees which enterprise (the visibility ids kept under the version, decision 012).
    "partners.Membership",
    "programme.Qpv",
    "programme.Action",
    "programme.Term",
    "grant.Convention",
    "grant.BudgetLine",
    "grant.Expense",
    "grant.Disbursement",
    "grant.IndicatorTarget",
]


def _bump():
    """Move the version. A cache that fails must never fail the write that called this:
    it is logged, and the figures expire after FIGURES_TTL anyway."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not there yet (or evicted): any new value is a new version
        _reset()
    except Exception:  # a value that is not a counter, or a cache that does not answer
        logger.warning("Version des chiffres du pilotage non incrémentée", exc_info=True)
        _reset()


def _reset():
    try:
        cache.set(VERSION_KEY, new_version(), None)
    except Exception:
        logger.warning("Cache injoignable : chiffres du pilotage non invalidés", exc_info=True)


def data_changed(**kwargs):
    """Forget the cached figures now, and again once the transaction commits (a visit in
    between would otherwise cache figures without the change)."""
    _bump()
    transaction.on_commit(_bump)


def connect():
    for label in WATCHED:
        model = apps.get_model(label)
        post_save.connect(data_changed, sender=model, dispatch_uid=f"figures-save-{label}")
        post_delete.connect(data_changed, sender=model, dispatch_uid=f"figures-delete-{label}")
    themes = apps.get_model("enterprises.Activity").themes.through
    m2m_changed.connect(data_changed, sender=themes, dispatch_uid="figures-themes")
    students = apps.get_model("enterprises.Pairing").students.through
    m2m_changed.connect(data_changed, sender=students, dispatch_uid="figures-pairing-students")
    records_changed.connect(data_changed, dispatch_uid="figures-bulk")


def figures_key(start, end, convention, filters, version=None):
    """The key of programme_figures(start, end, convention, **filters) under `version`
    (the data's version, read when not given)."""
    version = current_version() if version is None else version
    parts = [start.isoformat(), end.isoformat(), getattr(convention, "pk", "-")]
    parts += [f"{name}={getattr(value, 'pk', '-')}" for name, value in sorted(filters.items())]
    return f"pilotage:figures:{version}:" + ":".join(str(p) for p in parts)


def _cached(key, compute, refresh=False):
    """compute()'s result kept in the cache under key() (a callable: reading the version
    needs the cache too), through common.data_version.cached_many. A cache that fails
    only costs the computation."""
    try:
        key = key()
    except Exception:
        logger.warning("Cache injoignable : chiffres du pilotage recalculés", exc_info=True)
        return compute()
    return cached_many({"figures": (key, compute)}, refresh={"figures"} if refresh else ())[
        "figures"
    ]


def cached_programme_figures(start, end, convention=None, refresh=False, version=None, **filters):
    """programme_figures(...) from the cache when the data has not changed since, with
    `computed_at` saying when they were computed; `refresh` recomputes them. Without a
    cache that answers, they are computed each time. `version`: the data's version when
    the caller read it already (versioned_many)."""

    def compute():
        figures = programme_figures(start, end, convention, **filters)
        figures["computed_at"] = timezone.now()
        return figures

    return _cached(lambda: figures_key(start, end, convention, filters, version), compute, refresh)


def cached_public_figures(today):
    """The public figures (/chiffres/), recomputed when the data changes (same version as
    « Pilotage ») or once a day at the latest."""
    return _cached(
        lambda: figures_key(today, today, None, {"public": None}),
        lambda: public_programme_figures(today),
    )
