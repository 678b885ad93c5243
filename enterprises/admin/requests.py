"""Requests to join and the entrepreneurs' survey answers in the admin."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from enterprises.admin.base import ThroughEnterpriseMixin
from enterprises.models import JoinRequest, Survey


@admin.register(JoinRequest)
class JoinRequestAdmin(admin.ModelAdmin):
    """What the entrepreneur typed is kept as typed; decisions are taken on the triage
    screen (« Demandes »), which creates the enterprise and its contact."""

    list_display = ["__str__", "commune", "status", "created_at", "handled_at", "triage"]
    list_filter = ["status", "commune"]
    search_fields = ["business_name", "siret"]
    list_select_related = ["enterprise"]
    date_hierarchy = "created_at"
    readonly_fields = [
        field.name
        for field in JoinRequest._meta.fields
        if field.name not in ("id", "status", "refusal_reason")
    ] + ["triage"]

    @admin.display(description="triage")
    def triage(self, obj):
        return format_html(
            '<a href="{}">ouvrir l\'écran de triage</a>',
            reverse("enterprises:request_detail", args=[obj.pk]),
        )

    def has_add_permission(self, request):
        return False


@admin.register(Survey)
class SurveyAdmin(ThroughEnterpriseMixin, admin.ModelAdmin):
    """Answers are the entrepreneur's words: read-only here."""

    list_display = ["enterprise", "trigger", "organisation", "sent_at", "usefulness", "answered_at"]
    list_filter = ["trigger", "usefulness", "organisation"]
    search_fields = ["enterprise__name", "enterprise__siret"]
    list_select_related = ["enterprise", "organisation"]
    autocomplete_fields = ["enterprise"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
