"""« Demander l'accès »: a way forward to an enterprise one cannot see, that reveals nothing."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from enterprises import perms
from enterprises.enums import AccessRequestStatus
from enterprises.forms.registry import AccessDecisionForm, AccessRequestForm
from enterprises.models import AccessRequest
from enterprises.notifications import assign, notify_access_decided, notify_access_requested

SENT = (
    "Demande transmise à la Métropole. Vous recevrez sa réponse par e-mail ; si elle est "
    "acceptée, l'entreprise apparaîtra dans vos entreprises."
)


def submit_access_request(request, form):
    """Record the request, the same way whether the SIRET is in the programme or not."""
    data = form.cleaned_data
    pending = AccessRequest.objects.filter(
        requester=request.user, siret=data["siret"], status=AccessRequestStatus.PENDING
    )
    if not pending.exists():
        access_request = form.save(commit=False)
        access_request.requester = request.user
        access_request.save()
        notify_access_requested(access_request)
    messages.success(request, SENT)
    return redirect("enterprises:access_requests")


def access_request_create(request):
    """The request form: a SIRET and a reason."""
    if not perms.can_request_access(request.user):
        raise PermissionDenied("Votre rôle ne permet pas de demander l'accès à une entreprise.")
    form = AccessRequestForm(
        request.POST or None, organisations=perms.writing_organisations(request.user)
    )
    if request.method == "POST" and form.is_valid():
        return submit_access_request(request, form)
    return render(request, "enterprises/access_request_form.html", {"form": form})


def access_requests(request):
    """Staff: every request, pending first, with the decision form. Others: their own."""
    queryset = AccessRequest.objects.select_related(
        "requester", "organisation", "enterprise", "decided_by"
    ).order_by("status", "-created_at")
    if not request.user.is_staff:
        queryset = queryset.filter(requester=request.user)
    requests = list(queryset[:200])
    if request.user.is_staff:
        for item in requests:
            item.match = (
                item.matching_enterprise() if item.status == AccessRequestStatus.PENDING else None
            )
    return render(
        request,
        "enterprises/access_requests.html",
        {
            "requests": requests,
            "decision_form": AccessDecisionForm(),
            "can_request": perms.can_request_access(request.user),
        },
    )


@require_POST
def access_request_decide(request, pk):
    """Staff accept (orientation or referent) or refuse (with a reason); the requester is
    told by e-mail. Outside staff the page does not exist."""
    if not request.user.is_staff:
        raise Http404
    access_request = get_object_or_404(AccessRequest, pk=pk)
    form = AccessDecisionForm(request.POST)
    if not form.is_valid():
        errors = [e for field_errors in form.errors.values() for e in field_errors]
        messages.error(request, "Demande non traitée : " + " ".join(errors))
        return redirect("enterprises:access_requests")
    decision = form.cleaned_data["decision"]
    try:
        if decision == "refuse":
            access_request.refuse(form.cleaned_data["refusal_reason"], by=request.user)
        else:
            access_request.accept(decision, by=request.user, assign=assign)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("enterprises:access_requests")
    notify_access_decided(access_request)
    messages.success(
        request,
        f"Demande n° {access_request.pk} {access_request.get_status_display()} ; "
        "le demandeur est prévenu par e-mail.",
    )
    return redirect("enterprises:access_requests")
