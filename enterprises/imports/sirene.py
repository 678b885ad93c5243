"""Repérage from INSEE's SIRENE *StockEtablissement* extract, streamed in batches.

Keeps active establishments (« A ») with fewer than 10 employees whose Lambert-93 point
falls in a 2015 QPV; creates them « repérées » (source SIRENE) or refreshes what SIRENE
knows of those already registered, never touching their place in the parcours.
"""

import csv
import datetime
import gc
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from enterprises.enums import TPE_BANDS, QpvSource, Source, Stage
from enterprises.imports.bulk import copy_to_history, created_ids, first_stage_changes
from enterprises.models import Enterprise
from enterprises.signals import records_changed
from enterprises.validators import normalise_siret, validate_siret
from programme.enums import QpvGeneration
from programme.geo import QpvLocator, lambert93_to_wgs84, wgs84_to_lambert93
from programme.models import NafCode, Qpv

REQUIRED_COLUMNS = [
    "siret",
    "statutDiffusionEtablissement",
    "dateCreationEtablissement",
    "trancheEffectifsEtablissement",
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
    "denominationUsuelleEtablissement",
    "activitePrincipaleEtablissement",
]
STREET_TYPES = {
    "ALL": "allée",
    "AV": "avenue",
    "BD": "boulevard",
    "CHE": "chemin",
    "CRS": "cours",
    "ESP": "esplanade",
    "IMP": "impasse",
    "PL": "place",
    "PROM": "promenade",
    "QUA": "quai",
    "RTE": "route",
    "RUE": "rue",
    "SQ": "square",
    "CAR": "carrefour",
    "PAS": "passage",
}
# Fields SIRENE refreshes on an enterprise already registered.
REFRESHED = [
    "trade_name",
    "naf",
    "created_on",
    "headcount_band",
    "address",
    "postcode",
    "commune",
    "latitude",
    "longitude",
    "qpv",
    "qpv_source",
    "point_qpv",
    "tpe_status",
    "tpe_reason",
    "updated_at",
]
# Kept rows are written 200 at a time: memory is bounded by one batch whatever the size of
# the file (a real extract keeps about 2 % of its rows: one batch every 10 000 rows read).
BATCH = 200

SKIP_REASONS = {
    "closed": "établissement fermé",
    "too_big": "10 salariés ou plus",
    "partial": "diffusion partielle : adresse non publiée, QPV impossible à établir",
    "no_point": "sans coordonnées",
    "outside": "hors QPV",
    "bad_siret": "SIRET invalide",
}


class SireneError(Exception):
    """The file is not a usable StockEtablissement extract (French message)."""


@dataclass
class SireneReport:
    read: int = 0
    kept: int = 0
    created: int = 0
    updated: int = 0
    skipped: Counter = field(default_factory=Counter)

    def lines(self):
        yield f"Lignes lues : {self.read}"
        yield f"Retenues (actives, moins de 10 salariés, dans un QPV) : {self.kept}"
        yield f"Créées : {self.created}"
        yield f"Mises à jour : {self.updated}"
        for reason, count in sorted(self.skipped.items()):
            yield f"Écartées — {SKIP_REASONS[reason]} : {count}"


PARTICLES = {"de", "du", "des", "la", "le", "les", "et", "a", "au", "aux", "en", "sur", "d", "l"}


def _nice(text, start=True):
    """« DE LA MOSSON » → « de la Mosson », « D'ALCO » → « d'Alco » (INSEE writes capitals).

    Particles stay lower case except at the start of a name."""
    words = []
    for word in text.lower().split():
        parts = word.split("'")
        for i, part in enumerate(parts):
            first = start and not words and i == 0
            keep_lower = part in PARTICLES and not first and (i < len(parts) - 1 or len(parts) == 1)
            parts[i] = part if keep_lower else part.capitalize()
        words.append("'".join(parts))
    return " ".join(words)


