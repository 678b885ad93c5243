"""Paginators that do not count a whole table on every page (decision 011)."""

import time

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property


class CountedPaginator(Paginator):
    """Django's Paginator, without its `COUNT(*)` when `count` is given: the enterprise
    list knows how many enterprises the user sees from the ids it read once, the inbox
    knows each tab's count from its one aggregate. Without `count`, counts as Django does."""

    def __init__(self, object_list, per_page, count=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        if count is not None:
            self.__dict__["count"] = count  # Paginator.count is a cached_property


class EstimatedCountPaginator(Paginator):
    """For the admin changelists of the largest tables: the whole table's size is
    PostgreSQL's own estimate (pg_class.reltuples, kept by ANALYZE and autovacuum), read
    in constant time where `COUNT(*)` reads every row (20 ms for 200 000 activities, 40
    for twice as many). A search or a filter is counted exactly, as are tables of fewer
    than BOUND rows, tables never analysed and other databases."""

    BOUND = 10_000
    # An estimate above BOUND is kept this many seconds per process (decision 012): it
    # moves only when ANALYZE or autovacuum runs (at most once a minute, autovacuum's
    # naptime), so reading it on every page cost a query for nothing. Estimates at or
    # below BOUND are not kept: those tables are counted exactly on every page.
    KEEP_SECONDS = 60
    _kept = {}  # (database alias, table) -> (estimate, monotonic time read)

    @cached_property
    def count(self):
        queryset = self.object_list
        if not isinstance(queryset, QuerySet):
            return super().count
        if not queryset.query.where and connections[queryset.db].vendor == "postgresql":
            estimate = self._estimate(queryset)
            if estimate > self.BOUND:
                return estimate
        return super().count

    @classmethod
    def _estimate(cls, queryset):
        key = (queryset.db, queryset.model._meta.db_table)
        kept = cls._kept.get(key)
        if kept is not None and time.monotonic() - kept[1] < cls.KEEP_SECONDS:
            return kept[0]
        estimate = cls._read_estimate(queryset)
        if estimate > cls.BOUND:
            cls._kept[key] = (estimate, time.monotonic())
        else:
            cls._kept.pop(key, None)
        return estimate

    @staticmethod
    def _read_estimate(queryset):
        with connections[queryset.db].cursor() as cursor:
            cursor.execute(
                "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                [queryset.model._meta.db_table],
            )
            row = cursor.fetchone()
        return row[0] if row else -1
