"""The money and the accounting for it, one module per concern."""

from .journal import FinancialEvent
from .money import (
    BudgetLine,
    CeilingError,
    Convention,
    ConventionDocument,
    Disbursement,
    Expense,
    document_path,
    money_field,
    receipt_path,
    save_budget_line,
    save_convention,
    save_disbursement,
    save_expense,
    validate_cents,
    validate_positive,
)
from .reports import NARRATIVE_MAX, STALE_AFTER, Report, report_path
from .research import ResearchExportEvent, ResearchJob, Study, research_path
from .targets import IndicatorTarget

__all__ = [
    "NARRATIVE_MAX",
    "STALE_AFTER",
    "BudgetLine",
    "CeilingError",
    "Convention",
    "ConventionDocument",
    "Disbursement",
    "Expense",
    "FinancialEvent",
    "IndicatorTarget",
    "Report",
    "ResearchExportEvent",
    "ResearchJob",
    "Study",
    "document_path",
    "money_field",
    "receipt_path",
    "report_path",
    "research_path",
    "save_budget_line",
    "save_convention",
    "save_disbursement",
    "save_expense",
    "validate_cents",
    "validate_positive",
]
