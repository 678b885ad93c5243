from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from common.admin import ReadOnlyAdmin
from common.resources import ExportAdminMixin

from .models import (
    BudgetLine,
    Convention,
    ConventionDocument,
    Disbursement,
    Expense,
    FinancialEvent,
    IndicatorTarget,
    Report,
    ResearchExportEvent,
    ResearchJob,
    Study,
)
from .resources import BudgetLineResource, ExpenseResource


class IndicatorTargetInline(admin.TabularInline):
    """The convention's targets: the report compares each with its result."""

    model = IndicatorTarget
    extra = 0


@admin.register(Convention)
class ConventionAdmin(SimpleHistoryAdmin):
    """Legal facts are edited here; amounts and dates that touch the ceiling go through
    the « Subvention » pages, which lock the convention while they check it."""

    list_display = [
        "title",
        "deliberation_number",
        "funder",
        "max_amount",
        "signed_on",
        "ends_on",
        "status",
    ]
    list_filter = ["status", "funder"]
    search_fields = ["title", "deliberation_number", "prefecture_act_id"]
    list_select_related = ["funder", "beneficiary", "programme"]
    autocomplete_fields = ["funder", "beneficiary", "programme"]
    readonly_fields = ["ends_on", "max_amount", "status", "signed_on"]
    inlines = [IndicatorTargetInline]
    fieldsets = [
        (None, {"fields": ["title", "programme", "funder", "beneficiary", "status"]}),
        (
            "Délibération",
            {
                "fields": [
                    "deliberation_number",
                    "deliberation_date",
                    ("vote_for", "vote_against", "vote_abstention", "vote_not_taking_part"),
                    "prefecture_act_id",
                    "published_on",
                ]
            },
        ),
        ("Montant et durée", {"fields": ["max_amount", "signed_on", "duration_months", "ends_on"]}),
    ]

    @admin.display(description="fin de la convention")
    def ends_on(self, obj):
        return obj.ends_on


class MoneyAdmin(SimpleHistoryAdmin, ReadOnlyAdmin):
    """Money is written through the « Subvention » pages (ceiling checked, journaled);
    the admin lists it and shows its history."""


@admin.register(BudgetLine)
class BudgetLineAdmin(ExportAdminMixin, MoneyAdmin):
    resource_classes = [BudgetLineResource]
    list_display = ["label", "convention", "action", "planned_cost", "planned_grant"]
    list_filter = ["convention", "action"]
    search_fields = ["label"]


@admin.register(Expense)
class ExpenseAdmin(ExportAdminMixin, MoneyAdmin):
    resource_classes = [ExpenseResource]
    list_display = ["date", "supplier", "description", "line", "amount", "grant_amount", "status"]
    list_filter = ["status", "line__convention", "line"]
    search_fields = ["supplier", "description", "reference"]
    list_select_related = ["line"]
    date_hierarchy = "date"
    exclude = ["receipt"]


@admin.register(Disbursement)
class DisbursementAdmin(MoneyAdmin):
    list_display = ["date", "kind", "amount", "reference", "convention"]
    list_filter = ["kind", "convention"]


@admin.register(ConventionDocument)
class ConventionDocumentAdmin(ReadOnlyAdmin):
    list_display = ["title", "convention", "original_name", "uploaded_by", "uploaded_at"]
    exclude = ["file"]


@admin.register(FinancialEvent)
class FinancialEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "kind", "subject", "by", "convention"]
    list_filter = ["kind", "convention"]
    search_fields = ["subject"]
    list_select_related = ["by", "convention"]
    date_hierarchy = "at"


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = [
        "__str__",
        "convention",
        "status",
        "requested_by",
        "created_at",
        "transmitted_at",
        "checksum",
    ]
    list_filter = ["status", "kind", "convention"]
    exclude = ["pdf", "xlsx"]


@admin.register(Study)
class StudyAdmin(admin.ModelAdmin):
    """Studies of the university. Their key is never shown: it only makes pseudonyms."""

    list_display = ["name", "team", "created_at", "key_rotated_at"]
    fields = ["name", "team", "created_at", "key_rotated_at"]
    readonly_fields = ["created_at", "key_rotated_at"]
    search_fields = ["name"]


@admin.register(ResearchJob)
class ResearchJobAdmin(ReadOnlyAdmin):
    list_display = ["study", "start", "end", "status", "requested_by", "created_at"]
    list_filter = ["status", "study"]
    exclude = ["archive"]


@admin.register(ResearchExportEvent)
class ResearchExportEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "kind", "study", "start", "end", "by"]
    list_filter = ["kind", "study"]


@admin.register(IndicatorTarget)
class IndicatorTargetAdmin(admin.ModelAdmin):
    """Targets are usually edited on the convention's page; this list shows them all."""

    list_display = ["convention", "indicator", "target", "note"]
    list_filter = ["convention", "indicator"]
