"""Demo money for `seed_demo`: a signed convention in progress, budget lines summing to the
ceiling, expenses in every status with small PDF receipts, and an avance received."""

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from grant.enums import ConventionStatus, DisbursementKind, ExpenseStatus
from grant.models import (
    BudgetLine,
    Convention,
    Disbursement,
    Expense,
    save_budget_line,
    save_convention,
    save_disbursement,
    save_expense,
)

# (action code, label, planned cost, planned grant part): the grant parts sum to 40 000 €.
LINES = [
    ("conseillers-numeriques-pix", "Conseillers numériques et parcours PIX", "18000", "12000"),
    (
        "animation-numerique-axents",
        "Animation numérique de l'entreprise (Axents)",
        "20000",
        "14000",
    ),
    ("tiers-lieu-gisele-halimi", "Tiers-lieu Gisèle-Halimi, lieu ressource", "9000", "5000"),
    ("groupe-de-travail", "Animation du groupe de travail", "3000", "2000"),
    (
        "evaluation-pair-a-pair",
        "Évaluation universitaire et communauté pair-à-pair",
        "10000",
        "7000",
    ),
]
# (line index, days after signature, supplier, description, amount, grant part, status)
EXPENSES = [
    (0, 20, "GIP PIX", "Licences de campagne PIX Orga", "2400.00", "2400.00", ExpenseStatus.PAYEE),
    (
        1,
        35,
        "Axents",
        "Ateliers « Animation numérique » — 1er trimestre",
        "5000.00",
        "3500.00",
        ExpenseStatus.PAYEE,
    ),
    (
        1,
        120,
        "Axents",
        "Ateliers « Animation numérique » — 2e trimestre",
        "5000.00",
        "3500.00",
        ExpenseStatus.MANDATEE,
    ),
    (
        2,
        60,
        "Imprimerie du Lez",
        "Supports de communication du tiers-lieu",
        "850.00",
        "600.00",
        ExpenseStatus.PAYEE,
    ),
    (
        3,
        90,
        "Traiteur Saveurs d'Ici",
        "Réunion du groupe de travail",
        "420.00",
        "300.00",
        ExpenseStatus.MANDATEE,
    ),
    (
        4,
        150,
        "Université de Montpellier",
        "Convention d'évaluation — 1re tranche",
        "3000.00",
        "2100.00",
        ExpenseStatus.ENGAGEE,
    ),
]


def minimal_pdf(text):
    """A one-page PDF saying `text`: small, valid, enough for a demo receipt."""
    stream = f"BT /F1 12 Tf 50 750 Td ({text}) Tj ET".encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def seed_grant(staff_user, today=None):
    """Fill the délibération's convention once (money is journaled, never rebuilt)."""
    convention = Convention.objects.filter(deliberation_number="M2022-397").first()
    if convention is None or BudgetLine.objects.filter(convention=convention).exists():
        return convention
    today = today or timezone.localdate()
    convention.signed_on = today - datetime.timedelta(days=240)
    convention.status = ConventionStatus.EN_COURS
    # The délibération authorises the Président to sign for the Métropole.
    convention.signatory_name = "Michaël Delafosse"
    convention.signatory_quality = "Le Président de Montpellier Méditerranée Métropole"
    save_convention(convention, staff_user)
    actions = {a.code: a for a in convention.programme.actions.all()}
    lines = []
    for position, (code, label, cost, grant) in enumerate(LINES, start=1):
        line = BudgetLine(
            convention=convention,
            action=actions.get(code),
            label=label,
            planned_cost=Decimal(cost),
            planned_grant=Decimal(grant),
            position=position,
        )
        lines.append(save_budget_line(line, staff_user))
    for index, (line, days, supplier, description, amount, grant, status) in enumerate(
        EXPENSES, start=1
    ):
        expense = Expense(
            line=lines[line],
            date=convention.signed_on + datetime.timedelta(days=days),
            supplier=supplier,
            description=description,
            amount=Decimal(amount),
            grant_amount=Decimal(grant),
            status=status,
            reference=f"FAC-{convention.signed_on.year}-{index:03d}",
        )
        name = f"facture-{index:03d}.pdf"
        expense.receipt.save(
            name, ContentFile(minimal_pdf(f"Facture {index} - {supplier}")), save=False
        )
        expense.receipt_name = name
        save_expense(expense, staff_user)
    save_disbursement(
        Disbursement(
            convention=convention,
            kind=DisbursementKind.AVANCE,
            date=convention.signed_on + datetime.timedelta(days=30),
            amount=Decimal("12000.00"),
            reference="CDC-AVANCE-30%",
        ),
        staff_user,
    )
    return convention
