"""Long imports and exports: the page that follows a job, its status, its file."""

from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render

from common.exports import export_response
from common.files import private_file_response
from enterprises import jobs
from enterprises.models import Job, JobStatus


def export_or_job(request, table, kind):
    """Answer the export at once when it is small; above jobs.EXPORT_INLINE_MAX rows, ask
    for a confirmation (GET) then start a job for a worker (POST) and show its page."""
    fmt = request.GET.get("format")
    count = table.count()
    if count <= jobs.EXPORT_INLINE_MAX:
        return export_response(
            fmt,
            table.columns,
            table.rows,
            filename=table.filename,
            metadata=table.metadata,
            sheet_title=table.sheet_title,
        )
    if request.method == "POST":
        job = jobs.start(kind, request.user, params={"format": fmt, "query": request.GET.dict()})
        return redirect("enterprises:job", pk=job.pk)
    return render(request, "enterprises/job_confirm.html", {"count": count, "kind": kind})


def _own_job(request, pk):
    # Only the person who asked sees a job: anyone else gets 404.
    return get_object_or_404(Job, pk=pk, requested_by=request.user)


def job_detail(request, pk):
    """The job's page: a progress bar while it runs, then the file or the result."""
    job = _own_job(request, pk)
    return render(request, "enterprises/job.html", {"job": job, "refresh": job.active})


def job_status(request, pk):
    """The progress the job page polls (JSON)."""
    job = _own_job(request, pk)
    return JsonResponse({"status": job.status, "progress": job.progress, "step": job.step})


def job_file(request, pk):
    job = get_object_or_404(Job, pk=pk, requested_by=request.user, status=JobStatus.DONE)
    if not job.result:
        return redirect("enterprises:job", pk=pk)
    return private_file_response(job.result, job.filename, jobs.content_type(job))
