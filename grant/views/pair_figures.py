"""The pair à pair figures with their definitions, on a staff page of their own for any
period; « Pilotage » and the report show the same ones (grant.indicators.pairs)."""

import datetime

from django import forms
from django.shortcuts import render
from django.utils import timezone

from common.perms import staff_only
from grant.indicators import pair_figures, pair_rows_defined, period_activities


class PeriodForm(forms.Form):
    start = forms.DateField(
        label="Du", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label="Au", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["start"] > cleaned["end"]:
            raise forms.ValidationError("La date de début doit précéder la date de fin.")
        return cleaned


@staff_only
def pair_figures_page(request):
    """« Pair à pair » figures for a period (default: the current year to date)."""
    today = timezone.localdate()
    default = {"start": datetime.date(today.year, 1, 1), "end": today}
    form = PeriodForm(request.GET or None, initial=default)
    period = form.cleaned_data if form.is_bound and form.is_valid() else default
    start, end = period["start"], period["end"]
    return render(
        request,
        "grant/pair_figures.html",
        {
            "form": form,
            "period": period,
            "figures": pair_rows_defined(pair_figures(period_activities(start, end), start, end)),
        },
    )
