"""The history of an enterprise page as plain values and HTML (decision 012).

Each line's object is a dict holding, under the names of the model's attributes and
methods (`get_status_display`, `decided_by`…, so that the code reads as the template
did), the strings the model instances gave; `timeline_html` writes the lines. The page no
longer builds an instance per line with its related users and organisations, nor runs
the template engine over each line. The values come from four queries with only the
columns shown (activities and their themes in one), each compiled to SQL once per
process (common.compiled), sent with the page's others (enterprises.views.detail)."""

import datetime
from html import escape
from typing import NamedTuple

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import OuterRef
from django.utils import timezone
from django.utils.formats import localize
from django.utils.safestring import mark_safe
from django.utils.text import capfirst

from common.compiled import CompiledQuery
from enterprises.enums import (
    ActivityKind,
    AssessmentKind,
    AssessmentSource,
    AssignmentStatus,
    DeclineReason,
    ExitReason,
    Stage,
)
from enterprises.models import Activity, Assessment, Assignment, StageChange
from enterprises.models.orientations import OPEN_STATUSES
from enterprises.views.rows import url_maker
from programme.models import Term

STAGES = dict(Stage.choices)
EXIT_REASONS = dict(ExitReason.choices)
ACTIVITY_KINDS = dict(ActivityKind.choices)
ASSESSMENT_KINDS = dict(AssessmentKind.choices)
ASSESSMENT_SOURCES = dict(AssessmentSource.choices)
STATUSES = dict(AssignmentStatus.choices)
DECLINE_REASONS = dict(DeclineReason.choices)


# No enterprise has this id: it marks where each query takes the enterprise's.
SAMPLE_ID = -424_242
ACTIVITY_COLUMNS = (
    "id",
    "kind",
    "date",
    "title",
    "duration",
    "author_id",
    "author__first_name",
    "author__last_name",
    "author__email",
    "autonomy__code",
)


def _activities(enterprise_id):
    return Activity.objects.filter(participations__enterprise_id=enterprise_id).order_by(
        "-date", "-id"
    )


# On PostgreSQL the themes come as an array per activity (in the vocabulary's order):
# planning the six-table join of a line per activity and theme took PostgreSQL about
# 1 ms a visit, more than running it, where the array's subquery is planned on its own.
ACTIVITIES = CompiledQuery(
    lambda enterprise_id: (
        _activities(enterprise_id)
        .annotate(
            theme_labels=ArraySubquery(
                Term.objects.filter(themed_activities=OuterRef("pk"))
                .order_by("family", "position", "label")
                .values("label")
            )
        )
        .values_list(*ACTIVITY_COLUMNS, "theme_labels")
    ),
    enterprise_id=SAMPLE_ID,
)
# Elsewhere (SQLite), a line per activity and theme.
ACTIVITY_LINES = CompiledQuery(
    lambda enterprise_id: (
        _activities(enterprise_id)
        .order_by("-date", "-id", "themes__family", "themes__position", "themes__label")
        .values_list(*ACTIVITY_COLUMNS, "themes__label")
    ),
    enterprise_id=SAMPLE_ID,
)
ASSESSMENTS = CompiledQuery(
    lambda enterprise_id: Assessment.objects.filter(enterprise_id=enterprise_id).values_list(
        "date",
        "kind",
        "source",
        "overall",
        "contact_id",
        "contact__first_name",
        "contact__last_name",
        "contact__email",
        "contact__anonymised_at",
    ),
    enterprise_id=SAMPLE_ID,
)
ASSIGNMENTS = CompiledQuery(
    lambda enterprise_id: Assignment.objects.filter(enterprise_id=enterprise_id).values_list(
        "created_at",
        "closed_at",
        "declined_at",
        "status",
        "organisation__name",
        "closing_note",
        "decline_reason",
        "decline_note",
        "assigned_by__first_name",
        "assigned_by__last_name",
        "assigned_by__email",
        "decided_by__first_name",
        "decided_by__last_name",
        "decided_by__email",
        "organisation_id",  # for perms.can_edit_from
    ),
    enterprise_id=SAMPLE_ID,
)
STAGE_CHANGES = CompiledQuery(
    lambda enterprise_id: StageChange.objects.filter(enterprise_id=enterprise_id).values_list(
        "at",
        "from_stage",
        "to_stage",
        "reason",
        "note",
        "by__first_name",
        "by__last_name",
        "by__email",
    ),
    enterprise_id=SAMPLE_ID,
)


