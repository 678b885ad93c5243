"""What the entrepreneurs' answers say, aggregated: satisfaction per partner and overall,
what the help allowed them to do, and the partners the Métropole should call.

Kept here (the app that owns the surveys) so that « Pilotage », the partner follow-up
and the convention report read the same figures. Nothing personal leaves: counts only."""

from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Count, Q

from partners.models import Organisation

from .enums import CLOSED_STATUSES, AssignmentStatus, JoinRequestStatus, Need, Recontacted
from .models import Assignment, JoinRequest, Survey
from .models.surveys import SATISFIED_FROM


def _rate(part, whole):
    if not whole:
        return None
    # Halves up, the report's rounding rule (grant.indicators.base.rounded).
    return (Decimal(part) / Decimal(whole) * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _percent(rate):
    """Decimal("30.0") → « 30,0 % », as the tables show it."""
    return f"{rate} %".replace(".", ",")


def _answered(start, end):
    return Survey.objects.filter(usefulness__isnull=False, answered_at__date__range=(start, end))


def satisfaction_by_organisation(start, end):
    """{organisation id: {"answers": n, "satisfaction_rate": % of 4 or 5 out of 5}} for
    answers given between `start` and `end` about an orientation. One query."""
    rows = (
        _answered(start, end)
        .filter(organisation__isnull=False)
        .values("organisation_id")
        .annotate(
            answers=Count("id"), satisfied=Count("id", filter=Q(usefulness__gte=SATISFIED_FROM))
        )
    )
    return {
        row["organisation_id"]: {
            "answers": row["answers"],
            "satisfaction_rate": _rate(row["satisfied"], row["answers"]),
        }
        for row in rows
    }


def satisfaction_summary(start, end):
    """The programme's figures for « Pilotage » and the report: number of answers, share
    satisfied, share recontacted, mean usefulness, and what the help allowed (label,
    count), most cited first; and the requests to join received and accepted. Three
    queries."""
    answered = _answered(start, end)
    totals = answered.aggregate(
        answers=Count("id"),
        satisfied=Count("id", filter=Q(usefulness__gte=SATISFIED_FROM)),
        told_recontacted=Count("id", filter=~Q(recontacted="")),
        recontacted=Count("id", filter=Q(recontacted=Recontacted.YES)),
    )
    allowed = Counter()
    usefulness = []
    for values, score in answered.values_list("allowed", "usefulness"):
        allowed.update(code for code in values or [] if code in Need.values)
        usefulness.append(score)
    return {
        "answers": totals["answers"],
        "satisfaction_rate": _rate(totals["satisfied"], totals["answers"]),
        "recontacted_rate": _rate(totals["recontacted"], totals["told_recontacted"]),
        "mean_usefulness": (
            (Decimal(sum(usefulness)) / len(usefulness)).quantize(Decimal("0.1"), ROUND_HALF_UP)
            if usefulness
            else None
        ),
        "allowed": [(Need(code).label, count) for code, count in allowed.most_common()],
        **JoinRequest.objects.filter(created_at__date__range=(start, end)).aggregate(
            requests_received=Count("id"),
            requests_accepted=Count(
                "id",
                filter=Q(status__in=[JoinRequestStatus.ACCEPTED, JoinRequestStatus.MERGED]),
            ),
        ),
    }


def partners_to_call(start, end):
    """Partners to call this week, with the reasons in French: on at least
    CALL_MIN_ASSIGNMENTS orientations made in the period, a refusal rate of at least
    CALL_REFUSAL_RATE_FROM % or a share of « aide proposée » (among the orientations the
    partner has closed or refused) of at most CALL_HELPED_SHARE_UP_TO %; or, on at least
    CALL_MIN_ANSWERS answers, a satisfaction of at most CALL_SATISFACTION_UP_TO %.
    Two queries, then the organisations' names."""
    counts = (
        Assignment.objects.filter(created_at__date__range=(start, end))
        .values("organisation_id")
        .annotate(
            total=Count("id"),
            refused=Count("id", filter=Q(status=AssignmentStatus.NOT_FOR_ME)),
            decided=Count(
                "id", filter=Q(status__in=[*CLOSED_STATUSES, AssignmentStatus.NOT_FOR_ME])
            ),
            helped=Count("id", filter=Q(status=AssignmentStatus.DONE)),
        )
    )
    satisfaction = satisfaction_by_organisation(start, end)
    flagged = {}
    for row in counts:
        if row["total"] < settings.CALL_MIN_ASSIGNMENTS:
            continue
        refusal = _rate(row["refused"], row["total"])
        helped = _rate(row["helped"], row["decided"])
        reasons = []
        if refusal >= settings.CALL_REFUSAL_RATE_FROM:
            reasons.append(f"{_percent(refusal)} de refus sur {row['total']} orientations")
        if helped is not None and helped <= settings.CALL_HELPED_SHARE_UP_TO:
            reasons.append(f"« aide proposée » pour {_percent(helped)} des orientations traitées")
        if reasons:
            flagged[row["organisation_id"]] = reasons
    for organisation_id, figures in satisfaction.items():
        rate = figures["satisfaction_rate"]
        if figures["answers"] >= settings.CALL_MIN_ANSWERS and (
            rate <= settings.CALL_SATISFACTION_UP_TO
        ):
            flagged.setdefault(organisation_id, []).append(
                f"{_percent(rate)} d'entrepreneurs satisfaits sur {figures['answers']} réponses"
            )
    names = dict(Organisation.objects.filter(pk__in=flagged).values_list("pk", "name"))
    return sorted(
        (
            {"organisation_id": pk, "name": names.get(pk, ""), "reasons": reasons}
            for pk, reasons in flagged.items()
        ),
        key=lambda row: row["name"],
    )
