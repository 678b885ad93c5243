"""Pair à pair: propose a pair, match it with a beginner, agreements, sessions, end."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from enterprises import perms, signed_links
from enterprises.enums import AgreementMethod, ConsentPurpose, PairingStatus, Stage
from enterprises.forms.pairs import (
    PAIR_CONSENT_TEXT,
    PairForm,
    PairingEndForm,
    PairingForm,
    PairSessionForm,
)
from enterprises.models import (
    Activity,
    Consent,
    Enterprise,
    Pair,
    Pairing,
    PairSession,
)
from enterprises.models.pairs import suggest_pairs
from partners.emails import queue_templated_email

SIDES = {"mentee": "l'entreprise accompagnée", "pair": "le pair"}


def _visible_enterprise(request, pk):
    return get_object_or_404(Enterprise.objects.visible_to(request.user), pk=pk)


def _visible_pairing(request, pk):
    return get_object_or_404(
        Pairing.objects.visible_to(request.user).select_related(
            "pair__enterprise__naf", "pair__enterprise__qpv", "mentee__qpv", "proposed_by"
        ),
        pk=pk,
    )


def _email_of(contact):
    return contact.email if contact and contact.email and not contact.anonymised_at else ""


def pair_list(request):
    """« Pair à pair »: the available pairs and the pairings I can see."""
    pairs = (
        Pair.objects.available()
        .select_related("enterprise__naf", "enterprise__qpv")
        .defer("enterprise__qpv__polygon")
        .prefetch_related("topics")
    )
    pairings = (
        Pairing.objects.visible_to(request.user)
        .select_related("pair__enterprise", "mentee")
        .order_by("-proposed_at")[:100]
    )
    return render(
        request,
        "enterprises/pairs/list.html",
        {"pairs": pairs, "pairings": pairings, "can_log": perms.can_log_activity(request.user)},
    )


def pair_create(request, pk):
    """Propose an « autonome » enterprise as a pair, with its contact's consent."""
    enterprise = _visible_enterprise(request, pk)
    if not perms.can_propose_pair(request.user, enterprise):
        raise PermissionDenied("Votre rôle ne permet pas de proposer cette entreprise comme pair.")
    current = Pair.objects.filter(enterprise=enterprise).select_related("consent").first()
    if enterprise.stage != Stage.AUTONOME:
        messages.error(request, "Seule une entreprise « autonome » peut être proposée comme pair.")
        return redirect("enterprises:detail", pk=enterprise.pk)
    if current and current.is_available:
        return redirect("enterprises:pairs")
    form = PairForm(request.POST or None, enterprise=enterprise)
    if request.method == "POST" and form.is_valid():
        contact = form.cleaned_data["contact"]
        with transaction.atomic():
            consent = Consent.objects.create(
                enterprise=enterprise,
                contact=contact,
                purpose=ConsentPurpose.PAIR,
                text=form.consent_text(),
                method=AgreementMethod.CONSEILLER,
                recorded_by=request.user,
            )
            if current:  # a pair that withdrew and agrees again: a new consent
                current.consent = consent
                current.presentation = form.cleaned_data["presentation"]
                current.save()
                pair = current
            else:
                pair = form.save(commit=False)
                pair.enterprise, pair.consent, pair.proposed_by = enterprise, consent, request.user
                pair.save()
            pair.topics.set(form.cleaned_data["topics"])
            if _email_of(contact):
                queue_templated_email(
                    "pair-consent",
                    contact.email,
                    {
                        "enterprise": enterprise,
                        "consent": consent,
                        "withdraw_url": signed_links.withdrawal_link(consent),
                    },
                )
        messages.success(request, f"« {enterprise} » est proposée comme pair.")
        return redirect("enterprises:pairs")
    return render(
        request,
        "enterprises/pairs/pair_form.html",
        {
            "form": form,
            "enterprise": enterprise,
            "consent_preview": PAIR_CONSENT_TEXT.format(topics="[les sujets cochés ci-dessous]"),
        },
    )