def _address(row):
    street_type = row["typeVoieEtablissement"].strip()
    parts = [
        row["numeroVoieEtablissement"].strip(),
        STREET_TYPES.get(street_type, street_type.lower()),
        _nice(row["libelleVoieEtablissement"].strip(), start=not street_type),
    ]
    return " ".join(p for p in parts if p)


def _date(text):
    try:
        return datetime.date.fromisoformat(text) if text else None
    except ValueError:
        return None


class _Batch:
    """Keeps rows until there are BATCH of them, then writes them in one go."""

    def __init__(self, report, dry_run, user=None):
        self.report, self.dry_run, self.user, self.rows = report, dry_run, user, []
        self.naf = dict(NafCode.objects.values_list("code", "id"))

    def add(self, values):
        self.rows.append(values)
        if len(self.rows) >= BATCH:
            self.flush()

    def flush(self):
        if not self.rows:
            return
        rows, self.rows = self.rows, []
        self._write(rows)
        # Building a batch's queries leaves reference cycles that would otherwise pile up
        # in the oldest generation, unseen for a while: collected here, memory stays that
        # of one batch whatever the size of the file (`make bench` measures it).
        gc.collect()

    def _write(self, rows):
        sirets = [r["siret"] for r in rows]
        if self.dry_run:  # counts only: no model objects to build
            known = set(Enterprise.objects.filter(siret__in=sirets).values_list("siret", flat=True))
            updated = sum(1 for siret in sirets if siret in known)
            self.report.created += len(rows) - updated
            self.report.updated += updated
            return
        existing = {e.siret: e for e in Enterprise.objects.filter(siret__in=sirets)}
        now = timezone.now()
        to_create, to_update = [], []
        for values in rows:
            enterprise = existing.get(values["siret"])
            if enterprise is None:
                enterprise = Enterprise(
                    siret=values["siret"],
                    name=values["name"],
                    source=Source.SIRENE,
                    stage=Stage.REPEREE,
                    stage_changed_at=now,
                )
                to_create.append(enterprise)
            else:
                to_update.append(enterprise)
            enterprise.trade_name = values["trade_name"] or enterprise.trade_name
            enterprise.naf_id = self.naf.get(values["naf"], enterprise.naf_id)
            enterprise.created_on = values["created_on"] or enterprise.created_on
            enterprise.headcount_band = values["band"]
            enterprise.address, enterprise.postcode = values["address"], values["postcode"]
            enterprise.commune = values["commune"]
            enterprise.latitude, enterprise.longitude = values["latitude"], values["longitude"]
            if enterprise.qpv_source != QpvSource.MANUAL:
                enterprise.qpv, enterprise.qpv_source = values["qpv"], QpvSource.POINT
            enterprise.point_qpv = values["qpv"]
            enterprise.refresh_derived()
            enterprise.updated_at = now
        self.report.created += len(to_create)
        self.report.updated += len(to_update)
        ids = created_ids(Enterprise.objects.bulk_create(to_create, batch_size=BATCH))
        copy_to_history(Enterprise, ids, created=True, user=self.user, when=now)
        if to_update:
            Enterprise.objects.bulk_update(to_update, REFRESHED, batch_size=BATCH)
            updated = [e.pk for e in to_update]
            copy_to_history(Enterprise, updated, created=False, user=self.user, when=now)
        first_stage_changes(ids, stage=Stage.REPEREE, note="repérage SIRENE", when=now)


