"""The network: organisations, the people who log in, and who belongs where."""

import datetime
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core import signing
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from common.files import private_name, validate_office_document
from common.journal import AppendOnlyModel

from .enums import (
    NOT_ORIENTABLE_KINDS,
    AuthEventKind,
    EmailFrequency,
    EmailStatus,
    MeetingKind,
    OrganisationKind,
    Role,
)

INVITATION_VALIDITY = datetime.timedelta(days=7)
INVITATION_SALT = "partners.invitation"


class OrganisationQuerySet(models.QuerySet):
    def of(self, user, roles=None):
        """The active organisations where `user` has an active membership (with one of
        `roles` when given): « my organisations ». Staff get theirs too, not all."""
        if not user.is_authenticated:
            return self.none()
        memberships = Membership.objects.active().of(user, roles=roles)
        return self.filter(is_active=True, pk__in=memberships.values("organisation_id"))

    def orientable(self):
        """Active structures an enterprise may be oriented to: not the funder, not the
        universities (by kind), not the Métropole itself (the structure of its staff)."""
        metropole = Membership.objects.filter(is_active=True, user__is_staff=True).values(
            "organisation_id"
        )
        return (
            self.filter(is_active=True)
            .exclude(kind__in=NOT_ORIENTABLE_KINDS)
            .exclude(pk__in=metropole)
        )


class Organisation(models.Model):
    """A structure of the programme's network: the Métropole, the funder, a partner."""

    name = models.CharField("nom", max_length=200, unique=True)
    reference_name = models.CharField(
        "nom dans la délibération",
        max_length=200,
        blank=True,
        editable=False,
        help_text="Clé des données de référence : renommer la structure ne la duplique pas.",
    )
    kind = models.CharField("type", max_length=30, choices=OrganisationKind.choices)
    description = models.TextField("rôle dans le programme", blank=True)
    email = models.EmailField("e-mail de contact", blank=True)
    website = models.URLField("site Internet", blank=True)
    is_active = models.BooleanField("active", default=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = "structure"
        verbose_name_plural = "structures"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["reference_name"],
                condition=~models.Q(reference_name=""),
                name="organisation_reference_name",
            ),
        ]

    def __str__(self):
        return self.name


