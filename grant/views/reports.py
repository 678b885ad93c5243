"""The convention report: request, follow, retry, transmit, download."""

from django.contrib import messages
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from common.exports import XLSX_TYPE
from common.files import private_file_response
from grant.enums import FinancialEventKind, ReportStatus
from grant.forms import (
    ReportForm,
)
from grant.models import (
    Convention,
    FinancialEvent,
    Report,
)
from grant.perms import staff_only
from grant.tasks import generate_report


def _enqueue(report):
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
    suffix = "pdf" if fmt == "pdf" else "xlsx"
    name = (
        f"rapport-{report.convention.deliberation_number}-{report.kind}-v{report.version}.{suffix}"
    )
    content_type = "application/pdf" if fmt == "pdf" else XLSX_TYPE
    return private_file_response(stored, name, content_type)
