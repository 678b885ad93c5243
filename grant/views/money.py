"""The convention and its money: staff pages. Anyone else gets 404."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from common.exports import export_response
from common.files import private_file_response
from common.perms import staff_only
from common.tabular import Column
from grant.enums import FinancialEventKind
from grant.forms import (
    BudgetLineForm,
    ConventionForm,
    DisbursementForm,
    DocumentForm,
    ExpenseForm,
)
from grant.indicators import (
    expense_totals,
    grant_execution,
)
from grant.models import (
    CeilingError,
    Convention,
    ConventionDocument,
    Expense,
    FinancialEvent,
    save_budget_line,
    save_convention,
    save_disbursement,
    save_expense,
)


@staff_only
def convention_detail(request, pk):
    convention = get_object_or_404(
        Convention.objects.select_related("funder", "beneficiary"), pk=pk
    )
    return render(
        request,
        "grant/convention.html",
        {
            "execution": grant_execution(convention),
            "documents": convention.documents.all(),
            "expenses": Expense.objects.filter(line__convention=convention).select_related("line"),
            "disbursements": convention.disbursements.all(),
            "events": convention.events.select_related("by")[:15],
            "reports": convention.reports.select_related("transmitted_by")[:20],
        },
    )


def _edit(request, form, save, success, title, convention, multipart=False):
    """A form page whose save is checked against the ceiling: on success back to the
    convention, on refusal the same form with the amount still available."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.save(commit=False), request.user)
        except CeilingError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, success)
            return redirect("grant:convention", pk=convention.pk)
    return render(
        request,
        "grant/form.html",
        {"form": form, "title": title, "convention": convention, "multipart": multipart},
    )


@staff_only
def convention_edit(request, pk):
    convention = get_object_or_404(Convention, pk=pk)
    form = ConventionForm(request.POST or None, instance=convention)
    return _edit(
        request,
        form,
        save_convention,
        "Convention enregistrée.",
        "Modifier la convention",
        convention,
    )


@staff_only
def line_form(request, pk, line_pk=None):
    convention = get_object_or_404(Convention, pk=pk)
    line = get_object_or_404(convention.lines, pk=line_pk) if line_pk else None
    form = BudgetLineForm(request.POST or None, instance=line, convention=convention)
    title = "Modifier la ligne budgétaire" if line else "Nouvelle ligne budgétaire"
    return _edit(
        request, form, save_budget_line, "Ligne budgétaire enregistrée.", title, convention
    )


@staff_only
def expense_form(request, pk, expense_pk=None):
    convention = get_object_or_404(Convention, pk=pk)
    expense = (
        get_object_or_404(Expense, pk=expense_pk, line__convention=convention)
        if expense_pk
        else None
    )
    form = ExpenseForm(
        request.POST or None, request.FILES or None, instance=expense, convention=convention
    )
    upload = request.FILES.get("receipt")
    if upload:
        form.instance.receipt_name = upload.name[:255]
    title = "Modifier la dépense" if expense else "Nouvelle dépense"
    return _edit(
        request, form, save_expense, "Dépense enregistrée.", title, convention, multipart=True
    )


@staff_only
def disbursement_form(request, pk, disbursement_pk=None):
    convention = get_object_or_404(Convention, pk=pk)
    disbursement = (
        get_object_or_404(convention.disbursements, pk=disbursement_pk) if disbursement_pk else None
    )
    form = DisbursementForm(request.POST or None, instance=disbursement, convention=convention)
    title = "Modifier le versement" if disbursement else "Nouveau versement reçu"
    return _edit(request, form, save_disbursement, "Versement enregistré.", title, convention)


@staff_only
def document_upload(request, pk):
    convention = get_object_or_404(Convention, pk=pk)
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        document = form.save(commit=False)
        document.convention, document.uploaded_by = convention, request.user
        document.original_name = request.FILES["file"].name[:255]
        document.save()
        FinancialEvent.objects.create(
            convention=convention,
            kind=FinancialEventKind.DOCUMENT_ADDED,
            subject=document.title,
            by=request.user,
        )
        messages.success(request, "Document ajouté.")
        return redirect("grant:convention", pk=pk)
    return render(
        request,
        "grant/form.html",
        {"form": form, "title": "Ajouter un document", "convention": convention, "multipart": True},
    )


@staff_only
def expense_receipt(request, pk):
    expense = get_object_or_404(Expense, pk=pk)
    return private_file_response(expense.receipt, expense.receipt_name)


@staff_only
def document_download(request, pk):
    document = get_object_or_404(ConventionDocument, pk=pk)
    return private_file_response(document.file, document.original_name)


STATEMENT_COLUMNS = [
    Column("Ligne budgétaire", lambda e: e.line.label if e.pk else "TOTAL"),
    Column("Date", lambda e: e.date),
    Column("Fournisseur", lambda e: e.supplier),
    Column("Objet", lambda e: e.description),
    Column("Montant TTC (€)", lambda e: e.amount),
    Column("Part imputée à la subvention (€)", lambda e: e.grant_amount),
    Column("Statut", lambda e: e.get_status_display() if e.pk else ""),
    Column("Référence du justificatif", lambda e: e.reference or e.receipt_name),
]


@staff_only
def statement(request, pk, fmt):
    """« État récapitulatif des dépenses »: every expense, then the totals; signed by nobody."""
    convention = get_object_or_404(Convention, pk=pk)
    expenses = list(
        Expense.objects.filter(line__convention=convention)
        .select_related("line")
        .order_by("line__position", "date")
    )
    totals = expense_totals(convention)
    total_row = Expense(
        date=None,
        supplier="",
        description="",
        amount=totals["amount"],
        grant_amount=totals["grant_amount"],
    )
    metadata = [
        ("État récapitulatif des dépenses", str(convention)),
        ("Bénéficiaire", str(convention.beneficiary)),
        ("Financeur", str(convention.funder)),
        ("Édité le", timezone.localtime()),
        ("Édité par", request.user.get_full_name() or request.user.email),
        ("Visa", "à signer par l'ordonnateur : document non signé"),
    ]
    rows = [*expenses, total_row]
    return export_response(
        fmt,
        STATEMENT_COLUMNS,
        rows,
        filename=f"etat-recapitulatif-depenses-{convention.deliberation_number}",
        metadata=metadata,
        sheet_title="État des dépenses",
    )
