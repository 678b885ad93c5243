"""The entrepreneurs' own door, without an account: « Rejoindre le parcours » and the
survey. Both are public (`login_not_required`) and hold no personal data in their URLs."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db.models.functions import Coalesce
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from enterprises import join_requests
from enterprises.forms.requests import (
    JoinRequestForm,
    SurveyForm,
    seconds_since,
    started_token,
)
from enterprises.models import JoinRequest, Survey
from enterprises.signals import records_changed
from enterprises.surveys import InvalidLink, survey_from_token

# The same words whichever rule refused the request: a bot learns nothing from them.
REFUSED = (
    "Votre demande n'a pas pu être envoyée. Patientez une minute, relisez-la, puis "
    "envoyez-la à nouveau. Si le problème continue, écrivez-nous à {email}."
)


def _looks_like_a_bot(request):
    """Honeypot filled, or sent faster than a person types (or with a forged timestamp)."""
    elapsed = seconds_since(request.POST.get("started"))
    return (
        bool(request.POST.get("website"))
        or elapsed is None
        or elapsed < settings.JOIN_MIN_FILL_SECONDS
    )


@login_not_required
@never_cache
def join(request):
    """« Rejoindre le parcours »: a shopkeeper asks to be called back."""
    form = JoinRequestForm(request.POST or None)
    refused = False
    if request.method == "POST":
        refused = _looks_like_a_bot(request)
        if not refused and form.is_valid():
            data = form.cleaned_data
            # Only complete requests count against the limits: correcting a mistake
            # several times, or a tiers-lieu's shared address, must not lock people out.
            if join_requests.over_ip_limit(request) or join_requests.over_siret_limit(
                data["siret"]
            ):
                refused = True
            else:
                join_request = JoinRequest.objects.create(
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    role=data["role"],
                    siret=data["siret"],
                    business_name=data["business_name"],
                    commune=data["commune"],
                    qpv=data["qpv"],
                    needs=data["needs"],
                    message=data["message"],
                    channel=data["channel"],
                    phone=data["phone"],
                    email=data["email"],
                    time_slots=data["time_slots"],
                    consent_at=timezone.now(),
                )
                join_requests.acknowledge(join_request)
                return redirect("enterprises:join_done")
        if seconds_since(request.POST.get("started")) is None:
            # A form left open for a day (or a made-up timestamp): a fresh one, so that a
            # person can still send what they typed after reading the message.
            form.data = form.data.copy()
            form.data["started"] = started_token()
    return render(
        request,
        "enterprises/join.html",
        {
            "form": form,
            "refused": REFUSED.format(email=settings.LEGAL["contact_email"]) if refused else "",
        },
        status=400 if refused else 200,
    )


@login_not_required
def join_done(request):
    """The acknowledgement: what happens next."""
    return render(request, "enterprises/join_done.html")


@login_not_required
@never_cache
def survey(request, token):
    """The survey, opened from the e-mail. `?utile=N` is the one-tap first answer: it is
    recorded at once (and may be changed until the form is sent, so that a mail filter
    opening every link cannot take the answer's place). Sending the form spends the link."""
    try:
        survey = survey_from_token(token)
    except InvalidLink as error:
        return render(
            request, "enterprises/survey_invalid.html", {"reason": error.reason}, status=400
        )
    tapped = request.GET.get("utile", "")
    if request.method == "GET" and tapped in {"1", "2", "3", "4", "5"}:
        Survey.objects.filter(pk=survey.pk, completed_at__isnull=True).update(
            usefulness=int(tapped), answered_at=Coalesce("answered_at", timezone.now())
        )
        records_changed.send(sender=Survey)  # « Pilotage » counts the answers
        survey.usefulness = int(tapped)
    form = SurveyForm(
        request.POST or None,
        initial={"usefulness": survey.usefulness, "recontacted": survey.recontacted},
    )
    if request.method == "POST" and form.is_valid():
        now = timezone.now()
        done = Survey.objects.filter(pk=survey.pk, completed_at__isnull=True).update(
            completed_at=now,
            answered_at=Coalesce("answered_at", now),
            **form.cleaned_data,
        )
        records_changed.send(sender=Survey)
        if not done:  # sent twice at the same moment: the first one counts
            return render(
                request, "enterprises/survey_invalid.html", {"reason": "used"}, status=400
            )
        records_changed.send(sender=Survey)
        return render(request, "enterprises/survey_done.html")
    return render(
        request,
        "enterprises/survey.html",
        {"form": form, "survey": survey, "tapped": tapped if survey.usefulness else ""},
    )
