"""Workspace pages of the registry: list, page, create, edit, parcours, contacts, export."""

import functools

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_POST

from common.paging import CountedPaginator
from enterprises import perms
from enterprises.enums import ActivityKind, AssessmentSource, Source, Stage
from enterprises.exports import enterprise_export_table
from enterprises.forms.registry import (
    AccessRequestForm,
    AssessmentForm,
    ContactForm,
    EnterpriseFilterForm,
    EnterpriseForm,
    StageForm,
)
from enterprises.models import Enterprise, JobKind, StageChange
from enterprises.validators import normalise_siret
from enterprises.views import detail, timeline
from enterprises.views.jobs import export_or_job
from enterprises.views.rows import filter_widgets, list_rows, rows_html

PAGE_SIZE = 50


def visible(request):
    return Enterprise.objects.visible_to(request.user)


def filtered(request, visible_queryset=None):
    form = EnterpriseFilterForm(request.GET or None, user=request.user)
    queryset = visible(request) if visible_queryset is None else visible_queryset
    queryset = form.filter(queryset, request.user) if form.is_bound else queryset
    return form, queryset


def enterprise_list(request):
    """The enterprises I can see, searchable and filtered, 50 a page. The visibility rule
    runs once (its ids, then the rows on that list); without a search or a filter, the
    count is the number of those ids (decision 011)."""
    seen, seen_count = Enterprise.objects.visible_to_counted(request.user)
    form, queryset = filtered(request, seen)
    count = None if form.narrows() else seen_count
    page = CountedPaginator(queryset.order_by("name", "id"), PAGE_SIZE, count=count).get_page(
        request.GET.get("page")
    )
    # Plain values, the template only prints them (decision 012).
    page.object_list = list_rows(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    can_create, can_request_access = perms.list_rights(request.user)
    return render(
        request,
        "enterprises/list.html",
        {
            "form": form,
            "filters": filter_widgets(form, request.user),
            "page": page,
            "rows_html": rows_html(page.object_list),
            "query": query.urlencode(),
            "can_create": can_create,
            "filters_active": form.is_bound
            and any(form.data.get(name) for name in form.fields if name != "q"),
            "can_request_access": can_request_access,
        },
    )


@functools.cache
def stage_fields(stage):
    """The fields of « Faire avancer le parcours » for an enterprise at `stage`, drawn once
    per stage and process: they depend on nothing else (TRANSITIONS and the exit reasons
    are code; no value, no error, no CSRF token in them), and drawing them cost half of
    the page's template (decision 012). "" when no move is allowed."""
    form = StageForm(enterprise=Enterprise(stage=stage))
    if not form.fields["to_stage"].choices:
        return ""
    return render_to_string("includes/form_fields.html", {"form": form})


def enterprise_detail(request, pk):
    """An enterprise's page, from plain values (decision 012): the enterprise, the user's
    rights on it, its contacts and answers (enterprises.views.detail) and its history
    (enterprises.views.timeline), read by queries compiled once per process and sent
    together."""
    # A page that only reads: the visibility ids kept under the data's version (decision
    # 012) rather than the rule compiled and run again; its forms post to views that run
    # the rule live.
    if not Enterprise.objects.sees(request.user, pk):
        raise Http404
    page = detail.read(pk, request.user)
    enterprise = page.enterprise
    if enterprise is None:
        raise Http404
    can_edit = enterprise.can_edit
    may_see_contacts = perms.can_see_contacts(request.user, None, editable=can_edit)
    activities = timeline.activities(page.history)
    last_individual = next((a for a in activities if a["kind"] == ActivityKind.INDIVIDUEL), None)
    offer_autonomy = (
        enterprise.stage == Stage.ACCOMPAGNEE
        and last_individual is not None
        and last_individual["reached_autonomy"]
    )
    return render(
        request,
        "enterprises/detail.html",
        {
            "enterprise": enterprise,
            "links": detail.links(enterprise.pk),
            "can_edit": can_edit,
            "contacts": page.contacts if may_see_contacts else None,
            "stage_fields": stage_fields(enterprise.stage) if can_edit else None,
            "timeline_html": timeline.timeline_html(
                timeline.timeline(page.history, activities, may_see_contacts)
            ),
            "survey_answers": page.answers,
            "can_log": perms.can_log_activity(request.user, enterprise.user_writes),
            "can_assign": perms.can_assign(request.user, enterprise.user_writes),
            "offer_autonomy": offer_autonomy
            and (can_edit or last_individual["author_id"] == request.user.pk),
        },
    )


def enterprise_create(request):
    if not perms.can_create_enterprise(request.user):
        raise PermissionDenied("Votre rôle ne permet pas de créer une entreprise.")
    form = EnterpriseForm(
        request.POST or None, initial={"source": Source.TERRAIN}, user=request.user
    )
    if request.method == "POST" and not form.is_valid() and form.needs_access_request:
        # The SIRET is outside the user's scope: no « existe déjà », but the way forward.
        # The SIRET goes in the form, never in a URL.
        access_form = AccessRequestForm(
            initial={"siret": normalise_siret(request.POST.get("siret"))},
            organisations=perms.writing_organisations(request.user),
        )
        return render(
            request,
            "enterprises/access_request_form.html",
            {"form": access_form, "from_create": True},
        )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            enterprise = form.save(commit=False)
            enterprise.referent = request.user  # whoever creates it follows it
            enterprise.save()
            StageChange.objects.create(
                enterprise=enterprise, from_stage="", to_stage=enterprise.stage, by=request.user
            )
        messages.success(request, f"Entreprise « {enterprise} » enregistrée.")
        return redirect("enterprises:detail", pk=enterprise.pk)
    return render(request, "enterprises/form.html", {"form": form, "enterprise": None})


def _editable(request, pk):
    enterprise = get_object_or_404(visible(request), pk=pk)
    if not perms.can_edit_enterprise(request.user, enterprise):
        raise PermissionDenied("Votre rôle ne permet que la lecture de cette entreprise.")
    return enterprise


def enterprise_edit(request, pk):
    enterprise = _editable(request, pk)
    form = EnterpriseForm(request.POST or None, instance=enterprise, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Modifications enregistrées.")
        return redirect("enterprises:detail", pk=enterprise.pk)
    return render(request, "enterprises/form.html", {"form": form, "enterprise": enterprise})


@require_POST
def enterprise_move(request, pk):
    enterprise = _editable(request, pk)
    form = StageForm(request.POST, enterprise=enterprise)
    if form.is_valid():
        try:
            enterprise.move_to(
                form.cleaned_data["to_stage"],
                by=request.user,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Étape : {Stage(enterprise.stage).label}.")
    else:
        errors = [e for field_errors in form.errors.values() for e in field_errors]
        messages.error(request, "Étape non modifiée : " + " ".join(errors))
    return redirect("enterprises:detail", pk=enterprise.pk)


def contact_form(request, pk, contact_pk=None):
    enterprise = _editable(request, pk)
    contact = get_object_or_404(enterprise.contacts, pk=contact_pk) if contact_pk else None
    form = ContactForm(
        request.POST or None,
        instance=contact,
        initial=None if contact else {"consent_date": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        contact = form.save(commit=False)
        contact.enterprise = enterprise
        contact.save()
        messages.success(request, "Contact enregistré.")
        return redirect("enterprises:detail", pk=enterprise.pk)
    return render(
        request,
        "enterprises/contact_form.html",
        {"form": form, "enterprise": enterprise, "contact": contact},
    )


def assessment_create(request, pk):
    """« Noter un diagnostic » by hand (the PIX import brings the others)."""
    enterprise = _editable(request, pk)
    form = AssessmentForm(request.POST or None, enterprise=enterprise)
    if request.method == "POST" and form.is_valid():
        assessment = form.save(commit=False)
        assessment.source, assessment.created_by = AssessmentSource.CONSEILLER, request.user
        assessment.record(by=request.user)
        messages.success(request, f"Diagnostic enregistré : {assessment.overall} %.")
        return redirect("enterprises:detail", pk=enterprise.pk)
    return render(
        request,
        "enterprises/form.html",
        {"form": form, "enterprise": enterprise, "title": "Noter un diagnostic"},
    )


def enterprise_export(request):
    """What the user can see, filtered, as CSV (; + BOM) or XLSX, with who/when/filters.
    A big one is prepared by a worker (enterprises.jobs) and offered on its page."""
    table = enterprise_export_table(request.user, request.GET)
    return export_or_job(request, table, JobKind.EXPORT_ENTERPRISES)
