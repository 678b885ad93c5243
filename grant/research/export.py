"""The pseudonymised dataset of a study: row files, aggregate tables with small-count
suppression, a data dictionary (LISEZMOI.txt) and a manifest with the SHA-256 of each file.

Every field read here has a rule in policy.py; nothing personal is read: no name, SIRET,
address, coordinates, e-mail, phone, free text or exact date, and contacts only as counts."""

import csv
import datetime
import hashlib
import hmac
import json
from collections import defaultdict
from pathlib import Path

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from common.suppression import suppress
from enterprises.enums import Attendance, Stage
from enterprises.models import (
    Assessment,
    Assignment,
    Contact,
    Enterprise,
    Participation,
    StageChange,
    Survey,
)

from ..enums import ResearchEventKind
from ..indicators import as_of, diagnostic_pairs, hours, progress_by_domain
from ..indicators.parcours import SCORE_FIELDS
from ..models import ResearchExportEvent
from .dictionary import COLUMNS, readme


def pseudonym(key, enterprise_id):
    """Keyed HMAC-SHA256 of the enterprise's id with the study's key (hex): the same for a
    study and its key, different for another study, not reversible without the key."""
    return hmac.new(bytes.fromhex(key), str(enterprise_id).encode(), hashlib.sha256).hexdigest()


def _month(value):
    return f"{value:%Y-%m}" if value else ""


def _write(directory, name, rows):
    path = Path(directory) / name
    columns = [column for column, _ in COLUMNS[name]]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow(["" if row.get(c) is None else row.get(c) for c in columns])
    return path


def _end_of(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))


