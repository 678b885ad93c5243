"""Staff's triage of the requests to join: the queue, and one screen per request."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from common.data_version import versioned
from common.paging import CountedPaginator
from common.perms import staff_only
from enterprises import join_requests
from enterprises.enums import ContactChannel, JoinRequestStatus, Need
from enterprises.forms.requests import AcceptForm, MergeForm, RefuseForm
from enterprises.models import Enterprise, JoinRequest
from enterprises.views.plain import Urls, day, local
from partners.models import User

# What the queue's rows read: plain values, no model instance (decision 012).
PENDING_FIELDS = ("id", "created_at", "business_name", "siret", "commune", "qpv__name")
HANDLED_FIELDS = (
    "id",
    "handled_at",
    "business_name",
    "status",
    "enterprise_id",
    "enterprise__name",
    "enterprise__trade_name",
    "handled_by_id",
    "handled_by__first_name",
    "handled_by__last_name",
    "handled_by__email",
)
NEED_LABELS = dict(Need.choices)
CHANNEL_LABELS = dict(ContactChannel.choices)
STATUS_LABELS = dict(JoinRequestStatus.choices)
NO_SIRET = ' <span class="badge">sans SIRET</span>'


def _pending_rows(rows, urls):
    """The `<tr>` of the requests waiting, as the template wrote them."""
    out = []
    for row in rows:
        # JoinRequest.get_needs_display and get_channel_display, from the values.
        needs = " ; ".join(
            escape(NEED_LABELS[code]) for code in row["needs"] if code in NEED_LABELS
        )
        channel = row["channel"]
        qpv = f", {escape(row['qpv__name'])}" if row["qpv__name"] is not None else ""
        out.append(
            "<tr>\n"
            f"<td>{local(row['created_at'], '%d/%m/%Y %H:%M')}</td>\n"
            f'<th scope="row"><a href="{urls("enterprises:request_detail", row["id"])}">'
            f"{escape(row['business_name']) or '(sans nom)'}</a>"
            f"{'' if row['siret'] else NO_SIRET}</th>\n"
            f"<td>{escape(row['commune'])}{qpv}</td>\n"
            f"<td>{needs}</td>\n"
            f"<td>{escape(CHANNEL_LABELS.get(channel, channel))}</td>\n"
            "</tr>\n"
        )
    return mark_safe("".join(out))


def _handled_rows(rows, urls):
    """The `<tr>` of the requests handled, as the template wrote them."""
    names = {}  # str(user) (User.__str__) of each staff member who handled one
    out = []
    for row in rows:
        by = row["handled_by_id"]
        if by is not None and by not in names:
            names[by] = str(
                User(
                    first_name=row["handled_by__first_name"],
                    last_name=row["handled_by__last_name"],
                    email=row["handled_by__email"],
                )
            )
        status = row["status"]
        decision = escape(STATUS_LABELS.get(status, status))
        if row["enterprise_id"] is not None:
            # str(enterprise) is Enterprise.__str__: its trade name, else its name.
            name = escape(row["enterprise__trade_name"] or row["enterprise__name"])
            decision += (
                f' — <a href="{urls("enterprises:detail", row["enterprise_id"])}">{name}</a>'
            )
        out.append(
            "<tr>\n"
            f"<td>{day(row['handled_at'])}</td>\n"
            f'<th scope="row"><a href="{urls("enterprises:request_detail", row["id"])}">'
            f"{escape(row['business_name']) or '(sans nom)'}</a></th>\n"
            f"<td>{decision}</td>\n"
            f"<td>{escape(names[by]) if by is not None else '—'}</td>\n"
            "</tr>\n"
        )
    return mark_safe("".join(out))


@staff_only
def request_list(request):
    """The queue: requests waiting for triage, oldest first; then the latest handled."""
    pending = list(JoinRequest.objects.pending().values(*PENDING_FIELDS, "needs", "channel"))
    handled = (
        JoinRequest.objects.exclude(status=JoinRequestStatus.NEW)
        .order_by("-handled_at", "-id")
        .values(*HANDLED_FIELDS)
    )
    # How many were handled, for « Page 1 sur N »: counted again only after a change of
    # the data (JoinRequest is watched by grant.figures_cache, so every decision, every
    # purge moves the version), not on every visit (it read every handled request).
    count = versioned(
        "enterprises:handled-join-requests",
        handled.count,
    )
    page = CountedPaginator(handled, 25, count=count).get_page(request.GET.get("page"))
    urls = Urls("enterprises:request_detail", "enterprises:detail")
    return render(
        request,
        "enterprises/request_list.html",
        {
            "pending": _pending_rows(pending, urls),
            "pending_count": len(pending),
            # The menu's badge counts the same requests: no second COUNT.
            "pending_join_requests": len(pending),
            "handled": _handled_rows(page.object_list, urls),
            "page": page,
            "query": "",
        },
    )


def _screen(request, join_request, **forms):
    known = (
        Enterprise.objects.filter(siret=join_request.siret).first() if join_request.siret else None
    )
    similar = []
    if join_request.business_name and join_request.status == JoinRequestStatus.NEW:
        similar = list(
            Enterprise.objects.filter(name__icontains=join_request.business_name.strip()[:60])
            .exclude(pk=known.pk if known else None)
            .order_by("name")[:5]
        )
    context = {
        "join_request": join_request,
        "known": known,
        "similar": similar,
        "accept_form": AcceptForm(
            initial={"siret": join_request.siret, "name": join_request.business_name}
        ),
        "merge_form": MergeForm(initial={"siret": join_request.siret}),
        "refuse_form": RefuseForm(),
        **forms,
    }
    return render(request, "enterprises/request_detail.html", context)


@staff_only
def request_detail(request, pk):
    """Everything the entrepreneur wrote, with the three decisions side by side."""
    join_request = get_object_or_404(JoinRequest.objects.select_related("qpv"), pk=pk)
    return _screen(request, join_request)


def _pending_or_back(request, pk):
    join_request = get_object_or_404(JoinRequest, pk=pk)
    if join_request.status != JoinRequestStatus.NEW:
        messages.error(request, "Cette demande a déjà été traitée.")
        return join_request, redirect("enterprises:request_detail", pk=pk)
    return join_request, None


@staff_only
@require_POST
def request_accept(request, pk):
    join_request, back = _pending_or_back(request, pk)
    if back:
        return back
    form = AcceptForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            enterprise, created, assignment = join_requests.accept(
                join_request,
                by=request.user,
                siret=data["siret"],
                name=data["name"],
                organisation=data["organisation"],
                message=data["message"],
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            text = f"« {enterprise} » {'créée' if created else 'retrouvée'}, contact ajouté"
            if assignment:
                text += f", orientée vers « {assignment.organisation} »"
            messages.success(request, text + ".")
            return redirect("enterprises:detail", pk=enterprise.pk)
    return _screen(request, join_request, accept_form=form)


@staff_only
@require_POST
def request_merge(request, pk):
    join_request, back = _pending_or_back(request, pk)
    if back:
        return back
    form = MergeForm(request.POST)
    if form.is_valid():
        join_requests.merge(join_request, form.enterprise, by=request.user)
        messages.success(request, f"Demande rattachée à « {form.enterprise} », contact ajouté.")
        return redirect("enterprises:detail", pk=form.enterprise.pk)
    return _screen(request, join_request, merge_form=form)


@staff_only
@require_POST
def request_refuse(request, pk):
    join_request, back = _pending_or_back(request, pk)
    if back:
        return back
    form = RefuseForm(request.POST)
    if form.is_valid():
        join_requests.refuse(join_request, form.cleaned_data["reason"], by=request.user)
        messages.success(
            request,
            "Demande refusée"
            + (" ; le motif est envoyé par e-mail." if join_request.email else "."),
        )
        return redirect("enterprises:requests")
    return _screen(request, join_request, refuse_form=form)
