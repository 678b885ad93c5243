"""The convention report: figures from the indicators module, a PDF drawn by WeasyPrint and
an XLSX annex. Run by a Celery task (never in a request) and by `generate_report`.

Nothing is summed here: every figure and every row of the annex comes from
grant.indicators, as of the end of the report's period."""

import hashlib

from django.conf import settings
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML

from common.tabular import Column, write_xlsx_book
from enterprises.enums import ActivityKind, PlaceType, Stage

from .charts import report_charts
from .dashboard import PROGRESS_COLUMNS
from .enums import ExpenseStatus, ReportStatus
from .indicators import (
    activity_rows,
    enterprise_rows,
    expenses_as_of,
    hours,
    pair_rows,
    period_activities,
    programme_figures,
)
from .models import Disbursement, Report

SIGNED_AT = "Montpellier"


def figures_for(report):
    return programme_figures(report.start, report.end, convention=report.convention)


def charts_for(figures):
    """{name: {title, svg, alt}}: each chart keeps its heading and its text alternative."""
    return report_charts(figures)


def render_pdf(report, figures, generated_at=None):
    """The report as a tagged PDF (PDF/UA-1: structure, title, language) in French."""
    generated_at = generated_at or timezone.localtime()
    html = render_to_string(
        "grant/report_pdf.html",
        {
            "report": report,
            "convention": report.convention,
            "figures": figures,
            "charts": charts_for(figures),
            "generated_at": generated_at,
            "signed_at": SIGNED_AT,
        },
    )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
        pdf_variant="pdf/ua-1", pdf_tags=True
    )


STAGES, KINDS, PLACE_TYPES, STATUS_LABELS = (
    dict(Stage.choices),
    dict(ActivityKind.choices),
    dict(PlaceType.choices),
    dict(ExpenseStatus.choices),
)
# The two long lists (enterprises, activities of the period) are read as plain rows,
# streamed: no model object per row (README, « Performance »).
ENTERPRISE_COLUMNS = [
    Column("SIRET", lambda e: e["siret"]),
    Column("QPV", lambda e: e["qpv__name"] or "hors QPV"),
    Column("Section NAF", lambda e: e["naf__section"] or ""),
    Column("Étape à la fin de la période", lambda e: STAGES.get(e["stage_at_end"])),
    Column("Heures d'accompagnement (présent)", lambda e: hours(e["minutes"])),
]
ACTIVITY_COLUMNS = [
    Column("Date", lambda a: a["date"]),
    Column("Type", lambda a: KINDS.get(a["kind"], a["kind"])),
    Column("Durée (minutes)", lambda a: a["duration"]),
    Column("Heures", lambda a: hours(a["duration"])),
    Column("Type de lieu", lambda a: PLACE_TYPES.get(a["place_type"], a["place_type"])),
    Column("Action", lambda a: a["action__name"] or "sans action précisée"),
    Column("Entreprises présentes", lambda a: a["present"]),
    Column("Entreprises excusées", lambda a: a["excused"]),
    Column("Entreprises absentes", lambda a: a["absent"]),
    Column("Participants anonymes", lambda a: a["anonymous_count"]),
    Column("Structure", lambda a: a["organisation__name"]),
]
EXPENSE_COLUMNS = [
    Column("Ligne budgétaire", lambda e: e.line.label),
    Column("Date", lambda e: e.date),
    Column("Fournisseur", lambda e: e.supplier),
    Column("Objet", lambda e: e.description),
    Column("Montant TTC (€)", lambda e: e.amount),
    Column("Part imputée à la subvention (€)", lambda e: e.grant_amount),
    Column("Statut à la fin de la période", lambda e: STATUS_LABELS[e.status_at_end]),
    Column("Référence", lambda e: e.reference),
]
DISBURSEMENT_COLUMNS = [
    Column("Nature", lambda d: d.get_kind_display()),
    Column("Date", lambda d: d.date),
    Column("Montant (€)", lambda d: d.amount),
    Column("Référence", lambda d: d.reference),
]
PAIR_COLUMNS = [Column("Indicateur", lambda row: row[0]), Column("Valeur", lambda row: row[1])]
ACTION_COLUMNS = [
    Column("Action / ligne budgétaire", lambda r: r["name"]),
    Column("Activités", lambda r: r["count"]),
    Column("Heures", lambda r: r["hours"]),
    Column("Entreprises présentes", lambda r: r["enterprises"]),
    Column("Coût prévu (€)", lambda r: r["planned_cost"]),
    Column("Engagé (€)", lambda r: r["engaged"]),
    Column("Imputé à la subvention (€)", lambda r: r["charged"]),
]
QPV_COLUMNS = [
    Column("QPV", lambda r: r[0]),
    Column("Activités", lambda r: r[1]),
    Column("Heures", lambda r: r[2]),
]
TARGET_COLUMNS = [
    Column("Indicateur", lambda t: t["label"]),
    Column("Objectif", lambda t: t["target"]),
    Column("Résultat à la fin de la période", lambda t: t["result"]),
    Column("Atteint (%)", lambda t: t["rate"]),
    Column("Précision", lambda t: t["note"]),
]
METHOD_COLUMNS = [Column("Chiffre", lambda r: r[0]), Column("Définition", lambda r: r[1])]


def voice_rows(voice):
    """(label, value) of the entrepreneurs' answers: counts and rates only, never a
    comment (an empty cell where there is no answer to take a rate of)."""
    return [
        ("Réponses au questionnaire de satisfaction", voice["answers"]),
        ("Entrepreneurs satisfaits (%)", voice["satisfaction_rate"]),
        ("Utilité moyenne (sur 5)", voice["mean_usefulness"]),
        ("Entrepreneurs recontactés (%)", voice["recontacted_rate"]),
        *[(f"L'accompagnement a permis : « {label} »", n) for label, n in voice["allowed"]],
        ("Demandes en ligne reçues", voice["requests_received"]),
        ("Demandes en ligne acceptées", voice["requests_accepted"]),
    ]


