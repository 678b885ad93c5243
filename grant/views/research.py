"""The university's studies: staff ask for a pseudonymised export, follow it, download it."""

import datetime

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from common.files import private_file_response
from common.perms import staff_only
from common.queue import enqueue_on_commit
from grant.enums import ResearchJobStatus
from grant.models import ResearchExportEvent, ResearchJob, Study
from grant.tasks import export_research

STEPS = {
    ResearchJobStatus.QUEUED: "en file d'attente",
    ResearchJobStatus.RUNNING: "calcul des fichiers",
    ResearchJobStatus.DONE: "prêt",
    ResearchJobStatus.FAILED: "échec",
}


class ResearchForm(forms.Form):
    study = forms.ModelChoiceField(
        Study.objects.all(), label="Étude", required=False, empty_label="— nouvelle étude —"
    )
    new_study = forms.CharField(
        label="Nom de la nouvelle étude",
        max_length=100,
        required=False,
        help_text="Par exemple « MRE 2026 » : chaque étude a sa propre clé de pseudonymisation.",
    )
    start = forms.DateField(label="Du", initial=datetime.date(2022, 10, 4))
    end = forms.DateField(label="Au", initial=datetime.date.today)

    def clean(self):
        data = super().clean()
        if not data.get("study") and not (data.get("new_study") or "").strip():
            self.add_error("study", "Choisissez une étude ou donnez le nom d'une nouvelle.")
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "La fin de la période précède son début.")
        if data.get("end") and data["end"] > datetime.date.today():
            self.add_error("end", "La période ne peut pas finir dans le futur.")
        return data


@staff_only
def research_home(request):
    """Studies, the export form and the journal of exports."""
    form = ResearchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            study = form.cleaned_data["study"]
            if study is None:
                study, _ = Study.objects.get_or_create(name=form.cleaned_data["new_study"].strip())
            job = ResearchJob.objects.create(
                study=study,
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
                requested_by=request.user,
            )
            enqueue_on_commit(export_research, job.pk)
        return redirect("grant:research_job", pk=job.pk)
    return render(
        request,
        "grant/research.html",
        {
            "form": form,
            "studies": Study.objects.all(),
            "jobs": ResearchJob.objects.select_related("study")[:20],
            "events": ResearchExportEvent.objects.select_related("study", "by")[:20],
        },
    )


@staff_only
def research_job(request, pk):
    job = get_object_or_404(ResearchJob.objects.select_related("study"), pk=pk)
    running = job.status in (ResearchJobStatus.QUEUED, ResearchJobStatus.RUNNING)
    return render(request, "grant/research_job.html", {"job": job, "refresh": running})


@staff_only
def research_job_status(request, pk):
    """The progress the job page polls (JSON)."""
    job = get_object_or_404(ResearchJob, pk=pk)
    return JsonResponse({"status": job.status, "progress": job.progress, "step": STEPS[job.status]})


@staff_only
def research_job_file(request, pk):
    job = get_object_or_404(ResearchJob, pk=pk, status=ResearchJobStatus.DONE)
    name = f"etude-{job.study.pk}-{job.start:%Y%m%d}-{job.end:%Y%m%d}.zip"
    return private_file_response(job.archive, name, "application/zip")


@staff_only
@require_POST
def research_rotate(request, pk):
    """A new key for the study: its next files cannot be linked to the earlier ones."""
    study = get_object_or_404(Study, pk=pk)
    study.rotate_key(by=request.user)
    messages.success(
        request,
        f"Nouvelle clé pour « {study} » : les prochains fichiers ne pourront pas être reliés "
        "aux précédents.",
    )
    return redirect("grant:research")
