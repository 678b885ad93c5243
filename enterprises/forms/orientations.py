"""Orientations: the form that assigns enterprises to partner organisations."""

from django import forms

from partners.models import Organisation
from programme.models import Action


class AssignForm(forms.Form):
    """Orient an enterprise towards one or more partner organisations (workspace and admin)."""

    organisations = forms.ModelMultipleChoiceField(
        label="Structures partenaires",
        queryset=Organisation.objects.orientable(),
        widget=forms.CheckboxSelectMultiple,
    )
    # Not « action »: the admin's action form already posts a field of that name.
    programme_action = forms.ModelChoiceField(
        label="Action du programme", queryset=Action.objects.all(), required=False
    )
    message = forms.CharField(
        label="Message pour la structure", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
