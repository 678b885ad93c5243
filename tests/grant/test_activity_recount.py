"""The activity figures (grant/indicators/activities.py and presence.py) recounted in
Python from the rows themselves — not from the indicators' SQL — on a fixture with what
the national data set lacks: activities shared by enterprises of one QPV, of several QPVs
and of none, present / excused / absent participants, activities without any enterprise
present, two QPVs of the same name, workshops, actions and no action."""

import datetime
from collections import Counter, defaultdict
from decimal import ROUND_HALF_UP, Decimal

import pytest

from enterprises.models import Activity, Participation
from grant.indicators import activity_figures, period_activities
from programme.enums import QpvGeneration

from ..factories import (
    ActionFactory,
    ActivityFactory,
    EnterpriseFactory,
    QpvFactory,
    TermFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
START, END = datetime.date(2024, 1, 1), datetime.date(2024, 12, 31)
DAY = datetime.date(2024, 5, 2)


def hours(minutes):
    return (Decimal(minutes) / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@pytest.fixture
def fixture():
    mosson, lemasson = QpvFactory(name="Mosson"), QpvFactory(name="Lemasson")
    # Another generation's QPV of the same name: grouped with it by name, as before.
    mosson_2024 = QpvFactory(name="Mosson", generation=QpvGeneration.G2024)
    a1, a2 = EnterpriseFactory(qpv=mosson), EnterpriseFactory(qpv=mosson)
    b1 = EnterpriseFactory(qpv=lemasson)
    m3 = EnterpriseFactory(qpv=mosson_2024)
    out1, out2 = EnterpriseFactory(qpv=None), EnterpriseFactory(qpv=None)
    first, second = ActionFactory(position=1), ActionFactory(position=2)
    author = UserFactory()
    theme, other = TermFactory(), TermFactory()

    def activity(enterprises=(), kind="individuel", action=None, duration=60, **fields):
        made = ActivityFactory(
            date=fields.pop("date", DAY),
            kind=kind,
            action=action,
            duration=duration,
            author=fields.pop("author", author),
            **fields,
        )
        for enterprise, attendance in enterprises:
            made.participations.create(enterprise=enterprise, attendance=attendance)
        return made

    p = "present"
    activity([(a1, p)], action=first, duration=45).themes.add(theme)
    # Two enterprises of one QPV: once there; and one excused elsewhere.
    activity([(a1, p), (a2, p), (b1, "excuse")], "collectif", first, 120, anonymous_count=3)
    # Three QPVs at once (one of them « hors QPV »): once in each.
    shared = activity([(a1, p), (b1, p), (out1, p)], "collectif", second, 90)
    shared.themes.add(theme, other)
    # Two QPVs of the same name: twice under that name.
    activity([(a2, p), (m3, p), (out2, p)], "collectif", None, 30, place_type="a_distance")
    activity([(out1, "absent")], duration=30)  # nobody present
    activity([], action=second, duration=15, place_type="a_distance")  # no participant
    activity([(b1, p)], action=second, duration=20, anonymous_count=2)
    activity([(out2, p)], "collectif", first, 50, place_type="lieu_activite")
    activity([(a1, p)], date=datetime.date(2023, 12, 31))  # before the period
    activity([(b1, p)], author=UserFactory())  # another author (« Mes statistiques »)
    return author


def recount(activities):
    """Every figure, from the rows."""
    rows = list(activities.values("id", "kind", "duration", "anonymous_count", "place_type"))
    ids = {row["id"] for row in rows}
    present = list(
        Participation.objects.filter(activity_id__in=ids, attendance="present").values(
            "activity_id",
            "activity__kind",
            "activity__action_id",
            "enterprise_id",
            "enterprise__qpv_id",
            "enterprise__qpv__name",
        )
    )
    durations = {row["id"]: row["duration"] for row in rows}
    actions = dict(Activity.objects.filter(id__in=ids).values_list("id", "action_id"))
    qpv_of = {p["enterprise_id"]: p["enterprise__qpv__name"] for p in present}
    pairs = {
        (p["activity_id"], p["enterprise__qpv_id"], p["enterprise__qpv__name"]) for p in present
    }
    met = {p["activity_id"] for p in present}
    by_qpv = defaultdict(lambda: [0, 0])
    for activity_id, _, name in pairs:
        by_qpv[name or "hors QPV"][0] += 1
        by_qpv[name or "hors QPV"][1] += durations[activity_id]
    unmet = ids - met
    if unmet:
        by_qpv["sans entreprise présente"] = [len(unmet), sum(durations[i] for i in unmet)]
    per_action = defaultdict(lambda: [0, 0, set()])
    for activity_id in ids:
        per_action[actions[activity_id]][0] += 1
        per_action[actions[activity_id]][1] += durations[activity_id]
    for p in present:
        per_action[p["activity__action_id"]][2].add(p["enterprise_id"])
    return {
        "count": len(rows),
        "minutes": sum(durations.values()),
        "individual": sum(1 for row in rows if row["kind"] == "individuel"),
        "collective": sum(1 for row in rows if row["kind"] == "collectif"),
        "anonymous": sum(row["anonymous_count"] for row in rows),
        "enterprises": len(qpv_of),
        "named_participants": sum(1 for p in present if p["activity__kind"] == "collectif"),
        "qpvs": Counter(name or "hors QPV" for name in qpv_of.values()),
        "places": Counter(row["place_type"] for row in rows),
        "by_qpv": {name: (n, hours(minutes)) for name, (n, minutes) in by_qpv.items()},
        "by_action": {
            action: (n, hours(minutes), len(met_here))
            for action, (n, minutes, met_here) in per_action.items()
        },
    }


def check(figures, expected, tables=True):
    for key in ("count", "minutes", "individual", "collective", "anonymous"):
        assert figures[key] == expected[key], key
    assert figures["enterprises"] == expected["enterprises"]
    assert figures["named_participants"] == expected["named_participants"]
    assert figures["hours"] == hours(expected["minutes"])
    assert dict(figures["qpvs"]) == expected["qpvs"]
    counts = [n for _, n in figures["qpvs"]]
    assert counts == sorted(counts, reverse=True)
    assert sum(n for _, n in figures["places"]) == expected["count"]
    assert len(figures["places"]) == len(expected["places"])
    if not tables:
        assert "by_qpv" not in figures and "by_action" not in figures
        return
    assert {name: (n, h) for name, n, h in figures["by_qpv"]} == expected["by_qpv"]
    counts = [n for _, n, _ in figures["by_qpv"]]
    assert counts == sorted(counts, reverse=True)
    assert {
        row["action_id"]: (row["count"], row["hours"], row["enterprises"])
        for row in figures["by_action"]
    } == expected["by_action"]


def test_the_activity_figures_equal_a_recount_from_the_rows(fixture):
    activities = period_activities(START, END)
    expected = recount(activities)
    # The fixture has what it says.
    assert expected["by_qpv"]["Mosson"][0] == 5  # shared in one QPV counts once there
    assert expected["by_qpv"]["sans entreprise présente"][0] == 2
    figures = activity_figures(activities)
    check(figures, expected)
    names = [row["name"] for row in figures["by_action"]]
    assert "sans action précisée" in names and len(names) == 3
    positioned = [name for name in names if name != "sans action précisée"]
    assert positioned == sorted(positioned)  # the actions in their order (1, 2)


def test_mes_statistiques_figures_equal_a_recount(fixture):
    activities = Activity.objects.filter(author=fixture, date__range=(START, END))
    check(activity_figures(activities, tables=False), recount(activities), tables=False)


def test_a_period_without_activities(fixture):
    activities = period_activities(datetime.date(2020, 1, 1), datetime.date(2020, 12, 31))
    figures = activity_figures(activities)
    assert (figures["count"], figures["enterprises"], figures["named_participants"]) == (0, 0, 0)
    assert figures["by_qpv"] == figures["qpvs"] == figures["by_action"] == []


def test_the_figures_take_as_many_queries_for_200_activities_as_for_10(
    fixture, django_assert_num_queries
):
    def queries(n):
        enterprise = EnterpriseFactory()
        for _ in range(n):
            ActivityFactory(date=DAY).participations.create(enterprise=enterprise)
        with django_assert_num_queries(3):
            activity_figures(period_activities(START, END))

    queries(10)
    queries(190)