def import_sirene(path, dry_run=False, user=None):
    """Stream the extract at `path`; returns a SireneReport. One transaction: a file that
    breaks half-way writes nothing."""
    report = SireneReport()
    locator = QpvLocator(Qpv.objects.of_generation(QpvGeneration.G2015))
    window = _lambert_window(locator)
    with open(path, encoding="utf-8-sig", newline="") as handle:
        header = handle.readline()
        delimiter = ";" if header.count(";") > header.count(",") else ","
        columns = next(csv.reader([header], delimiter=delimiter)) if header else []
        missing = [c for c in REQUIRED_COLUMNS if c not in columns]
        if missing:
            raise SireneError(
                "Ce n'est pas un extrait StockEtablissement de SIRENE : colonne(s) absente(s) : "
                + ", ".join(missing)
                + "."
            )
        reader = csv.DictReader(handle, fieldnames=columns, delimiter=delimiter)
        # What the process already holds is set aside from the collections each batch
        # triggers: they then only walk the objects of the import (milliseconds, not 0.1 s).
        gc.freeze()
        try:
            with transaction.atomic():
                batch = _Batch(report, dry_run, user)
                for row in reader:
                    report.read += 1
                    reason, values = _examine(row, locator, window)
                    if reason:
                        report.skipped[reason] += 1
                        continue
                    report.kept += 1
                    batch.add(values)
                batch.flush()
        finally:
            gc.unfreeze()
    if not dry_run:
        records_changed.send(sender=Enterprise)
    return report


def _lambert_window(locator, margin=100.0):
    """The Lambert-93 rectangle (metres) around every QPV, widened by `margin`: a point
    outside it is outside every QPV without converting it (most rows of an extract)."""
    bounds = locator.bounds()
    if bounds is None:
        return None
    min_lon, min_lat, max_lon, max_lat = bounds
    corners = [
        wgs84_to_lambert93(lat, lon) for lat in (min_lat, max_lat) for lon in (min_lon, max_lon)
    ]
    xs, ys = [c[0] for c in corners], [c[1] for c in corners]
    return min(xs) - margin, min(ys) - margin, max(xs) + margin, max(ys) + margin


def _examine(row, locator, window):
    """(skip reason, None) or (None, the values to write) for one SIRENE row. The cheap
    tests come first: most rows of an extract are closed, too big or far away."""
    if row["etatAdministratifEtablissement"] != "A":
        return "closed", None
    band = row["trancheEffectifsEtablissement"].strip() or "NN"
    if band not in TPE_BANDS:
        return "too_big", None
    siret = normalise_siret(row["siret"])
    if row["statutDiffusionEtablissement"] == "P":
        # INSEE does not publish the address or the point of these establishments:
        # nothing is kept that INSEE does not publish, and without a point no QPV.
        return ("partial" if _valid_siret(siret) else "bad_siret"), None
    try:
        x = float(row["coordonneeLambertAbscisseEtablissement"])
        y = float(row["coordonneeLambertOrdonneeEtablissement"])
    except (TypeError, ValueError):
        return ("no_point" if _valid_siret(siret) else "bad_siret"), None
    if window is None or not (window[0] <= x <= window[2] and window[1] <= y <= window[3]):
        return "outside", None
    latitude, longitude = lambert93_to_wgs84(x, y)
    latitude, longitude = round(latitude, 6), round(longitude, 6)
    qpv = locator.locate(latitude, longitude)
    if qpv is None:
        return "outside", None
    if not _valid_siret(siret):
        return "bad_siret", None
    trade_name = (
        row["enseigne1Etablissement"].strip() or row["denominationUsuelleEtablissement"].strip()
    )
    return None, {
        "siret": siret,
        "name": row["denominationUsuelleEtablissement"].strip()
        or trade_name
        or f"Établissement {siret}",
        "trade_name": trade_name,
        "naf": row["activitePrincipaleEtablissement"].strip(),
        "created_on": _date(row["dateCreationEtablissement"].strip()),
        "band": band,
        "address": _address(row),
        "postcode": row["codePostalEtablissement"].strip(),
        "commune": _nice(row["libelleCommuneEtablissement"].strip()),
        "latitude": latitude,
        "longitude": longitude,
        "qpv": qpv,
    }


def _valid_siret(siret):
    try:
        validate_siret(siret)
    except ValidationError:
        return False
    return True
