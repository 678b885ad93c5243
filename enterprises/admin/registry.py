import base64
import secrets

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from simple_history.admin import SimpleHistoryAdmin

from partners.admin import ReadOnlyAdmin
from partners.models import User
from partners.tabular import Column, write_csv, write_xlsx

from .enums import ExitReason, Stage
from .exports import enterprise_columns
from .imports import TEMPLATE, apply_import, prepare_import
from .models import (
    Activity,
    Assessment,
    Assignment,
    Contact,
    Enterprise,
    Participation,
    PixProposal,
    StageChange,
    assigned_organisations,
)
from .pix import apply_pix, confirm_proposal, prepare_pix


class ContactInline(admin.StackedInline):
    model = Contact
    extra = 0
    fields = [
        ("first_name", "last_name", "role"),
        ("email", "phone"),
        ("consent_date", "consent_method"),
        "consent_purpose",
        "pix_external_id",
    ]


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    fields = ["organisation", "action", "status", "message", "assigned_by", "created_at"]
    readonly_fields = ["assigned_by", "created_at"]
    autocomplete_fields = ["organisation"]


class StageChangeInline(admin.TabularInline):
    model = StageChange
    extra = 0
    fields = ["at", "from_stage", "to_stage", "reason", "note", "by"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class QuickActionCheckbox:
    """Django renders each row's action checkbox through the form templates, about a
    millisecond a row, a third of a 50-row changelist: the same markup, written directly
    (a test compares it with Django's)."""

    def action_checkbox(self, obj):
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            str(obj.pk),
            format_html(gettext("Select this object for an action - {}"), str(obj)),
        )


class PartnerFilter(admin.SimpleListFilter):
    title = "structure partenaire"
    parameter_name = "partenaire"

    def lookups(self, request, model_admin):
        return [(o.pk, o.name) for o in assigned_organisations()]

    def queryset(self, request, queryset):
        if self.value():
            assigned = Assignment.objects.filter(organisation_id=self.value())
            return queryset.filter(pk__in=assigned.values("enterprise_id"))
        return queryset


IMPORT_SESSION_KEY = "enterprise_import"
PIX_SESSION_KEY = "pix_import"
MAX_UPLOAD = 10 * 1024 * 1024


def stash_upload(request, key, name, content):
    """Keep an uploaded file in the session between preview and confirmation; returns the
    token the confirmation must bring back. The file leaves the session when confirmed."""
    token = secrets.token_urlsafe(12)
    request.session[key] = {
        "name": name,
        "content": base64.b64encode(content).decode(),
        "token": token,
    }
    return token


def unstash_upload(request, key):
    """(name, content) of the stashed file if the token matches, else None; always drops it."""
    stored = request.session.pop(key, None)
    if not stored or stored["token"] != request.POST.get("token"):
        return None
    return stored["name"], base64.b64decode(stored["content"])


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Fichier CSV ou Excel (.xlsx)",
        help_text="Séparateur ; ou , — UTF-8 ou Windows-1252 — 10 Mo au plus.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError("Fichier trop lourd (10 Mo au plus).")
        return upload


def action_page(modeladmin, request, queryset, form, title, action):
    """The intermediate page of an admin action that needs a form."""
    return render(
        request,
        "admin/enterprises/enterprise/action_form.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": title,
            "form": form,
            "queryset": queryset,
            "action": action,
            "opts": modeladmin.model._meta,
        },
    )


class ReferentForm(forms.Form):
    referent = forms.ModelChoiceField(
        label="Nouveau référent", queryset=User.objects.filter(is_active=True), required=False
    )


class MoveForm(forms.Form):
    to_stage = forms.ChoiceField(label="Nouvelle étape", choices=Stage.choices)
    reason = forms.ChoiceField(
        label="Motif de sortie", choices=[("", "—"), *ExitReason.choices], required=False
    )
    note = forms.CharField(label="Précision", required=False, max_length=255)


