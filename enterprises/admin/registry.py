"""The registry in the admin: enterprises, their contacts and stage changes."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from common.admin import ReadOnlyAdmin
from common.admin_filters import (
    VersionedAllValuesFieldListFilter,
    VersionedRelatedFieldListFilter,
    cached_choices,
)
from common.admin_lists import QuickChangeListMixin
from common.exports import export_response
from common.paging import EstimatedCountPaginator
from common.tabular import Column
from enterprises import jobs
from enterprises.admin.base import (
    IMPORT_SESSION_KEY,
    ImportForm,
    ThroughEnterpriseMixin,
    action_page,
    stash_upload,
    unstash_upload,
)
from enterprises.admin.orientations import AssignmentInlineForm, orient_new
from enterprises.enums import ExitReason, Stage
from enterprises.exports import enterprise_columns
from enterprises.forms.orientations import AssignForm
from enterprises.imports.tables import TEMPLATE, apply_import, prepare_import
from enterprises.models import (
    Assignment,
    Contact,
    Enterprise,
    JobKind,
    StageChange,
    assigned_organisations,
)
from enterprises.notifications import assign
from partners.models import Organisation, User

# How many rows the previewed file has: above IMPORT_INLINE_MAX, a worker does the rest.
IMPORT_ROWS_SESSION_KEY = "enterprise_import_rows"


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
    form = AssignmentInlineForm
    extra = 0
    fields = ["organisation", "action", "status", "message", "assigned_by", "created_at"]
    readonly_fields = ["assigned_by", "created_at"]
    autocomplete_fields = ["organisation"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organisation":
            kwargs["queryset"] = Organisation.objects.orientable()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class StageChangeInline(admin.TabularInline):
    model = StageChange
    extra = 0
    fields = ["at", "from_stage", "to_stage", "reason", "note", "by"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class PartnerFilter(admin.SimpleListFilter):
    title = "structure partenaire"
    parameter_name = "partenaire"

    def lookups(self, request, model_admin):
        # Under the data's version: an assignment or an organisation saved moves it.
        return cached_choices(
            request,
            model_admin,
            "partner",
            lambda: [(o.pk, o.name) for o in assigned_organisations()],
        )

    def queryset(self, request, queryset):
        if self.value():
            assigned = Assignment.objects.filter(organisation_id=self.value())
            return queryset.filter(pk__in=assigned.values("enterprise_id"))
        return queryset


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
class EnterpriseAdmin(QuickChangeListMixin, SimpleHistoryAdmin):
    list_display = ["name", "trade_name", "siret", "qpv", "stage", "naf", "referent", "tpe_status"]
    # What the rows read: list_display, and what the __str__ of the row (the checkbox's
    # label), its QPV, NAF code and referent read (common/admin_lists.py).
    list_only = [
        "name",
        "trade_name",
        "siret",
        "stage",
        "tpe_status",
        "qpv__code",
        "qpv__name",
        "qpv__generation",
        "naf__code",
        "naf__label",
        "referent__first_name",
        "referent__last_name",
        "referent__email",
    ]
    list_filter = [
        "stage",
        # Choices under the data's version (decision 012): a query each on every visit.
        ("qpv", VersionedRelatedFieldListFilter),
        ("naf__section", VersionedAllValuesFieldListFilter),
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
    # 20 000 enterprises at national scale: 25 a page (50 kept the page above ×5 of a
    # trivial page: rows are a third of its time, decision 012), one COUNT (README,
    # « Performance »).
    list_per_page = 25
    show_full_result_count = False
    paginator = EstimatedCountPaginator  # no COUNT(*) of the whole table (decision 011)
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
            rows = request.session.pop(IMPORT_ROWS_SESSION_KEY, 0)
            stashed = unstash_upload(request, IMPORT_SESSION_KEY)
            if stashed is None:
                self.message_user(
                    request, "Aperçu expiré : déposez le fichier de nouveau.", messages.ERROR
                )
                return redirect("admin:enterprises_import")
            if rows > jobs.IMPORT_INLINE_MAX:
                # Too long for a request: a worker checks again and writes; the page follows.
                job = jobs.start(
                    JobKind.IMPORT_ENTERPRISES,
                    request.user,
                    filename=stashed[0],
                    content=stashed[1],
                )
                return redirect("enterprises:job", pk=job.pk)
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
                request.session[IMPORT_ROWS_SESSION_KEY] = len(prepared.rows)
                context["in_background"] = len(prepared.rows) > jobs.IMPORT_INLINE_MAX
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
        return export_response(
            fmt, columns, example, filename="modele-import-entreprises", sheet_title="Entreprises"
        )

    def save_model(self, request, obj, form, change):
        obj.locate()
        super().save_model(request, obj, form, change)
        if not change:
            StageChange.objects.create(enterprise=obj, to_stage=obj.stage, by=request.user)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for instance in instances:
            if isinstance(instance, Assignment) and instance.pk is None:
                orient_new(request, self, instance)
                continue
            instance._history_user = request.user
            instance.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()

    @admin.action(description="Orienter les entreprises sélectionnées vers une structure")
    def assign_to(self, request, queryset):
        form = AssignForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            done, refused = [], []
            for enterprise in queryset:
                for organisation in form.cleaned_data["organisations"]:
                    try:
                        done.append(
                            assign(
                                enterprise,
                                organisation,
                                by=request.user,
                                action=form.cleaned_data["programme_action"],
                                message=form.cleaned_data["message"],
                            )
                        )
                    except ValidationError as error:
                        refused.extend(error.messages)
            reached = sorted({a.organisation.name for a in done if a.notified})
            silent = sorted({a.organisation.name for a in done if not a.notified})
            summary = f"{len(done)} orientation(s) créée(s)"
            if reached:
                summary += " ; les membres de " + ", ".join(reached) + " sont prévenus"
            self.message_user(request, summary + ".")
            if silent:
                self.message_user(
                    request,
                    "Aucun membre actif dans : " + ", ".join(silent) + ". Personne n'a été "
                    "prévenu : invitez-y un membre.",
                    messages.WARNING,
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
        return export_response(
            "xlsx",
            columns,
            queryset,
            filename="entreprises-selection",
            metadata=metadata,
            sheet_title="Entreprises",
        )


@admin.register(Contact)
class ContactAdmin(ThroughEnterpriseMixin, SimpleHistoryAdmin):
    list_display = ["__str__", "enterprise", "role", "email", "consent_date", "anonymised_at"]
    search_fields = ["first_name", "last_name", "email", "pix_external_id", "enterprise__name"]
    list_filter = ["consent_method", ("anonymised_at", admin.EmptyFieldListFilter)]
    list_select_related = ["enterprise"]
    autocomplete_fields = ["enterprise"]


@admin.register(StageChange)
class StageChangeAdmin(ThroughEnterpriseMixin, ReadOnlyAdmin):
    list_display = ["enterprise", "from_stage", "to_stage", "reason", "by", "at"]
    list_filter = ["to_stage", "reason"]
    search_fields = ["enterprise__name", "enterprise__siret"]
    list_select_related = ["enterprise", "by"]
