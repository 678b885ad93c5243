"""Pair à pair in the admin: consents are read-only records (they are given and withdrawn
by the entrepreneurs, through their conseiller or their signed links)."""

from django.contrib import admin

from common.admin import ReadOnlyAdmin
from enterprises.admin.base import ThroughEnterpriseMixin
from enterprises.models import (
    Consent,
    Enterprise,
    EventActivity,
    EventRegistration,
    Pair,
    Pairing,
    PairSession,
    Story,
)


@admin.register(Consent)
class ConsentAdmin(ThroughEnterpriseMixin, ReadOnlyAdmin):
    list_display = ["enterprise", "purpose", "method", "given_at", "withdrawn_at"]
    list_filter = ["purpose", "method"]
    search_fields = ["enterprise__name", "enterprise__siret"]
    list_select_related = ["enterprise"]


@admin.register(Pair)
class PairAdmin(ThroughEnterpriseMixin, admin.ModelAdmin):
    list_display = ["enterprise", "created_at"]
    search_fields = ["enterprise__name", "enterprise__siret"]
    list_select_related = ["enterprise"]
    autocomplete_fields = ["enterprise"]
    raw_id_fields = ["consent", "proposed_by"]
    filter_horizontal = ["topics"]


@admin.register(Pairing)
class PairingAdmin(admin.ModelAdmin):
    list_display = ["pair", "mentee", "status", "proposed_at", "started_on", "ended_on"]
    list_filter = ["status", "outcome"]
    search_fields = ["mentee__name", "pair__enterprise__name"]
    list_select_related = ["pair__enterprise", "mentee"]
    raw_id_fields = ["pair", "mentee", "proposed_by"]
    filter_horizontal = ["topics", "students"]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


@admin.register(PairSession)
class PairSessionAdmin(admin.ModelAdmin):
    list_display = ["pairing", "activity"]
    list_select_related = ["pairing__pair__enterprise", "pairing__mentee", "activity"]
    raw_id_fields = ["pairing", "activity"]

    def get_queryset(self, request):
        visible = Enterprise.objects.visible_to(request.user)
        return super().get_queryset(request).filter(pairing__mentee__in=visible)


@admin.register(Story)
class StoryAdmin(ThroughEnterpriseMixin, admin.ModelAdmin):
    """Stories are written and validated from the workspace; the admin shows them."""

    list_display = ["business_name", "trade", "neighbourhood", "validated_at"]
    search_fields = ["business_name", "enterprise__name"]
    list_select_related = ["enterprise"]
    readonly_fields = ["consent", "validated_at", "validated_by", "written_by"]
    raw_id_fields = ["enterprise"]


@admin.register(EventRegistration)
class EventRegistrationAdmin(ThroughEnterpriseMixin, admin.ModelAdmin):
    list_display = ["enterprise", "meeting", "invited_at", "registered_at", "attended"]
    list_filter = ["attended"]
    search_fields = ["enterprise__name", "meeting__title"]
    list_select_related = ["enterprise", "meeting"]
    raw_id_fields = ["enterprise", "contact", "meeting"]


@admin.register(EventActivity)
class EventActivityAdmin(ReadOnlyAdmin):
    list_display = ["meeting", "activity"]
    list_select_related = ["meeting", "activity"]
