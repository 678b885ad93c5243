"""Access requests in the admin: read here, decided on « Demandes d'accès » (which e-mails
the requester), so the admin cannot accept without the orientation or the e-mail."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from enterprises.models import AccessRequest


@admin.register(AccessRequest)
class AccessRequestAdmin(admin.ModelAdmin):
    list_display = ["__str__", "requester", "organisation", "status", "created_at", "decide"]
    list_filter = ["status", "organisation"]
    search_fields = ["siret", "requester__email", "organisation__name"]
    list_select_related = ["requester", "organisation"]
    readonly_fields = [f.name for f in AccessRequest._meta.fields]

    @admin.display(description="décider")
    def decide(self, obj):
        return format_html(
            '<a href="{}">Accepter ou refuser</a>', reverse("enterprises:access_requests")
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