@admin.register(Enterprise)
class EnterpriseAdmin(QuickActionCheckbox, SimpleHistoryAdmin):
    list_display = ["name", "trade_name", "siret", "qpv", "stage", "naf", "referent", "tpe_status"]
    list_filter = [
        "stage",
        "qpv",
        "naf__section",
        # No referent filter: hundreds of conseillers at national scale made the sidebar
        # the slowest part of the page. Search by a referent's e-mail, or use the
        # workspace list, which filters by referent.
        PartnerFilter,
        "source",
        "tpe_status",
        "qpv_source",
    ]
    search_fields = [
        "siret",
        "name",
        "trade_name",
        "commune",
        "contacts__last_name",
        "contacts__first_name",
        "contacts__email",
        "referent__email",
    ]
    list_select_related = ["qpv", "naf", "referent"]
    # 20 000 enterprises at national scale: 50 a page, one COUNT (README, « Performance »).
    list_per_page = 50
    show_full_result_count = False
    autocomplete_fields = ["naf", "qpv", "referent"]
    readonly_fields = [
        "tpe_status",
        "tpe_reason",
        "point_qpv",
        "stage",
        "exit_reason",
        "stage_changed_at",
        "created_at",
        "updated_at",
    ]
    inlines = [ContactInline, AssignmentInline, StageChangeInline]
    actions = ["assign_to", "change_referent", "move_stage", "export_xlsx"]
    fieldsets = [
        (
            "Identité",
            {
                "fields": [
                    "siret",
                    "name",
                    "trade_name",
                    "legal_form",
                    "naf",
                    "created_on",
                    "source",
                ]
            },
        ),
        (
            "Taille",
            {
                "fields": [
                    "headcount",
                    "headcount_band",
                    "turnover",
                    "balance_sheet",
                    "tpe_status",
                    "tpe_reason",
                ]
            },
        ),
        (
            "Adresse et QPV",
            {
                "fields": [
                    "address",
                    "postcode",
                    "commune",
                    "latitude",
                    "longitude",
                    "qpv",
                    "qpv_source",
                    "point_qpv",
                ]
            },
        ),
        (
            "Parcours",
            {
                "fields": [
                    "stage",
                    "exit_reason",
                    "stage_changed_at",
                    "referent",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        # The admin never shows a QPV contour in a list: not read with every row.
        return super().get_queryset(request).visible_to(request.user).defer("qpv__polygon")

    def get_urls(self):
        custom = [
            path(
                "importer/", self.admin_site.admin_view(self.import_view), name="enterprises_import"
            ),
            path(
                "importer/modele.<str:fmt>",
                self.admin_site.admin_view(self.template_view),
                name="enterprises_import_template",
            ),
        ]
        return custom + super().get_urls()

    def import_view(self, request):
        """Upload → preview of every row (nothing written) → confirm: all or nothing.

        Between preview and confirmation the file waits in the session; it is dropped as
        soon as the import is done or abandoned."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Importer des entreprises",
        }
        if request.method == "POST" and "confirm" in request.POST:
            stashed = unstash_upload(request, IMPORT_SESSION_KEY)
            if stashed is None:
                self.message_user(
                    request, "Aperçu expiré : déposez le fichier de nouveau.", messages.ERROR
                )
                return redirect("admin:enterprises_import")
            prepared = prepare_import(stashed[1], stashed[0])
            if not prepared.ok:
                context.update(form=ImportForm(), prepared=prepared)
                return TemplateResponse(
                    request, "admin/enterprises/enterprise/import.html", context
                )
            created, updated = apply_import(prepared, user=request.user)
            self.message_user(
                request,
                f"Import terminé : {created} entreprise(s) créée(s), {updated} mise(s) à jour.",
            )
            return redirect("admin:enterprises_enterprise_changelist")
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            content = upload.read()
            prepared = prepare_import(content, upload.name)
            context["prepared"] = prepared
            if prepared.ok:
                context["token"] = stash_upload(request, IMPORT_SESSION_KEY, upload.name, content)
            else:
                request.session.pop(IMPORT_SESSION_KEY, None)
        context["form"] = form
        return TemplateResponse(request, "admin/enterprises/enterprise/import.html", context)

    def template_view(self, request, fmt):
        """The import template: the recognised headers and an example line."""
        columns = [
            Column(header, lambda row, i=i: row[i]) for i, (header, _) in enumerate(TEMPLATE)
        ]
        example = [[value for _, value in TEMPLATE]]
        if fmt == "xlsx":
            content = write_xlsx(columns, example, sheet_title="Entreprises")
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        else:
            content, content_type = write_csv(columns, example), "text/csv; charset=utf-8"
            fmt = "csv"
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="modele-import-entreprises.{fmt}"'
        return response

    def save_model(self, request, obj, form, change):
        obj.locate()
        super().save_model(request, obj, form, change)
        if not change:
            StageChange.objects.create(enterprise=obj, to_stage=obj.stage, by=request.user)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for instance in instances:
            if isinstance(instance, Assignment) and instance.assigned_by_id is None:
                instance.assigned_by = request.user
            instance.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()

    @admin.action(description="Orienter les entreprises sélectionnées vers une structure")
    def assign_to(self, request, queryset):
        from .inbox_views import AssignForm
        from .notifications import assign

        form = AssignForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            done, refused = 0, []
            for enterprise in queryset:
                for organisation in form.cleaned_data["organisations"]:
                    try:
                        assign(
                            enterprise,
                            organisation,
                            by=request.user,
                            action=form.cleaned_data["programme_action"],
                            message=form.cleaned_data["message"],
                        )
                        done += 1
                    except ValidationError as error:
                        refused.extend(error.messages)
            self.message_user(
                request, f"{done} orientation(s) créée(s) ; les membres sont prévenus."
            )
            for line in refused:
                self.message_user(request, line, messages.WARNING)
            return None
        return action_page(
            self, request, queryset, form, "Orienter vers une structure", "assign_to"
        )

    @admin.action(description="Changer le référent des entreprises sélectionnées")
    def change_referent(self, request, queryset):
        form = ReferentForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            referent = form.cleaned_data["referent"]
            with transaction.atomic():
                for enterprise in queryset:  # one save each: the history keeps who and when
                    enterprise.referent = referent
                    enterprise.save(update_fields=["referent", "updated_at"])
            self.message_user(request, f"Référent changé pour {queryset.count()} entreprise(s).")
            return None
        return action_page(self, request, queryset, form, "Changer le référent", "change_referent")

    @admin.action(description="Faire avancer le parcours des entreprises sélectionnées")
    def move_stage(self, request, queryset):
        form = MoveForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            moved, refused = 0, []
            for enterprise in queryset:
                try:
                    enterprise.move_to(
                        form.cleaned_data["to_stage"],
                        by=request.user,
                        reason=form.cleaned_data["reason"],
                        note=form.cleaned_data["note"],
                    )
                    moved += 1
                except ValidationError as error:
                    refused.append(f"{enterprise} : {' '.join(error.messages)}")
            self.message_user(request, f"{moved} entreprise(s) déplacée(s).")
            for line in refused:
                self.message_user(request, line, messages.WARNING)
            return None
        return action_page(self, request, queryset, form, "Changer d'étape", "move_stage")

    @admin.action(description="Exporter la sélection (Excel)")
    def export_xlsx(self, request, queryset):
        queryset = queryset.select_related("qpv", "naf").prefetch_related(
            "assignments__organisation", "contacts"
        )
        metadata = [
            ("Exporté par", request.user.get_full_name() or request.user.email),
            ("Le", timezone.localtime()),
            ("Sélection", f"{queryset.count()} entreprise(s) choisie(s) dans l'administration"),
        ]
        columns = enterprise_columns(set(queryset.values_list("pk", flat=True)))
        response = HttpResponse(
            write_xlsx(columns, queryset, metadata, "Entreprises"),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="entreprises-selection.xlsx"'
        return response


class ThroughEnterpriseMixin:
    """Objects hanging off enterprises are read through the visibility rule."""

    def get_queryset(self, request):
        visible = Enterprise.objects.visible_to(request.user)
        return super().get_queryset(request).filter(enterprise__in=visible)


class ThroughContactMixin:
    """Objects hanging off contacts are read through their enterprise's visibility."""

    def get_queryset(self, request):
        visible = Enterprise.objects.visible_to(request.user)
        return super().get_queryset(request).filter(contact__enterprise__in=visible)


@admin.register(Contact)
class ContactAdmin(ThroughEnterpriseMixin, SimpleHistoryAdmin):
    list_display = ["__str__", "enterprise", "role", "email", "consent_date", "anonymised_at"]
    search_fields = ["first_name", "last_name", "email", "pix_external_id", "enterprise__name"]
    list_filter = ["consent_method", ("anonymised_at", admin.EmptyFieldListFilter)]
    list_select_related = ["enterprise"]
    autocomplete_fields = ["enterprise"]


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


@admin.register(StageChange)
class StageChangeAdmin(ThroughEnterpriseMixin, ReadOnlyAdmin):
    list_display = ["enterprise", "from_stage", "to_stage", "reason", "by", "at"]
    list_filter = ["to_stage", "reason"]
    search_fields = ["enterprise__name", "enterprise__siret"]
    list_select_related = ["enterprise", "by"]


class ParticipationInline(admin.TabularInline):
    model = Participation
    extra = 0
    autocomplete_fields = ["enterprise"]
    fields = ["enterprise", "contact", "attendance"]
    raw_id_fields = ["contact"]


@admin.register(Activity)
class ActivityAdmin(QuickActionCheckbox, SimpleHistoryAdmin):
    list_display = ["date", "kind", "title", "duration", "place_type", "author", "organisation"]
    list_filter = [
        "kind",
        "place_type",
        "organisation",
        "action",
        ("date", admin.DateFieldListFilter),
    ]
    search_fields = [
        "title",
        "notes",
        "participations__enterprise__name",
        "participations__enterprise__siret",
    ]
    list_select_related = ["author", "organisation"]
    # 200 000 activities at national scale: 50 a page, one COUNT, and the date filter of
    # the sidebar instead of a date hierarchy, whose list of months read the whole table.
    list_per_page = 50
    show_full_result_count = False
    autocomplete_fields = ["author", "organisation", "place", "referral_organisation"]
    filter_horizontal = ["themes", "equipment"]
    inlines = [ParticipationInline]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


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
            prepared = prepare_pix(stashed[1], stashed[0])
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
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            content = upload.read()
            prepared = prepare_pix(content, upload.name)
            context["prepared"] = prepared
            if prepared.ok:
                context["token"] = stash_upload(request, PIX_SESSION_KEY, upload.name, content)
        context["form"] = form
        return TemplateResponse(request, "admin/enterprises/assessment/pix_import.html", context)


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


@admin.register(Participation)
class ParticipationAdmin(ThroughEnterpriseMixin, admin.ModelAdmin):
    list_display = ["activity", "enterprise", "attendance"]
    list_filter = ["attendance", "activity__kind"]
    search_fields = ["enterprise__name", "enterprise__siret", "activity__title"]
    list_select_related = ["activity", "enterprise"]
    autocomplete_fields = ["enterprise"]
    raw_id_fields = ["activity", "contact"]
