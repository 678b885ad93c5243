"""The « Pilotage » dashboard: filters, and the tables it shows and exports."""

import hashlib

from django import forms
from django.template.loader import render_to_string
from django.utils import timezone

from common.data_version import versioned_many
from common.tabular import Column
from common.widgets import QuickSelect
from enterprises.models import assigned_organisations
from programme.models import Action, Qpv

from .models import Convention


class DashboardFilters(forms.Form):
    start = forms.DateField(
        label="Du", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label="Au", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    qpv = forms.ModelChoiceField(
        label="QPV",
        required=False,
        queryset=Qpv.objects.for_choices(),
        widget=QuickSelect,
    )
    action = forms.ModelChoiceField(
        label="Action", required=False, queryset=Action.objects.all(), widget=QuickSelect
    )
    organisation = forms.ModelChoiceField(
        label="Structure partenaire",
        required=False,
        queryset=assigned_organisations(),
        widget=QuickSelect,  # same markup, no template per option (decision 011)
    )

    def __init__(self, *args, cached=None, **kwargs):
        """`cached`: the values of CACHED, when the view read them with its own."""
        super().__init__(*args, **kwargs)
        # The options and the default convention come from the cache, under the data's
        # version (decision 011; QPVs, actions, organisations, assignments and conventions
        # are watched models): four queries a visit less. Validating a chosen option still
        # reads its row (ModelChoiceField).
        self.cached = cached if cached is not None else versioned_many(CACHED)[1]
        for name, options in self.cached[CHOICES].items():
            field = self.fields[name]
            field.widget.choices = [("", field.empty_label), *options]

    def values(self):
        """(start, end, convention, filters) with defaults: the convention's period so far."""
        convention = self.cached[CONVENTION]
        today = timezone.localdate()
        start = (
            convention.signed_on
            if convention and convention.signed_on
            else today.replace(month=1, day=1)
        )
        end = min(convention.ends_on, today) if convention and convention.signed_on else today
        data = self.cleaned_data if self.is_valid() else {}
        start, end = data.get("start") or start, data.get("end") or end
        if end < start:
            start, end = end, start
        filters = {k: data.get(k) for k in ("qpv", "action", "organisation")}
        return start, end, convention, filters

    def fields_fragment(self, version):
        """(cache key, render) of the fields as « Pilotage » writes them, kept under the
        data's `version` and the form's data: the same for every staff member (a GET form,
        no token), and writing the selects of every QPV, action and partner was a fifth
        of a visit. No key without a version (no cache)."""
        data = self.data if self.is_bound else {}
        values = [
            (name, data.getlist(name) if hasattr(data, "getlist") else data.get(name))
            for name in self.fields
        ]
        digest = hashlib.sha256(repr(values).encode()).hexdigest()[:16]
        return (
            None if version is None else f"pilotage:filters-html:{version}:{digest}",
            lambda: render_to_string("grant/pilotage_filters.html", {"form": self}),
        )

    def describe(self):
        if not self.is_valid():
            return "aucun"
        parts = [f"{self.fields[k].label} : {v}" for k, v in self.cleaned_data.items() if v]
        return " ; ".join(parts) or "aucun"


def filter_choices():
    """{field: [(value, label)]}: the options of the filters read from the data, as
    ModelChoiceField writes them (the row's pk, its str())."""
    return {
        name: [(str(obj.pk), str(obj)) for obj in field.queryset.all()]
        for name, field in DashboardFilters.base_fields.items()
        if isinstance(field, forms.ModelChoiceField)
    }


def default_convention():
    """The convention « Pilotage » shows by default: the last signed, else the last voted."""
    return (
        Convention.objects.exclude(signed_on=None).order_by("-signed_on").first()
        or Convention.objects.order_by("-deliberation_date").first()
    )


CHOICES, CONVENTION = "pilotage:filter-choices", "pilotage:default-convention"
CACHED = {CHOICES: filter_choices, CONVENTION: default_convention}


def _pairs(header, value_header, key):
    return (
        [Column(header, lambda row: row[0]), Column(value_header, lambda row: row[1])],
        lambda figures: key(figures),
    )


# name → (title, columns, rows from the figures)
# Under 5 contacts the figures are not published (small counts): say so in the cells.
SUPPRESSED = "non publié (moins de 5 contacts)"
PROGRESS_COLUMNS = [
    Column("Domaine", lambda r: r["label"]),
    Column("Contacts (initial et final)", lambda r: r["pairs"]),
    Column("Progression moyenne (points)", lambda r: SUPPRESSED if r["suppressed"] else r["mean"]),
    Column("IC 95 % : borne basse", lambda r: "" if r["suppressed"] else r["low"]),
    Column("IC 95 % : borne haute", lambda r: "" if r["suppressed"] else r["high"]),
]

TABLES = {
    "etapes": (
        "Entreprises par étape",
        *_pairs("Étape", "Entreprises", lambda f: f["enterprises"]["by_stage"]),
    ),
    "entonnoir": (
        "Entrées dans chaque étape sur la période",
        *_pairs("Étape", "Entreprises", lambda f: f["enterprises"]["funnel"]),
    ),
    "qpv": (
        "Entreprises par QPV",
        *_pairs("QPV", "Entreprises", lambda f: f["enterprises"]["by_qpv"]),
    ),
    "secteurs": (
        "Entreprises par secteur",
        *_pairs("Section NAF", "Entreprises", lambda f: f["enterprises"]["by_section"]),
    ),
    "thematiques": (
        "Thématiques des activités",
        *_pairs("Thématique", "Activités", lambda f: f["activities"]["themes"]),
    ),
    "lieux": (
        "Lieux des activités",
        *_pairs("Type de lieu", "Activités", lambda f: f["activities"]["places"]),
    ),
    "diagnostics": (
        "Diagnostics par domaine",
        [
            Column("Domaine", lambda r: r[0]),
            Column("Initial (%)", lambda r: r[1]),
            Column("Final (%)", lambda r: r[2]),
        ],
        lambda f: f["assessments"]["by_domain"],
    ),
    "progression": (
        "Progression par domaine (avant/après, intervalle de confiance à 95 %)",
        PROGRESS_COLUMNS,
        lambda f: f["assessments"]["progress_by_domain"],
    ),
    "partenaires": (
        "Réponses des partenaires",
        [
            Column("Structure", lambda r: r["organisation__name"]),
            Column("Orientations", lambda r: r["total"]),
            Column("Taux de réponse (%)", lambda r: r["response_rate"]),
            Column("Prise en charge (%)", lambda r: r["take_charge_rate"]),
            Column("Refus (%)", lambda r: r["refusal_rate"]),
            Column("Clôturées avec aide (%)", lambda r: r["helped_share"]),
            Column("Délai médian (jours)", lambda r: r["median_days"]),
        ],
        lambda f: f["partners"],
    ),
    "orientations": (
        "Orientations par statut à la fin de la période",
        *_pairs("Statut", "Orientations", lambda f: f["orientations"]["by_status"]),
    ),
    "actions": (
        "Activités par action du programme",
        [
            Column("Action", lambda r: r["name"]),
            Column("Activités", lambda r: r["count"]),
            Column("Heures", lambda r: r["hours"]),
            Column("Entreprises présentes", lambda r: r["enterprises"]),
        ],
        lambda f: f["activities"]["by_action"],
    ),
    "qpv-activites": (
        "Activités et heures par QPV",
        [
            Column("QPV", lambda r: r[0]),
            Column("Activités", lambda r: r[1]),
            Column("Heures", lambda r: r[2]),
        ],
        lambda f: f["activities"]["by_qpv"],
    ),
    "groupe-de-travail": (
        "Présence au groupe de travail",
        [
            Column("Structure", lambda r: r[0]),
            Column("Présente", lambda r: r[1]),
            Column("Invitée", lambda r: r[2]),
        ],
        lambda f: f["working_group"]["attendance"],
    ),
}