@require_POST
def pair_withdraw(request, pk):
    """The conseiller records that the entrepreneur withdraws: the pair disappears at once."""
    enterprise = _visible_enterprise(request, pk)
    if not perms.can_propose_pair(request.user, enterprise):
        raise PermissionDenied("Votre rôle ne permet pas de retirer ce pair.")
    pair = get_object_or_404(Pair.objects.select_related("consent"), enterprise=enterprise)
    pair.consent.withdraw()
    messages.success(request, f"« {enterprise} » n'est plus proposée comme pair.")
    return redirect("enterprises:detail", pk=enterprise.pk)


def pairing_create(request, pk):
    """Match a beginner with a pair, suggestions first: shared topics, sector, QPV."""
    mentee = _visible_enterprise(request, pk)
    if not perms.can_edit_enterprise(request.user, mentee):
        raise PermissionDenied("Votre rôle ne permet pas de proposer une mise en relation.")
    initial_topics = list(
        Activity.themes.through.objects.filter(activity__participations__enterprise=mentee)
        .values_list("term_id", flat=True)
        .distinct()
    )
    form = PairingForm(
        request.POST or None,
        pairs=Pair.objects.available().exclude(enterprise=mentee),
        initial={"topics": initial_topics},
    )
    topics = form.fields["topics"].queryset.filter(
        pk__in=request.POST.getlist("topics") if request.method == "POST" else initial_topics
    )
    suggestions = suggest_pairs(mentee, topics)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if Pairing.objects.open().filter(pair=data["pair"], mentee=mentee).exists():
            form.add_error("pair", "Une mise en relation avec ce pair est déjà en cours.")
        else:
            with transaction.atomic():
                pairing = Pairing.objects.create(
                    pair=data["pair"], mentee=mentee, proposed_by=request.user
                )
                pairing.topics.set(data["topics"])
                pairing.students.set(data["students"])
                sent = send_agreement_links(pairing) if data["send_links"] else 0
            messages.success(
                request,
                "Mise en relation proposée"
                + (f" ; {sent} lien(s) d'accord envoyé(s) par e-mail." if sent else "."),
            )
            return redirect("enterprises:pairing", pk=pairing.pk)
    if not form.is_bound and suggestions:
        form.initial["pair"] = suggestions[0][0].pk
    return render(
        request,
        "enterprises/pairs/pairing_form.html",
        {"form": form, "mentee": mentee, "suggestions": suggestions},
    )


def send_agreement_links(pairing):
    """E-mail each side that has an address a signed link to agree; returns how many."""
    sent = 0
    sides = {
        "mentee": pairing.mentee.contacts.filter(anonymised_at__isnull=True)
        .exclude(email="")
        .first(),
        "pair": pairing.pair.consent.contact,
    }
    for side, contact in sides.items():
        if _email_of(contact):
            queue_templated_email(
                "pairing-agreement",
                contact.email,
                {
                    "pairing": pairing,
                    "side": side,
                    "other": pairing.pair.enterprise if side == "mentee" else pairing.mentee,
                    "url": signed_links.pairing_link(pairing, side),
                },
            )
            sent += 1
    return sent


def pairing_detail(request, pk):
    pairing = _visible_pairing(request, pk)
    sessions = (
        Activity.objects.filter(pair_session__pairing=pairing)
        .select_related("author")
        .order_by("date", "id")
    )
    return render(
        request,
        "enterprises/pairs/pairing_detail.html",
        {
            "pairing": pairing,
            "sessions": sessions,
            "topics": pairing.topics.all(),
            "students": pairing.students.all(),
            "can_manage": perms.can_manage_pairing(request.user, pairing),
            "can_log": perms.can_log_pair_session(request.user, pairing),
            "end_form": PairingEndForm(),
        },
    )


def _managed_pairing(request, pk):
    pairing = _visible_pairing(request, pk)
    if not perms.can_manage_pairing(request.user, pairing):
        raise PermissionDenied("Votre rôle ne permet pas de gérer cette mise en relation.")
    return pairing


