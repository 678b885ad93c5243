"""Demo activities, diagnostics and orientation statuses over a year."""

import datetime
import random
from decimal import Decimal

from django.db.models import Min, Q
from django.utils import timezone

from enterprises.enums import (
    ActivityKind,
    AssessmentKind,
    AssessmentSource,
    AssignmentStatus,
    Attendance,
    DeclineReason,
    PlaceType,
    Stage,
)
from enterprises.models import Activity, Assessment, Assignment, Participation, StageChange
from programme.enums import TermFamily
from programme.models import Action, Term


def seed_activities(users, seed, enterprises, place, today=None):
    """A year of activities by the demo conseillers and partner, workshops at the
    Tiers-lieu, and diagnostics before and after (rebuilt on each run, same seed)."""
    rng = random.Random(seed + 2)
    today = today or timezone.localdate()
    # Each activity is tied to the convention's action its author's organisation leads;
    # the conseillers' sessions to the PIX parcours, the workshops to the Tiers-lieu.
    actions = {a.code: a for a in Action.objects.all()}
    led = {a.lead_id: a for a in actions.values()}
    sessions_action = actions.get("conseillers-numeriques-pix")
    workshops_action = actions.get("tiers-lieu-gisele-halimi")
    Activity.objects.filter(author__in=users).delete()
    Assessment.objects.filter(enterprise__in=enterprises).delete()
    themes = list(
        Term.objects.filter(
            Q(family=TermFamily.THEMATIQUE_TPE)
            | Q(family=TermFamily.THEMATIQUE, code="entrepreneuriat")
        )
    )
    autonomy = {t.code: t for t in Term.objects.filter(family=TermFamily.AUTONOMIE)}
    levels = list(Term.objects.filter(family=TermFamily.NIVEAU_ATELIER))
    memberships = {
        u.pk: u.memberships.select_related("organisation").first().organisation for u in users
    }
    by_org = {}
    for enterprise in enterprises:
        for assignment in enterprise.assignments.all():
            by_org.setdefault(assignment.organisation_id, []).append(enterprise)
    # Nothing happens to an enterprise before it enters the parcours (its first stage
    # change): the report counts it from then on.
    entered = {
        row["enterprise"]: timezone.localdate(row["first"])
        for row in StageChange.objects.filter(enterprise__in=enterprises)
        .values("enterprise")
        .annotate(first=Min("at"))
        .order_by()
    }

    def entry(enterprise):
        return entered.get(enterprise.pk, timezone.localdate(enterprise.created_at))

    activities, participations, assessments = [], [], []
    for enterprise in enterprises:
        if enterprise.stage not in (Stage.ACCOMPAGNEE, Stage.AUTONOME, Stage.SORTIE):
            continue
        authors = [u for u in users if u == enterprise.referent] or [
            u
            for u in users
            if any(o == memberships[u.pk].pk for o in by_org if enterprise in by_org[o])
        ]
        if not authors:
            continue
        author = authors[0]
        for n in range(rng.randint(2, 5)):
            last = n == 4 or (enterprise.stage == Stage.AUTONOME and n == 0)
            activity = Activity(
                kind=ActivityKind.INDIVIDUEL,
                date=entry(enterprise)
                + datetime.timedelta(
                    days=rng.randint(0, max((today - entry(enterprise)).days - 5, 0))
                ),
                duration=rng.choice([30, 45, 60, 90]),
                place_type=rng.choice(
                    [PlaceType.DOMICILE, PlaceType.DOMICILE, PlaceType.LIEU_ACTIVITE]
                ),
                autonomy=autonomy[
                    "autonome"
                    if last
                    else rng.choice(["entierement_accompagne", "partiellement_autonome"])
                ],
                author=author,
                organisation=memberships[author.pk],
                action=led.get(memberships[author.pk].pk, sessions_action),
                notes="Séance de démonstration.",
            )
            if activity.place_type == PlaceType.LIEU_ACTIVITE:
                activity.place = place
            activities.append((activity, [(enterprise, Attendance.PRESENT)], rng.sample(themes, 2)))
    conseiller = next((u for u in users if u.email == "conseiller2@demo.test"), users[0])
    pool = [e for e in enterprises if e.referent == conseiller] or list(enterprises)
    for n in range(6):
        day = today - datetime.timedelta(days=30 + 50 * n)
        there = [e for e in pool if entry(e) <= day]
        guests = rng.sample(there, min(len(there), 3))
        activity = Activity(
            kind=ActivityKind.COLLECTIF,
            date=day,
            duration=120,
            place_type=PlaceType.LIEU_ACTIVITE,
            place=place,
            title=rng.choice(
                [
                    "Être visible sur Internet",
                    "Facturation électronique",
                    "Réseaux sociaux pour commerçants",
                ]
            ),
            level=rng.choice(levels),
            anonymous_count=rng.randint(0, 4),
            action=workshops_action,
            author=conseiller,
            organisation=memberships[conseiller.pk],
        )
        attendance = [
            (g, rng.choice([Attendance.PRESENT, Attendance.PRESENT, Attendance.EXCUSE]))
            for g in guests
        ]
        activities.append((activity, attendance, rng.sample(themes, 2)))
    Activity.objects.bulk_create([a for a, _, _ in activities])
    through = Activity.themes.through
    through.objects.bulk_create(
        [through(activity_id=a.pk, term_id=t.pk) for a, _, chosen in activities for t in chosen]
    )
    participations = [
        Participation(activity=a, enterprise=e, attendance=presence)
        for a, attendance, _ in activities
        for e, presence in attendance
    ]
    Participation.objects.bulk_create(participations)
    for enterprise in enterprises:
        if enterprise.stage == Stage.REPEREE:
            continue
        contact = enterprise.contacts.first()
        start = entry(enterprise) + datetime.timedelta(days=rng.randint(0, 5))
        initial = Decimal(rng.randint(15, 45))
        assessments.append(
            Assessment(
                enterprise=enterprise,
                contact=contact,
                kind=AssessmentKind.INITIAL,
                source=AssessmentSource.CONSEILLER,
                date=start,
                overall=initial,
            )
        )
        if enterprise.stage == Stage.AUTONOME:
            assessments.append(
                Assessment(
                    enterprise=enterprise,
                    contact=contact,
                    kind=AssessmentKind.FINAL,
                    source=AssessmentSource.CONSEILLER,
                    date=today - datetime.timedelta(days=10),
                    overall=initial + rng.randint(15, 35),
                )
            )
    Assessment.objects.bulk_create(assessments)
    return len(activities), len(assessments)


