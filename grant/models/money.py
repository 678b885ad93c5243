"""The money and the accounting for it: convention, budget lines, expenses, disbursements.

The ceiling (the convention's maximum) is checked with the convention row locked, in the
same transaction as the write, so that two people saving at once cannot pass it."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models, transaction
from django.db.models import Sum
from django.utils import timezone
from simple_history.models import HistoricalRecords

from common.dates import add_months
from common.files import private_name
from common.formatting import CENT, euros

from ..enums import (
    ConventionStatus,
    DisbursementKind,
    ExpenseStatus,
    FinancialEventKind,
)
from .journal import FinancialEvent


def validate_cents(value):
    if value is not None and value != value.quantize(CENT):
        raise ValidationError("Montant en euros et centimes : deux décimales au plus.")


def validate_positive(value):
    if value is not None and value <= 0:
        raise ValidationError("Le montant doit être positif.")


def money_field(verbose_name, validators=(), **kwargs):
    """Euros and cents, as Decimal: never a float near money."""
    return models.DecimalField(
        verbose_name,
        max_digits=12,
        decimal_places=2,
        validators=[validate_cents, *validators],
        **kwargs,
    )


def receipt_path(instance, filename):
    """Receipts are private files (common.files.private_name)."""
    return private_name("receipts", filename)


def document_path(instance, filename):
    """Convention documents are private files (common.files.private_name)."""
    return private_name("conventions", filename)


class Convention(models.Model):
    """The grant agreement between the funder and the Métropole, with its legal facts."""

    programme = models.ForeignKey(
        "programme.Programme",
        on_delete=models.PROTECT,
        related_name="conventions",
        verbose_name="programme",
    )
    title = models.CharField("intitulé", max_length=255)
    funder = models.ForeignKey(
        "partners.Organisation",
        on_delete=models.PROTECT,
        related_name="funded_conventions",
        verbose_name="financeur",
    )
    beneficiary = models.ForeignKey(
        "partners.Organisation",
        on_delete=models.PROTECT,
        related_name="received_conventions",
        verbose_name="bénéficiaire",
    )
    deliberation_number = models.CharField("n° de délibération", max_length=30, unique=True)
    deliberation_date = models.DateField("date de la séance")
    vote_for = models.PositiveSmallIntegerField("voix pour", default=0)
    vote_against = models.PositiveSmallIntegerField("voix contre", default=0)
    vote_abstention = models.PositiveSmallIntegerField("abstentions", default=0)
    vote_not_taking_part = models.PositiveSmallIntegerField("ne prend pas part au vote", default=0)
    prefecture_act_id = models.CharField("identifiant de l'acte (préfecture)", max_length=80)
    published_on = models.DateField("publiée le", null=True, blank=True)
    max_amount = models.DecimalField(
        "montant maximum de la subvention",
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.00")), validate_cents],
    )
    signed_on = models.DateField(
        "signée le",
        null=True,
        blank=True,
        help_text="La convention prend effet à sa signature par l'ensemble des parties.",
    )
    duration_months = models.PositiveSmallIntegerField("durée (mois)", default=12)
    status = models.CharField(
        "statut",
        max_length=20,
        choices=ConventionStatus.choices,
        default=ConventionStatus.EN_PREPARATION,
    )

    signatory_name = models.CharField(
        "signataire du rapport",
        max_length=150,
        blank=True,
        help_text="Nom de la personne qui signe le rapport pour le bénéficiaire.",
    )
    signatory_quality = models.CharField(
        "qualité du signataire", max_length=200, blank=True, help_text="Par exemple : le Président."
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "convention"
        verbose_name_plural = "conventions"
        ordering = ["-deliberation_date"]

    def __str__(self):
        return f"{self.title} ({self.deliberation_number})"

    @property
    def ends_on(self):
        """Signature date plus the duration (one year): unknown until signed."""
        if self.signed_on is None:
            return None
        return add_months(self.signed_on, self.duration_months)

    def days_left(self, today=None):
        """Days until the end (0 once ended), or None before signature."""
        if self.ends_on is None:
            return None
        return max((self.ends_on - (today or timezone.localdate())).days, 0)

    def locked(self):
        """The same convention, its row locked until the transaction ends."""
        return Convention.objects.select_for_update().get(pk=self.pk)


class ConventionDocument(models.Model):
    """The signed convention, its annexes: served only through a staff-only view."""

    convention = models.ForeignKey(
        Convention, on_delete=models.CASCADE, related_name="documents", verbose_name="convention"
    )
    title = models.CharField("intitulé", max_length=200)
    file = models.FileField("fichier", upload_to=document_path)
    original_name = models.CharField("nom d'origine", max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField("déposé le", auto_now_add=True)

    class Meta:
        verbose_name = "document de la convention"
        verbose_name_plural = "documents de la convention"
        ordering = ["-uploaded_at"]

    def __str__(self):
        return self.title


class BudgetLine(models.Model):
    """What an action of the programme is planned to cost, and the grant's part of it."""

    convention = models.ForeignKey(
        Convention, on_delete=models.PROTECT, related_name="lines", verbose_name="convention"
    )
    action = models.ForeignKey(
        "programme.Action",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="budget_lines",
        verbose_name="action du programme",
    )
    label = models.CharField("intitulé", max_length=200)
    planned_cost = money_field("coût prévu", validators=[validate_positive])
    planned_grant = money_field("part prévue de la subvention", default=Decimal("0"))
    position = models.PositiveSmallIntegerField("ordre", default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "ligne budgétaire"
        verbose_name_plural = "lignes budgétaires"
        ordering = ["convention", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(planned_grant__gte=0)
                & models.Q(planned_grant__lte=models.F("planned_cost")),
                name="line_grant_within_cost",
            ),
        ]

    def __str__(self):
        return self.label

    def clean(self):
        if self.planned_grant is not None and self.planned_cost is not None:
            if self.planned_grant < 0:
                raise ValidationError(
                    {"planned_grant": "La part de la subvention ne peut être négative."}
                )
            if self.planned_grant > self.planned_cost:
                raise ValidationError(
                    {"planned_grant": "La part de la subvention ne peut dépasser le coût prévu."}
                )


