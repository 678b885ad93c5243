"""« Mes statistiques » and a structure's statistics, from the indicators module."""

from django import forms
from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from common.data_version import versioned
from common.perms import staff_only
from enterprises.models import Activity
from enterprises.survey_figures import partners_to_call, satisfaction_by_organisation
from grant.charts import charts
from grant.indicators import (
    activity_figures,
    partner_followup,
)
from grant.perms import can_see_organisation_statistics, statistics_organisations
from partners.models import Organisation


class PeriodForm(forms.Form):
    start = forms.DateField(
        label="Du", widget=forms.DateInput(attrs={"type": "date"}), required=False
    )
    end = forms.DateField(
        label="Au", widget=forms.DateInput(attrs={"type": "date"}), required=False
    )

    def period(self):
        today = timezone.localdate()
        start, end = today.replace(month=1, day=1), today
        if self.is_valid():
            start = self.cleaned_data["start"] or start
            end = self.cleaned_data["end"] or end
        return start, end


def _figures_and_charts(activities):
    """The figures of `activities` (without the per-action and per-QPV tables, not shown
    here) and their charts."""
    figures = activity_figures(activities, tables=False)
    statistics_charts = charts(
        [
            ("Thématiques (nombre d'activités)", figures["themes"][:12]),
            ("Lieux (nombre d'activités)", figures["places"]),
            ("QPV (entreprises rencontrées)", figures["qpvs"]),
        ]
    )
    return figures, statistics_charts


def _statistics_page(request, activities, heading, scope, organisation=None):
    """`scope`: whose activities (« user:7 », « organisation:3 »), for the cache key."""
    form = PeriodForm(request.GET or None)
    start, end = form.period()
    if start > end:
        start, end = end, start
    # Kept under the data's version (decision 011), per user or organisation and period:
    # every save, delete or bulk write of activities, participations, enterprises, QPVs,
    # themes or actions moves the version (grant.figures_cache.WATCHED), so the next
    # visit recomputes; 10 minutes at most for what no signal sees. The charts are SVG of
    # these figures alone (no token, nothing of another user).
    figures, statistics_charts = versioned(
        f"statistics:{scope}:{start.isoformat()}:{end.isoformat()}",
        lambda: _figures_and_charts(activities.filter(date__range=(start, end))),
    )
    return render(
        request,
        "grant/statistics.html",
        {
            "form": form,
            "start": start,
            "end": end,
            "figures": figures,
            "charts": statistics_charts,
            "heading": heading,
            "organisation": organisation,
            "administered": statistics_organisations(request.user),
        },
    )


def my_statistics(request):
    """« Mes statistiques »: my own activities over a period."""
    return _statistics_page(
        request,
        Activity.objects.filter(author=request.user),
        "Mes statistiques",
        f"user:{request.user.pk}",
    )


def organisation_statistics(request, pk):
    """An organisation's figures, for its administrateur (and staff)."""
    organisation = get_object_or_404(Organisation, pk=pk)
    if not can_see_organisation_statistics(request.user, organisation):
        raise Http404
    return _statistics_page(
        request,
        Activity.objects.filter(organisation=organisation),
        f"Statistiques de « {organisation} »",
        f"organisation:{organisation.pk}",
        organisation,
    )


@staff_only
def partners_followup(request):
    """Staff's follow-up of the partners: how they answer the enterprises handed to them."""
    form = PeriodForm(request.GET or None)
    start, end = form.period()
    rows = partner_followup(start, end)
    # The entrepreneurs' answers beside the partners' own figures (enterprises.survey_figures).
    satisfaction = satisfaction_by_organisation(start, end)
    for row in rows:
        row["satisfaction"] = satisfaction.get(row.get("organisation_id"), {})
    return render(
        request,
        "grant/partners.html",
        {
            "form": form,
            "start": start,
            "end": end,
            "rows": rows,
            "to_call": partners_to_call(start, end),
            "thresholds": {
                "min_assignments": settings.CALL_MIN_ASSIGNMENTS,
                "refusal_from": settings.CALL_REFUSAL_RATE_FROM,
                "helped_up_to": settings.CALL_HELPED_SHARE_UP_TO,
                "min_answers": settings.CALL_MIN_ANSWERS,
                "satisfaction_up_to": settings.CALL_SATISFACTION_UP_TO,
            },
        },
    )
