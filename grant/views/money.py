"""Staff pages of the grant. Anyone else gets 404: no confirmation that they exist."""

from functools import wraps

from django import forms
from django.contrib import messages
from django.db import transaction
from django.db.models import Sum
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_POST

from enterprises.models import Activity
from partners.models import Organisation
from partners.perms import can_manage_members, manageable_organisations
from partners.tabular import Column, write_csv, write_xlsx

from .charts import charts, programme_charts
from .dashboard import TABLES, DashboardFilters
from .enums import ReportStatus
from .figures_cache import cached_html, cached_programme_figures
from .files import sniff
from .forms import (
    BudgetLineForm,
    ConventionForm,
    DisbursementForm,
    DocumentForm,
    ExpenseForm,
    ReportForm,
)
from .indicators import (
    ZERO,
    activity_figures,
    grant_execution,
    grant_executions,
    partner_followup,
)
from .models import (
    CENT,
    CeilingError,
    Convention,
    ConventionDocument,
    Expense,
    FinancialEvent,
    FinancialEventKind,
    Report,
    save_budget_line,
    save_convention,
    save_disbursement,
    save_expense,
)


def staff_only(view):
    """Grant pages and files are for Métropole staff only; others get 404."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_staff:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


@staff_only
def convention_detail(request, pk):
    convention = get_object_or_404(
        Convention.objects.select_related("funder", "beneficiary"), pk=pk
    )
    return render(
        request,
        "grant/convention.html",
        {
            "execution": grant_execution(convention),
            "documents": convention.documents.all(),
            "expenses": Expense.objects.filter(line__convention=convention).select_related("line"),
            "disbursements": convention.disbursements.all(),
            "events": convention.events.select_related("by")[:15],
            "reports": convention.reports.select_related("transmitted_by")[:20],
        },
    )


def _edit(request, form, save, success, title, convention, multipart=False):
    """A form page whose save is checked against the ceiling: on success back to the
    convention, on refusal the same form with the amount still available."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.save(commit=False), request.user)
        except CeilingError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, success)
            return redirect("grant:convention", pk=convention.pk)
    return render(
        request,
        "grant/form.html",
        {"form": form, "title": title, "convention": convention, "multipart": multipart},
    )


@staff_only
def convention_edit(request, pk):
    convention = get_object_or_404(Convention, pk=pk)
    form = ConventionForm(request.POST or None, instance=convention)
    return _edit(
        request,
        form,
        save_convention,
        "Convention enregistrée.",
        "Modifier la convention",
        convention,
    )


@staff_only
def line_form(request, pk, line_pk=None):
    convention = get_object_or_404(Convention, pk=pk)
    line = get_object_or_404(convention.lines, pk=line_pk) if line_pk else None
    form = BudgetLineForm(request.POST or None, instance=line, convention=convention)
    title = "Modifier la ligne budgétaire" if line else "Nouvelle ligne budgétaire"
    return _edit(
        request, form, save_budget_line, "Ligne budgétaire enregistrée.", title, convention
    )


@staff_only
def expense_form(request, pk, expense_pk=None):
    convention = get_object_or_404(Convention, pk=pk)
    expense = (
        get_object_or_404(Expense, pk=expense_pk, line__convention=convention)
        if expense_pk
        else None
    )
    form = ExpenseForm(
        request.POST or None, request.FILES or None, instance=expense, convention=convention
    )
    upload = request.FILES.get("receipt")
    if upload:
        form.instance.receipt_name = upload.name[:255]
    title = "Modifier la dépense" if expense else "Nouvelle dépense"
    return _edit(
        request, form, save_expense, "Dépense enregistrée.", title, convention, multipart=True
    )


@staff_only
def disbursement_form(request, pk, disbursement_pk=None):
    convention = get_object_or_404(Convention, pk=pk)
    disbursement = (
        get_object_or_404(convention.disbursements, pk=disbursement_pk) if disbursement_pk else None
    )
    form = DisbursementForm(request.POST or None, instance=disbursement, convention=convention)
    title = "Modifier le versement" if disbursement else "Nouveau versement reçu"
    return _edit(request, form, save_disbursement, "Versement enregistré.", title, convention)


