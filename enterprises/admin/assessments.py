"""Diagnostics and PIX proposals in the admin."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from simple_history.admin import SimpleHistoryAdmin

from common.admin import ReadOnlyAdmin
from enterprises.admin.base import (
    PIX_SESSION_KEY,
    ImportForm,
    ThroughContactMixin,
    ThroughEnterpriseMixin,
    stash_upload,
    unstash_upload,
)
from enterprises.imports.pix import apply_pix, confirm_proposal, prepare_pix
from enterprises.imports.pix_format import DEFAULT_EXTERNAL_ID_LABEL
from enterprises.models import (
    Assessment,
    PixCampaign,
    PixProposal,
)

PIX_LABEL_SESSION_KEY = "pix_import_label"


class PixImportForm(ImportForm):
    external_id_label = forms.CharField(
        label="Libellé de l'identifiant externe de la campagne",
        max_length=100,
        required=False,
        help_text="Tel que saisi dans PIX Orga. Vide : celui retenu pour la campagne au dernier "
        f"import, sinon « {DEFAULT_EXTERNAL_ID_LABEL} ».",
    )


@admin.register(Assessment)
class AssessmentAdmin(ThroughEnterpriseMixin, SimpleHistoryAdmin):
    list_display = ["date", "enterprise", "contact", "kind", "source", "overall", "pix_campaign"]
    list_filter = ["kind", "source"]
    search_fields = ["enterprise__name", "enterprise__siret", "contact__last_name", "pix_campaign"]
    list_select_related = ["enterprise", "contact"]
    autocomplete_fields = ["enterprise"]
    raw_id_fields = ["contact"]

    def get_urls(self):
        custom = [
            path(
                "importer-pix/",
                self.admin_site.admin_view(self.import_view),
                name="enterprises_pix_import",
            )
        ]
        return custom + super().get_urls()

    def import_view(self, request):
        """Upload a PIX Orga export: preview (nothing written), then import all or nothing."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Importer des résultats PIX",
        }
        if request.method == "POST" and "confirm" in request.POST:
            stashed = unstash_upload(request, PIX_SESSION_KEY)
            if stashed is None:
                self.message_user(
                    request, "Aperçu expiré : déposez le fichier de nouveau.", messages.ERROR
                )
                return redirect("admin:enterprises_pix_import")
            label = request.session.get(PIX_LABEL_SESSION_KEY) or None
            prepared = prepare_pix(stashed[1], stashed[0], label)
            try:
                created, proposed = apply_pix(prepared, user=request.user)
            except ValueError as error:
                self.message_user(request, str(error), messages.ERROR)
                return redirect("admin:enterprises_pix_import")
            self.message_user(
                request,
                f"Import PIX terminé : {created} diagnostic(s) créé(s), "
                f"{proposed} rapprochement(s) à confirmer.",
            )
            return redirect(
                "admin:enterprises_pixproposal_changelist"
                if proposed
                else "admin:enterprises_assessment_changelist"
            )
        form = PixImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            content = upload.read()
            label = form.cleaned_data["external_id_label"].strip() or None
            request.session[PIX_LABEL_SESSION_KEY] = label
            prepared = prepare_pix(content, upload.name, label)
            context["prepared"] = prepared
            if prepared.ok:
                context["token"] = stash_upload(request, PIX_SESSION_KEY, upload.name, content)
        context["form"] = form
        return TemplateResponse(request, "admin/enterprises/assessment/pix_import.html", context)


@admin.register(PixCampaign)
class PixCampaignAdmin(admin.ModelAdmin):
    """The label each campaign's external id was created with, kept from one import to
    the next (and editable when the campaign's settings change in PIX Orga)."""

    list_display = ["code", "external_id_label", "created_at"]
    search_fields = ["code"]
    fields = ["code", "external_id_label"]


@admin.register(PixProposal)
class PixProposalAdmin(ThroughContactMixin, ReadOnlyAdmin):
    list_display = [
        "participant_name",
        "contact",
        "enterprise",
        "campaign",
        "overall",
        "shared_at",
        "accepted",
        "decided_at",
    ]
    list_filter = [("decided_at", admin.EmptyFieldListFilter), "accepted", "campaign"]
    search_fields = ["participant_name", "external_id", "contact__last_name"]
    list_select_related = ["contact__enterprise"]
    actions = ["accept", "reject"]

    @admin.display(description="entreprise")
    def enterprise(self, obj):
        return obj.contact.enterprise

    @admin.display(description="maîtrise globale (%)")
    def overall(self, obj):
        return obj.scores.get("overall")

    def has_change_permission(self, request, obj=None):
        return request.user.is_staff  # actions need it; the form stays read-only

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def _decide(self, request, queryset, accept):
        done = 0
        for proposal in queryset.filter(decided_at__isnull=True):
            try:
                confirm_proposal(proposal, request.user, accept)
                done += 1
            except ValueError as error:
                self.message_user(request, f"{proposal} : {error}", messages.WARNING)
        verb = "confirmé(s) : diagnostic(s) créé(s)" if accept else "écarté(s)"
        self.message_user(request, f"{done} rapprochement(s) {verb}.")

    @admin.action(description="Confirmer : c'est bien ce contact (crée le diagnostic)")
    def accept(self, request, queryset):
        self._decide(request, queryset, True)

    @admin.action(description="Écarter : ce n'est pas ce contact")
    def reject(self, request, queryset):
        self._decide(request, queryset, False)
