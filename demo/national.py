"""`seed_demo --scale national`: data the size of twenty collectivités, for benchmarks.

Written with batched bulk inserts (no per-row save, no history rows for the generated
objects): minutes, not hours. Deterministic for a given seed."""

import datetime
import random
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from demo.enterprises import FIRST_NAMES, LAST_NAMES, demo_enterprises
from enterprises.enums import (
    ActivityKind,
    AssignmentStatus,
    Attendance,
    ContactChannel,
    JoinRequestStatus,
    PlaceType,
    Stage,
    SurveyTrigger,
)
from enterprises.models import (
    Activity,
    Assessment,
    Assignment,
    Contact,
    Enterprise,
    JoinRequest,
    Participation,
    Survey,
)
from grant.models import BudgetLine, Convention, Disbursement, Expense
from partners.enums import OrganisationKind, Role
from partners.models import Membership, Organisation, User
from programme.enums import TermFamily
from programme.models import Term

BATCH = 5000
SIZES = {"enterprises": 20_000, "activities": 200_000, "organisations": 60, "users": 600}


def seed_national(
    seed=2022,
    enterprises=None,
    activities=None,
    organisations=None,
    users=None,
    stdout=None,
    factor=1,
):
    """Create the national-scale data set; returns the counts written. `factor` 2 is
    « national2 »: twice the collectivités, so twice every table, while each conseiller
    still sees as many enterprises as at national scale (the issue « page speed »)."""
    rng = random.Random(seed)
    n_enterprises = enterprises or SIZES["enterprises"] * factor
    n_activities = activities or SIZES["activities"] * factor
    n_orgs = organisations or SIZES["organisations"] * factor
    n_users = users or SIZES["users"] * factor
    say = stdout.write if stdout else (lambda text: None)
    now = timezone.now()
    with transaction.atomic():
        orgs = Organisation.objects.bulk_create(
            [
                Organisation(
                    name=f"Structure nationale {i:03d}", kind=OrganisationKind.ASSOCIATION_QPV
                )
                for i in range(n_orgs)
            ],
            ignore_conflicts=True,
        )
        orgs = list(
            Organisation.objects.filter(name__startswith="Structure nationale ").order_by("name")
        )
        password = User().password  # unusable: benchmark users log in by session only
        User.objects.bulk_create(
            [
                User(
                    email=f"conseiller{i:04d}@national.test",
                    first_name=rng.choice(FIRST_NAMES),
                    last_name=rng.choice(LAST_NAMES),
                    password=password,
                )
                for i in range(n_users)
            ],
            ignore_conflicts=True,
            batch_size=BATCH,
        )
        people = list(User.objects.filter(email__endswith="@national.test").order_by("email"))
        Membership.objects.bulk_create(
            [
                Membership(user=u, organisation=orgs[i % len(orgs)], role=Role.CONSEILLER)
                for i, u in enumerate(people)
            ],
            ignore_conflicts=True,
            batch_size=BATCH,
        )
        say(f"{len(orgs)} structures, {len(people)} comptes")
        built = demo_enterprises(n_enterprises, seed + 100, outside_share=0.05)
        stages = [
            Stage.REPEREE,
            Stage.DIAGNOSTIQUEE,
            Stage.ACCOMPAGNEE,
            Stage.ACCOMPAGNEE,
            Stage.AUTONOME,
        ]
        for index, enterprise in enumerate(built):
            enterprise.point_qpv = enterprise.qpv
            enterprise.stage = stages[index % len(stages)]
            enterprise.stage_changed_at = now - datetime.timedelta(days=rng.randint(1, 300))
            enterprise.referent = people[index % len(people)]
            enterprise.refresh_derived()
        Enterprise.objects.bulk_create(built, batch_size=BATCH, ignore_conflicts=True)
        saved = list(
            Enterprise.objects.filter(siret__in=[e.siret for e in built]).values_list(
                "id", flat=True
            )
        )
        say(f"{len(saved)} entreprises")
        Contact.objects.bulk_create(
            [
                Contact(
                    enterprise_id=pk,
                    first_name=rng.choice(FIRST_NAMES),
                    last_name=rng.choice(LAST_NAMES),
                    pix_external_id=f"TPE-NAT-{pk}",
                    consent_date=timezone.localdate(),
                    consent_method="oral",
                )
                for pk in saved
            ],
            batch_size=BATCH,
            ignore_conflicts=True,
        )
        statuses = list(AssignmentStatus)
        Assignment.objects.bulk_create(
            [
                Assignment(
                    enterprise_id=pk,
                    organisation=orgs[i % len(orgs)],
                    status=statuses[i % len(statuses)],
                    created_at=now - datetime.timedelta(days=rng.randint(1, 200)),
                )
                for i, pk in enumerate(saved)
                if i % 2 == 0
            ],
            batch_size=BATCH,
            ignore_conflicts=True,
        )
        Assessment.objects.bulk_create(
            [
                Assessment(
                    enterprise_id=pk,
                    kind="initial" if i % 3 else "final",
                    source="conseiller",
                    date=timezone.localdate() - datetime.timedelta(days=rng.randint(1, 300)),
                    overall=Decimal(rng.randint(10, 90)),
                )
                for i, pk in enumerate(saved)
                if i % 2 == 1
            ],
            batch_size=BATCH,
        )
        themes = list(
            Term.objects.filter(family=TermFamily.THEMATIQUE_TPE).values_list("id", flat=True)
        )
        today = timezone.localdate()
        written = 0
        while written < n_activities:
            size = min(BATCH, n_activities - written)
            batch = []
            for i in range(size):
                author = people[(written + i) % len(people)]
                batch.append(
                    Activity(
                        kind=ActivityKind.INDIVIDUEL
                        if (written + i) % 10
                        else ActivityKind.COLLECTIF,
                        date=today - datetime.timedelta(days=rng.randint(0, 330)),
                        duration=rng.choice([30, 45, 60, 90]),
                        place_type=rng.choice(
                            [PlaceType.DOMICILE, PlaceType.LIEU_ACTIVITE, PlaceType.A_DISTANCE]
                        ),
                        author=author,
                        organisation_id=orgs[(written + i) % len(people) % len(orgs)].pk,
                        anonymous_count=rng.randint(0, 3) if (written + i) % 10 == 0 else 0,
                    )
                )
            created = Activity.objects.bulk_create(batch, batch_size=BATCH)
            if connection.features.can_return_rows_from_bulk_insert:
                ids = [a.pk for a in created]
            else:  # SQLite before 3.35: read the ids back
                ids = list(Activity.objects.order_by("-id").values_list("id", flat=True)[:size])[
                    ::-1
                ]
            Participation.objects.bulk_create(
                [
                    Participation(
                        activity_id=pk,
                        enterprise_id=saved[(written + i) % len(saved)],
                        attendance=Attendance.PRESENT,
                    )
                    for i, pk in enumerate(ids)
                ],
                batch_size=BATCH,
            )
            through = Activity.themes.through
            through.objects.bulk_create(
                [
                    through(activity_id=pk, term_id=themes[(written + i) % len(themes)])
                    for i, pk in enumerate(ids)
                ],
                batch_size=BATCH,
            )
            written += size
            say(f"{written} activités")
        _national_conventions(now)
        seed_requests_and_surveys(rng, now, saved, orgs)
    return {
        "organisations": len(orgs),
        "users": len(people),
        "enterprises": len(saved),
        "activities": written,
    }


