"""Pair à pair figures (issue 19), each with its definition in French.

Meant to join the indicators (« Pilotage », the convention report); until then they are
shown on their own staff page (grant/views/pair_figures.py). Every function takes the
period's first and last day (inclusive) and reads the whole programme: it is for staff."""

from django.db.models import Count, Q, Sum

from enterprises.enums import ActivityKind, Attendance, PairingStatus
from enterprises.models import Activity, Pairing, Participation

STARTED = (PairingStatus.ACTIVE, PairingStatus.ENDED)


def pairings_started(start, end):
    """Mises en relation commencées : celles dont les deux parties ont donné leur accord
    pendant la période."""
    return Pairing.objects.filter(status__in=STARTED, started_on__range=(start, end)).count()


def pairings_active(start, end):
    """Mises en relation actives : commencées au plus tard le dernier jour de la période
    et non terminées avant son premier jour."""
    return (
        Pairing.objects.filter(status__in=STARTED, started_on__lte=end)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
        .count()
    )


def pairings_ended(start, end):
    """Mises en relation terminées : celles, commencées, dont la fin tombe dans la
    période (quel qu'en soit le résultat)."""
    return Pairing.objects.filter(status=PairingStatus.ENDED, ended_on__range=(start, end)).count()


def pair_sessions(start, end):
    """Séances pair à pair : activités de type « pair à pair » datées de la période, et
    leur durée totale en minutes."""
    totals = Activity.objects.filter(kind=ActivityKind.PAIR, date__range=(start, end)).aggregate(
        count=Count("id"), minutes=Sum("duration")
    )
    return totals["count"], totals["minutes"] or 0


def enterprises_helped_by_a_pair(start, end):
    """Entreprises aidées par un pair : entreprises distinctes présentes à au moins une
    séance pair à pair de la période."""
    return (
        Participation.objects.filter(
            activity__kind=ActivityKind.PAIR,
            activity__date__range=(start, end),
            attendance=Attendance.PRESENT,
        )
        .values("enterprise_id")
        .distinct()
        .count()
    )


def pair_figures(start, end):
    """Every figure as (label, value, definition), in the order a page shows them."""
    sessions, minutes = pair_sessions(start, end)
    rows = [
        ("Mises en relation commencées", pairings_started(start, end), pairings_started),
        ("Mises en relation actives", pairings_active(start, end), pairings_active),
        ("Mises en relation terminées", pairings_ended(start, end), pairings_ended),
        ("Séances pair à pair", sessions, pair_sessions),
        ("Heures de séances pair à pair", round(minutes / 60, 1), pair_sessions),
        (
            "Entreprises aidées par un pair",
            enterprises_helped_by_a_pair(start, end),
            enterprises_helped_by_a_pair,
        ),
    ]
    return [(label, value, " ".join(function.__doc__.split())) for label, value, function in rows]
