"""Logging, editing and exporting activities."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from enterprises import perms
from enterprises.enums import ActivityKind, Stage
from enterprises.exports import activity_export_table
from enterprises.forms.activities import ActivityForm
from enterprises.forms.pairs import PairSessionForm
from enterprises.models import Activity, Enterprise, JobKind
from enterprises.validators import normalise_siret
from enterprises.views.jobs import export_or_job


def activity_home(request):
    """« Nouvelle activité »: find the enterprise (name or SIRET), or start a workshop;
    below, my latest activities."""
    query = request.GET.get("q", "").strip()
    results = None
    if query:
        visible = Enterprise.objects.visible_to(request.user).select_related("qpv")
        digits = normalise_siret(query)
        if digits.isdigit() and len(digits) >= 3:
            results = visible.filter(siret__startswith=digits)
        else:
            results = visible.filter(Q(name__icontains=query) | Q(trade_name__icontains=query))
        results = results.order_by("name")[:20]
    mine = (
        Activity.objects.filter(author=request.user)
        .prefetch_related("participations__enterprise")
        .order_by("-date", "-id")
    )
    page = Paginator(mine, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "enterprises/activity_home.html",
        {
            "query": query,
            "results": results,
            "page": page,
            "can_log": perms.can_log_activity(request.user),
        },
    )


def _save(request, form, activity=None):
    """Save the form's activity and its participations in one transaction."""
    with transaction.atomic():
        activity = form.save(commit=False)
        if activity.pk is None:
            activity.author = request.user
            activity.kind = form.kind
        activity.duration = form.cleaned_data["duration"]
        activity.save()
        form.save_m2m()
        moved = activity.set_participations(form.attendance())
    for enterprise in moved:
        messages.info(request, f"« {enterprise} » passe à l'étape « accompagnée ».")
    return activity


def log_session(request, pk):
    """« Noter une séance » from an enterprise page."""
    enterprise = get_object_or_404(Enterprise.objects.visible_to(request.user), pk=pk)
    if not perms.can_log_activity(request.user):
        raise PermissionDenied("Votre rôle ne permet pas de noter une activité.")
    form = ActivityForm(
        request.POST or None, user=request.user, kind=ActivityKind.INDIVIDUEL, enterprise=enterprise
    )
    if request.method == "POST" and form.is_valid():
        activity = _save(request, form)
        messages.success(request, f"Séance du {activity.date:%d/%m/%Y} enregistrée.")
        return redirect("enterprises:detail", pk=enterprise.pk)
    return render(
        request,
        "enterprises/activity_form.html",
        {"form": form, "enterprise": enterprise, "kind": ActivityKind.INDIVIDUEL},
    )


def log_workshop(request):
    """« Nouvel atelier collectif »."""
    if not perms.can_log_activity(request.user):
        raise PermissionDenied("Votre rôle ne permet pas de noter une activité.")
    visible = Enterprise.objects.visible_to(request.user).order_by("name")
    form = ActivityForm(
        request.POST or None, user=request.user, kind=ActivityKind.COLLECTIF, visible=visible
    )
    if request.method == "POST" and form.is_valid():
        activity = _save(request, form)
        messages.success(request, f"Atelier « {activity.title} » enregistré.")
        return redirect("enterprises:activity_detail", pk=activity.pk)
    return render(
        request, "enterprises/activity_form.html", {"form": form, "kind": ActivityKind.COLLECTIF}
    )


def _visible_activity(request, pk):
    return get_object_or_404(
        Activity.objects.visible_to(request.user).select_related(
            "author",
            "organisation",
            "place",
            "autonomy",
            "level",
            "action",
            "referral_structure",
            "referral_organisation",
        ),
        pk=pk,
    )


def activity_detail(request, pk):
    activity = _visible_activity(request, pk)
    visible = Enterprise.objects.visible_to(request.user)
    # A workshop may gather enterprises the reader cannot see: those stay hidden.
    participations = list(
        activity.participations.filter(enterprise__in=visible).select_related(
            "enterprise", "contact"
        )
    )
    may_see = set(
        perms.editable_enterprises(
            request.user, visible.filter(pk__in=[p.enterprise_id for p in participations])
        ).values_list("pk", flat=True)
    )
    for participation in participations:
        participation.may_see_contact = participation.enterprise_id in may_see
    return render(
        request,
        "enterprises/activity_detail.html",
        {
            "activity": activity,
            "participations": participations,
            "hidden_count": activity.participations.count() - len(participations),
            "can_edit": perms.can_edit_activity(request.user, activity),
            "show_notes": perms.can_see_activity_notes(request.user, activity),
        },
    )


def _editable_activity(request, pk):
    activity = _visible_activity(request, pk)
    if not perms.can_edit_activity(request.user, activity):
        raise PermissionDenied(
            "Seul l'auteur modifie une activité, pendant 30 jours après sa saisie."
        )
    return activity


def activity_edit(request, pk):
    activity = _editable_activity(request, pk)
    enterprise = None
    visible = Enterprise.objects.visible_to(request.user).order_by("name")
    if activity.kind != ActivityKind.COLLECTIF:
        enterprise = activity.participations.select_related("enterprise").first().enterprise
    if activity.kind == ActivityKind.PAIR:
        form = PairSessionForm(
            request.POST or None, instance=activity, user=request.user, enterprise=enterprise
        )
    else:
        form = ActivityForm(
            request.POST or None,
            instance=activity,
            user=request.user,
            kind=activity.kind,
            enterprise=enterprise,
            visible=visible,
        )
    if request.method == "POST" and form.is_valid():
        _save(request, form)
        messages.success(request, "Activité modifiée.")
        return redirect("enterprises:activity_detail", pk=activity.pk)
    return render(
        request,
        "enterprises/activity_form.html",
        {"form": form, "enterprise": enterprise, "kind": activity.kind, "activity": activity},
    )


@require_POST
def activity_delete(request, pk):
    activity = _editable_activity(request, pk)
    activity.delete()
    messages.success(request, "Activité supprimée.")
    return redirect("enterprises:activity_home")


@require_POST
def close_autonomous(request, pk):
    """Close the parcours as « autonome », as offered after an autonomous session."""
    enterprise = get_object_or_404(Enterprise.objects.visible_to(request.user), pk=pk)
    if not perms.can_close_parcours(request.user, enterprise):
        raise PermissionDenied("Votre rôle ne permet pas de faire avancer ce parcours.")
    if enterprise.stage == Stage.ACCOMPAGNEE:
        enterprise.move_to(Stage.AUTONOME, by=request.user, note="autonomie constatée en séance")
        messages.success(request, f"Parcours de « {enterprise} » clos : autonome.")
    return redirect("enterprises:detail", pk=enterprise.pk)


def activity_export(request):
    """Activities as CSV or XLSX, one row per participant; ?mine=1 for my own, with names.
    A big one is prepared by a worker (enterprises.jobs) and offered on its page."""
    table = activity_export_table(request.user, request.GET)
    return export_or_job(request, table, JobKind.EXPORT_ACTIVITIES)
