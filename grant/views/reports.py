"""The convention report: request, follow, retry, transmit, download."""

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from common.exports import XLSX_TYPE
from common.files import private_file_response
from common.perms import staff_only
from common.queue import enqueue_on_commit
from grant.enums import FinancialEventKind, ReportStatus
from grant.forms import (
    ReportForm,
)
from grant.models import (
    Convention,
    FinancialEvent,
    Report,
)
from grant.tasks import WORKER_LOST, generate_report

ALREADY_RUNNING = "Ce rapport est déjà en cours de génération : attendez qu'il soit prêt."


def _enqueue(report):
    # The row is committed whatever the broker says: an unreachable broker leaves it
    # « queued » for the sweeper, never a 500 (common.queue).
    enqueue_on_commit(generate_report, report.pk)


def _fail_stale(reports):
    """Mark as failed the generations of `reports` that look dead (see Report.is_stale)."""
    stale = [r.pk for r in reports if r.is_stale()]
    Report.objects.filter(
        pk__in=stale, status__in=[ReportStatus.QUEUED, ReportStatus.RUNNING]
    ).update(status=ReportStatus.FAILED, error=WORKER_LOST, finished_at=timezone.now())


@staff_only
def report_create(request, pk):
    """Staff choose kind, period and narrative, then « Générer »: a Celery task does the rest."""
    convention = get_object_or_404(Convention, pk=pk)
    form = ReportForm(request.POST or None, convention=convention)
    if request.method == "POST" and form.is_valid():
        period = {
            "convention": convention,
            "kind": form.cleaned_data["kind"],
            "start": form.cleaned_data["start"],
            "end": form.cleaned_data["end"],
        }
        _fail_stale(
            Report.objects.filter(**period, status__in=[ReportStatus.QUEUED, ReportStatus.RUNNING])
        )
        report = form.save(commit=False)
        report.requested_by = request.user
        report.version = Report.next_version(**period)
        try:
            # The database holds one generation at a time per report (and one number per
            # version): of ten « Générer » at once, one row is created, the others land here.
            with transaction.atomic():
                report.save()
                _enqueue(report)
        except IntegrityError:
            form.add_error(None, ALREADY_RUNNING)
        else:
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
        try:
            with transaction.atomic():
                Report.objects.filter(pk=pk).update(
                    status=ReportStatus.QUEUED,
                    progress=0,
                    step="",
                    error="",
                    task_id="",
                    worker="",
                    created_at=timezone.now(),
                )
                _enqueue(report)
        except IntegrityError:
            messages.error(request, ALREADY_RUNNING)
        else:
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
    return send_report_file(get_object_or_404(Report, pk=pk, status=ReportStatus.DONE), fmt)


def send_report_file(report, fmt):
    """The report's PDF or XLSX annex as a download; the caller has checked who may."""
    stored = report.pdf if fmt == "pdf" else report.xlsx
    suffix = "pdf" if fmt == "pdf" else "xlsx"
    name = (
        f"rapport-{report.convention.deliberation_number}-{report.kind}-v{report.version}.{suffix}"
    )
    content_type = "application/pdf" if fmt == "pdf" else XLSX_TYPE
    return private_file_response(stored, name, content_type)
