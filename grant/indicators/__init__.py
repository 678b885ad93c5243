"""The one place where the programme's figures are computed (docs/architecture.md).

« Pilotage », « Mes statistiques », the report's PDF and its XLSX annex all read their
figures — the annex's rows per enterprise and per activity included — from this package,
so that they never disagree. Every figure is as of the end of its period (definitions.py
says how each one is counted) and is a database aggregate: a bounded number of queries,
whatever the amount of data."""

from django.db.models import Sum

from enterprises.models import Activity, Participation
from enterprises.survey_figures import satisfaction_summary

from .activities import activity_figures, activity_rows, present_at
from .base import ZERO, hours, rate, rounded
from .definitions import METHOD, definition
from .money import expense_totals, expenses_as_of, grant_execution, grant_executions
from .pairs import pair_figures, pair_rows, pair_rows_defined
from .parcours import (
    as_of,
    assessment_figures,
    diagnostic_pairs,
    enterprise_figures,
    orientation_figures,
    partner_followup,
    progress_by_domain,
    scoped_enterprises,
    working_group_figures,
)
from .public import PROGRAMME_START, public_figures
from .targets import targets_against_results

__all__ = [
    "METHOD",
    "ZERO",
    "activity_figures",
    "activity_rows",
    "as_of",
    "assessment_figures",
    "definition",
    "diagnostic_pairs",
    "enterprise_figures",
    "enterprise_rows",
    "expense_totals",
    "expenses_as_of",
    "grant_execution",
    "grant_executions",
    "hours",
    "orientation_figures",
    "pair_figures",
    "pair_rows",
    "pair_rows_defined",
    "partner_followup",
    "period_activities",
    "programme_figures",
    "progress_by_domain",
    "public_programme_figures",
    "rate",
    "rounded",
    "satisfaction_summary",
    "scoped_enterprises",
    "working_group_figures",
]


def period_activities(start, end, enterprises=None, action=None):
    """Activities dated within the period (with at least one of `enterprises` when given)."""
    activities = Activity.objects.filter(date__range=(start, end))
    if enterprises is not None:
        activities = activities.filter(
            pk__in=Participation.objects.filter(enterprise__in=enterprises).values("activity_id")
        )
    if action is not None:
        activities = activities.filter(action=action)
    return activities


def enterprise_rows(start, end, enterprises=None):
    """The annex's rows, one per enterprise in the parcours at the end of the period
    (plain dicts, streamed): SIRET, QPV, NAF section, stage at the end, and `minutes` of
    activities of the period the enterprise was present at. Two queries: the minutes are
    summed per enterprise in one GROUP BY, then joined to the streamed rows."""
    enterprises = scoped_enterprises() if enterprises is None else enterprises
    minutes = dict(
        present_at(period_activities(start, end))
        .values_list("enterprise_id")
        .annotate(total=Sum("activity__duration"))
        .order_by()
    )
    rows = (
        as_of(enterprises, end)
        .values("pk", "siret", "qpv__name", "naf__section", "stage_at_end")
        .order_by("siret")
    )
    for row in rows.iterator(chunk_size=5000):
        row["minutes"] = minutes.get(row.pop("pk"), 0)
        yield row


def _per_action(activities, grant):
    """The per-action table: each budget line's action next to its activities, hours,
    enterprises and money; then activities of actions without a line."""
    by_action = {row["action_id"]: row for row in activities["by_action"]}
    rows = []
    for line in grant["lines"] if grant else []:
        row = by_action.pop(line.action_id, None) if line.action_id else None
        rows.append(
            {
                "name": line.label,
                "count": row["count"] if row else 0,
                "hours": row["hours"] if row else rounded(0),
                "enterprises": row["enterprises"] if row else 0,
                "planned_cost": line.planned_cost,
                "planned_grant": line.planned_grant,
                "engaged": line.engaged,
                "charged": line.charged,
            }
        )
    rows += [dict(row, planned_cost=None, engaged=None, charged=None) for row in by_action.values()]
    return rows


def programme_figures(start, end, convention=None, qpv=None, action=None, organisation=None):
    """Every figure of the programme for a period and optional filters: the dashboard,
    the exports and the report all read this one dictionary."""
    enterprises = scoped_enterprises(qpv, action, organisation)
    filtered = qpv is not None or action is not None or organisation is not None
    activities = period_activities(start, end, enterprises if filtered else None, action)
    orientations = orientation_figures(start, end, organisation)
    activity = activity_figures(activities)
    grant = grant_execution(convention, today=end, start=start) if convention is not None else None
    figures = {
        "start": start,
        "end": end,
        "enterprises": enterprise_figures(enterprises, start, end),
        "activities": activity,
        "assessments": assessment_figures(enterprises, start, end),
        "partners": orientations["partners"],
        "orientations": orientations,
        "working_group": working_group_figures(start, end),
        "grant": grant,
        "per_action": _per_action(activity, grant),
        "pairs": pair_figures(activities, start, end, enterprises if filtered else None),
        # The entrepreneurs' answers (enterprises.survey_figures, the app that owns the
        # surveys): the whole programme's, aggregated only, whatever the filters.
        "voice": satisfaction_summary(start, end),
        "method": METHOD,
    }
    figures["targets"] = targets_against_results(convention, figures)
    return figures


def public_programme_figures(today):
    """The public figures (/chiffres/) from the programme's start to `today`."""
    return public_figures(programme_figures(PROGRAMME_START, today))
