"""Activities: counts, hours (defined in definitions.py), places, themes, QPVs, actions,
and the annex's rows per activity and per enterprise."""

from collections import defaultdict

from django.db.models import Count, Q, Sum, Value
from django.db.models.functions import Coalesce

from enterprises.enums import ActivityKind, Attendance, PlaceType
from enterprises.models import Activity, Participation

from .base import hours
from .presence import presence_figures

PLACE_LABELS = dict(PlaceType.choices)
PLACE_ORDER = {value: index for index, value in enumerate(PlaceType.values)}
NO_ACTION = "sans action précisée"


def present_at(activities):
    """Participations of enterprises present (not excused, not absent) at `activities`."""
    return Participation.objects.filter(activity__in=activities, attendance=Attendance.PRESENT)


def activity_figures(activities, tables=True):
    """Figures for a queryset of activities: three queries whatever its size. `tables`:
    with the per-action and per-QPV tables (« Pilotage », the report), which « Mes
    statistiques » does not show."""
    # One pass over the activities: per action, place and kind. The totals, the places and
    # the per-action rows are its sums (three queries before, each reading the period).
    groups = list(
        activities.values("action_id", "action__name", "action__position", "place_type", "kind")
        .annotate(
            n=Count("id"),
            minutes=Coalesce(Sum("duration"), Value(0)),
            anonymous=Coalesce(Sum("anonymous_count"), Value(0)),
        )
        .order_by("action__position", "action__name")
    )
    totals = {
        "count": sum(g["n"] for g in groups),
        "minutes": sum(g["minutes"] for g in groups),
        "individual": sum(g["n"] for g in groups if g["kind"] == ActivityKind.INDIVIDUEL),
        "collective": sum(g["n"] for g in groups if g["kind"] == ActivityKind.COLLECTIF),
        "anonymous": sum(g["anonymous"] for g in groups),
    }
    presence = presence_figures(activities, shared=tables)
    qpvs = presence["qpvs"]
    totals["enterprises"] = sum(n for _, n in qpvs)
    totals["named_participants"] = presence["named"]
    totals["hours"] = hours(totals["minutes"])
    themes = (
        Activity.themes.through.objects.filter(activity__in=activities)
        .values("term__label")
        .annotate(n=Count("activity_id"))
        .order_by("-n", "term__label")
    )
    places = defaultdict(int)
    for g in groups:
        places[g["place_type"]] += g["n"]
    figures = {
        **totals,
        "themes": [(row["term__label"], row["n"]) for row in themes],
        # By count; equal counts in the order of the place types.
        "places": [
            (PLACE_LABELS.get(place, place), n)
            for place, n in sorted(
                places.items(), key=lambda item: (-item[1], PLACE_ORDER.get(item[0], 99))
            )
        ],
        "qpvs": [(name or "hors QPV", n) for name, n in qpvs],
    }
    if tables:
        figures["by_action"] = _by_action(groups, presence["by_action"])
        figures["by_qpv"] = _by_qpv(presence, totals["count"], totals["minutes"])
    return figures


def _by_action(groups, met):
    """Per programme action: activities, hours (each activity once) and enterprises present.
    [{action_id, name, count, hours, enterprises}], actions in their order, then « sans
    action précisée ». `groups`: the summary's rows, in the actions' order; `met`: the
    enterprises present per action."""
    actions = {}  # action_id → [name, activities, minutes]
    for g in groups:
        action = actions.setdefault(g["action_id"], [g["action__name"] or NO_ACTION, 0, 0])
        action[1] += g["n"]
        action[2] += g["minutes"]
    return [
        {
            "action_id": action_id,
            "name": name,
            "count": count,
            "hours": hours(minutes),
            "enterprises": met.get(action_id, 0),
        }
        for action_id, (name, count, minutes) in actions.items()
    ]


def _by_qpv(presence, count, minutes):
    """Per QPV of the enterprises present: activities and their hours. An activity counts
    once in each QPV where one of its present enterprises is; the `count` activities (of
    `minutes`) without any enterprise present are « sans entreprise présente »."""
    rows = [(name or "hors QPV", n, hours(total)) for name, n, total in presence["by_qpv"]]
    met, met_minutes = presence["met"]
    unmet = count - met
    if unmet:
        # Where ORDER BY count DESC, name (NULL last) put it: after the equal counts.
        position = sum(1 for _, n, _ in rows if n >= unmet)
        rows.insert(position, ("sans entreprise présente", unmet, hours(minutes - met_minutes)))
    return rows


def activity_rows(activities):
    """The annex's rows, one per activity (plain dicts, streamed): date, type, duration,
    place, action, enterprises present / excused / absent, anonymous participants."""
    return (
        activities.annotate(
            present=Count(
                "participations", filter=Q(participations__attendance=Attendance.PRESENT)
            ),
            excused=Count("participations", filter=Q(participations__attendance=Attendance.EXCUSE)),
            absent=Count("participations", filter=Q(participations__attendance=Attendance.ABSENT)),
        )
        .values(
            "id",
            "date",
            "kind",
            "duration",
            "place_type",
            "action__name",
            "present",
            "excused",
            "absent",
            "anonymous_count",
            "organisation__name",
        )
        .order_by("date", "id")
    )
