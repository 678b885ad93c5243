"""Deterministic demo enterprises whose points lie inside the QPV polygons."""

import datetime
import random
from decimal import Decimal

from django.utils import timezone
from stdnum import luhn

from enterprises.enums import ConsentMethod, ExitReason, HeadcountBand, QpvSource, Source, Stage
from enterprises.models import Assignment, Contact, Enterprise, StageChange
from programme.enums import QpvGeneration
from programme.geo import QpvLocator, bounding_box, geometry_contains
from programme.models import NafCode, Qpv

FIRST_NAMES = [
    "Karim",
    "Fatima",
    "Nadia",
    "Youssef",
    "Sofiane",
    "Leïla",
    "Mehdi",
    "Amina",
    "Jean",
    "Marie",
    "Sébastien",
    "Isabelle",
    "Rachid",
    "Samira",
    "Moussa",
    "Aïcha",
    "Thierry",
    "Nathalie",
    "Hakim",
    "Yasmina",
    "Olivier",
    "Sandrine",
    "Bilal",
    "Inès",
    "Manuel",
    "Carmen",
    "Ibrahima",
    "Khadija",
    "Antoine",
    "Chloé",
]
LAST_NAMES = [
    "Benali",
    "Martin",
    "Garcia",
    "Haddad",
    "Bernard",
    "Lopez",
    "Mansouri",
    "Dubois",
    "Belkacem",
    "Moreau",
    "Diallo",
    "Fernandez",
    "Rousseau",
    "Bensaïd",
    "Fabre",
    "Ouali",
    "Sanchez",
    "Roux",
    "Traoré",
    "Chérif",
    "Blanc",
    "Amrani",
    "Vidal",
    "Ziani",
    "Pons",
]
# (trade name pattern, NAF rév. 2 sub-class)
TRADES = [
    ("Boulangerie {last}", "10.71C"),
    ("Salon de coiffure {first}", "96.02A"),
    ("Institut de beauté {first}", "96.02B"),
    ("Épicerie {last}", "47.11B"),
    ("Primeur {last}", "47.21Z"),
    ("Boucherie {last}", "47.22Z"),
    ("Restaurant Chez {first}", "56.10A"),
    ("Snack {first}", "56.10C"),
    ("Traiteur {last}", "56.21Z"),
    ("Garage {last}", "45.20A"),
    ("Taxi {last}", "49.32Z"),
    ("Plomberie {last}", "43.22A"),
    ("Électricité {last}", "43.21A"),
    ("Peinture {last}", "43.34Z"),
    ("Maçonnerie {last}", "43.99C"),
    ("Couture {first}", "14.13Z"),
    ("Fleurs {first}", "47.76Z"),
    ("Bazar {last}", "47.19B"),
    ("Pressing {last}", "96.01B"),
    ("Nettoyage {last}", "81.21Z"),
    ("Auto-école {last}", "85.53Z"),
]
LEGAL_FORMS = ["Entrepreneur individuel", "Entrepreneur individuel", "SARL", "EURL", "SAS", "SASU"]
STREET_KINDS = ["rue", "avenue", "place", "allée", "impasse"]
STREET_NAMES = [
    "de la Mosson",
    "des Tilleuls",
    "du Grand Mail",
    "de Lodève",
    "Marcellin Albert",
    "des Oliviers",
    "de la Pompignane",
    "du Pas du Loup",
    "des Cévennes",
    "de Figuerolles",
    "des Garrigues",
    "de Barcelone",
    "de Naples",
    "du Père Soulas",
    "des Araucarias",
    "Paul Valéry",
    "de la Croix d'Argent",
    "des Près d'Arènes",
    "de l'Aiguelongue",
    "Jean Jaurès",
    "de Lemasson",
    "du Vert-Bois",
    "Saint-Martin",
    "de Tournezy",
]
POSTCODES = {
    "Mosson": "34080",
    "Celleneuve": "34080",
    "Petit Bard Pergola": "34080",
    "Pas du Loup - Val de Croze": "34070",
    "Cévennes": "34080",
    "Gély": "34070",
    "Figuerolles": "34070",
    "Lemasson": "34070",
    "Près d'Arènes": "34070",
    "Pompignane": "34000",
    "Aiguelongue": "34090",
    "Vert-Bois": "34090",
}
# Montpellier's centre, for the few enterprises outside every QPV.
CENTRE = (43.6086, 3.8797)
BANDS = [
    HeadcountBand.NN,
    HeadcountBand.T00,
    HeadcountBand.T01,
    HeadcountBand.T02,
    HeadcountBand.T03,
]


