"""The partner inbox (as in Conseillers-Entreprises) and assigning enterprises."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import format_html_join
from django.utils.text import capfirst
from django.views.decorators.http import require_POST

from common.paging import CountedPaginator
from enterprises import perms
from enterprises.enums import CLOSED_STATUSES, AssignmentStatus, DeclineReason
from enterprises.forms.orientations import AssignForm
from enterprises.models import Assignment, Enterprise
from enterprises.notifications import assign, notify_assigner, orientation_outcome
from partners.models import User
from partners.perms import active_role

TABS = [
    ("a-traiter", "À traiter", [AssignmentStatus.QUO]),
    ("en-cours", "En cours", [AssignmentStatus.TAKING_CARE]),
    ("clotures", "Clôturées", list(CLOSED_STATUSES)),
    ("refuses", "Déclinées", [AssignmentStatus.NOT_FOR_ME]),
    ("expires", "Expirées", [AssignmentStatus.EXPIRED]),
]


INBOX_PAGE_SIZE = 25
# The statuses whose card offers « Confier à un collègue » (the template's condition).
HANDED_OVER = {AssignmentStatus.QUO, AssignmentStatus.TAKING_CARE}


def inbox(request):
    """My organisations' assignments, by tab, with a count on each tab."""
    organisations = perms.inbox_organisations(request.user)
    chosen = organisations.filter(pk=request.GET.get("structure")).first() or organisations.first()
    if chosen is None:
        return render(request, "enterprises/inbox.html", {"organisation": None})
    assignments = Assignment.objects.filter(organisation=chosen)
    counts = assignments.aggregate(
        **{
            slug.replace("-", "_"): Count("id", filter=Q(status__in=statuses))
            for slug, _, statuses in TABS
        }
    )
    current = next((t for t in TABS if t[0] == request.GET.get("onglet")), TABS[0])
    rows = (
        assignments.filter(status__in=current[2])
        .select_related("enterprise__qpv", "assigned_by", "handled_by", "decided_by", "action")
        .defer("enterprise__qpv__polygon")
        .order_by("created_at", "id")
    )
    # Each row carries its forms (take charge, decline, close, hand over): 25 a page.
    # The tab's count is known from the aggregate above: no second COUNT.
    page = CountedPaginator(
        rows, INBOX_PAGE_SIZE, count=counts[current[0].replace("-", "_")]
    ).get_page(request.GET.get("page"))
    # A declined or expired orientation stops giving sight after a grace period (decision
    # 006): its row stays in the structure's history, without a link to a page now closed.
    visible_ids = set(
        Enterprise.objects.visible_to(request.user)
        .filter(pk__in=[row.enterprise_id for row in page.object_list])
        .values_list("pk", flat=True)
    )
    query = request.GET.copy()
    query.pop("page", None)
    role = active_role(request.user, chosen)
    colleagues = User.objects.filter(
        memberships__organisation=chosen, memberships__is_active=True, is_active=True
    ).distinct()
    return render(
        request,
        "enterprises/inbox.html",
        {
            "organisation": chosen,
            "organisations": organisations,
            "tabs": [(slug, label, counts[slug.replace("-", "_")]) for slug, label, _ in TABS],
            "current": current[0],
            "rows": page.object_list,
            "visible_ids": visible_ids,
            "page": page,
            "query": query.urlencode(),
            "can_act": perms.can_act_in_inbox(role),
            "is_admin": perms.can_hand_over(role),
            # The same options in every card: written once, not 25 times (decision 011).
            "colleague_options": format_html_join(
                "", '<option value="{}">{}</option>', ((c.pk, str(c)) for c in colleagues)
            )
            if perms.can_hand_over(role) and any(r.status in HANDED_OVER for r in page)
            else "",
            "decline_options": format_html_join(
                "", '<option value="{}">{}</option>', DeclineReason.choices
            ),
            "outcome_radios": format_html_join(
                "",
                '<label><input type="radio" name="outcome" value="{}" required> {}</label>',
                ((s.value, capfirst(s.label)) for s in CLOSED_STATUSES),
            ),
        },
    )