def _at(day):
    """A date as an aware datetime at midday, to sort it among timestamped events."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def _person(first_name, last_name, email):
    """User.__str__ from its columns; None when there is no user (the template's
    `{% if … %}` then writes nothing)."""
    if email is None:
        return None
    return f"{first_name} {last_name}".strip() or email


def _contact(pk, first_name, last_name, email, anonymised_at, may_see):
    """`contact|contact:may_see` (Contact.shown, Contact.__str__) from its columns."""
    if pk is None:
        return None
    if not may_see:
        return "contact"
    if anonymised_at:
        return f"contact anonymisé n° {pk}"
    return f"{first_name} {last_name}".strip() or email or f"contact n° {pk}"


def queries(enterprise_id):
    """The history's four queries (activities, orientations, stage changes, diagnostics)
    with their values, for enterprises.views.detail to run with the page's others; the
    functions below read their rows (a History)."""
    values = {"enterprise_id": int(enterprise_id)}
    return [
        (ACTIVITIES if connection.vendor == "postgresql" else ACTIVITY_LINES, values),
        (ASSIGNMENTS, values),
        (STAGE_CHANGES, values),
        (ASSESSMENTS, values),
    ]


class History(NamedTuple):
    """The rows of the history's queries, in the order of `queries`."""

    activities: list
    assignments: list
    stage_changes: list
    assessments: list


def activities(history):
    """The activities met by the enterprise, newest first, each with its themes (in the
    vocabulary's order)."""
    detail_url = url_maker("enterprises:activity_detail")
    found = {}
    for row in history.activities:
        pk, kind, date, title, duration, author_id, first, last, email, autonomy, themes = row
        activity = found.get(pk)
        if activity is None:
            activity = found[pk] = {
                "pk": pk,
                "url": detail_url(pk),
                "kind": kind,
                "date": date,
                "get_kind_display": ACTIVITY_KINDS.get(kind, kind),
                "title": title,
                "duration": duration,
                "author": _person(first, last, email),
                "author_id": author_id,
                "reached_autonomy": kind == ActivityKind.INDIVIDUEL and autonomy == "autonome",
                "themes": themes if isinstance(themes, list) else [],
            }
        if isinstance(themes, str):  # a line per theme
            activity["themes"].append(themes)
    return list(found.values())


def assessments(history, may_see_contacts):
    return [
        {
            "date": date,
            "get_kind_display": ASSESSMENT_KINDS.get(kind, kind),
            "get_source_display": ASSESSMENT_SOURCES.get(source, source),
            "overall": overall,
            "contact": _contact(*contact, may_see_contacts),
        }
        for date, kind, source, overall, *contact in history.assessments
    ]


def assignments(history):
    return [
        {
            "created_at": row[0],
            "closed_at": row[1],
            "declined_at": row[2],
            "is_open": row[3] in OPEN_STATUSES,
            "get_status_display": STATUSES.get(row[3], row[3]),
            "organisation": {"name": row[4]},
            "closing_note": row[5],
            "get_decline_reason_display": DECLINE_REASONS.get(row[6], row[6]),
            "decline_note": row[7],
            "assigned_by": _person(*row[8:11]),
            "decided_by": _person(*row[11:14]),
        }
        for row in history.assignments
    ]


def stage_changes(history):
    return [
        {
            "at": at,
            "from_stage": from_stage,
            "get_from_stage_display": STAGES.get(from_stage, from_stage),
            "get_to_stage_display": STAGES.get(to_stage, to_stage),
            "reason": reason,
            "get_reason_display": EXIT_REASONS.get(reason, reason),
            "note": note,
            "by": _person(*by),
        }
        for at, from_stage, to_stage, reason, note, *by in history.stage_changes
    ]


