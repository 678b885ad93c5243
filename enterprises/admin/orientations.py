"""Orientations in the admin."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from enterprises.admin.base import ThroughEnterpriseMixin
from enterprises.models import (
    Assignment,
)


@admin.register(Assignment)
class AssignmentAdmin(ThroughEnterpriseMixin, SimpleHistoryAdmin):
    list_display = ["enterprise", "organisation", "action", "status", "assigned_by", "created_at"]
    list_filter = ["status", "organisation", "action"]
    search_fields = ["enterprise__name", "enterprise__siret", "organisation__name"]
    list_select_related = ["enterprise", "organisation", "action", "assigned_by"]
    autocomplete_fields = ["enterprise", "organisation"]

    def save_model(self, request, obj, form, change):
        if obj.assigned_by_id is None:
            obj.assigned_by = request.user
        super().save_model(request, obj, form, change)
