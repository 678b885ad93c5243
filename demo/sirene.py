"""SIRENE extracts for the demo and the benchmarks, shaped like INSEE's stock file."""

import csv
import random

from demo.enterprises import (
    CENTRE,
    FIRST_NAMES,
    LAST_NAMES,
    TRADES,
    demo_siret,
    random_point_in,
)
from programme.enums import QpvGeneration
from programme.geo import wgs84_to_lambert93
from programme.models import Qpv

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