def seed_requests_and_surveys(rng, now, saved, orgs):
    """Requests to join (one handled per 10 enterprises, 40 waiting: staff keep the queue
    short) and satisfaction surveys (one per 4 enterprises, half answered)."""
    statuses = [JoinRequestStatus.ACCEPTED, JoinRequestStatus.MERGED, JoinRequestStatus.REFUSED]
    JoinRequest.objects.bulk_create(
        [
            JoinRequest(
                first_name=rng.choice(FIRST_NAMES),
                last_name=rng.choice(LAST_NAMES),
                business_name=f"Demande nationale {i}",
                commune="Montpellier",
                channel=ContactChannel.PHONE,
                phone="0400000000",
                consent_at=now,
                status=JoinRequestStatus.NEW if i < 40 else statuses[i % 3],
                handled_at=None if i < 40 else now - datetime.timedelta(days=rng.randint(1, 300)),
                created_at=now - datetime.timedelta(days=rng.randint(1, 300)),
            )
            for i in range(40 + len(saved) // 10)
        ],
        batch_size=BATCH,
    )
    Survey.objects.bulk_create(
        [
            Survey(
                enterprise_id=pk,
                trigger=SurveyTrigger.AUTONOMOUS,
                organisation=orgs[i % len(orgs)],
                sent_at=now - datetime.timedelta(days=rng.randint(1, 300)),
                answered_at=now if i % 2 else None,
                completed_at=now if i % 2 else None,
                usefulness=rng.randint(1, 5) if i % 2 else None,
            )
            for i, pk in enumerate(saved[::4])
        ],
        batch_size=BATCH,
    )


def _national_conventions(now):
    """Two conventions with budget lines, expenses and a disbursement each."""
    template = Convention.objects.filter(deliberation_number="M2022-397").first()
    if template is None:
        return
    for n in (1, 2):
        number = f"BENCH-{n}"
        if Convention.objects.filter(deliberation_number=number).exists():
            continue
        convention = Convention.objects.create(
            programme=template.programme,
            title=f"Convention de référence n° {n}",
            funder=template.funder,
            beneficiary=template.beneficiary,
            deliberation_number=number,
            deliberation_date=template.deliberation_date,
            prefecture_act_id=f"BENCH-{n}",
            max_amount=Decimal("40000.00"),
            signed_on=timezone.localdate() - datetime.timedelta(days=200),
            status="en_cours",
        )
        lines = BudgetLine.objects.bulk_create(
            [
                BudgetLine(
                    convention=convention,
                    label=f"Ligne {i}",
                    planned_cost=Decimal("20000"),
                    planned_grant=Decimal("8000"),
                )
                for i in range(5)
            ]
        )
        lines = list(convention.lines.all())
        Expense.objects.bulk_create(
            [
                Expense(
                    line=lines[i % 5],
                    date=convention.signed_on + datetime.timedelta(days=i % 150),
                    supplier=f"Fournisseur {i}",
                    description="Prestation",
                    amount=Decimal("100.00"),
                    grant_amount=Decimal("50.00"),
                )
                for i in range(400)
            ]
        )
        Disbursement.objects.create(
            convention=convention, kind="avance", date=convention.signed_on, amount=Decimal("12000")
        )