@staff_only
def document_upload(request, pk):
    convention = get_object_or_404(Convention, pk=pk)
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        document = form.save(commit=False)
        document.convention, document.uploaded_by = convention, request.user
        document.original_name = request.FILES["file"].name[:255]
        document.save()
        FinancialEvent.objects.create(
            convention=convention,
            kind=FinancialEventKind.DOCUMENT_ADDED,
            subject=document.title,
            by=request.user,
        )
        messages.success(request, "Document ajouté.")
        return redirect("grant:convention", pk=pk)
    return render(
        request,
        "grant/form.html",
        {"form": form, "title": "Ajouter un document", "convention": convention, "multipart": True},
    )


def _serve(stored, name):
    """Send a private file as an attachment, with the type read from its content."""
    if not stored:
        raise Http404
    handle = stored.open("rb")
    content_type = (sniff(handle) or ("", "application/octet-stream"))[1]
    response = FileResponse(
        handle, as_attachment=True, filename=name or stored.name.rsplit("/", 1)[-1]
    )
    response["Content-Type"] = content_type
    response["X-Content-Type-Options"] = "nosniff"
    return response


@staff_only
def expense_receipt(request, pk):
    expense = get_object_or_404(Expense, pk=pk)
    return _serve(expense.receipt, expense.receipt_name)


@staff_only
def document_download(request, pk):
    document = get_object_or_404(ConventionDocument, pk=pk)
    return _serve(document.file, document.original_name)


STATEMENT_COLUMNS = [
    Column("Ligne budgétaire", lambda e: e.line.label if e.pk else "TOTAL"),
    Column("Date", lambda e: e.date),
    Column("Fournisseur", lambda e: e.supplier),
    Column("Objet", lambda e: e.description),
    Column("Montant TTC (€)", lambda e: e.amount),
    Column("Part imputée à la subvention (€)", lambda e: e.grant_amount),
    Column("Statut", lambda e: e.get_status_display() if e.pk else ""),
    Column("Référence du justificatif", lambda e: e.reference or e.receipt_name),
]


@staff_only
def statement(request, pk, fmt):
    """« État récapitulatif des dépenses »: every expense, then the totals; signed by nobody."""
    convention = get_object_or_404(Convention, pk=pk)
    expenses = list(
        Expense.objects.filter(line__convention=convention)
        .select_related("line")
        .order_by("line__position", "date")
    )
    totals = Expense.objects.filter(line__convention=convention).aggregate(
        amount=Sum("amount"), grant_amount=Sum("grant_amount")
    )
    total_row = Expense(
        date=None,
        supplier="",
        description="",
        amount=(totals["amount"] or ZERO).quantize(CENT),
        grant_amount=(totals["grant_amount"] or ZERO).quantize(CENT),
    )
    metadata = [
        ("État récapitulatif des dépenses", str(convention)),
        ("Bénéficiaire", str(convention.beneficiary)),
        ("Financeur", str(convention.funder)),
        ("Édité le", timezone.localtime()),
        ("Édité par", request.user.get_full_name() or request.user.email),
        ("Visa", "à signer par l'ordonnateur : document non signé"),
    ]
    rows = [*expenses, total_row]
    if fmt == "xlsx":
        content = write_xlsx(STATEMENT_COLUMNS, rows, metadata, "État des dépenses")
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        content, content_type, fmt = (
            write_csv(STATEMENT_COLUMNS, rows, metadata),
            "text/csv; charset=utf-8",
            "csv",
        )
    response = HttpResponse(content, content_type=content_type)
    filename = f"etat-recapitulatif-depenses-{convention.deliberation_number}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class PeriodForm(forms.Form):
    start = forms.DateField(
        label="Du", widget=forms.DateInput(attrs={"type": "date"}), required=False
    )
    end = forms.DateField(
        label="Au", widget=forms.DateInput(attrs={"type": "date"}), required=False
    )

    def period(self):
        today = timezone.localdate()
        start, end = today.replace(month=1, day=1), today
        if self.is_valid():
            start = self.cleaned_data["start"] or start
            end = self.cleaned_data["end"] or end
        return start, end


