"""The one place where the programme's figures are computed (ARCHITECTURE.md §5).

The dashboard, the exports and the report all read their figures from here, so that the
three never disagree. Every figure is a database aggregate: a bounded number of queries,
whatever the amount of data. The activities and report issues add their sections."""

from decimal import Decimal

from django.db.models import Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from common.formatting import CENT, euros

from .enums import ExpenseStatus
from .models import BudgetLine, Disbursement

ZERO = Decimal("0.00")
# Warn when less than this share of the convention remains and less than half is spent.
LATE_SHARE = Decimal("0.25")


def _money(expression):
    return Coalesce(expression, Value(ZERO))


def _rate(part, whole):
    if not whole:
        return Decimal("0")
    return (Decimal(part) / Decimal(whole) * 100).quantize(Decimal("0.1"))


def grant_execution(convention, today=None):
    """Planned, engaged, paid, charged to the grant and received, per line and in total,
    with what remains, the execution rate, the time elapsed and warnings. Two queries."""
    return grant_executions([convention], today)[0]


def grant_executions(conventions, today=None):
    """grant_execution for several conventions, in the same two queries."""
    from collections import defaultdict

    today = today or timezone.localdate()
    conventions = list(conventions)
    by_convention = defaultdict(list)
    for line in (
        BudgetLine.objects.filter(convention__in=conventions)
        .select_related("action")
        .annotate(
            engaged=_money(Sum("expenses__amount")),
            paid=_money(Sum("expenses__amount", filter=Q(expenses__status=ExpenseStatus.PAYEE))),
            charged=_money(Sum("expenses__grant_amount")),
        )
        .order_by("position", "id")
    ):
        by_convention[line.convention_id].append(line)
    received = dict(
        Disbursement.objects.filter(convention__in=conventions)
        .values_list("convention")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    return [
        _execution(c, by_convention[c.pk], received.get(c.pk) or ZERO, today) for c in conventions
    ]


def _execution(convention, lines, received, today):
    received = received.quantize(CENT)
    for line in lines:  # SQLite drops the scale of decimal sums: put the cents back
        line.engaged, line.paid, line.charged = (
            line.engaged.quantize(CENT),
            line.paid.quantize(CENT),
            line.charged.quantize(CENT),
        )
    total = {
        "planned_cost": sum((line.planned_cost for line in lines), ZERO),
        "planned_grant": sum((line.planned_grant for line in lines), ZERO),
        "engaged": sum((line.engaged for line in lines), ZERO),
        "paid": sum((line.paid for line in lines), ZERO),
        "charged": sum((line.charged for line in lines), ZERO),
        "received": received,
    }
    total["remaining"] = convention.max_amount - total["charged"]
    total["to_receive"] = convention.max_amount - received
    total["unallocated"] = convention.max_amount - total["planned_grant"]
    total["execution_rate"] = _rate(total["charged"], convention.max_amount)
    warnings = []
    for line in lines:
        line.execution_rate = _rate(line.engaged, line.planned_cost)
        line.over = line.engaged > line.planned_cost
        if line.over:
            warnings.append(
                f"« {line.label} » dépense plus que prévu : {euros(line.engaged)} engagés pour "
                f"{euros(line.planned_cost)} prévus."
            )
    elapsed_rate = None
    if convention.signed_on:
        duration = (convention.ends_on - convention.signed_on).days
        elapsed = min(max((today - convention.signed_on).days, 0), duration)
        elapsed_rate = _rate(elapsed, duration)
        left = duration - elapsed
        if left <= duration * LATE_SHARE and total["execution_rate"] < 50:
            warnings.append(
                f"La convention se termine dans {left} jour(s) et seulement "
                f"{total['execution_rate']} % de la subvention est imputé."
            )
    return {
        "convention": convention,
        "lines": lines,
        "total": total,
        "elapsed_rate": elapsed_rate,
        "days_left": convention.days_left(today),
        "warnings": warnings,
    }


# --- Activities (« Mes statistiques », the dashboard, the report) --------------------


def activity_figures(activities):
    """Figures for a queryset of activities: six queries whatever its size."""
    from django.db.models import Count, Exists, OuterRef

    from enterprises.enums import ActivityKind, Attendance, PlaceType
    from enterprises.models import Activity, Enterprise, Participation

    totals = activities.aggregate(
        count=Count("id"),
        minutes=Coalesce(Sum("duration"), Value(0)),
        individual=Count("id", filter=Q(kind=ActivityKind.INDIVIDUEL)),
        collective=Count("id", filter=Q(kind=ActivityKind.COLLECTIF)),
        anonymous=Coalesce(Sum("anonymous_count"), Value(0)),
    )
    present = Participation.objects.filter(activity__in=activities, attendance=Attendance.PRESENT)
    # Enterprises met, per QPV: a semi-join (EXISTS) grouped by QPV, whose sum is the
    # number of distinct enterprises; COUNT(DISTINCT) per group sorted every row.
    met = Enterprise.objects.filter(Exists(present.filter(enterprise=OuterRef("pk"))))
    qpvs = list(met.values("qpv__name").annotate(n=Count("id")).order_by("-n", "qpv__name"))
    totals["enterprises"] = sum(row["n"] for row in qpvs)
    totals["named_participants"] = Participation.objects.filter(
        activity__in=activities.filter(kind=ActivityKind.COLLECTIF),
        attendance=Attendance.PRESENT,
    ).count()
    totals["hours"] = (Decimal(totals["minutes"]) / 60).quantize(Decimal("0.1"))
    # From the link table: one row per (activity, theme), no join back to the activities.
    themes = (
        Activity.themes.through.objects.filter(activity__in=activities)
        .values("term__label")
        .annotate(n=Count("activity_id"))
        .order_by("-n", "term__label")
    )
    place_labels = dict(PlaceType.choices)
    places = activities.values("place_type").annotate(n=Count("id")).order_by("-n")
    by_action = (
        activities.values("action__name")
        .annotate(n=Count("id"), minutes=Coalesce(Sum("duration"), Value(0)))
        .order_by("action__position", "action__name")
    )
    return {
        **totals,
        "themes": [(row["term__label"], row["n"]) for row in themes],
        "places": [
            (place_labels.get(row["place_type"], row["place_type"]), row["n"]) for row in places
        ],
        "qpvs": [(row["qpv__name"] or "hors QPV", row["n"]) for row in qpvs],
        "by_action": [
            (
                row["action__name"] or "sans action précisée",
                row["n"],
                (Decimal(row["minutes"]) / 60).quantize(Decimal("0.1")),
            )
            for row in by_action
        ],
    }


# --- Partners' follow-up of assignments ----------------------------------------------


def partner_followup(start, end):
    """Per partner, for assignments made between `start` and `end` (dates): counts, the
    response, take-charge and refusal rates, the share closed with help, and the median
    time to take charge (in days). Two queries."""
    import statistics
    from collections import defaultdict

    from django.db.models import Count

    from enterprises.enums import CLOSED_STATUSES, AssignmentStatus
    from enterprises.models import Assignment

    made = Assignment.objects.filter(created_at__date__range=(start, end))
    rows = list(
        made.values("organisation_id", "organisation__name")
        .annotate(
            total=Count("id"),
            waiting=Count("id", filter=Q(status=AssignmentStatus.QUO)),
            expired=Count("id", filter=Q(status=AssignmentStatus.EXPIRED)),
            taken=Count("id", filter=Q(taken_at__isnull=False)),
            refused=Count("id", filter=Q(status=AssignmentStatus.NOT_FOR_ME)),
            closed=Count("id", filter=Q(status__in=CLOSED_STATUSES)),
            helped=Count("id", filter=Q(status=AssignmentStatus.DONE)),
        )
        .order_by("organisation__name")
    )
    delays = defaultdict(list)
    for organisation_id, created, taken in made.filter(taken_at__isnull=False).values_list(
        "organisation_id", "created_at", "taken_at"
    ):
        delays[organisation_id].append((taken - created).total_seconds() / 86400)
    for row in rows:
        total = row["total"]
        row["response_rate"] = _rate(total - row["waiting"] - row["expired"], total)
        row["take_charge_rate"] = _rate(row["taken"], total)
        row["refusal_rate"] = _rate(row["refused"], total)
        row["helped_share"] = _rate(row["helped"], row["closed"])
        values = delays.get(row["organisation_id"])
        row["median_days"] = (
            Decimal(str(statistics.median(values))).quantize(Decimal("0.1")) if values else None
        )
    return rows


def working_group_figures(start, end):
    """Meetings of the working group held between `start` and `end`, and attendance per
    organisation (for the report). Two queries."""
    from django.db.models import Count

    from partners.models import Meeting, MeetingInvitation

    meetings = Meeting.objects.filter(starts_at__date__range=(start, end))
    attendance = (
        MeetingInvitation.objects.filter(meeting__in=meetings)
        .values("organisation__name")
        .annotate(invited=Count("id"), present=Count("id", filter=Q(present=True)))
        .order_by("organisation__name")
    )
    return {
        "meetings": meetings.count(),
        "attendance": [
            (row["organisation__name"], row["present"], row["invited"]) for row in attendance
        ],
    }


# --- The parcours, diagnostics and everything together (dashboard, report) -------------


def _median_days(durations):
    import statistics

    values = [d.total_seconds() / 86400 for d in durations if d is not None]
    if not values:
        return None
    return Decimal(str(statistics.median(values))).quantize(Decimal("0.1"))


def scoped_enterprises(qpv=None, action=None, organisation=None):
    """Enterprises within the optional filters (QPV, programme action, partner)."""
    from enterprises.models import Assignment, Enterprise

    enterprises = Enterprise.objects.all()
    if qpv is not None:
        enterprises = enterprises.filter(qpv=qpv)
    if action is not None or organisation is not None:
        assignments = Assignment.objects.all()
        if action is not None:
            assignments = assignments.filter(action=action)
        if organisation is not None:
            assignments = assignments.filter(organisation=organisation)
        enterprises = enterprises.filter(pk__in=assignments.values("enterprise_id"))
    return enterprises


def enterprise_figures(enterprises, start, end):
    """Stages (now), exits with reasons, QPVs and sectors, the funnel of the period and
    the median time between stages. Six queries."""
    from django.db.models import Count

    from enterprises.enums import ExitReason, Stage
    from enterprises.models import StageChange

    by_stage = dict(enterprises.values_list("stage").annotate(n=Count("id")))
    exits = dict(
        enterprises.filter(stage=Stage.SORTIE).values_list("exit_reason").annotate(n=Count("id"))
    )
    by_qpv = list(
        enterprises.values("qpv__name").annotate(n=Count("id")).order_by("-n", "qpv__name")
    )
    by_section = list(
        enterprises.values("naf__section", "naf__section_label")
        .annotate(n=Count("id"))
        .order_by("-n", "naf__section")
    )
    changes = StageChange.objects.filter(enterprise__in=enterprises, at__date__lte=end)
    reached = dict(
        changes.filter(at__date__gte=start)
        .values_list("to_stage")
        .annotate(n=Count("enterprise", distinct=True))
    )
    durations = {}
    for change in changes.with_durations().only("to_stage", "at"):
        if change.left_at is not None:
            durations.setdefault(change.to_stage, []).append(change.left_at - change.at)
    stage_labels = dict(Stage.choices)
    return {
        "total": sum(by_stage.values()),
        "by_stage": [(stage_labels[s], by_stage.get(s, 0)) for s in Stage.values],
        "exits": [
            (label, exits.get(code, 0)) for code, label in ExitReason.choices if exits.get(code)
        ],
        "by_qpv": [(row["qpv__name"] or "hors QPV", row["n"]) for row in by_qpv],
        "by_section": [
            (
                f"{row['naf__section']} — {row['naf__section_label'].capitalize()}"
                if row["naf__section"]
                else "non renseigné",
                row["n"],
            )
            for row in by_section
        ],
        "funnel": [(stage_labels[s], reached.get(s, 0)) for s in Stage.values],
        "median_days_in": [
            (stage_labels[s], _median_days(durations.get(s, [])))
            for s in (Stage.REPEREE, Stage.DIAGNOSTIQUEE, Stage.ACCOMPAGNEE)
        ],
    }


def assessment_figures(enterprises, start, end):
    """Diagnostics of the period: number, mean initial and final scores, mean progress of
    the enterprises that have both, per PIX domain. Two queries."""
    from django.db.models import Avg, Count, Max, Min

    from enterprises.enums import PIX_DOMAINS, AssessmentKind
    from enterprises.models import Assessment

    assessments = Assessment.objects.filter(enterprise__in=enterprises, date__range=(start, end))
    fields = ["overall"] + [name for name, _ in PIX_DOMAINS]
    summary = assessments.aggregate(
        count=Count("id"),
        **{f"initial_{f}": Avg(f, filter=Q(kind=AssessmentKind.INITIAL)) for f in fields},
        **{f"final_{f}": Avg(f, filter=Q(kind=AssessmentKind.FINAL)) for f in fields},
    )
    # Progress: per enterprise, its latest final minus its earliest initial (overall).
    pairs = (
        assessments.values("enterprise")
        .annotate(
            first=Min("overall", filter=Q(kind=AssessmentKind.INITIAL)),
            last=Max("overall", filter=Q(kind=AssessmentKind.FINAL)),
        )
        .filter(first__isnull=False, last__isnull=False)
    )
    gains = [row["last"] - row["first"] for row in pairs]

    def one(value):
        return None if value is None else Decimal(value).quantize(Decimal("0.1"))

    labels = {"overall": "Maîtrise globale", **dict(PIX_DOMAINS)}
    return {
        "count": summary["count"],
        "with_both": len(gains),
        "mean_progress": one(sum(gains) / len(gains)) if gains else None,
        "by_domain": [
            (labels[f], one(summary[f"initial_{f}"]), one(summary[f"final_{f}"])) for f in fields
        ],
    }


def programme_figures(start, end, convention=None, qpv=None, action=None, organisation=None):
    """Every figure of the programme for a period and optional filters: the dashboard,
    the exports and the report all read this one dictionary."""
    from enterprises.models import Activity, Participation

    enterprises = scoped_enterprises(qpv, action, organisation)
    activities = Activity.objects.filter(date__range=(start, end))
    if qpv is not None or action is not None or organisation is not None:
        activities = activities.filter(
            pk__in=Participation.objects.filter(enterprise__in=enterprises).values("activity_id")
        )
    if action is not None:
        activities = activities.filter(action=action)
    partners = partner_followup(start, end)
    if organisation is not None:
        partners = [row for row in partners if row["organisation_id"] == organisation.pk]
    return {
        "start": start,
        "end": end,
        "enterprises": enterprise_figures(enterprises, start, end),
        "activities": activity_figures(activities),
        "assessments": assessment_figures(enterprises, start, end),
        "partners": partners,
        "working_group": working_group_figures(start, end),
        "grant": grant_execution(convention, today=end) if convention is not None else None,
    }