@require_POST
def pairing_record_agreement(request, pk):
    """The conseiller records one side's agreement (given by phone, in person…)."""
    pairing = _managed_pairing(request, pk)
    side = request.POST.get("side")
    if side not in SIDES:
        messages.error(request, "Précisez de qui vous notez l'accord.")
    elif pairing.agree(side, AgreementMethod.CONSEILLER):
        messages.success(request, f"Accord de {SIDES[side]} noté.")
        if pairing.status == PairingStatus.ACTIVE:
            messages.success(
                request, "Les deux ont donné leur accord : la mise en relation commence."
            )
    return redirect("enterprises:pairing", pk=pairing.pk)


def pairing_end(request, pk):
    pairing = _managed_pairing(request, pk)
    form = PairingEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and pairing.is_open:
        pairing.end(form.cleaned_data["outcome"], form.cleaned_data["note"])
        messages.success(request, f"Mise en relation {pairing.get_status_display()}.")
        return redirect("enterprises:pairing", pk=pairing.pk)
    if not pairing.is_open:
        return redirect("enterprises:pairing", pk=pairing.pk)
    return render(request, "enterprises/pairs/pairing_end.html", {"form": form, "pairing": pairing})


def pairing_session(request, pk):
    """« Noter une séance pair à pair »: an activity of its own kind about the beginner."""
    pairing = _visible_pairing(request, pk)
    if not perms.can_log_pair_session(request.user, pairing):
        raise PermissionDenied("Seuls ses conseillers et ses étudiant·es notent ses séances.")
    form = PairSessionForm(request.POST or None, user=request.user, enterprise=pairing.mentee)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            activity = form.save(commit=False)
            activity.author, activity.kind = request.user, form.kind
            activity.duration = form.cleaned_data["duration"]
            activity.save()
            form.save_m2m()
            activity.set_participations(form.attendance())
            PairSession.objects.create(pairing=pairing, activity=activity)
        messages.success(request, f"Séance pair à pair du {activity.date:%d/%m/%Y} enregistrée.")
        return redirect("enterprises:pairing", pk=pairing.pk)
    return render(
        request,
        "enterprises/activity_form.html",
        {"form": form, "enterprise": pairing.mentee, "kind": form.kind, "pairing": pairing},
    )


# --- Public links (the entrepreneurs have no account) --------------------------------


@login_not_required
def pairing_agree(request, token):
    """A side agrees by its signed link: a page first, the agreement on the button (mail
    scanners follow links, they do not post forms)."""
    payload = signed_links.read_pairing_token(token)
    if payload is None:
        return render(request, "enterprises/pairs/link_invalid.html", status=404)
    pairing = Pairing.objects.select_related("pair__enterprise", "mentee").filter(pk=payload["p"])
    pairing = pairing.first()
    if pairing is None:
        raise Http404
    side = payload["s"]
    done = request.method == "POST" and pairing.agree(side, AgreementMethod.LINK)
    already = getattr(pairing, f"{side}_agreed_at") is not None
    return render(
        request,
        "enterprises/pairs/agree.html",
        {
            "pairing": pairing,
            "side": side,
            "other": pairing.pair.enterprise if side == "mentee" else pairing.mentee,
            "done": done,
            "already": already,
            "topics": pairing.topics.all(),
        },
    )


@login_not_required
def consent_withdraw(request, token):
    """Withdraw a consent by the link of the confirmation e-mail: effective at once."""
    payload = signed_links.read_withdrawal_token(token)
    if payload is None:
        return render(request, "enterprises/pairs/link_invalid.html", status=404)
    consent = Consent.objects.filter(pk=payload["c"]).select_related("enterprise").first()
    if consent is None:
        raise Http404
    done = request.method == "POST" and consent.withdraw()
    return render(request, "enterprises/pairs/withdraw.html", {"consent": consent, "done": done})
