"""Export of the budget lines and expenses in the admin (django-import-export).

Export only: money is written through the « Subvention » pages, which check the
ceiling with the convention locked and append to the financial journal
(docs/decisions/004-money-and-history.md); an import would bypass both."""

from common.resources import Choice, Date, Number, Related, Resource, column
from programme.models import Action

from .enums import ExpenseStatus
from .models import BudgetLine, Convention, Expense


class BudgetLineResource(Resource):
    convention = column("convention", "Délibération", Related(Convention, "deliberation_number"))
    action = column("action", "Action du programme", Related(Action, field="name"))
    label = column("label", "Intitulé")
    planned_cost = column("planned_cost", "Coût prévu (€)", Number())
    planned_grant = column("planned_grant", "Part prévue de la subvention (€)", Number())

    class Meta(Resource.Meta):
        model = BudgetLine
        fields = ["convention", "action", "label", "planned_cost", "planned_grant"]
        name = "Lignes budgétaires"

    def get_queryset(self):
        return BudgetLine.objects.select_related("convention", "action")


class ExpenseResource(Resource):
    date = column("date", "Date", Date())
    line = column("line", "Ligne budgétaire", Related(BudgetLine, field="label"))
    supplier = column("supplier", "Fournisseur")
    description = column("description", "Objet")
    amount = column("amount", "Montant TTC (€)", Number())
    grant_amount = column("grant_amount", "Part imputée à la subvention (€)", Number())
    status = column("status", "Statut", Choice(ExpenseStatus.choices))
    reference = column("reference", "Référence du justificatif")

    class Meta(Resource.Meta):
        model = Expense
        fields = ["date", "line", "supplier", "description", "amount", "grant_amount"]
        fields += ["status", "reference"]
        name = "Dépenses"

    def get_queryset(self):
        return Expense.objects.select_related("line")
