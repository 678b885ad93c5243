"""Activities: counts, hours (defined in definitions.py), places, themes, QPVs, actions,
and the annex's rows per activity and per enterprise."""

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, Sum, Value
from django.db.models.functions import Coalesce

from enterprises.enums import ActivityKind, Attendance, PlaceType
from enterprises.models import Activity, Enterprise, Participation
from programme.models import Qpv

from .base import hours

PLACE_LABELS = dict(PlaceType.choices)
NO_ACTION = "sans action précisée"


def present_at(activities):
    """Participations of enterprises present (not excused, not absent) at `activities`."""
    return Participation.objects.filter(activity__in=activities, attendance=Attendance.PRESENT)


def activity_figures(activities):
    """Figures for a queryset of activities: eight queries whatever its size."""
    totals = activities.aggregate(
        count=Count("id"),
        minutes=Coalesce(Sum("duration"), Value(0)),
        individual=Count("id", filter=Q(kind=ActivityKind.INDIVIDUEL)),
        collective=Count("id", filter=Q(kind=ActivityKind.COLLECTIF)),
        anonymous=Coalesce(Sum("anonymous_count"), Value(0)),
    )
    present = present_at(activities)
    # Enterprises met, per QPV: a semi-join (EXISTS) grouped by QPV, whose sum is the
    # number of distinct enterprises; COUNT(DISTINCT) per group sorted every row.
    met = Enterprise.objects.filter(Exists(present.filter(enterprise=OuterRef("pk"))))
    qpvs = list(met.values("qpv__name").annotate(n=Count("id")).order_by("-n", "qpv__name"))
    totals["enterprises"] = sum(row["n"] for row in qpvs)
    totals["named_participants"] = present.filter(activity__kind=ActivityKind.COLLECTIF).count()
    totals["hours"] = hours(totals["minutes"])
    themes = (
        Activity.themes.through.objects.filter(activity__in=activities)
        .values("term__label")
        .annotate(n=Count("activity_id"))
        .order_by("-n", "term__label")
    )
    places = activities.values("place_type").annotate(n=Count("id")).order_by("-n")
    return {
        **totals,
        "themes": [(row["term__label"], row["n"]) for row in themes],
        "places": [
            (PLACE_LABELS.get(row["place_type"], row["place_type"]), row["n"]) for row in places
        ],
        "qpvs": [(row["qpv__name"] or "hors QPV", row["n"]) for row in qpvs],
        "by_action": by_action(activities),
        "by_qpv": by_qpv(activities),
    }


def by_action(activities):
    """Per programme action: activities, hours (each activity once) and enterprises present.
    [{action_id, name, count, hours, enterprises}], actions in their order, then « sans
    action précisée »."""
    rows = list(
        activities.values("action_id", "action__name", "action__position")
        .annotate(n=Count("id"), minutes=Coalesce(Sum("duration"), Value(0)))
        .order_by("action__position", "action__name")
    )
    met = dict(
        present_at(activities)
        .values_list("activity__action_id")
        .annotate(n=Count("enterprise_id", distinct=True))
        .order_by()
    )
    return [
        {
            "action_id": row["action_id"],
            "name": row["action__name"] or NO_ACTION,
            "count": row["n"],
            "hours": hours(row["minutes"]),
            "enterprises": met.get(row["action_id"], 0),
        }
        for row in rows
    ]


def by_qpv(activities):
    """Per QPV of the enterprises present: activities and their hours. An activity counts
    once in each QPV where one of its present enterprises is; one without any enterprise
    present is « sans entreprise présente ». One query: distinct (activity, QPV) pairs."""
    inner, params = activities.order_by().values("pk").query.sql_with_params()
    participation, enterprise, activity, qpv = (
        Participation._meta.db_table,
        Enterprise._meta.db_table,
        Activity._meta.db_table,
        Qpv._meta.db_table,
    )
    sql = f"""
        SELECT x.met, q.name, COUNT(*), COALESCE(SUM(x.duration), 0)
        FROM (
            SELECT DISTINCT a.id, a.duration, e.qpv_id, p.id IS NOT NULL AS met
            FROM {activity} a
            LEFT JOIN {participation} p ON p.activity_id = a.id AND p.attendance = %s
            LEFT JOIN {enterprise} e ON e.id = p.enterprise_id
            WHERE a.id IN ({inner})
        ) x
        LEFT JOIN {qpv} q ON q.id = x.qpv_id
        GROUP BY x.met, q.name
        ORDER BY COUNT(*) DESC, q.name
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [Attendance.PRESENT, *params])
        rows = cursor.fetchall()
    return [
        (name or ("hors QPV" if met else "sans entreprise présente"), n, hours(minutes))
        for met, name, n, minutes in rows
    ]


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
