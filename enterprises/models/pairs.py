"""Pair à pair: entrepreneurs who went through the parcours help beginners.

A `Consent` records an entrepreneur's explicit, withdrawable agreement to one exact
purpose (being proposed as a pair, or a published story). A `Pair` is an « autonome »
enterprise proposed as a mentor; it is shown only while its consent holds. A `Pairing`
matches a pair with an enterprise of the parcours, from proposal to outcome; its pair
sessions are activities of kind « pair à pair » (`PairSession` links the two)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from enterprises.enums import (
    AgreementMethod,
    ConsentPurpose,
    PairingOutcome,
    PairingStatus,
    Stage,
)

from .registry import Contact, Enterprise, visible_ids


class ConsentQuerySet(models.QuerySet):
    def holding(self):
        """Consents given and not withdrawn."""
        return self.filter(withdrawn_at__isnull=True)


class Consent(models.Model):
    """An entrepreneur's explicit agreement to one purpose and one exact text: who agreed,
    how, when, who recorded it, and when it was withdrawn. Withdrawal takes effect at
    once: pairs and stories read `withdrawn_at`, they keep no copy of the answer."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="consents", verbose_name="entreprise"
    )
    contact = models.ForeignKey(
        Contact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consents",
        verbose_name="contact",
    )
    purpose = models.CharField("finalité", max_length=10, choices=ConsentPurpose.choices)
    text = models.TextField("texte accepté")
    method = models.CharField("recueil", max_length=12, choices=AgreementMethod.choices)
    given_at = models.DateTimeField("donné le", default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="noté par",
    )
    withdrawn_at = models.DateTimeField("retiré le", null=True, blank=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = "consentement"
        verbose_name_plural = "consentements"
        ordering = ["-given_at", "-id"]

    def __str__(self):
        return f"{self.get_purpose_display()} — {self.enterprise}"

    @property
    def is_holding(self):
        return self.withdrawn_at is None

    def withdraw(self):
        """Withdraw now (idempotent); a pair's open pairings end with it."""
        with transaction.atomic():
            updated = Consent.objects.filter(pk=self.pk, withdrawn_at__isnull=True).update(
                withdrawn_at=timezone.now()
            )
            self.refresh_from_db(fields=["withdrawn_at"])
            if updated and self.purpose == ConsentPurpose.PAIR:
                for pairing in Pairing.objects.filter(pair__consent=self).open():
                    pairing.end(outcome=PairingOutcome.WITHDRAWN, note="consentement retiré")
        return bool(updated)


class PairQuerySet(models.QuerySet):
    def available(self):
        """Pairs whose consent holds: the only ones anyone is shown or offered."""
        return self.filter(consent__withdrawn_at__isnull=True)


class Pair(models.Model):
    """An enterprise that reached « autonome », proposed as a mentor on the topics it
    masters, with its contact's explicit consent."""

    enterprise = models.OneToOneField(
        Enterprise, on_delete=models.CASCADE, related_name="pair", verbose_name="entreprise"
    )
    consent = models.OneToOneField(
        Consent, on_delete=models.PROTECT, related_name="pair", verbose_name="consentement"
    )
    topics = models.ManyToManyField(
        "programme.Term", related_name="pairs", verbose_name="sujets maîtrisés"
    )
    presentation = models.TextField(
        "présentation",
        max_length=600,
        blank=True,
        help_text="Ce que l'entrepreneur·e peut partager, en quelques lignes (sans coordonnées).",
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="proposée par",
    )
    created_at = models.DateTimeField("proposée le", auto_now_add=True)

    objects = PairQuerySet.as_manager()

    class Meta:
        verbose_name = "pair"
        verbose_name_plural = "pairs"
        ordering = ["enterprise__name", "id"]

    def __str__(self):
        return str(self.enterprise)

    @property
    def is_available(self):
        return self.consent.withdrawn_at is None

    def clean(self):
        if self.enterprise_id and self.enterprise.stage != Stage.AUTONOME:
            raise ValidationError(
                "Seule une entreprise « autonome » peut être proposée comme pair."
            )


class PairingQuerySet(models.QuerySet):
    def open(self):
        """Proposed or under way: not yet ended, refused or cancelled."""
        return self.filter(status__in=[PairingStatus.PROPOSED, PairingStatus.ACTIVE])

    def visible_to(self, user):
        """Pairings about an enterprise the user sees (the beginner or the pair; a
        student sees those of the pairings they follow), and those they proposed."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_staff:
            return self
        seen = visible_ids(user)
        return self.filter(
            Q(mentee_id__in=seen) | Q(pair__enterprise_id__in=seen) | Q(proposed_by=user)
        )


class Pairing(models.Model):
    """A pair matched with an enterprise of the parcours: proposed, accepted by both
    sides (signed e-mail link, or their conseiller recording it), under way, ended."""

    pair = models.ForeignKey(
        Pair, on_delete=models.PROTECT, related_name="pairings", verbose_name="pair"
    )
    mentee = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        related_name="pairings_received",
        verbose_name="entreprise accompagnée",
    )
    topics = models.ManyToManyField(
        "programme.Term", blank=True, related_name="pairings", verbose_name="sujets"
    )
    status = models.CharField(
        "état", max_length=10, choices=PairingStatus.choices, default=PairingStatus.PROPOSED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="proposée par",
    )
    proposed_at = models.DateTimeField("proposée le", default=timezone.now)
    mentee_agreed_at = models.DateTimeField("accord de l'entreprise le", null=True, blank=True)
    mentee_agreement = models.CharField(
        "accord de l'entreprise", max_length=12, choices=AgreementMethod.choices, blank=True
    )
    pair_agreed_at = models.DateTimeField("accord du pair le", null=True, blank=True)
    pair_agreement = models.CharField(
        "accord du pair", max_length=12, choices=AgreementMethod.choices, blank=True
    )
    started_on = models.DateField("début", null=True, blank=True)
    ended_on = models.DateField("fin", null=True, blank=True)
    outcome = models.CharField(
        "résultat", max_length=12, choices=PairingOutcome.choices, blank=True
    )
    outcome_note = models.CharField("précision", max_length=255, blank=True)
    students = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="followed_pairings",
        verbose_name="étudiant·es qui suivent",
    )

    objects = PairingQuerySet.as_manager()

    class Meta:
        verbose_name = "mise en relation pair à pair"
        verbose_name_plural = "mises en relation pair à pair"
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["pair", "mentee"],
                condition=Q(status__in=["proposee", "en_cours"]),
                name="pairing_open_once",
            ),
        ]

    def __str__(self):
        return f"{self.pair} → {self.mentee}"

    def clean(self):
        if self.pair_id and self.mentee_id and self.pair.enterprise_id == self.mentee_id:
            raise ValidationError("Une entreprise ne peut pas être son propre pair.")

    @property
    def is_open(self):
        return self.status in (PairingStatus.PROPOSED, PairingStatus.ACTIVE)

    def agree(self, side, method, now=None):
        """Record one side's agreement ("mentee" or "pair"); once both agreed the pairing
        starts. Idempotent: a second agreement changes nothing. Returns True when it
        recorded something."""
        now = now or timezone.now()
        with transaction.atomic():
            locked = Pairing.objects.select_for_update().get(pk=self.pk)
            if locked.status != PairingStatus.PROPOSED or getattr(locked, f"{side}_agreed_at"):
                self.refresh_from_db()
                return False
            setattr(locked, f"{side}_agreed_at", now)
            setattr(locked, f"{side}_agreement", method)
            if locked.mentee_agreed_at and locked.pair_agreed_at:
                locked.status = PairingStatus.ACTIVE
                locked.started_on = timezone.localdate(now)
            locked.save()
        self.refresh_from_db()
        return True

    def end(self, outcome, note="", on=None):
        """End an open pairing: « terminée » once started, otherwise « annulée »."""
        if not self.is_open:
            return False
        self.status = (
            PairingStatus.ENDED if self.status == PairingStatus.ACTIVE else PairingStatus.CANCELLED
        )
        self.ended_on = on or timezone.localdate()
        self.outcome, self.outcome_note = outcome, note[:255]
        self.save()
        return True


class PairSession(models.Model):
    """The link between a pairing and one of its sessions (an activity « pair à pair »)."""

    pairing = models.ForeignKey(
        Pairing, on_delete=models.CASCADE, related_name="sessions", verbose_name="mise en relation"
    )
    activity = models.OneToOneField(
        "enterprises.Activity",
        on_delete=models.CASCADE,
        related_name="pair_session",
        verbose_name="activité",
    )

    class Meta:
        verbose_name = "séance pair à pair"
        verbose_name_plural = "séances pair à pair"

    def __str__(self):
        return f"{self.pairing} — {self.activity}"


def suggest_pairs(mentee, topics=(), limit=8):
    """Available pairs for `mentee`, best first, each as (pair, score, reasons): shared
    topics weigh 3 each, the same NAF section 2, the same QPV 2, a QPV of the same
    commune 1 (« nearby »). Pairs already in an open pairing with it are left out. Three
    queries whatever the number of pairs (a few dozen at most)."""
    wanted = {t.pk for t in topics}
    busy = Pairing.objects.open().filter(mentee=mentee).values("pair_id")
    pairs = (
        Pair.objects.available()
        .exclude(enterprise=mentee)
        .exclude(pk__in=busy)
        .select_related("enterprise__naf", "enterprise__qpv")
        .defer("enterprise__qpv__polygon")
        .prefetch_related("topics")
    )
    section = mentee.naf.section if mentee.naf_id else None
    commune = mentee.qpv.commune if mentee.qpv_id else None
    ranked = []
    for pair in pairs:
        enterprise, score, reasons = pair.enterprise, 0, []
        shared = [t.label for t in pair.topics.all() if t.pk in wanted]
        if shared:
            score += 3 * len(shared)
            reasons.append("sujets : " + ", ".join(shared))
        if section and enterprise.naf_id and enterprise.naf.section == section:
            score += 2
            reasons.append(f"même secteur ({enterprise.naf.section_label})")
        if mentee.qpv_id and enterprise.qpv_id == mentee.qpv_id:
            score += 2
            reasons.append(f"même quartier ({enterprise.qpv.name})")
        elif commune and enterprise.qpv_id and enterprise.qpv.commune == commune:
            score += 1
            reasons.append(f"quartier voisin ({enterprise.qpv.name})")
        ranked.append((pair, score, reasons))
    ranked.sort(key=lambda item: (-item[1], str(item[0]).lower()))
    return ranked[:limit]