def build_dataset(study, start, end, directory, by=None, progress=None):
    """Write the study's files for [start, end] into `directory`; journal the export.
    Returns {file name: SHA-256}."""
    progress = progress or (lambda percent: None)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    key = study.key
    end_at = _end_of(end)

    # The enterprises in the parcours at the period's end and their stage then: the same
    # rule as the report's (grant.indicators.as_of).
    enterprises = as_of(Enterprise.objects.all(), end)
    ids = {}
    rows = []
    for e in enterprises.values(
        "id",
        "qpv__code",
        "naf__section",
        "headcount_band",
        "created_on",
        "source",
        "stage_at_end",
        "exit_reason_at_end",
    ).order_by("id"):
        ids[e["id"]] = pseudonym(key, e["id"])
        rows.append(
            {
                "entreprise": ids[e["id"]],
                "qpv": e["qpv__code"] or "",
                "section_naf": e["naf__section"] or "",
                "tranche_effectif": e["headcount_band"],
                "annee_creation": e["created_on"].year if e["created_on"] else "",
                "origine": e["source"],
                "etape_fin_periode": e["stage_at_end"],
                "motif_sortie": e["exit_reason_at_end"]
                if e["stage_at_end"] == Stage.SORTIE
                else "",
            }
        )
    progress(20)

    steps = defaultdict(list)
    for change in (
        StageChange.objects.filter(at__lte=end_at, enterprise_id__in=ids.keys())
        .order_by("at", "id")
        .values("enterprise_id", "to_stage", "reason", "at")
    ):
        steps[change["enterprise_id"]].append(change)
    contacts = dict(
        Contact.objects.filter(enterprise_id__in=ids.keys())
        .values_list("enterprise_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row, enterprise_id in zip(rows, ids, strict=True):
        row["nombre_contacts"] = contacts.get(enterprise_id, 0)
    parcours = [
        {"entreprise": ids[e], "etape": s["to_stage"], "mois": _month(s["at"])}
        for e, history in steps.items()
        if e in ids
        for s in history
    ]
    progress(40)

    present = Participation.objects.filter(
        attendance=Attendance.PRESENT,
        activity__date__gte=start,
        activity__date__lte=end,
        enterprise_id__in=ids.keys(),
    ).annotate(mois=TruncMonth("activity__date"))
    activities = [
        {
            "entreprise": ids[a["enterprise_id"]],
            "mois": _month(a["mois"]),
            "type": a["activity__kind"],
            "action": a["activity__action__code"] or "",
            "activites": a["n"],
            "minutes": a["minutes"] or 0,
        }
        for a in present.values("enterprise_id", "mois", "activity__kind", "activity__action__code")
        .annotate(n=Count("activity_id", distinct=True), minutes=Sum("activity__duration"))
        .order_by("enterprise_id", "mois", "activity__kind")
    ]
    themes = [
        {
            "entreprise": ids[t["enterprise_id"]],
            "mois": _month(t["mois"]),
            "theme": t["activity__themes__code"],
            "activites": t["n"],
        }
        for t in present.filter(activity__themes__isnull=False)
        .values("enterprise_id", "mois", "activity__themes__code")
        .annotate(n=Count("activity_id", distinct=True))
        .order_by("enterprise_id", "mois", "activity__themes__code")
    ]
    progress(60)

    diagnostics = [
        {
            "entreprise": ids[d["enterprise_id"]],
            "moment": d["kind"],
            "source": d["source"],
            "mois": _month(d["date"]),
            **{f"score_{k}" if k == "overall" else k: d[k] for k in SCORE_FIELDS},
        }
        for d in Assessment.objects.filter(
            date__gte=start, date__lte=end, enterprise_id__in=ids.keys()
        )
        .order_by("enterprise_id", "date", "id")
        .values("enterprise_id", "kind", "source", "date", *SCORE_FIELDS)
    ]
    orientations = [
        {
            "entreprise": ids[o["enterprise_id"]],
            "type_structure": o["organisation__kind"],
            "statut": o["status"],
            "motif_refus": o["decline_reason"],
            "mois": _month(o["created_at"]),
            "jours_avant_prise_en_charge": (o["taken_at"] - o["created_at"]).days
            if o["taken_at"]
            else "",
        }
        for o in Assignment.objects.filter(
            created_at__date__gte=start, created_at__date__lte=end, enterprise_id__in=ids.keys()
        )
        .order_by("enterprise_id", "created_at", "id")
        .values(
            "enterprise_id",
            "organisation__kind",
            "status",
            "decline_reason",
            "created_at",
            "taken_at",
        )
    ]
    surveys = [
        {
            "entreprise": ids[v["enterprise_id"]],
            "declencheur": v["trigger"],
            "type_structure": v["organisation__kind"] or "",
            "mois": _month(v["sent_at"]),
            "repondu": 1 if v["answered_at"] else 0,
            "recontacte": v["recontacted"],
            "utilite": v["usefulness"],
            "permis": "|".join(v["allowed"] or []),
        }
        for v in Survey.objects.filter(
            sent_at__date__gte=start, sent_at__date__lte=end, enterprise_id__in=ids.keys()
        )
        .order_by("enterprise_id", "sent_at", "id")
        .values(
            "enterprise_id",
            "trigger",
            "organisation__kind",
            "sent_at",
            "answered_at",
            "recontacted",
            "usefulness",
            "allowed",
        )
    ]
    progress(75)

    by_enterprise = defaultdict(lambda: [0, 0])
    by_action = defaultdict(lambda: [set(), 0, 0])
    for a in activities:
        by_enterprise[a["entreprise"]][0] += a["activites"]
        by_enterprise[a["entreprise"]][1] += a["minutes"]
        cell = by_action[a["action"] or "sans action"]
        cell[0].add(a["entreprise"])
        cell[1] += a["activites"]
        cell[2] += a["minutes"]

    def aggregate(dimension):
        cells = defaultdict(lambda: [0, 0, 0])
        for row in rows:
            cell = cells[row[dimension] or "non renseigné"]
            done = by_enterprise.get(row["entreprise"], (0, 0))
            cell[0] += 1
            cell[1] += done[0]
            cell[2] += done[1]
        return _table(dimension, cells)

    def _table(dimension, cells):
        table = [
            {"valeur": value, "entreprises": n, "activites": acts, "heures": hours(minutes)}
            for value, (n, acts, minutes) in sorted(cells.items())
        ]
        total = {
            "valeur": "TOTAL",
            "entreprises": sum(c[0] for c in cells.values()),
            "activites": sum(c[1] for c in cells.values()),
            "heures": hours(sum(c[2] for c in cells.values())),
        }
        return [
            {"dimension": dimension, **row}
            for row in suppress(table, "entreprises", ["activites", "heures"], total)
        ]

    aggregates = []
    for dimension in ("qpv", "section_naf", "etape_fin_periode"):
        aggregates += aggregate(dimension)
    aggregates += _table(
        "action", {action: (len(e), n, m) for action, (e, n, m) in by_action.items()}
    )

    pairs = diagnostic_pairs(
        Assessment.objects.filter(date__gte=start, date__lte=end, enterprise_id__in=ids.keys())
    )
    evaluation = [
        {
            "domaine": result["label"],
            "paires": "< 5" if result["suppressed"] else result["pairs"],
            "progression_moyenne": result["mean"],
            "ic95_bas": result["low"],
            "ic95_haut": result["high"],
        }
        for result in progress_by_domain(pairs)
    ]
    progress(90)

    files = {
        "entreprises.csv": rows,
        "parcours.csv": parcours,
        "activites_par_mois.csv": activities,
        "themes_par_mois.csv": themes,
        "diagnostics.csv": diagnostics,
        "orientations.csv": orientations,
        "enquetes.csv": surveys,
        "agregats.csv": aggregates,
        "evaluation_avant_apres.csv": evaluation,
    }
    checksums = {}
    for name, content in files.items():
        checksums[name] = _sha256(_write(directory, name, content))
    lisezmoi = directory / "LISEZMOI.txt"
    lisezmoi.write_text(readme(study, start, end), encoding="utf-8")
    checksums["LISEZMOI.txt"] = _sha256(lisezmoi)
    manifest = {
        "etude": study.name,
        "periode": {"du": start.isoformat(), "au": end.isoformat()},
        "genere_le": timezone.localtime().isoformat(timespec="seconds"),
        "lignes": {name: len(content) for name, content in files.items()},
        "sha256": checksums,
    }
    (directory / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    ResearchExportEvent.objects.create(
        study=study,
        kind=ResearchEventKind.EXPORT,
        start=start,
        end=end,
        checksums=checksums,
        by=by,
    )
    progress(100)
    return checksums


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()