def demo_siret(rng):
    """A SIRET that passes Luhn: 8 random digits + key for the SIREN, then NIC + key."""
    siren = str(rng.randint(10_000_000, 99_999_999))
    siren += luhn.calc_check_digit(siren)
    nic = f"{rng.randint(1, 9999):04d}"
    return siren + nic + luhn.calc_check_digit(siren + nic)


def random_point_in(geometry, rng, attempts=1000):
    """A point (lat, lon) drawn uniformly inside the geometry, by rejection sampling."""
    min_x, min_y, max_x, max_y = bounding_box(geometry)
    for _ in range(attempts):
        x, y = rng.uniform(min_x, max_x), rng.uniform(min_y, max_y)
        if geometry_contains(geometry, x, y):
            return round(y, 6), round(x, 6)
    raise ValueError("Aucun point trouvé dans le contour.")


def demo_enterprises(count, seed, outside_share=0.1):
    """Build `count` unsaved enterprises spread over the 2015 QPVs, some outside them."""
    rng = random.Random(seed)
    qpvs = list(
        Qpv.objects.of_generation(QpvGeneration.G2015).exclude(polygon=None).order_by("code")
    )
    if not qpvs:
        raise ValueError("Aucun QPV chargé : lancez d'abord « manage.py load_reference_data ».")
    naf_ids = dict(
        NafCode.objects.filter(code__in=[c for _, c in TRADES]).values_list("code", "id")
    )
    locator = QpvLocator(qpvs)
    enterprises, sirets = [], set()
    for index in range(count):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        pattern, naf_code = rng.choice(TRADES)
        if rng.random() < outside_share:
            while True:
                lat = round(CENTRE[0] + rng.uniform(-0.004, 0.004), 6)
                lon = round(CENTRE[1] + rng.uniform(-0.004, 0.004), 6)
                if locator.locate(lat, lon) is None:
                    break
            qpv, postcode = None, "34000"
        else:
            qpv = qpvs[index % len(qpvs)]
            lat, lon = random_point_in(qpv.polygon, rng)
            postcode = POSTCODES.get(qpv.name, "34000")
        siret = demo_siret(rng)
        while siret in sirets:
            siret = demo_siret(rng)
        sirets.add(siret)
        legal_form = rng.choice(LEGAL_FORMS)
        person = f"{first} {last}".upper() if legal_form == "Entrepreneur individuel" else None
        trade_name = pattern.format(first=first, last=last)
        enterprises.append(
            Enterprise(
                siret=siret,
                name=person or f"{trade_name.upper()} {legal_form}",
                trade_name=trade_name,
                legal_form=legal_form,
                naf_id=naf_ids.get(naf_code),
                headcount_band=rng.choice(BANDS),
                address=" ".join(
                    [str(rng.randint(1, 120)), rng.choice(STREET_KINDS), rng.choice(STREET_NAMES)]
                ),
                postcode=postcode,
                commune="Montpellier",
                latitude=lat,
                longitude=lon,
                qpv=qpv,
                qpv_source=QpvSource.POINT if qpv else QpvSource.NONE,
                source=rng.choice([Source.SIRENE, Source.TERRAIN, Source.PARTENAIRE]),
            )
        )
    return enterprises


# How far along the parcours the demo enterprises are (cycled).
DEMO_PATHS = [
    [Stage.REPEREE],
    [Stage.REPEREE, Stage.DIAGNOSTIQUEE],
    [Stage.REPEREE, Stage.DIAGNOSTIQUEE, Stage.ACCOMPAGNEE],
    [Stage.REPEREE, Stage.ACCOMPAGNEE],
    [Stage.REPEREE, Stage.DIAGNOSTIQUEE, Stage.ACCOMPAGNEE, Stage.AUTONOME],
    [Stage.REPEREE, Stage.SORTIE],
    [Stage.REPEREE, Stage.DIAGNOSTIQUEE, Stage.ACCOMPAGNEE],
]
ROLES = ["gérant(e)", "dirigeant(e)", "co-gérant(e)", "entrepreneur(e) individuel(le)"]


