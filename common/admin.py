"""Admin helpers shared by every app (no model of its own is registered here)."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """A list and a detail page, no add, change or delete: journals and money written
    elsewhere (their own pages, append-only models)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
