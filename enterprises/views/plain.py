"""Helpers for rows written from plain values (`.values()`) rather than through models
and the template language (decision 012): the same words, a fraction of the cost."""

from django.urls import reverse
from django.utils import timesince as timesince_module
from django.utils import timezone
from django.utils.translation import get_language


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


class _Words:
    """One unit of timesince's TIME_STRINGS (« %(num)d mois »), each number translated
    once per language and process instead of once per call (ngettext twice a card)."""

    def __init__(self, words):
        self.words, self.done = words, {}

    def __mod__(self, values):
        key = (get_language(), values["num"])
        if key not in self.done:
            self.done[key] = self.words % values
        return self.done[key]


TIME_STRINGS = {unit: _Words(words) for unit, words in timesince_module.TIME_STRINGS.items()}


def since(moment, now):
    """The template's `|timesince`, the same words."""
    return timesince_module.timesince(moment, now, time_strings=TIME_STRINGS)