def _statistics_page(request, activities, heading, organisation=None):
    form = PeriodForm(request.GET or None)
    start, end = form.period()
    if start > end:
        start, end = end, start
    figures = activity_figures(activities.filter(date__range=(start, end)))
    statistics_charts = charts(
        [
            ("Thématiques (nombre d'activités)", figures["themes"][:12]),
            ("Lieux (nombre d'activités)", figures["places"]),
            ("QPV (entreprises rencontrées)", figures["qpvs"]),
        ]
    )
    return render(
        request,
        "grant/statistics.html",
        {
            "form": form,
            "start": start,
            "end": end,
            "figures": figures,
            "charts": statistics_charts,
            "heading": heading,
            "organisation": organisation,
            "administered": manageable_organisations(request.user).filter(
                pk__in=request.user.memberships.active().values("organisation_id")
            ),
        },
    )


def my_statistics(request):
    """« Mes statistiques »: my own activities over a period."""
    return _statistics_page(
        request, Activity.objects.filter(author=request.user), "Mes statistiques"
    )


def organisation_statistics(request, pk):
    """An organisation's figures, for its administrateur (and staff)."""
    organisation = get_object_or_404(Organisation, pk=pk)
    if not can_manage_members(request.user, organisation):
        raise Http404
    return _statistics_page(
        request,
        Activity.objects.filter(organisation=organisation),
        f"Statistiques de « {organisation} »",
        organisation,
    )


@staff_only
def partners_followup(request):
    """Staff's follow-up of the partners: how they answer the enterprises handed to them."""
    form = PeriodForm(request.GET or None)
    start, end = form.period()
    return render(
        request,
        "grant/partners.html",
        {"form": form, "start": start, "end": end, "rows": partner_followup(start, end)},
    )


def _enqueue(report):
    from .tasks import generate_report

    generate_report.delay_on_commit(report.pk)


@staff_only
def report_create(request, pk):
    """Staff choose kind, period and narrative, then « Générer »: a Celery task does the rest."""
    convention = get_object_or_404(Convention, pk=pk)
    form = ReportForm(request.POST or None, convention=convention)
    if request.method == "POST" and form.is_valid():
        running = Report.objects.filter(
            convention=convention,
            kind=form.cleaned_data["kind"],
            start=form.cleaned_data["start"],
            end=form.cleaned_data["end"],
            status__in=[ReportStatus.QUEUED, ReportStatus.RUNNING],
        )
        if any(not r.is_stale() for r in running):
            form.add_error(
                None, "Ce rapport est déjà en cours de génération : attendez qu'il soit prêt."
            )
        else:
            with transaction.atomic():
                report = form.save(commit=False)
                report.requested_by = request.user
                report.version = (
                    Report.objects.filter(convention=convention, kind=report.kind).count() + 1
                )
                report.save()
                _enqueue(report)
            return redirect("grant:report", pk=report.pk)
    return render(
        request,
        "grant/form.html",
        {
            "form": form,
            "title": "Générer un rapport pour le financeur",
            "convention": convention,
            "submit_label": "Générer",
        },
    )


@staff_only
def report_detail(request, pk):
    report = get_object_or_404(Report.objects.select_related("convention", "requested_by"), pk=pk)
    stale = report.is_stale()
    return render(
        request,
        "grant/report.html",
        {
            "report": report,
            "stale": stale,
            "refresh": report.status in (ReportStatus.QUEUED, ReportStatus.RUNNING) and not stale,
        },
    )


@staff_only
def report_status(request, pk):
    """The progress the report page polls (JSON)."""
    report = get_object_or_404(Report, pk=pk)
    status = ReportStatus.FAILED if report.is_stale() else report.status
    return JsonResponse({"status": status, "progress": report.progress, "step": report.step})