def key_figures(figures):
    """(label, value) of the report's headline figures, the same in the PDF and the annex."""
    e, a, d, o = (
        figures["enterprises"],
        figures["activities"],
        figures["assessments"],
        figures["orientations"],
    )
    rows = [
        ("Entreprises suivies", e["total"]),
        ("Nouvelles entreprises", e["new"]),
        *[(f"Étape « {label} »", n) for label, n in e["by_stage"]],
        ("Autonomie atteinte", e["autonomy_reached"]),
        ("Activités", a["count"]),
        ("Heures d'accompagnement", a["hours"]),
        ("Entreprises rencontrées", a["enterprises"]),
        ("Accompagnements individuels", a["individual"]),
        ("Ateliers collectifs", a["collective"]),
        ("Participants aux ateliers (présences)", a["named_participants"]),
        ("Participants anonymes", a["anonymous"]),
        ("Diagnostics", d["count"]),
        ("Diagnostics initiaux", d["initial"]),
        ("Diagnostics finaux", d["final"]),
        ("Contacts avec diagnostic initial et final", d["with_both"]),
        ("Progression moyenne (points)", d["mean_progress"]),
        ("Orientations", o["total"]),
        *[(f"Orientations « {label} »", n) for label, n in o["by_status"]],
        ("Délai médian de prise en charge (jours)", o["median_days"]),
        ("Réunions du groupe de travail", figures["working_group"]["meetings"]),
        *pair_rows(figures["pairs"]),
        *voice_rows(figures["voice"]),
    ]
    grant = figures["grant"]
    if grant is not None:
        total = grant["total"]
        rows += [
            ("Dépenses engagées (€)", total["engaged"]),
            *[
                (f"Dépenses au statut « {label} » (€)", amount)
                for label, amount in total["by_status"]
            ],
            ("Imputé à la subvention (€)", total["charged"]),
            ("Reçu du financeur (€)", total["received"]),
            ("Reste imputable (€)", total["remaining"]),
            ("Reste à recevoir (€)", total["to_receive"]),
        ]
    return rows


def render_xlsx(report, figures, generated_at=None):
    """The annex: metadata and headline figures, the per-action and per-QPV tables, the
    lists, and the « Méthode » sheet; without personal data."""
    start, end, convention = report.start, report.end, report.convention
    expenses = (
        expenses_as_of(end, start)
        .filter(line__convention=convention)
        .select_related("line")
        .order_by("date", "id")
    )
    disbursements = Disbursement.objects.filter(
        convention=convention, date__range=(start, end)
    ).order_by("date", "id")
    metadata = [
        ("Rapport", str(report)),
        ("Convention", str(convention)),
        ("Financeur", str(convention.funder)),
        ("Bénéficiaire", str(convention.beneficiary)),
        ("Période", f"du {start:%d/%m/%Y} au {end:%d/%m/%Y}"),
        ("Chiffres arrêtés au", f"{end:%d/%m/%Y}, fin de journée"),
        ("Généré le", generated_at or timezone.localtime()),
        ("Données personnelles", "aucune : ni nom, ni contact, ni note"),
        ("Définitions", "feuille « Méthode »"),
    ]
    activities = period_activities(start, end)
    return write_xlsx_book(
        [
            ("Métadonnées", PAIR_COLUMNS, key_figures(figures), metadata),
            ("Par action", ACTION_COLUMNS, figures["per_action"], None),
            ("Par QPV", QPV_COLUMNS, figures["activities"]["by_qpv"], None),
            (
                "Progression",
                PROGRESS_COLUMNS,
                figures["assessments"]["progress_by_domain"],
                None,
            ),
            (
                "Entreprises",
                ENTERPRISE_COLUMNS,
                enterprise_rows(start, end),
                None,
            ),
            (
                "Activités",
                ACTIVITY_COLUMNS,
                activity_rows(activities).iterator(chunk_size=5000),
                None,
            ),
            ("Dépenses", EXPENSE_COLUMNS, expenses, None),
            ("Versements", DISBURSEMENT_COLUMNS, disbursements, None),
            ("Objectifs", TARGET_COLUMNS, figures["targets"], None),
            ("Méthode", METHOD_COLUMNS, figures["method"], None),
        ]
    )


def _step(report, progress, step):
    Report.objects.filter(pk=report.pk).update(progress=progress, step=step)


def build(report):
    """Compute, render and store the report's files, reporting progress as it goes."""
    _step(report, 10, "Calcul des indicateurs")
    figures = figures_for(report)
    generated_at = timezone.localtime()
    _step(report, 40, "Mise en page du PDF")
    pdf = render_pdf(report, figures, generated_at)
    _step(report, 75, "Annexe Excel")
    xlsx = render_xlsx(report, figures, generated_at)
    _step(report, 90, "Enregistrement des fichiers")
    name = f"rapport-{report.convention.deliberation_number}-{report.kind}-v{report.version}"
    report.pdf.save(f"{name}.pdf", ContentFile(pdf), save=False)
    report.xlsx.save(f"{name}.xlsx", ContentFile(xlsx), save=False)
    report.checksum = hashlib.sha256(pdf).hexdigest()
    report.xlsx_checksum = hashlib.sha256(xlsx).hexdigest()
    report.status, report.progress, report.step = ReportStatus.DONE, 100, "Terminé"
    report.finished_at = timezone.now()
    report.save()
    return report