class UserManager(BaseUserManager):
    """Users are identified by their e-mail address, stored in lower case."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("L'adresse e-mail est obligatoire.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in: Métropole staff, a conseiller numérique, a partner member."""

    email = models.EmailField("adresse e-mail", unique=True)
    first_name = models.CharField("prénom", max_length=150, blank=True)
    last_name = models.CharField("nom", max_length=150, blank=True)
    is_staff = models.BooleanField(
        "équipe de la Métropole",
        default=False,
        help_text="Accès au pilotage et à l'administration ; voit toutes les entreprises.",
    )
    is_active = models.BooleanField(
        "actif",
        default=True,
        help_text="Décochez plutôt que supprimer : le compte ne peut plus se connecter.",
    )
    email_frequency = models.CharField(
        "fréquence des e-mails",
        max_length=20,
        choices=EmailFrequency.choices,
        default=EmailFrequency.IMMEDIATE,
    )
    date_joined = models.DateTimeField("inscrit le", default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = "utilisateur"
        verbose_name_plural = "utilisateurs"
        ordering = ["last_name", "first_name", "email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self):
        return self.get_full_name() or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self):
        return self.first_name or self.email


class MembershipQuerySet(models.QuerySet):
    def active(self):
        """Memberships that count: active, in an active organisation."""
        return self.filter(is_active=True, organisation__is_active=True)

    def of(self, user, roles=None):
        """The memberships of `user` (with one of `roles` when given)."""
        if not user.is_authenticated:
            return self.none()
        queryset = self.filter(user=user)
        return queryset.filter(role__in=roles) if roles is not None else queryset


class Membership(models.Model):
    """A user's place in an organisation, with a role."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name="utilisateur"
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name="structure",
    )
    role = models.CharField("rôle", max_length=20, choices=Role.choices, default=Role.CONSEILLER)
    is_active = models.BooleanField("active", default=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = "appartenance"
        verbose_name_plural = "appartenances"
        ordering = ["organisation__name", "user__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="membership_user_organisation_unique"
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.organisation} ({self.get_role_display()})"


class Invitation(models.Model):
    """An invitation to join an organisation with a role: the only way in.

    The link carries a signed token (invitation id + a random nonce): tampering breaks
    the signature, a new sending changes the nonce, acceptance makes it single-use.
    Sending and accepting are in partners/invitations.py."""

    email = models.EmailField("adresse e-mail")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name="structure",
    )
    role = models.CharField("rôle", max_length=20, choices=Role.choices, default=Role.CONSEILLER)
    invited_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        related_name="sent_invitations",
        verbose_name="invité par",
    )
    nonce = models.CharField(max_length=32, default="", editable=False)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    sent_at = models.DateTimeField("envoyée le", null=True, blank=True)
    expires_at = models.DateTimeField("expire le", null=True, blank=True)
    accepted_at = models.DateTimeField("acceptée le", null=True, blank=True)
    accepted_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="accepted_invitations",
        verbose_name="acceptée par",
    )

    class Meta:
        verbose_name = "invitation"
        verbose_name_plural = "invitations"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} → {self.organisation}"

    def renew(self, now=None):
        """Prepare a new link, valid 7 days; any earlier link stops working."""
        now = now or timezone.now()
        self.nonce = secrets.token_hex(16)
        self.sent_at = now
        self.expires_at = now + INVITATION_VALIDITY

    @property
    def token(self):
        return signing.dumps({"id": self.pk, "nonce": self.nonce}, salt=INVITATION_SALT)

    @property
    def is_accepted(self):
        return self.accepted_at is not None

    def is_expired(self, now=None):
        return self.expires_at is not None and (now or timezone.now()) >= self.expires_at

    @property
    def url(self):
        return settings.SITE_URL + reverse("partners:accept_invitation", args=[self.token])

    def may_be_accepted_by(self, user):
        """A deactivated account comes back only through the Métropole, and only the
        Métropole adds a staff account to an organisation."""
        if not user.is_active:
            return False
        return not user.is_staff or (self.invited_by is not None and self.invited_by.is_staff)

    @classmethod
    def from_token(cls, token):
        """The invitation a link points to, or None when the token is forged or stale."""
        try:
            data = signing.loads(token, salt=INVITATION_SALT)
        except signing.BadSignature:
            return None
        if not isinstance(data, dict):
            return None
        invitation = cls.objects.filter(pk=data.get("id")).select_related("organisation").first()
        if invitation is None or not secrets.compare_digest(
            invitation.nonce, str(data.get("nonce"))
        ):
            return None
        return invitation


class AuthEvent(AppendOnlyModel):
    """Append-only journal of authentication and account events (who, when, from where)."""

    journal_name = "Le journal d'authentification"

    kind = models.CharField("évènement", max_length=30, choices=AuthEventKind.choices)
    created_at = models.DateTimeField("date", default=timezone.now, db_index=True)
    user = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="auth_events",
        verbose_name="compte concerné",
    )
    actor = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="auteur",
    )
    email = models.CharField("adresse saisie", max_length=254, blank=True)
    ip_address = models.GenericIPAddressField("adresse IP", null=True, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="structure",
    )
    detail = models.CharField("détail", max_length=255, blank=True)

    class Meta:
        verbose_name = "évènement de sécurité"
        verbose_name_plural = "journal de sécurité"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.user or self.email}"


class OutboundEmail(models.Model):
    """An e-mail waiting for, or done with, the Celery task that sends it.

    Rendered in the request, sent by a task: nothing is lost if a process dies.
    The bodies (which may hold single-use links) are emptied once sent."""

    to = models.EmailField("destinataire", db_index=True)
    kind = models.CharField("nature", max_length=40, blank=True, db_index=True)
    subject = models.CharField("objet", max_length=255)
    body_text = models.TextField("texte", blank=True)
    body_html = models.TextField("HTML", blank=True)
    status = models.CharField(
        "statut", max_length=10, choices=EmailStatus.choices, default=EmailStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField("tentatives", default=0)
    last_error = models.CharField("dernière erreur", max_length=255, blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)

    class Meta:
        verbose_name = "e-mail envoyé"
        verbose_name_plural = "e-mails envoyés"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.subject} → {self.to}"


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff see every meeting; members see those their organisations are invited to."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_staff:
            return self
        organisations = Membership.objects.active().of(user).values("organisation_id")
        return self.filter(invitations__organisation_id__in=organisations).distinct()


class Meeting(models.Model):
    """A meeting of the working group « inclusion numérique des TPE »."""

    title = models.CharField("intitulé", max_length=200)
    kind = models.CharField(
        "nature", max_length=20, choices=MeetingKind.choices, default=MeetingKind.WORKING_GROUP
    )
    starts_at = models.DateTimeField(
        "début", null=True, blank=True, help_text="Vide : date à fixer."
    )
    duration = models.PositiveSmallIntegerField("durée (minutes)", default=120)
    place = models.CharField("lieu", max_length=200, blank=True)
    agenda = models.TextField("ordre du jour", blank=True)
    minutes = models.TextField("compte rendu", blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = "réunion du groupe de travail"
        verbose_name_plural = "réunions du groupe de travail"
        ordering = ["-starts_at", "-id"]

    def __str__(self):
        if self.starts_at is None:
            return f"{self.title} (date à fixer)"
        return f"{self.title} du {timezone.localtime(self.starts_at):%d/%m/%Y}"


class MeetingInvitation(models.Model):
    """An organisation invited to a meeting, and whether it came (it feeds the report)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="meeting_invitations",
        verbose_name="structure",
    )
    present = models.BooleanField(
        "présente", null=True, blank=True, help_text="Vide : pas encore connu."
    )
    attendees = models.PositiveSmallIntegerField("nombre de personnes", default=0)

    class Meta:
        verbose_name = "structure invitée"
        verbose_name_plural = "structures invitées"
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "organisation"], name="meeting_invitation_once"
            )
        ]

    def __str__(self):
        return f"{self.organisation} — {self.meeting}"


def meeting_document_path(instance, filename):
    """Meeting documents are private files (common.files.private_name)."""
    return private_name("meetings", filename)


class MeetingDocument(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField("intitulé", max_length=200)
    file = models.FileField(
        "fichier", upload_to=meeting_document_path, validators=[validate_office_document]
    )
    original_name = models.CharField("nom d'origine", max_length=255, blank=True)

    class Meta:
        verbose_name = "document de réunion"
        verbose_name_plural = "documents de réunion"

    def __str__(self):
        return self.title
