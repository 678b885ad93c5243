"""The convention report: figures from the indicators module, a PDF drawn by WeasyPrint and
an XLSX annex. Run by a Celery task (never in a request) and by `generate_report`."""

import hashlib

from django.conf import settings
from django.core.files.base import ContentFile
from django.db.models import Count, Q, Sum
from django.template.loader import render_to_string
from django.utils import timezone

from common.tabular import Column, write_xlsx_book
from enterprises.enums import ActivityKind, PlaceType, Stage
from enterprises.models import Activity, Enterprise

from .charts import programme_charts
from .enums import ReportStatus
from .indicators import programme_figures
from .models import Disbursement, Expense, Report


def figures_for(report):
    return programme_figures(report.start, report.end, convention=report.convention)


def charts_for(figures):
    return {name: svg for name, (_title, svg) in programme_charts(figures).items()}


def render_pdf(report, figures):
    """The report as a PDF (bytes), French formatting, page numbers, table of contents."""
    from weasyprint import HTML

    html = render_to_string(
        "grant/report_pdf.html",
        {
            "report": report,
            "convention": report.convention,
            "figures": figures,
            "charts": charts_for(figures),
            "generated_at": timezone.localtime(),
        },
    )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


STAGES, KINDS, PLACE_TYPES = (
    dict(Stage.choices),
    dict(ActivityKind.choices),
    dict(PlaceType.choices),
)
# The two long lists (all enterprises, every activity of the period) are read as plain
# rows, streamed: no model object per row (README, « Performance »).
ENTERPRISE_COLUMNS = [
    Column("SIRET", lambda e: e["siret"]),
    Column("QPV", lambda e: e["qpv__name"] or "hors QPV"),
    Column("Section NAF", lambda e: e["naf__section"] or ""),
    Column("Étape", lambda e: STAGES.get(e["stage"], e["stage"])),
    Column("Heures d'accompagnement sur la période", lambda e: round((e["minutes"] or 0) / 60, 1)),
]
ACTIVITY_COLUMNS = [
    Column("Date", lambda a: a["date"]),
    Column("Type", lambda a: KINDS.get(a["kind"], a["kind"])),
    Column("Durée (minutes)", lambda a: a["duration"]),
    Column("Type de lieu", lambda a: PLACE_TYPES.get(a["place_type"], a["place_type"])),
    Column("Entreprises présentes", lambda a: a["present"]),
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
    Column("Statut", lambda e: e.get_status_display()),
    Column("Référence", lambda e: e.reference),
]
DISBURSEMENT_COLUMNS = [
    Column("Nature", lambda d: d.get_kind_display()),
    Column("Date", lambda d: d.date),
    Column("Montant (€)", lambda d: d.amount),
    Column("Référence", lambda d: d.reference),
]


def render_xlsx(report, figures):
    """The annex: metadata, then one sheet per list, without personal data."""
    start, end, convention = report.start, report.end, report.convention
    period_minutes = Sum(
        "participations__activity__duration",
        filter=Q(participations__activity__date__range=(start, end)),
    )
    enterprises = (
        Enterprise.objects.annotate(minutes=period_minutes)
        .values("siret", "qpv__name", "naf__section", "stage", "minutes")
        .order_by("siret")
    )
    activities = (
        Activity.objects.filter(date__range=(start, end))
        .annotate(present=Count("participations", filter=Q(participations__attendance="present")))
        .values(
            "date",
            "kind",
            "duration",
            "place_type",
            "present",
            "anonymous_count",
            "organisation__name",
        )
        .order_by("date", "id")
    )
    expenses = (
        Expense.objects.filter(line__convention=convention).select_related("line").order_by("date")
    )
    disbursements = Disbursement.objects.filter(convention=convention).order_by("date")
    grant = figures["grant"]["total"]
    metadata = [
        ("Rapport", str(report)),
        ("Convention", str(convention)),
        ("Financeur", str(convention.funder)),
        ("Bénéficiaire", str(convention.beneficiary)),
        ("Période", f"du {start:%d/%m/%Y} au {end:%d/%m/%Y}"),
        ("Généré le", timezone.localtime()),
        ("Entreprises (total)", figures["enterprises"]["total"]),
        ("Activités sur la période", figures["activities"]["count"]),
        ("Heures d'accompagnement", float(figures["activities"]["hours"])),
        ("Dépenses engagées (€)", grant["engaged"]),
        ("Imputé à la subvention (€)", grant["charged"]),
        ("Reçu du financeur (€)", grant["received"]),
        ("Données personnelles", "aucune : ni nom, ni contact, ni note"),
    ]
    return write_xlsx_book(
        [
            ("Métadonnées", [Column("", lambda row: row)], [], metadata),
            ("Entreprises", ENTERPRISE_COLUMNS, enterprises.iterator(chunk_size=5000), None),
            ("Activités", ACTIVITY_COLUMNS, activities.iterator(chunk_size=5000), None),
            ("Dépenses", EXPENSE_COLUMNS, expenses, None),
            ("Versements", DISBURSEMENT_COLUMNS, disbursements, None),
        ]
    )


def _step(report, progress, step):
    Report.objects.filter(pk=report.pk).update(progress=progress, step=step)


def build(report):
    """Compute, render and store the report's files, reporting progress as it goes."""
    _step(report, 10, "Calcul des indicateurs")
    figures = figures_for(report)
    _step(report, 40, "Mise en page du PDF")
    pdf = render_pdf(report, figures)
    _step(report, 75, "Annexe Excel")
    xlsx = render_xlsx(report, figures)
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