def _actionable(request, pk):
    """An assignment of one of my organisations where I may act (not a lecteur); else 404/403."""
    assignment = get_object_or_404(
        Assignment.objects.filter(
            organisation__in=perms.inbox_organisations(request.user)
        ).select_related("enterprise", "organisation", "assigned_by"),
        pk=pk,
    )
    role = active_role(request.user, assignment.organisation)
    if not perms.can_act_in_inbox(role):
        raise PermissionDenied("Votre rôle ne permet que la lecture.")
    return assignment, role


def _back(assignment, tab):
    return redirect(f"/espace/orientations/?structure={assignment.organisation_id}&onglet={tab}")


@require_POST
def take(request, pk):
    assignment, _role = _actionable(request, pk)
    try:
        assignment.take_in_charge(by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _back(assignment, "a-traiter")
    notify_assigner(assignment)
    messages.success(request, f"« {assignment.enterprise} » est prise en charge.")
    return _back(assignment, "en-cours")


@require_POST
def close(request, pk):
    """Two steps, no JavaScript needed: the card's form posts the chosen outcome and note,
    this answers with a confirmation page; only its « Confirmer » closes."""
    assignment, _role = _actionable(request, pk)
    outcome, note = request.POST.get("outcome", ""), request.POST.get("note", "")[:255]
    try:
        assignment.check_close(outcome)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _back(assignment, "en-cours")
    if request.POST.get("confirm") != "1":
        return render(
            request,
            "enterprises/assignment_close_confirm.html",
            {
                "assignment": assignment,
                "outcome": outcome,
                "outcome_label": AssignmentStatus(outcome).label,
                "note": note,
            },
        )
    try:
        assignment.close(outcome, by=request.user, note=note)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _back(assignment, "en-cours")
    notify_assigner(assignment)
    messages.success(
        request, f"« {assignment.enterprise} » clôturée : {assignment.get_status_display()}."
    )
    return _back(assignment, "clotures")


@require_POST
def decline(request, pk):
    assignment, _role = _actionable(request, pk)
    try:
        assignment.decline(
            request.POST.get("reason", ""), by=request.user, note=request.POST.get("note", "")[:255]
        )
    except ValidationError as error:
        messages.error(request, "Refus non enregistré : " + " ".join(error.messages))
        return _back(assignment, "a-traiter")
    notify_assigner(assignment)
    messages.success(request, f"« {assignment.enterprise} » déclinée.")
    return _back(assignment, "refuses")


@require_POST
def hand_over(request, pk):
    assignment, role = _actionable(request, pk)
    if not perms.can_hand_over(role):
        raise PermissionDenied("Seul l'administrateur de la structure confie une orientation.")
    colleague = User.objects.filter(pk=request.POST.get("colleague")).first()
    try:
        if colleague is None:
            raise ValidationError("Choisissez un membre de la structure.")
        assignment.hand_over(colleague, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _back(assignment, "a-traiter")
    messages.success(request, f"« {assignment.enterprise} » confiée à {colleague}.")
    return _back(assignment, "en-cours")


def assign_enterprise(request, pk):
    enterprise = get_object_or_404(Enterprise.objects.visible_to(request.user), pk=pk)
    if not perms.can_assign(request.user):
        raise PermissionDenied("Seule l'équipe de la Métropole oriente les entreprises.")
    form = AssignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done, refused = [], []
        for organisation in form.cleaned_data["organisations"]:
            try:
                done.append(
                    assign(
                        enterprise,
                        organisation,
                        by=request.user,
                        action=form.cleaned_data["programme_action"],
                        message=form.cleaned_data["message"],
                    )
                )
            except ValidationError as error:
                refused.extend(error.messages)
        if refused:
            for line in refused:
                form.add_error("organisations", line)
        for level, line in orientation_outcome(done):
            messages.add_message(request, level, line)
        if not refused:
            return redirect("enterprises:detail", pk=enterprise.pk)
    return render(
        request,
        "enterprises/form.html",
        {"form": form, "enterprise": enterprise, "title": "Orienter vers un partenaire"},
    )
