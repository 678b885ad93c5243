"""Helpers for rows written from plain values (`.values()`) rather than through models
and the template language (decision 012): the same words, a fraction of the cost."""

from django.urls import reverse
from django.utils import timezone


def local(moment, pattern):
    """The template's `|date:"…"` for `pattern` written as strftime ("%d/%m/%Y" for
    "d/m/Y"): the moment in the current time zone; "" for None, as the filter."""
    if moment is None:
        return ""
    return timezone.localtime(moment).strftime(pattern)


def day(moment):
    """The template's `|date:"d/m/Y"`."""
    return local(moment, "%d/%m/%Y")


class Urls:
    """URLs built from one reverse() per name and page, not one per row: the reversed
    path of a marker id, cut around it."""

    MARK = 2_147_483_647

    def __init__(self, *names):
        self.parts = {name: reverse(name, args=[self.MARK]).split(str(self.MARK)) for name in names}

    def __call__(self, name, pk):
        before, after = self.parts[name]
        return f"{before}{pk}{after}"
