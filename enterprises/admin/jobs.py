"""Long imports and exports, for operators: read only (files are served to their owner)."""

from django.contrib import admin

from enterprises.models import Job
from partners.admin import ReadOnlyAdmin


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "status", "progress", "requested_by", "summary"]
    list_filter = ["kind", "status"]
    search_fields = ["summary", "requested_by__email"]
    list_select_related = ["requested_by"]
    exclude = ["source", "result", "params", "errors"]
