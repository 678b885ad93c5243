"""Orientations in the admin. Every new orientation, from the Assignment add form or from
the enterprise page's inline, goes through `notifications.assign` (the e-mail to the
members); the forms refuse a second open orientation through the model's constraint."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from simple_history.admin import SimpleHistoryAdmin

from enterprises.admin.base import ThroughEnterpriseMixin
from enterprises.models import Assignment
from enterprises.notifications import assign, orientation_outcome
from partners.models import Organisation


class AssignmentInlineForm(forms.ModelForm):
    """The enterprise page's inline: Django's model validation skips the constraint there
    (the enterprise is the formset's key), so the refusal is asked here."""

    def clean(self):
        data = super().clean()
        organisation = data.get("organisation")
        if organisation is not None and self.instance.enterprise_id is not None:
            candidate = Assignment(
                pk=self.instance.pk,
                enterprise_id=self.instance.enterprise_id,
                organisation=organisation,
                status=data.get("status") or self.instance.status,
            )
            try:
                candidate.refuse_if_already_open()
            except ValidationError as error:
                raise ValidationError(error.messages) from None
        return data


def orient_new(request, model_admin, assignment):
    """Save a new orientation built by an admin form through the one path, and tell the
    staff member whether anyone will hear of it."""
    assign(assignment.enterprise, assignment.organisation, by=request.user, assignment=assignment)
    for level, line in orientation_outcome([assignment]):
        model_admin.message_user(request, line, level)


@admin.register(Assignment)
class AssignmentAdmin(ThroughEnterpriseMixin, SimpleHistoryAdmin):
    list_display = ["enterprise", "organisation", "action", "status", "assigned_by", "created_at"]
    list_filter = ["status", "organisation", "action"]
    search_fields = ["enterprise__name", "enterprise__siret", "organisation__name"]
    list_select_related = ["enterprise", "organisation", "action", "assigned_by"]
    autocomplete_fields = ["enterprise", "organisation"]
    readonly_fields = ["assigned_by", "decided_by"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organisation":
            kwargs["queryset"] = Organisation.objects.orientable()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            obj._history_user = request.user
            super().save_model(request, obj, form, change)
        else:
            orient_new(request, self, obj)
