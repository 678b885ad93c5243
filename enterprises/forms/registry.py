import functools
import re

from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from common.data_version import versioned
from common.widgets import QuickSelect
from enterprises.enums import AccessOutcome, ExitReason, QpvSource, Stage
from enterprises.models import (
    TRANSITIONS,
    AccessRequest,
    Assessment,
    Assignment,
    Contact,
    Enterprise,
    assigned_organisations,
)
from enterprises.validators import normalise_siret, validate_siret
from partners.models import User
from programme.models import NafCode, Qpv


def normalise_naf(value):
    """« 4711b », « 47.11 B » → « 47.11B »; other text is returned stripped."""
    compact = re.sub(r"[\s.]", "", value or "").upper()
    if re.fullmatch(r"\d{4}[A-Z]", compact):
        return f"{compact[:2]}.{compact[2:]}"
    return (value or "").strip()


class EnterpriseForm(forms.ModelForm):
    """Create or edit an enterprise. The QPV comes from the point unless chosen by hand."""

    siret = forms.CharField(
        label="SIRET", max_length=30, help_text="14 chiffres ; espaces et points acceptés."
    )
    naf_code = forms.CharField(
        label="Code NAF",
        required=False,
        max_length=10,
        help_text="Par exemple 47.11B (code APE de l'avis de situation INSEE).",
    )
    qpv_choice = forms.ModelChoiceField(
        label="QPV choisi à la main",
        queryset=Qpv.objects.for_choices(),
        required=False,
        empty_label="— d'après les coordonnées —",
        help_text="À remplir seulement sans coordonnées, ou si le point est faux.",
    )

    class Meta:
        model = Enterprise
        fields = [
            "siret",
            "name",
            "trade_name",
            "legal_form",
            "naf_code",
            "created_on",
            "headcount",
            "headcount_band",
            "turnover",
            "balance_sheet",
            "address",
            "postcode",
            "commune",
            "latitude",
            "longitude",
            "qpv_choice",
            "source",
        ]
        widgets = {"created_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        # Set when the SIRET belongs to an enterprise the user cannot see: the view then
        # offers the access request instead of saying that it exists.
        self.needs_access_request = False
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["naf_code"] = self.instance.naf.code if self.instance.naf_id else ""
            if self.instance.qpv_source == QpvSource.MANUAL:
                self.initial["qpv_choice"] = self.instance.qpv_id

    def clean_siret(self):
        siret = normalise_siret(self.cleaned_data["siret"])
        others = Enterprise.objects.exclude(pk=self.instance.pk).filter(siret=siret)
        if not others.exists():
            return siret
        if self.user is not None and others.visible_to(self.user).exists():
            raise forms.ValidationError(
                "Une de vos entreprises a déjà ce SIRET : cherchez-la dans la liste."
            )
        # Outside the user's scope: say nothing of the enterprise (issue 17).
        self.needs_access_request = True
        raise forms.ValidationError(
            "Ce SIRET ne peut pas être enregistré ici. Si vous accompagnez cette entreprise, "
            "demandez l'accès à la Métropole."
        )

    def clean_naf_code(self):
        code = normalise_naf(self.cleaned_data["naf_code"])
        if not code:
            return None
        naf = NafCode.objects.filter(code=code).first()
        if naf is None:
            raise forms.ValidationError(
                f"Code NAF « {code} » inconnu de la nomenclature NAF rév. 2."
            )
        return naf

    def clean(self):
        cleaned = super().clean()
        lat, lon = cleaned.get("latitude"), cleaned.get("longitude")
        if (lat is None) != (lon is None):
            raise forms.ValidationError("Indiquez la latitude et la longitude, ou aucune des deux.")
        return cleaned

    def save(self, commit=True):
        enterprise = super().save(commit=False)
        enterprise.naf = self.cleaned_data["naf_code"]
        choice = self.cleaned_data["qpv_choice"]
        if choice is not None:
            enterprise.qpv, enterprise.qpv_source = choice, QpvSource.MANUAL
        elif enterprise.qpv_source == QpvSource.MANUAL:
            enterprise.qpv_source = QpvSource.NONE
        enterprise.locate()
        if commit:
            enterprise.save()
        return enterprise


class AccessRequestForm(forms.ModelForm):
    """« Demander l'accès » to an enterprise: a SIRET and a reason, nothing else."""

    siret = forms.CharField(
        label="SIRET de l'entreprise",
        max_length=30,
        help_text="14 chiffres ; espaces et points acceptés.",
    )

    class Meta:
        model = AccessRequest
        fields = ["siret", "reason", "organisation"]
        labels = {"reason": "Pourquoi demandez-vous l'accès ?"}
        help_texts = {
            "reason": "Par exemple : « l'entrepreneure est venue à ma permanence et souhaite "
            "être accompagnée ». La Métropole lit ce message avant de répondre."
        }
        widgets = {"reason": forms.Textarea(attrs={"rows": 4, "maxlength": 1000})}

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        field.queryset = organisations
        field.label = "Pour la structure"
        field.empty_label = None
        field.required = False  # defaults to the requester's (first) organisation
        self.initial.setdefault("organisation", organisations.first())
        if organisations.count() <= 1:
            field.widget = forms.HiddenInput()

    def clean_organisation(self):
        organisation = (
            self.cleaned_data.get("organisation") or self.fields["organisation"].queryset.first()
        )
        if organisation is None:
            raise forms.ValidationError("Vous n'êtes membre actif d'aucune structure.")
        return organisation

    def clean_siret(self):
        siret = normalise_siret(self.cleaned_data["siret"])
        validate_siret(siret)
        return siret


class AccessDecisionForm(forms.Form):
    """Staff's answer to an access request."""

    decision = forms.ChoiceField(
        label="Décision",
        widget=forms.RadioSelect,
        choices=[
            (AccessOutcome.ORIENTATION.value, "Accepter : orienter vers sa structure"),
            (AccessOutcome.REFERENT.value, "Accepter : le nommer référent"),
            ("refuse", "Refuser"),
        ],
    )
    refusal_reason = forms.CharField(
        label="Motif du refus (lu par le demandeur)", max_length=500, required=False
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "refuse" and not cleaned.get("refusal_reason", "").strip():
            self.add_error("refusal_reason", "Indiquez le motif du refus : le demandeur le lira.")
        return cleaned


class StageForm(forms.Form):
    """Move an enterprise along the parcours."""

    # QuickSelect: the same markup, without a template per option (decision 011).
    to_stage = forms.ChoiceField(label="Nouvelle étape", choices=(), widget=QuickSelect)
    reason = forms.ChoiceField(
        label="Motif de sortie",
        choices=[("", "—"), *ExitReason.choices],
        required=False,
        widget=QuickSelect,
    )
    note = forms.CharField(label="Précision", max_length=255, required=False)

    def __init__(self, *args, enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = TRANSITIONS.get(enterprise.stage, set())
        self.fields["to_stage"].choices = [(s.value, s.label) for s in Stage if s in allowed]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("to_stage") == Stage.SORTIE and not cleaned.get("reason"):
            self.add_error("reason", "Indiquez le motif de sortie du parcours.")
        return cleaned


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = [
            "first_name",
            "last_name",
            "role",
            "email",
            "phone",
            "consent_date",
            "consent_method",
            "consent_purpose",
        ]
        widgets = {"consent_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("consent_date", "consent_method", "consent_purpose"):
            self.fields[name].required = True

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("first_name") or cleaned.get("last_name") or cleaned.get("email")):
            raise forms.ValidationError("Indiquez au moins un nom ou une adresse e-mail.")
        return cleaned


def filter_choices():
    """The choices of the list's filters that come from the data: 2015 QPVs, NAF
    sections, organisations with an assignment."""
    sections = (
        NafCode.objects.values_list("section", "section_label").distinct().order_by("section")
    )
    return {
        "qpv": [(str(q.pk), q.name) for q in Qpv.objects.for_choices()],
        "section": [(code, f"{code} — {label.capitalize()}") for code, label in sections],
        "partner": [(str(o.pk), o.name) for o in assigned_organisations()],
    }


class EnterpriseFilterForm(forms.Form):
    """The list's search and filters; the export reuses them. Selects are written by
    QuickSelect: the same markup, without a template include per option."""

    q = forms.CharField(label="Nom ou SIRET", required=False)
    qpv = forms.ChoiceField(label="QPV", required=False, widget=QuickSelect)
    stage = forms.ChoiceField(
        label="Étape",
        choices=[("", "Toutes"), *Stage.choices],
        required=False,
        widget=QuickSelect,
    )
    section = forms.ChoiceField(label="Secteur (section NAF)", required=False, widget=QuickSelect)
    referent = forms.ChoiceField(label="Suivi par", required=False, widget=QuickSelect)
    partner = forms.ChoiceField(label="Structure partenaire", required=False, widget=QuickSelect)

    def narrows(self):
        """Whether a search or a filter is set (the list then counts what it shows)."""
        return self.is_bound and self.is_valid() and any(self.cleaned_data.values())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Kept under the data's version (decision 011): four queries on every visit. Read
        # only when a choice is checked or a select drawn (callables, decision 012): the
        # list draws its unfilled filters from its own cache and needs none of them.
        read = functools.cache(lambda: versioned("enterprises:filter-choices", filter_choices))
        self.fields["qpv"].choices = lambda: [("", "Tous"), ("hors", "Hors QPV"), *read()["qpv"]]
        self.fields["section"].choices = lambda: [("", "Tous"), *read()["section"]]
        self.fields["partner"].choices = lambda: [("", "Toutes"), *read()["partner"]]
        referents = [("", "Tous"), ("moi", "Les entreprises que je suis")]
        if user.is_staff:  # others only filter on themselves: no list of colleagues' names
            referents += [
                (str(u.pk), str(u))
                for u in User.objects.filter(
                    Exists(Enterprise.objects.filter(referent=OuterRef("pk")))
                )
            ]
        self.fields["referent"].choices = referents

    def filter(self, queryset, user):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["q"]:
            term = data["q"].strip()
            digits = normalise_siret(term)
            if digits.isdigit() and len(digits) >= 3:
                queryset = queryset.filter(siret__startswith=digits)
            else:
                queryset = queryset.filter(Q(name__icontains=term) | Q(trade_name__icontains=term))
        if data["qpv"] == "hors":
            queryset = queryset.filter(qpv__isnull=True)
        elif data["qpv"]:
            queryset = queryset.filter(qpv_id=data["qpv"])
        if data["stage"]:
            queryset = queryset.filter(stage=data["stage"])
        if data["section"]:
            queryset = queryset.filter(naf__section=data["section"])
        if data["referent"] == "moi":
            queryset = queryset.followed_by(user)
        elif data["referent"]:
            queryset = queryset.filter(referent_id=data["referent"])
        if data["partner"]:
            assigned = Assignment.objects.filter(organisation_id=data["partner"])
            queryset = queryset.filter(pk__in=assigned.values("enterprise_id"))
        return queryset

    def describe(self):
        """The active filters in words, for an export's header."""
        if not self.is_valid():
            return "aucun"
        parts = []
        for name, field in self.fields.items():
            value = self.cleaned_data.get(name)
            if value:
                label = (
                    dict(field.choices).get(value, value) if hasattr(field, "choices") else value
                )
                parts.append(f"{field.label} : {label}")
        return " ; ".join(parts) or "aucun"


class AssessmentForm(forms.ModelForm):
    """A diagnostic entered by hand: overall score and, when known, one per PIX domain."""

    class Meta:
        model = Assessment
        fields = [
            "contact",
            "kind",
            "date",
            "overall",
            "score_information",
            "score_communication",
            "score_creation",
            "score_security",
            "score_environment",
        ]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = enterprise.contacts.filter(anonymised_at__isnull=True)
        self.fields["contact"].required = False
        self.instance.enterprise = enterprise
        self.initial.setdefault("date", timezone.localdate())
        has_initial = enterprise.assessments.filter(kind="initial").exists()
        self.initial.setdefault("kind", "final" if has_initial else "initial")

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError("La date ne peut pas être dans le futur.")
        return date