class Expense(models.Model):
    """An expense of the programme, and the part of it charged to the grant."""

    line = models.ForeignKey(
        BudgetLine,
        on_delete=models.PROTECT,
        related_name="expenses",
        verbose_name="ligne budgétaire",
    )
    date = models.DateField("date")
    supplier = models.CharField("fournisseur", max_length=200)
    description = models.CharField("objet", max_length=255)
    amount = money_field("montant TTC", validators=[validate_positive])
    grant_amount = money_field("part imputée à la subvention", default=Decimal("0"))
    status = models.CharField(
        "statut", max_length=10, choices=ExpenseStatus.choices, default=ExpenseStatus.ENGAGEE
    )
    reference = models.CharField(
        "référence du justificatif",
        max_length=100,
        blank=True,
        help_text="N° de facture, de mandat…",
    )
    receipt = models.FileField("justificatif", upload_to=receipt_path, blank=True)
    receipt_name = models.CharField("nom du justificatif", max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField("saisie le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = "dépense"
        verbose_name_plural = "dépenses"
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(grant_amount__gte=0)
                & models.Q(grant_amount__lte=models.F("amount")),
                name="expense_grant_within_amount",
            ),
        ]

    def __str__(self):
        return f"{self.date:%d/%m/%Y} {self.supplier} — {euros(self.amount)}"

    def clean(self):
        if self.grant_amount is not None and self.amount is not None:
            if self.grant_amount < 0:
                raise ValidationError({"grant_amount": "La part imputée ne peut être négative."})
            if self.grant_amount > self.amount:
                raise ValidationError(
                    {"grant_amount": "La part imputée à la subvention ne peut dépasser le montant."}
                )
        convention = self.line.convention if self.line_id else None
        signed = convention is not None and convention.signed_on is not None
        if signed and self.date and not convention.signed_on <= self.date <= convention.ends_on:
            raise ValidationError(
                {
                    "date": f"La dépense doit être datée pendant la convention, du "
                    f"{convention.signed_on:%d/%m/%Y} au {convention.ends_on:%d/%m/%Y}."
                }
            )


