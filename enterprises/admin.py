from django.contrib import admin

from .models import Enterprise


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ["name", "siret", "qpv", "stage", "naf", "referent", "source"]
    list_filter = ["stage", "qpv", "qpv_source", "source", "naf__section"]
    search_fields = ["siret", "name", "trade_name", "commune"]
    list_select_related = ["qpv", "naf", "referent"]
    autocomplete_fields = ["naf", "qpv", "referent"]
    readonly_fields = ["created_at", "updated_at"]
