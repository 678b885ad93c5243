"""Staff's triage of the requests to join: the queue, and one screen per request."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from common.perms import staff_only
from enterprises import join_requests
from enterprises.enums import JoinRequestStatus
from enterprises.forms.requests import AcceptForm, MergeForm, RefuseForm
from enterprises.models import Enterprise, JoinRequest


@staff_only
def request_list(request):
    """The queue: requests waiting for triage, oldest first; then the latest handled."""
    pending = JoinRequest.objects.pending().select_related("qpv").defer("qpv__polygon")
    handled = (
        JoinRequest.objects.exclude(status=JoinRequestStatus.NEW)
        .select_related("handled_by", "enterprise")
        .order_by("-handled_at", "-id")
    )
    page = Paginator(handled, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "enterprises/request_list.html",
        {"pending": pending, "page": page, "query": ""},
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
