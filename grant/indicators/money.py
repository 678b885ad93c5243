"""The grant's money, as of a date: what was planned, engaged, paid, charged and received."""

from collections import defaultdict

from django.db.models import F, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from common.formatting import CENT, euros

from ..enums import ExpenseStatus
from ..models import BudgetLine, Disbursement, Expense
from .base import ZERO, day_bounds, rate

# Warn when less than this share of the convention remains and less than half is spent.
LATE_SHARE = 0.25
STATUS_LABELS = dict(ExpenseStatus.choices)


def expenses_as_of(end, start=None):
    """Expenses dated within [start, end] (no lower bound without start), each annotated
    with `status_at_end`: its status in the last version of its history saved before the
    end of `end`; for one recorded after that day, its first recorded status; without any
    history, its present status. So a closed period keeps its figures."""
    _, after = day_bounds(end, end)
    versions = Expense.history.model.objects.filter(id=OuterRef("pk"))
    expenses = Expense.objects.filter(date__lte=end)
    if start is not None:
        expenses = expenses.filter(date__gte=start)
    return expenses.annotate(
        status_at_end=Coalesce(
            Subquery(
                versions.filter(history_date__lt=after)
                .order_by("-history_date", "-history_id")
                .values("status")[:1]
            ),
            Subquery(versions.order_by("history_date", "history_id").values("status")[:1]),
            F("status"),
        )
    )


def expense_totals(convention):
    """The amount and grant part of all the convention's expenses (« état récapitulatif »).
    One query."""
    totals = Expense.objects.filter(line__convention=convention).aggregate(
        amount=Sum("amount"), grant_amount=Sum("grant_amount")
    )
    return {key: (value or ZERO).quantize(CENT) for key, value in totals.items()}


def grant_execution(convention, today=None, start=None):
    """Planned, engaged, paid, charged to the grant and received, per line and in total,
    as of `today` (from `start` when given), with what remains, the execution rate, the
    time elapsed and warnings. Three queries."""
    return grant_executions([convention], today, start)[0]


def grant_executions(conventions, today=None, start=None):
    """grant_execution for several conventions, in the same three queries."""
    today = today or timezone.localdate()
    conventions = list(conventions)
    lines = defaultdict(list)
    for line in BudgetLine.objects.filter(convention__in=conventions).select_related("action"):
        lines[line.convention_id].append(line)
    sums = defaultdict(lambda: {"amount": ZERO, "grant": ZERO})
    to_date = defaultdict(lambda: ZERO)
    rows = (
        expenses_as_of(today)
        .filter(line__convention__in=conventions)
        .values("line_id", "status_at_end", "date")
        .annotate(amount=Sum("amount"), grant=Sum("grant_amount"))
        .order_by()
    )
    for row in rows:
        if start is None or row["date"] >= start:
            cell = sums[(row["line_id"], row["status_at_end"])]
            cell["amount"] += row["amount"]
            cell["grant"] += row["grant"]
        to_date[row["line_id"]] += row["grant"]
    received = defaultdict(lambda: {"period": ZERO, "to_date": ZERO})
    for convention_id, date, amount in Disbursement.objects.filter(
        convention__in=conventions, date__lte=today
    ).values_list("convention_id", "date", "amount"):
        received[convention_id]["to_date"] += amount
        if start is None or date >= start:
            received[convention_id]["period"] += amount
    return [
        _execution(c, lines[c.pk], sums, to_date, received[c.pk], today, start) for c in conventions
    ]


def _execution(convention, lines, sums, to_date, received, today, start):
    lines = sorted(lines, key=lambda line: (line.position, line.pk))
    for line in lines:
        line.by_status = {
            status: sums[(line.pk, status)]["amount"].quantize(CENT)
            for status in ExpenseStatus.values
        }
        line.engaged = sum(line.by_status.values(), ZERO)
        line.paid = line.by_status[ExpenseStatus.PAYEE]
        line.charged = sum((sums[(line.pk, s)]["grant"] for s in ExpenseStatus.values), ZERO)
        line.charged = line.charged.quantize(CENT)
    total = {
        "planned_cost": sum((line.planned_cost for line in lines), ZERO),
        "planned_grant": sum((line.planned_grant for line in lines), ZERO),
        "engaged": sum((line.engaged for line in lines), ZERO),
        "paid": sum((line.paid for line in lines), ZERO),
        "charged": sum((line.charged for line in lines), ZERO),
        "received": received["period"].quantize(CENT),
        "charged_to_date": sum((to_date[line.pk] for line in lines), ZERO).quantize(CENT),
        "received_to_date": received["to_date"].quantize(CENT),
    }
    total["by_status"] = [
        (label, sum((line.by_status[code] for line in lines), ZERO))
        for code, label in STATUS_LABELS.items()
    ]
    total["remaining"] = convention.max_amount - total["charged_to_date"]
    total["to_receive"] = convention.max_amount - total["received_to_date"]
    total["unallocated"] = convention.max_amount - total["planned_grant"]
    total["execution_rate"] = rate(total["charged_to_date"], convention.max_amount)
    warnings = []
    for line in lines:
        line.execution_rate = rate(line.engaged, line.planned_cost)
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
        elapsed_rate = rate(elapsed, duration)
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
        "start": start,
        "end": today,
        "elapsed_rate": elapsed_rate,
        "days_left": convention.days_left(today),
        "warnings": warnings,
    }
