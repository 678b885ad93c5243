"""The partner inbox (as in Conseillers-Entreprises) and assigning enterprises."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.views.decorators.http import require_POST

from common.paging import CountedPaginator
from enterprises import perms
from enterprises.enums import CLOSED_STATUSES, AssignmentStatus, DeclineReason
from enterprises.forms.orientations import AssignForm
from enterprises.models import Assignment, Enterprise
from enterprises.models.registry import sight_ids
from enterprises.notifications import assign, notify_assigner, orientation_outcome
from enterprises.views.inbox_cards import HANDED_OVER, cards_html
from partners.models import Organisation, User
from partners.perms import active_role

TABS = [
    ("a-traiter", "À traiter", [AssignmentStatus.QUO]),
    ("en-cours", "En cours", [AssignmentStatus.TAKING_CARE]),
    ("clotures", "Clôturées", list(CLOSED_STATUSES)),
    ("refuses", "Déclinées", [AssignmentStatus.NOT_FOR_ME]),
    ("expires", "Expirées", [AssignmentStatus.EXPIRED]),
]


INBOX_PAGE_SIZE = 25
# The same options in every card, and the same on every page: written once per process
# (decision 011), not 25 times a page.
DECLINE_OPTIONS = format_html_join("", '<option value="{}">{}</option>', DeclineReason.choices)
OUTCOME_RADIOS = format_html_join(
    "",
    '<label><input type="radio" name="outcome" value="{}" required> {}</label>',
    ((s.value, capfirst(s.label)) for s in CLOSED_STATUSES),
)
ASSIGNMENT_STATUS = "organisation__assignments__status"
USER_FIELDS = ("id", "first_name", "last_name", "email")  # what User.__str__ reads
# The three users a card names, read apart: three joins more made PostgreSQL plan the
# rows' query for 3 ms (searching the order of 7 joins), to execute it in 0.3.
USERS = ("assigned_by_id", "handled_by_id", "decided_by_id")
# What a card reads: plain values, no model instance (25 assignments, their enterprise,
# QPV, action and three users were 150 objects and their __str__ a page).
CARD_FIELDS = (
    "id",
    "enterprise_id",
    "enterprise__name",
    "enterprise__trade_name",
    "enterprise__qpv__name",
    "created_at",
    "action__name",
    "message",
    "status",
    "decline_reason",
    "decline_note",
    "declined_at",
    "closed_at",
    "closing_note",
    *USERS,
)


def _chosen(organisations, wanted):
    """The organisation asked for in `?structure=`, else the first (by name)."""
    return next((o for o in organisations if str(o.pk) == wanted), None) or (
        organisations[0] if organisations else None
    )


def inbox(request):
    """My organisations' assignments, by tab, with a count on each tab."""
    # My organisations, my role in each and their assignments by status, in one query: a
    # row per organisation and status (None for an organisation without assignments),
    # counted from the (organisation, status) index alone.
    organisations, roles, by_status = [], {}, {}
    for pk, name, role, status, number in (
        perms.inbox_memberships(request.user)
        .values_list("organisation_id", "organisation__name", "role", ASSIGNMENT_STATUS)
        .annotate(Count(ASSIGNMENT_STATUS))
    ):
        if pk not in roles:
            organisations.append(Organisation(pk=pk, name=name))
            roles[pk] = role
        by_status[pk, status] = number
    chosen = _chosen(organisations, request.GET.get("structure"))
    if chosen is None:
        return render(request, "enterprises/inbox.html", {"organisation": None})
    assignments = Assignment.objects.filter(organisation=chosen)
    counts = {
        slug.replace("-", "_"): sum(by_status.get((chosen.pk, status), 0) for status in statuses)
        for slug, _, statuses in TABS
    }
    current = next((t for t in TABS if t[0] == request.GET.get("onglet")), TABS[0])
    rows = (
        assignments.filter(status__in=current[2]).order_by("created_at", "id").values(*CARD_FIELDS)
    )
    # Each row carries its forms (take charge, decline, close, hand over): 25 a page.
    # The tab's count is known from the aggregate above: no second COUNT.
    page = CountedPaginator(
        rows, INBOX_PAGE_SIZE, count=counts[current[0].replace("-", "_")]
    ).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    # A card links to its enterprise when the user sees it: the ids the list and the
    # enterprise page read (kept under the data's version, decision 012). A declined or
    # expired orientation stops giving sight after its grace period (decision 007): its
    # row stays in the structure's history, without a link to a page now closed, unless
    # another path (referent, activity, another organisation) still gives sight.
    seen = None if request.user.is_staff else set(sight_ids(request.user))
    visible_ids = {r["enterprise_id"] for r in rows if seen is None or r["enterprise_id"] in seen}
    query = request.GET.copy()
    query.pop("page", None)
    role = roles[chosen.pk]
    colleague_options = ""
    if perms.can_hand_over(role) and any(row["status"] in HANDED_OVER for row in rows):
        colleagues = User.objects.filter(
            memberships__organisation=chosen, memberships__is_active=True, is_active=True
        ).distinct()
        colleague_options = format_html_join(
            "", '<option value="{}">{}</option>', ((c.pk, str(c)) for c in colleagues)
        )
    # str(user) as User.__str__ says it, for the users the cards name (no query if none).
    user_ids = {row[field] for row in rows for field in USERS} - {None}
    names = {pk: str(u) for pk, u in User.objects.only(*USER_FIELDS).in_bulk(user_ids).items()}
    cards = cards_html(
        rows,
        names=names,
        visible_ids=visible_ids,
        # This request's own token, written once for every form of its cards: never
        # cached, never shared between requests.
        csrf_input=format_html(
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request)
        ),
        can_act=perms.can_act_in_inbox(role),
        is_admin=perms.can_hand_over(role),
        options={
            "decline": DECLINE_OPTIONS,
            "outcome": OUTCOME_RADIOS,
            "colleagues": colleague_options,
        },
    )
    return render(
        request,
        "enterprises/inbox.html",
        {
            "organisation": chosen,
            "organisations": organisations,
            "tabs": [(slug, label, counts[slug.replace("-", "_")]) for slug, label, _ in TABS],
            "current": current[0],
            "cards": cards,
            "page": page,
            "query": query.urlencode(),
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