def seed_enterprises(count, seed, referents=(), partners=()):
    """Create or refresh the demo enterprises (same seed, same enterprises), with their
    parcours history, a contact each, and assignments to the demo partner organisations
    (`partners`: organisations; `referents`: users who follow some of them)."""
    rng = random.Random(seed + 1)
    enterprises = demo_enterprises(count, seed)
    for enterprise in enterprises:
        enterprise.point_qpv = enterprise.qpv
        enterprise.refresh_derived()
    fields = [
        f.name
        for f in Enterprise._meta.concrete_fields
        if f.name not in ("id", "siret", "created_at")
    ]
    Enterprise.objects.bulk_create(
        enterprises, update_conflicts=True, unique_fields=["siret"], update_fields=fields
    )
    saved = list(
        Enterprise.objects.filter(siret__in=[e.siret for e in enterprises]).order_by("siret")
    )
    # Demo data is rebuilt, not accumulated: same seed, same history.
    StageChange.objects.filter(enterprise__in=saved).delete()
    Contact.objects.filter(enterprise__in=saved).delete()
    Assignment.objects.filter(enterprise__in=saved).delete()
    now = timezone.now()
    changes, contacts, assignments = [], [], []
    for index, enterprise in enumerate(saved):
        path = DEMO_PATHS[index % len(DEMO_PATHS)]
        start = now - datetime.timedelta(days=rng.randint(60, 330))
        at = start
        previous = ""
        referent = referents[index % len(referents)] if referents and index % 3 else None
        for stage in path:
            changes.append(
                StageChange(
                    enterprise=enterprise,
                    from_stage=previous,
                    to_stage=stage,
                    reason=ExitReason.NE_SOUHAITE_PAS if stage == Stage.SORTIE else "",
                    by=referent,
                    at=at,
                )
            )
            previous, last = stage, at
            at = at + datetime.timedelta(days=rng.randint(7, 45))
        enterprise.stage, enterprise.stage_changed_at = path[-1], last
        enterprise.exit_reason = ExitReason.NE_SOUHAITE_PAS if path[-1] == Stage.SORTIE else ""
        enterprise.referent = referent
        first, last_name = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        contacts.append(
            Contact(
                enterprise=enterprise,
                first_name=first,
                last_name=last_name,
                role=rng.choice(ROLES),
                email=f"{first}.{last_name}.{index}@exemple.test".lower().replace(" ", ""),
                phone="06 " + " ".join(str(rng.randint(10, 99)) for _ in range(4)),
                pix_external_id=f"TPE-DEMO-{enterprise.siret}",
                consent_date=timezone.localdate(start),
                consent_method=ConsentMethod.ORAL,
            )
        )
        if partners and index % 2 == 0:
            organisation = partners[(index // 2) % len(partners)]
            assignments.append(
                Assignment(
                    enterprise=enterprise,
                    organisation=organisation,
                    message="Besoin d'accompagnement numérique repéré en QPV.",
                    created_at=start + datetime.timedelta(days=3),
                )
            )
    Enterprise.objects.bulk_update(saved, ["stage", "stage_changed_at", "exit_reason", "referent"])
    StageChange.objects.bulk_create(changes)
    Contact.objects.bulk_create(contacts)
    Assignment.objects.bulk_create(assignments)
    return saved


SIRENE_HEADER = [
    "siren",
    "nic",
    "siret",
    "statutDiffusionEtablissement",
    "dateCreationEtablissement",
    "trancheEffectifsEtablissement",
    "anneeEffectifsEtablissement",
    "etablissementSiege",
    "complementAdresseEtablissement",
    "numeroVoieEtablissement",
    "typeVoieEtablissement",
    "libelleVoieEtablissement",
    "codePostalEtablissement",
    "libelleCommuneEtablissement",
    "codeCommuneEtablissement",
    "coordonneeLambertAbscisseEtablissement",
    "coordonneeLambertOrdonneeEtablissement",
    "etatAdministratifEtablissement",
    "enseigne1Etablissement",
    "enseigne2Etablissement",
    "denominationUsuelleEtablissement",
    "activitePrincipaleEtablissement",
    "nomenclatureActivitePrincipaleEtablissement",
    "caractereEmployeurEtablissement",
]


def sirene_row(siret, lat, lon, *, state="A", band="01", diffusion="O", trade="", naf="47.11B"):
    """One StockEtablissement line (official column names) for a point in WGS84."""
    from programme.geo import wgs84_to_lambert93

    x, y = wgs84_to_lambert93(lat, lon) if lat is not None else ("", "")
    return {
        "siren": siret[:9],
        "nic": siret[9:],
        "siret": siret,
        "statutDiffusionEtablissement": diffusion,
        "dateCreationEtablissement": "2019-05-02",
        "trancheEffectifsEtablissement": band,
        "anneeEffectifsEtablissement": "2022",
        "etablissementSiege": "true",
        "complementAdresseEtablissement": "",
        "numeroVoieEtablissement": "12",
        "typeVoieEtablissement": "RUE",
        "libelleVoieEtablissement": "DE LA MOSSON",
        "codePostalEtablissement": "34080",
        "libelleCommuneEtablissement": "MONTPELLIER",
        "codeCommuneEtablissement": "34172",
        "coordonneeLambertAbscisseEtablissement": f"{x:.1f}" if x != "" else "",
        "coordonneeLambertOrdonneeEtablissement": f"{y:.1f}" if y != "" else "",
        "etatAdministratifEtablissement": state,
        "enseigne1Etablissement": trade,
        "enseigne2Etablissement": "",
        "denominationUsuelleEtablissement": "",
        "activitePrincipaleEtablissement": naf,
        "nomenclatureActivitePrincipaleEtablissement": "NAFv2",
        "caractereEmployeurEtablissement": "O",
    }


# Hérault, roughly: where the establishments of a départemental extract lie.
DEPARTEMENT_BOX = ((43.21, 2.54), (43.98, 4.19))


def write_sirene_extract(path, rows, seed=2022, composition="dense"):
    """A synthetic StockEtablissement extract of `rows` lines. Streams.

    « dense »: about a third kept (active, under 10 employees, in a QPV), the rest closed,
    bigger or just outside, near the centre: many rows to write.
    « departement »: the shape of a real départemental stock file, where the repérage
    keeps few rows: 58 % closed, 3 % with 10 employees or more, 2 % in « diffusion
    partielle », 35 % active but anywhere in the département, 2 % in a QPV."""
    import csv

    rng = random.Random(seed)
    qpvs = list(
        Qpv.objects.of_generation(QpvGeneration.G2015).exclude(polygon=None).order_by("code")
    )
    (south, west), (north, east) = DEPARTEMENT_BOX
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=SIRENE_HEADER)
        writer.writeheader()
        for index in range(rows):
            siret = demo_siret(rng)
            state, band, diffusion = "A", rng.choice(["NN", "00", "01", "02", "03"]), "O"
            if composition == "dense":
                kind = index % 6
                in_qpv = kind in (0, 1)
                state = "F" if kind == 2 else state
                band = "12" if kind == 3 else band
            else:
                kind = index % 100
                in_qpv = kind < 2
                state = "F" if 2 <= kind < 60 else state
                band = "12" if 60 <= kind < 63 else band
                diffusion = "P" if 63 <= kind < 65 else diffusion
            if in_qpv:
                lat, lon = random_point_in(qpvs[index % len(qpvs)].polygon, rng)
            elif composition == "dense":
                lat = CENTRE[0] + rng.uniform(-0.05, 0.05)
                lon = CENTRE[1] + rng.uniform(-0.05, 0.05)
            else:
                lat, lon = rng.uniform(south, north), rng.uniform(west, east)
            writer.writerow(
                sirene_row(
                    siret,
                    lat,
                    lon,
                    state=state,
                    band=band,
                    diffusion=diffusion,
                    trade=rng.choice(TRADES)[0].format(
                        first=rng.choice(FIRST_NAMES), last=rng.choice(LAST_NAMES)
                    ),
                )
            )


def seed_activities(users, seed, enterprises, place, today=None):
    """A year of activities by the demo conseillers and partner, workshops at the
    Tiers-lieu, and diagnostics before and after (rebuilt on each run, same seed)."""
    from django.db.models import Q

    from enterprises.enums import (
        ActivityKind,
        AssessmentKind,
        AssessmentSource,
        Attendance,
        PlaceType,
    )
    from enterprises.models import Activity, Assessment, Participation
    from programme.enums import TermFamily
    from programme.models import Term

    rng = random.Random(seed + 2)
    today = today or timezone.localdate()
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
                date=today - datetime.timedelta(days=rng.randint(5, 330)),
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
                notes="Séance de démonstration.",
            )
            if activity.place_type == PlaceType.LIEU_ACTIVITE:
                activity.place = place
            activities.append((activity, [(enterprise, Attendance.PRESENT)], rng.sample(themes, 2)))
    conseiller = next((u for u in users if u.email == "conseiller2@demo.test"), users[0])
    pool = [e for e in enterprises if e.referent == conseiller] or list(enterprises)
    for n in range(6):
        guests = rng.sample(pool, min(len(pool), 3))
        activity = Activity(
            kind=ActivityKind.COLLECTIF,
            date=today - datetime.timedelta(days=30 + 50 * n),
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
        start = timezone.localdate(enterprise.created_at) - datetime.timedelta(days=200)
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
    from enterprises.enums import AssignmentStatus, DeclineReason
    from enterprises.models import Assignment

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