@staff_only
@require_POST
def report_retry(request, pk):
    report = get_object_or_404(Report, pk=pk)
    if report.locked:
        messages.error(request, "Ce rapport a été transmis au financeur : il ne se régénère plus.")
    elif report.status == ReportStatus.FAILED or report.is_stale():
        with transaction.atomic():
            Report.objects.filter(pk=pk).update(
                status=ReportStatus.QUEUED, progress=0, step="", error="", created_at=timezone.now()
            )
            _enqueue(report)
        messages.success(request, "Génération relancée.")
    return redirect("grant:report", pk=pk)


@staff_only
@require_POST
def report_transmit(request, pk):
    """Mark as sent to the funder: locked for good, with its checksum in the journal."""
    with transaction.atomic():
        report = get_object_or_404(Report.objects.select_for_update(), pk=pk)
        if report.status != ReportStatus.DONE or report.locked:
            messages.error(request, "Seul un rapport prêt et pas encore transmis peut l'être.")
            return redirect("grant:report", pk=pk)
        report.transmitted_at, report.transmitted_by = timezone.now(), request.user
        report.save(update_fields=["transmitted_at", "transmitted_by"])
        FinancialEvent.objects.create(
            convention=report.convention,
            kind=FinancialEventKind.REPORT_SENT,
            subject=str(report),
            changes={
                "SHA-256 du PDF": [None, report.checksum],
                "SHA-256 de l'annexe": [None, report.xlsx_checksum],
            },
            by=request.user,
        )
    messages.success(request, "Rapport marqué comme transmis au financeur : il est verrouillé.")
    return redirect("grant:report", pk=pk)


@staff_only
def report_file(request, pk, fmt):
    report = get_object_or_404(Report, pk=pk, status=ReportStatus.DONE)
    stored = report.pdf if fmt == "pdf" else report.xlsx
    if not stored:
        raise Http404
    suffix = "pdf" if fmt == "pdf" else "xlsx"
    name = (
        f"rapport-{report.convention.deliberation_number}-{report.kind}-v{report.version}.{suffix}"
    )
    response = FileResponse(stored.open("rb"), as_attachment=True, filename=name)
    response["Content-Type"] = (
        "application/pdf"
        if fmt == "pdf"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return response


@staff_only
def dashboard(request):
    """« Pilotage »: the key figures at a glance, with filters, charts and downloads."""
    filters_form = DashboardFilters(request.GET or None)
    start, end, convention, filters = filters_form.values()
    refresh = "recalculer" in request.GET
    figures = cached_programme_figures(start, end, convention, refresh=refresh, **filters)
    query = request.GET.copy()
    query.pop("recalculer", None)
    query = query.urlencode()

    def figures_html():
        tables = [
            (name, title, [c.header for c in columns], rows(figures))
            for name, (title, columns, rows) in TABLES.items()
        ]
        return render_to_string(
            "grant/pilotage_figures.html",
            {
                "figures": figures,
                "charts": programme_charts(figures).values(),
                "tables": tables,
                "query": query,
            },
        )

    return render(
        request,
        "grant/pilotage.html",
        {
            "form": filters_form,
            "figures": figures,
            "query": query,
            "figures_html": cached_html(figures, query, figures_html),
            "executions": grant_executions(Convention.objects.select_related("funder")),
        },
    )


@staff_only
def dashboard_export(request, name, fmt):
    """One dashboard table, as CSV or XLSX, with the filters in its header."""
    if name not in TABLES:
        raise Http404
    title, columns, rows = TABLES[name]
    filters_form = DashboardFilters(request.GET or None)
    start, end, convention, filters = filters_form.values()
    figures = cached_programme_figures(start, end, convention, **filters)  # what was shown
    metadata = [
        ("Tableau", title),
        ("Période", f"du {start:%d/%m/%Y} au {end:%d/%m/%Y}"),
        ("Filtres", filters_form.describe()),
        ("Exporté par", request.user.get_full_name() or request.user.email),
        ("Le", timezone.localtime()),
    ]
    if fmt == "xlsx":
        content = write_xlsx(columns, rows(figures), metadata, title)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        content, content_type, fmt = (
            write_csv(columns, rows(figures), metadata),
            "text/csv; charset=utf-8",
            "csv",
        )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="pilotage-{name}.{fmt}"'
    return response