def spread_assignment_statuses(enterprises, staff, now=None):
    """Demo assignments in every status, some overdue, with their timestamps."""
    now = now or timezone.now()
    day = datetime.timedelta(days=1)
    plan = [
        (AssignmentStatus.QUO, 3),
        (AssignmentStatus.QUO, 12),
        (AssignmentStatus.QUO, 25),
        (AssignmentStatus.TAKING_CARE, 20),
        (AssignmentStatus.DONE, 60),
        (AssignmentStatus.DONE_NO_HELP, 70),
        (AssignmentStatus.DONE_NOT_REACHABLE, 50),
        (AssignmentStatus.NOT_FOR_ME, 30),
        (AssignmentStatus.EXPIRED, 80),
    ]
    assignments = list(
        Assignment.objects.filter(enterprise__in=enterprises).order_by("enterprise__siret")
    )
    for index, assignment in enumerate(assignments):
        status, age = plan[index % len(plan)]
        assignment.status, assignment.created_at, assignment.assigned_by = (
            status,
            now - age * day,
            staff,
        )
        assignment.reminders_sent = (
            2
            if age >= 21 and status == AssignmentStatus.QUO
            else (1 if age >= 9 and status == AssignmentStatus.QUO else 0)
        )
        if status not in (
            AssignmentStatus.QUO,
            AssignmentStatus.EXPIRED,
            AssignmentStatus.NOT_FOR_ME,
        ):
            assignment.taken_at = now - (age - 4) * day
        if status in (
            AssignmentStatus.DONE,
            AssignmentStatus.DONE_NO_HELP,
            AssignmentStatus.DONE_NOT_REACHABLE,
        ):
            assignment.closed_at = now - (age - 20) * day
        if status == AssignmentStatus.NOT_FOR_ME:
            assignment.declined_at, assignment.decline_reason = (
                now - (age - 2) * day,
                DeclineReason.PAS_DE_CAPACITE,
            )
        if status == AssignmentStatus.EXPIRED:
            assignment.expired_at = now - (age - 45) * day
    Assignment.objects.bulk_update(
        assignments,
        [
            "status",
            "created_at",
            "assigned_by",
            "reminders_sent",
            "taken_at",
            "closed_at",
            "declined_at",
            "decline_reason",
            "expired_at",
        ],
    )
    return assignments
