"""The parcours as of the period's end: enterprises and their stages, diagnostics and
progress, orientations to partners, the working group."""

from collections import defaultdict

from django.db import connection
from django.db.models import (
    Avg,
    Case,
    CharField,
    Count,
    DateTimeField,
    F,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from common.stats import paired_mean
from enterprises.enums import (
    CLOSED_STATUSES,
    PIX_DOMAINS,
    AssessmentKind,
    AssignmentStatus,
    ExitReason,
    Stage,
)
from enterprises.models import Assessment, Assignment, Enterprise, StageChange
from partners.models import Meeting, MeetingInvitation
from programme.models import NafCode, Qpv

from .base import day_bounds, median_days, rate, rounded

# The scores of a diagnostic: overall, then each PIX domain.
SCORE_FIELDS = ["overall", *(name for name, _ in PIX_DOMAINS)]

STAGE_LABELS = dict(Stage.choices)
EXIT_LABELS = dict(ExitReason.choices)
ASSIGNMENT_LABELS = dict(AssignmentStatus.choices)


def scoped_enterprises(qpv=None, action=None, organisation=None):
    """Enterprises within the optional filters (QPV, programme action, partner)."""
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


def as_of(enterprises, end):
    """The enterprises that had entered the parcours by the end of `end`, annotated with
    `entered_at` (first recorded stage change, else the record's creation) and
    `stage_at_end` / `exit_reason_at_end` (from the last stage change before the end;
    without any change, the present stage). Correlated subqueries: one query."""
    _, after = day_bounds(end, end)
    changes = StageChange.objects.filter(enterprise=OuterRef("pk"))
    last = changes.filter(at__lt=after).order_by("-at", "-id")
    return enterprises.annotate(
        entered_at=Coalesce(
            Subquery(
                changes.order_by().values("enterprise").annotate(first=Min("at")).values("first"),
                output_field=DateTimeField(),
            ),
            F("created_at"),
        ),
        stage_at_end=Coalesce(
            Subquery(last.values("to_stage")[:1]), F("stage"), output_field=CharField()
        ),
        exit_reason_at_end=Coalesce(
            Subquery(last.values("reason")[:1]), F("exit_reason"), output_field=CharField()
        ),
    ).filter(entered_at__lt=after)


def state_at_end(enterprises, begin, after):
    """One pass over the enterprises in the parcours before `after`: rows of (stage at end,
    exit reason at end, QPV name, NAF section, its label, entered since `begin`, count).
    Derived tables joined once (first change, last change before the end by ROW_NUMBER)
    rather than a correlated subquery per enterprise: the same rule as as_of()."""
    inner, params = enterprises.order_by().values("pk").query.sql_with_params()
    e, sc, q, naf = (
        Enterprise._meta.db_table,
        StageChange._meta.db_table,
        Qpv._meta.db_table,
        NafCode._meta.db_table,
    )
    sql = f"""
        SELECT COALESCE(l.to_stage, e.stage), COALESCE(l.reason, e.exit_reason), q.name,
               n.section, n.section_label, COALESCE(f.first_at, e.created_at) >= %s, COUNT(*)
        FROM {e} e
        LEFT JOIN (SELECT enterprise_id, MIN(at) AS first_at FROM {sc} GROUP BY enterprise_id) f
            ON f.enterprise_id = e.id
        LEFT JOIN (
            SELECT enterprise_id, to_stage, reason, ROW_NUMBER() OVER (
                PARTITION BY enterprise_id ORDER BY at DESC, id DESC) AS rank
            FROM {sc} WHERE at < %s
        ) l ON l.enterprise_id = e.id AND l.rank = 1
        LEFT JOIN {q} q ON q.id = e.qpv_id
        LEFT JOIN {naf} n ON n.id = e.naf_id
        WHERE COALESCE(f.first_at, e.created_at) < %s AND e.id IN ({inner})
        GROUP BY 1, 2, 3, 4, 5, 6
    """
    with connection.cursor() as cursor:
        # Raw SQL: adapt the bounds as the ORM would (naive UTC text on SQLite).
        begin, after = (connection.ops.adapt_datetimefield_value(v) for v in (begin, after))
        cursor.execute(sql, [begin, after, after, *params])
        return cursor.fetchall()


def enterprise_figures(enterprises, start, end):
    """Stages and exits at the end of the period, QPVs and sectors of the enterprises then
    in the parcours, new ones, the funnel of the period and the median time between
    stages. Six queries."""
    begin, after = day_bounds(start, end)
    by_stage, exits, by_qpv, by_section = (defaultdict(int) for _ in range(4))
    new = 0
    for stage, reason, qpv, section, label, entered, n in state_at_end(enterprises, begin, after):
        by_stage[stage] += n
        if stage == Stage.SORTIE and reason:
            exits[reason] += n
        by_qpv[qpv or "hors QPV"] += n
        sector = f"{section} — {label.capitalize()}" if section else "non renseigné"
        by_section[sector] += n
        new += n if entered else 0
    changes = StageChange.objects.filter(enterprise__in=enterprises, at__lt=after)
    reached = dict(
        changes.filter(at__gte=begin)
        .values_list("to_stage")
        .annotate(n=Count("enterprise", distinct=True))
        .order_by()
    )
    durations = defaultdict(list)
    for change in changes.with_durations().only("to_stage", "at"):
        if change.left_at is not None and change.left_at < after:
            durations[change.to_stage].append(change.left_at - change.at)
    return {
        "total": sum(by_stage.values()),
        "new": new,
        "by_stage": [(STAGE_LABELS[s], by_stage.get(s, 0)) for s in Stage.values],
        "exits": [(label, exits[code]) for code, label in ExitReason.choices if exits.get(code)],
        "by_qpv": sorted(by_qpv.items(), key=lambda item: (-item[1], item[0])),
        "by_section": sorted(by_section.items(), key=lambda item: (-item[1], item[0])),
        "funnel": [(STAGE_LABELS[s], reached.get(s, 0)) for s in Stage.values],
        "autonomy_reached": reached.get(Stage.AUTONOME, 0),
        "median_days_in": [
            (STAGE_LABELS[s], median_days(durations.get(s, [])))
            for s in (Stage.REPEREE, Stage.DIAGNOSTIQUEE, Stage.ACCOMPAGNEE)
        ],
    }


def diagnostic_pairs(assessments):
    """[(first initial, last final)] per contact having both among `assessments`, each a
    dict of its scores (overall and per PIX domain). One query."""
    firsts, lasts = {}, {}
    rows = (
        assessments.filter(
            contact__isnull=False, kind__in=[AssessmentKind.INITIAL, AssessmentKind.FINAL]
        )
        .order_by("date", "id")
        .values("contact_id", "kind", *SCORE_FIELDS)
    )
    for row in rows:
        if row["kind"] == AssessmentKind.INITIAL:
            firsts.setdefault(row["contact_id"], row)
        else:
            lasts[row["contact_id"]] = row
    return [(firsts[c], lasts[c]) for c in sorted(firsts.keys() & lasts.keys())]


def progress_by_domain(pairs):
    """Per score (overall, then each PIX domain): the mean of « last final − first
    initial » over the contacts that have both, with its 95 % confidence interval
    (Student's t on paired differences); suppressed under MIN_PAIRS contacts."""
    labels = {"overall": "Maîtrise globale", **dict(PIX_DOMAINS)}
    results = []
    for key in SCORE_FIELDS:
        differences = [
            final[key] - initial[key]
            for initial, final in pairs
            if initial[key] is not None and final[key] is not None
        ]
        result = paired_mean(differences)
        results.append(
            {
                "key": key,
                "label": labels[key],
                "pairs": result.pairs,
                "suppressed": result.suppressed,
                "mean": None if result.suppressed else rounded(result.mean),
                "low": None if result.suppressed else rounded(result.low),
                "high": None if result.suppressed else rounded(result.high),
            }
        )
    return results


def assessment_figures(enterprises, start, end):
    """Diagnostics of the period: number (initial, final), mean scores per PIX domain, and
    progress: per contact, the last final minus the first initial (overall score),
    averaged over the contacts that have both in the period. Three queries."""
    assessments = Assessment.objects.filter(enterprise__in=enterprises, date__range=(start, end))
    fields = SCORE_FIELDS
    summary = assessments.aggregate(
        count=Count("id"),
        initial=Count("id", filter=Q(kind=AssessmentKind.INITIAL)),
        final=Count("id", filter=Q(kind=AssessmentKind.FINAL)),
        **{f"initial_{f}": Avg(f, filter=Q(kind=AssessmentKind.INITIAL)) for f in fields},
        **{f"final_{f}": Avg(f, filter=Q(kind=AssessmentKind.FINAL)) for f in fields},
    )
    pairs = diagnostic_pairs(assessments)
    gains = [final["overall"] - initial["overall"] for initial, final in pairs]
    labels = {"overall": "Maîtrise globale", **dict(PIX_DOMAINS)}
    return {
        "count": summary["count"],
        "initial": summary["initial"],
        "final": summary["final"],
        "with_both": len(gains),
        "mean_progress": rounded(sum(gains) / len(gains)) if gains else None,
        "progress_by_domain": progress_by_domain(pairs),
        "by_domain": [
            (labels[f], rounded(summary[f"initial_{f}"]), rounded(summary[f"final_{f}"]))
            for f in fields
        ],
    }


def status_at_end(after):
    """An orientation's status at the end of the period, from its dated steps; a status
    whose step has no recorded date is taken as it is now."""
    S = AssignmentStatus
    return Case(
        When(closed_at__lt=after, then=F("status")),
        When(declined_at__lt=after, then=Value(S.NOT_FOR_ME)),
        When(expired_at__lt=after, then=Value(S.EXPIRED)),
        When(closed_at__isnull=True, status__in=CLOSED_STATUSES, then=F("status")),
        When(declined_at__isnull=True, status=S.NOT_FOR_ME, then=F("status")),
        When(expired_at__isnull=True, status=S.EXPIRED, then=F("status")),
        When(taken_at__lt=after, then=Value(S.TAKING_CARE)),
        When(taken_at__isnull=True, status=S.TAKING_CARE, then=F("status")),
        default=Value(S.QUO),
        output_field=CharField(),
    )


def partner_followup(start, end):
    """orientation_figures' rows per partner."""
    return orientation_figures(start, end)["partners"]


def orientation_figures(start, end, organisation=None):
    """Per partner, for orientations made within the period, with their status at its end:
    counts, the response, take-charge and refusal rates, the share of closed orientations
    closed with help, the median time to take charge (days). Two queries."""
    begin, after = day_bounds(start, end)
    made = Assignment.objects.filter(created_at__gte=begin, created_at__lt=after)
    if organisation is not None:
        made = made.filter(organisation=organisation)
    made = made.annotate(status_at_end=status_at_end(after))
    by_status = defaultdict(lambda: defaultdict(int))
    names = {}
    for organisation_id, name, status, n in (
        made.values_list("organisation_id", "organisation__name", "status_at_end")
        .annotate(n=Count("id"))
        .order_by()
    ):
        by_status[organisation_id][status] += n
        names[organisation_id] = name
    delays = defaultdict(list)
    for organisation_id, created, taken in made.filter(taken_at__lt=after).values_list(
        "organisation_id", "created_at", "taken_at"
    ):
        delays[organisation_id].append(taken - created)
    rows = []
    for organisation_id, name in sorted(names.items(), key=lambda item: item[1]):
        counts = by_status[organisation_id]
        total = sum(counts.values())
        closed = sum(counts[s] for s in CLOSED_STATUSES)
        waiting = counts[AssignmentStatus.QUO] + counts[AssignmentStatus.EXPIRED]
        taken = total - waiting - counts[AssignmentStatus.NOT_FOR_ME]
        rows.append(
            {
                "organisation_id": organisation_id,
                "organisation__name": name,
                "total": total,
                "by_status": dict(counts),
                "response_rate": rate(total - waiting, total),
                "take_charge_rate": rate(taken, total),
                "refusal_rate": rate(counts[AssignmentStatus.NOT_FOR_ME], total),
                "helped_share": rate(counts[AssignmentStatus.DONE], closed),
                "median_days": median_days(delays[organisation_id]),
            }
        )
    every_delay = [d for values in delays.values() for d in values]
    totals = defaultdict(int)
    for counts in by_status.values():
        for status, n in counts.items():
            totals[status] += n
    return {
        "partners": rows,
        "total": sum(totals.values()),
        "by_status": [(label, totals.get(code, 0)) for code, label in ASSIGNMENT_LABELS.items()],
        "median_days": median_days(every_delay),
        "taken": len(every_delay),
    }


def working_group_figures(start, end):
    """Meetings of the working group held within the period, and attendance per
    organisation (for the report). Two queries."""
    begin, after = day_bounds(start, end)
    meetings = Meeting.objects.filter(starts_at__gte=begin, starts_at__lt=after)
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
