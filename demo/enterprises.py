"""Deterministic demo enterprises whose points lie inside the QPV polygons."""

import datetime
import random

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