def timeline(history, activity_list, may_see_contacts):
    """Every event of the enterprise, newest first: stage changes, orientations and the
    partners' answers (their own line, signed by whoever decided), activities and
    diagnostics (dated at midday)."""
    orientations = assignments(history)
    lines = (
        [{"at": c["at"], "kind": "stage", "object": c} for c in stage_changes(history)]
        + [{"at": a["created_at"], "kind": "assignment", "object": a} for a in orientations]
        + [
            {"at": a["closed_at"] or a["declined_at"], "kind": "decision", "object": a}
            for a in orientations
            if a["closed_at"] or a["declined_at"]
        ]
        + [{"at": _at(a["date"]), "kind": "activity", "object": a} for a in activity_list]
        + [
            {"at": _at(a["date"]), "kind": "assessment", "object": a}
            for a in assessments(history, may_see_contacts)
        ]
    )
    lines.sort(key=lambda item: item["at"], reverse=True)
    return lines


# The history's lines. Their markup lives here rather than in detail.html, as the list's
# rows (enterprises.views.rows): through the template engine, each line's kind tests,
# `with` blocks, date filters and a dozen values cost half of the page's template. Each
# value is escaped (html.escape, as autoescape) and numbers are localised as the
# template did; detail.html prints the result (`timeline_html`).
LINE = (
    "\n    <li>\n"
    '      <time datetime="{iso}">{when}</time> —\n'
    "      \n        {text}\n      \n    </li>\n    "
)
EMPTY = "<li>Rien pour l'instant.</li>\n    "
BY = ' <span class="muted">par {}</span>'


def _stage(change):
    text = (
        f"{escape(capfirst(change['get_from_stage_display']))} → " if change["from_stage"] else ""
    )
    text += f"<strong>{escape(change['get_to_stage_display'])}</strong>"
    if change["reason"]:
        text += f" ({escape(change['get_reason_display'])})"
    if change["note"]:
        text += f" : {escape(change['note'])}"
    return text + (BY.format(escape(change["by"])) if change["by"] else "")


def _activity(activity):
    title = f" « {escape(activity['title'])} »" if activity["title"] else ""
    return (
        f'<a href="{escape(activity["url"])}">{escape(capfirst(activity["get_kind_display"]))}'
        f"{title}</a>, {escape(localize(activity['duration']))} min — "
        f"{', '.join(escape(theme) for theme in activity['themes'])}"
        + BY.format(escape(activity["author"]))
    )


def _assessment(assessment):
    text = (
        f"Diagnostic {escape(assessment['get_kind_display'])} "
        f"({escape(assessment['get_source_display'])}) : "
        f"<strong>{escape(localize(assessment['overall']))} %</strong>"
    )
    return text + (f" — {escape(assessment['contact'])}" if assessment["contact"] else "")


def _decision(assignment):
    organisation = escape(assignment["organisation"]["name"])
    if assignment["closed_at"]:
        text = f"Orientation clôturée par <strong>{organisation}</strong> — "
        text += escape(assignment["get_status_display"])
        note = assignment["closing_note"]
    else:
        text = f"Orientation déclinée par <strong>{organisation}</strong> — "
        text += escape(assignment["get_decline_reason_display"])
        note = assignment["decline_note"]
    text += f" : {escape(note)}" if note else ""
    return text + (BY.format(escape(assignment["decided_by"])) if assignment["decided_by"] else "")


def _assignment(assignment):
    text = f"Orientée vers <strong>{escape(assignment['organisation']['name'])}</strong>"
    if assignment["is_open"]:
        text += f" — {escape(assignment['get_status_display'])}"
    return text + (
        BY.format(escape(assignment["assigned_by"])) if assignment["assigned_by"] else ""
    )


TEXTS = {
    "stage": _stage,
    "activity": _activity,
    "assessment": _assessment,
    "decision": _decision,
    "assignment": _assignment,
}


def timeline_html(lines):
    """The history's <li>, newest first, as detail.html wrote them (dates in the current
    time zone: a day for activities and diagnostics, a day and time for the others)."""
    if not lines:
        return mark_safe(EMPTY)
    html = []
    for line in lines:
        at = timezone.localtime(line["at"])
        dated = line["kind"] in ("activity", "assessment")
        html.append(
            LINE.format(
                iso=escape(at.isoformat()),
                when=at.strftime("%d/%m/%Y" if dated else "%d/%m/%Y %H:%M"),
                text=TEXTS[line["kind"]](line["object"]),
            )
        )
    return mark_safe("".join(html))
