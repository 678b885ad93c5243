"""A PIX Orga campaign export for the demo, written as PIX writes its own."""

import datetime
import random
import re
from pathlib import Path

from enterprises.enums import PIX_DOMAINS
from enterprises.imports.pix_format import DOMAIN_HEADER

DEMO_HEADERS = [
    "Nom de l'organisation",
    "ID Campagne",
    "Code",
    "Nom de la campagne",
    "Parcours",
    "Nom du Participant",
    "Prénom du Participant",
    "Identifiant TPE",
    "% de progression",
    "Date de début",
    "Partage (O/N)",
    "Date du partage",
    "Palier obtenu (/5)",
    "% maitrise de l'ensemble des acquis du profil",
]
DEMO_COMPETENCES = [
    "Mener une recherche et une veille d'information",
    "Interagir",
    "Développer des documents textuels",
    "Sécuriser l'environnement numérique",
    "Résoudre des problèmes techniques",
]
DEMO_START = datetime.datetime(2024, 3, 4, 9, 0)


def _ratio(value):
    return round(value, 2)


def serialise(value):
    """One cell as PIX's ``serializeLine`` writes it (1024pix/pix, helpers/csv.js): numbers
    bare with a decimal comma, digit-only strings bare, other strings quoted with ``'``
    before a leading ``+ - = @``."""
    if isinstance(value, int | float):
        return str(value).replace(".", ",", 1)
    if re.fullmatch(r"[0-9-]+", value):
        return value
    guard = "'" if re.match(r"[-@=+]", value) else ""
    return '"' + guard + value.replace('"', '""') + '"'


def write_demo_pix_export(path, contacts, campaign_code="TPEMTP123", seed=2022, *, start=None):
    """Write a PIX Orga export as the GIP PIX sends it: one shared row per contact (their
    external id, scores drawn from `random.Random(seed)`) and one participant who has not
    shared. `start` (naive, Paris time) is the first participation. Returns the path."""
    rng = random.Random(seed)
    start = start or DEMO_START
    headers = [
        *DEMO_HEADERS,
        *(f"% de maitrise des acquis de la compétence {c}" for c in DEMO_COMPETENCES),
        *(DOMAIN_HEADER.format(label) for _, label in PIX_DOMAINS),
    ]
    common = [
        "Montpellier Méditerranée Métropole",
        rng.randint(100000, 999999),
        campaign_code,
        "Diagnostic numérique des TPE",
        "Parcours TPE : compétences numériques de base",
    ]
    rows = []
    at = start
    for contact in contacts:
        started = at + datetime.timedelta(days=rng.randint(0, 3), minutes=rng.randint(0, 600))
        shared = started + datetime.timedelta(minutes=rng.randint(20, 90))
        domains = [rng.randint(15, 95) / 100 for _ in PIX_DOMAINS]
        overall = round(sum(domains) / len(domains), 2)
        rows.append(
            [
                *common,
                contact.last_name,
                contact.first_name,
                contact.pix_external_id,
                1,
                started.strftime("%d/%m/%Y %H:%M"),
                "Oui",
                shared.strftime("%d/%m/%Y %H:%M"),
                min(5, int(overall * 6)),
                _ratio(overall),
                *(_ratio(rng.randint(0, 100) / 100) for _ in DEMO_COMPETENCES),
                *(_ratio(value) for value in domains),
            ]
        )
        at = shared
    rows.append(
        [
            *common,
            "Benali",
            "Nadia",
            "TPE-NONPARTAGE",
            _ratio(rng.randint(10, 90) / 100),
            (at + datetime.timedelta(hours=2)).strftime("%d/%m/%Y %H:%M"),
            "Non",
            "NA",
            "NA",
            "NA",
            *("NA" for _ in DEMO_COMPETENCES),
            *("NA" for _ in PIX_DOMAINS),
        ]
    )
    # BOM once, `;`, LF after every line, as PIX writes it.
    text = "".join(";".join(serialise(cell) for cell in line) + "\n" for line in [headers, *rows])
    path = Path(path)
    path.write_bytes(("\ufeff" + text).encode("utf-8"))
    return path
