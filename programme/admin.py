from django.contrib import admin

from common.resources import ExportAdminMixin, ImportExportAdminMixin

from .models import Action, NafCode, Place, Programme, Qpv, Term
from .resources import ActionResource, NafCodeResource, PlaceResource, QpvResource


@admin.register(Qpv)
class QpvAdmin(ExportAdminMixin, admin.ModelAdmin):
    resource_classes = [QpvResource]
    list_display = [
        "name",
        "code",
        "generation",
        "commune",
        "population",
        "valid_from",
        "valid_to",
        "successor",
    ]
    list_filter = ["generation", "commune"]
    search_fields = ["name", "code", "commune"]
    list_select_related = ["successor"]
    autocomplete_fields = ["successor"]
    readonly_fields = ["has_polygon"]

    @admin.display(description="contour connu", boolean=True)
    def has_polygon(self, obj):
        return bool(obj.polygon)


@admin.register(NafCode)
class NafCodeAdmin(ExportAdminMixin, admin.ModelAdmin):
    resource_classes = [NafCodeResource]
    list_display = ["code", "label", "section", "section_label"]
    list_filter = ["section"]
    search_fields = ["code", "label"]


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ["label", "code", "family", "parent", "position", "is_active"]
    list_filter = ["family", "is_active"]
    search_fields = ["label", "code"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]


class ActionInline(admin.StackedInline):
    model = Action
    extra = 0
    autocomplete_fields = ["lead", "partners"]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "owner"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["owner"]
    inlines = [ActionInline]


@admin.register(Action)
class ActionAdmin(ImportExportAdminMixin, admin.ModelAdmin):
    resource_classes = [ActionResource]
    list_display = ["name", "programme", "lead", "position"]
    list_filter = ["programme", "lead"]
    search_fields = ["name", "code", "description"]
    list_select_related = ["programme", "lead"]
    autocomplete_fields = ["lead", "partners"]


@admin.register(Place)
class PlaceAdmin(ImportExportAdminMixin, admin.ModelAdmin):
    resource_classes = [PlaceResource]
    list_display = ["name", "kind", "commune", "organisation", "qpv", "is_active"]
    list_filter = ["kind", "is_active", "commune"]
    search_fields = ["name", "address", "commune"]
    list_select_related = ["organisation", "qpv"]
    autocomplete_fields = ["organisation", "qpv"]