class Disbursement(models.Model):
    """Money received from the funder: avance, acompte, solde."""

    convention = models.ForeignKey(
        Convention,
        on_delete=models.PROTECT,
        related_name="disbursements",
        verbose_name="convention",
    )
    kind = models.CharField("nature", max_length=10, choices=DisbursementKind.choices)
    date = models.DateField("reçu le")
    amount = money_field("montant", validators=[validate_positive])
    reference = models.CharField("référence", max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField("saisi le", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "versement"
        verbose_name_plural = "versements"
        ordering = ["date", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} du {self.date:%d/%m/%Y} — {euros(self.amount)}"


def _shown(instance, field, value):
    """A value as the journal's reader reads it: the label of a choice, an amount in euros,
    a French date; None stays None."""
    if value is None:
        return None
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.DecimalField):
        return euros(value)
    if isinstance(field, models.DateField):
        return f"{value:%d/%m/%Y}"
    if isinstance(field, models.FileField):
        return str(getattr(instance, "receipt_name", "") or value.name) if value else None
    return str(value)


def _changes(old, new, fields):
    """{field label: [old, new]} for the fields that differ, as a person reads them."""
    diff = {}
    for name in fields:
        before = getattr(old, name) if old is not None else None
        after = getattr(new, name)
        if before != after:
            field = type(new)._meta.get_field(name)
            diff[str(field.verbose_name)] = [
                _shown(old, field, before),
                _shown(new, field, after),
            ]
    return diff


class CeilingError(ValidationError):
    """The write would pass the convention's maximum; says how much is still available."""


def _available(convention, used):
    return convention.max_amount - (used or Decimal("0"))


@transaction.atomic
def save_budget_line(line, by):
    """Save a budget line if the planned grant parts stay within the maximum."""
    convention = line.convention.locked()
    others = convention.lines.exclude(pk=line.pk).aggregate(total=Sum("planned_grant"))["total"]
    available = _available(convention, others)
    if line.planned_grant > available:
        raise CeilingError(
            {
                "planned_grant": f"Les parts prévues de la subvention dépasseraient le maximum de "
                f"{euros(convention.max_amount)} : il reste {euros(available)} à répartir."
            }
        )
    old = BudgetLine.objects.filter(pk=line.pk).first() if line.pk else None
    line.save()
    fields = ["label", "action", "planned_cost", "planned_grant"]
    FinancialEvent.objects.create(
        convention=convention,
        kind=FinancialEventKind.LINE_CHANGED if old else FinancialEventKind.LINE_CREATED,
        subject=line.label,
        changes=_changes(old, line, fields),
        by=by,
    )
    return line


@transaction.atomic
def save_expense(expense, by):
    """Save an expense if the grant parts of all expenses stay within the maximum."""
    convention = expense.line.convention.locked()
    others = (
        Expense.objects.filter(line__convention=convention)
        .exclude(pk=expense.pk)
        .aggregate(total=Sum("grant_amount"))["total"]
    )
    available = _available(convention, others)
    if expense.grant_amount > available:
        raise CeilingError(
            {
                "grant_amount": f"La subvention est plafonnée à {euros(convention.max_amount)} : "
                f"il reste {euros(available)} imputable à la subvention."
            }
        )
    old = Expense.objects.filter(pk=expense.pk).first() if expense.pk else None
    if old is None:
        expense.created_by = by
    expense.save()
    fields = [
        "line",
        "date",
        "supplier",
        "description",
        "amount",
        "grant_amount",
        "status",
        "reference",
    ]
    if old is None:
        kind = FinancialEventKind.EXPENSE_CREATED
    elif old.status != ExpenseStatus.PAYEE and expense.status == ExpenseStatus.PAYEE:
        kind = FinancialEventKind.EXPENSE_PAID
    else:
        kind = FinancialEventKind.EXPENSE_CHANGED
    FinancialEvent.objects.create(
        convention=convention,
        kind=kind,
        subject=str(expense),
        changes=_changes(old, expense, fields),
        by=by,
    )
    return expense


@transaction.atomic
def save_disbursement(disbursement, by):
    """Save a disbursement if the total received stays within the maximum."""
    convention = disbursement.convention.locked()
    others = convention.disbursements.exclude(pk=disbursement.pk).aggregate(total=Sum("amount"))[
        "total"
    ]
    available = _available(convention, others)
    if disbursement.amount > available:
        raise CeilingError(
            {
                "amount": f"Les versements ne peuvent dépasser {euros(convention.max_amount)} : "
                f"il reste {euros(available)} à recevoir."
            }
        )
    old = Disbursement.objects.filter(pk=disbursement.pk).first() if disbursement.pk else None
    if old is None:
        disbursement.created_by = by
    disbursement.save()
    FinancialEvent.objects.create(
        convention=convention,
        kind=FinancialEventKind.DISBURSEMENT_CHANGED
        if old
        else FinancialEventKind.DISBURSEMENT_RECEIVED,
        subject=str(disbursement),
        changes=_changes(old, disbursement, ["kind", "date", "amount", "reference"]),
        by=by,
    )
    return disbursement


@transaction.atomic
def save_convention(convention, by):
    """Save the convention's facts (a lower maximum must still cover what is committed)."""
    locked = convention.locked()
    committed = max(
        locked.lines.aggregate(total=Sum("planned_grant"))["total"] or Decimal("0"),
        Expense.objects.filter(line__convention=locked).aggregate(total=Sum("grant_amount"))[
            "total"
        ]
        or Decimal("0"),
        locked.disbursements.aggregate(total=Sum("amount"))["total"] or Decimal("0"),
    )
    if convention.max_amount < committed:
        raise CeilingError(
            {"max_amount": f"Le maximum ne peut descendre sous {euros(committed)}, déjà engagés."}
        )
    fields = [
        "title",
        "signed_on",
        "duration_months",
        "status",
        "max_amount",
        "prefecture_act_id",
        "signatory_name",
        "signatory_quality",
    ]
    diff = _changes(locked, convention, fields)
    convention.save()
    if diff:
        status_label = str(Convention._meta.get_field("status").verbose_name)
        kind = (
            FinancialEventKind.STATUS_CHANGED
            if list(diff) == [status_label]
            else FinancialEventKind.CONVENTION_CHANGED
        )
        FinancialEvent.objects.create(
            convention=convention, kind=kind, subject=str(convention), changes=diff, by=by
        )
    return convention
