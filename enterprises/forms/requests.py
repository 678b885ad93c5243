"""The public form « Rejoindre le parcours » and staff's triage forms."""

import re
import time

from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError

from common.data_version import versioned
from common.widgets import (
    QuickCheckboxInput,
    QuickCheckboxSelectMultiple,
    QuickEmailInput,
    QuickHiddenInput,
    QuickRadioSelect,
    QuickSelect,
    QuickTextarea,
    QuickTextInput,
)
from enterprises.enums import ContactChannel, Need, Recontacted, TimeSlot
from enterprises.models import Enterprise
from enterprises.validators import normalise_siret, validate_siret
from partners.models import Organisation
from programme.models import Qpv

STARTED_SALT = "enterprises.join.started"
QPV_UNKNOWN = "inconnu"
STARTED_MAX_AGE = 86400  # seconds


def started_token():
    """When the form was shown, signed: a bot cannot pretend it took its time."""
    return signing.dumps(int(time.time()), salt=STARTED_SALT)


def seconds_since(token):
    """Seconds since the form was shown, or None if the token was made up or is more than
    a day old."""
    try:
        elapsed = time.time() - signing.loads(token or "", salt=STARTED_SALT)
    except signing.BadSignature:
        return None
    return elapsed if elapsed <= STARTED_MAX_AGE else None


def _siret_field():
    return forms.CharField(
        label="SIRET",
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


def _qpv_choices():
    """The quarters offered to a shopkeeper, the same for every visitor: kept under the
    data's version (decision 011), which every save or delete of a QPV moves
    (`grant.figures_cache`), so one query less on each visit of « Rejoindre »."""
    return versioned(
        "enterprises:join-qpv-choices",
        lambda: [
            (str(pk), f"{name} ({commune})")
            for pk, name, commune in Qpv.objects.for_choices().values_list("pk", "name", "commune")
        ],
    )


class JoinRequestForm(forms.Form):
    """Everything a shopkeeper is asked, in the order they think of it."""

    first_name = forms.CharField(
        label="Prénom", max_length=150, widget=QuickTextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        label="Nom", max_length=150, widget=QuickTextInput(attrs={"autocomplete": "family-name"})
    )
    role = forms.CharField(
        label="Votre rôle dans l'entreprise",
        max_length=100,
        required=False,
        help_text="Par exemple : gérant·e, artisan, associé·e, salarié·e.",
        widget=QuickTextInput(attrs={"autocomplete": "organization-title"}),
    )
    business_name = forms.CharField(
        label="Nom de votre commerce ou entreprise",
        max_length=255,
        widget=QuickTextInput(attrs={"autocomplete": "organization"}),
    )
    siret = forms.CharField(
        label="Numéro SIRET",
        max_length=20,
        required=False,
        help_text="14 chiffres, sur vos factures ou votre extrait Kbis.",
        widget=QuickTextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    no_siret = forms.BooleanField(
        label="Je n'ai pas mon SIRET sous la main", required=False, widget=QuickCheckboxInput
    )
    commune = forms.ChoiceField(label="Commune où se trouve l'entreprise", widget=QuickSelect)
    qpv = forms.ChoiceField(
        label="Quartier",
        help_text="Les quartiers prioritaires du programme. Choisissez « je ne sais pas » "
        "si vous n'êtes pas sûr·e : nous vérifierons.",
        widget=QuickSelect,
    )
    needs = forms.MultipleChoiceField(
        label="Sur quoi voulez-vous être aidé·e ?",
        choices=Need.choices,
        widget=QuickCheckboxSelectMultiple,
        help_text="Plusieurs réponses possibles.",
    )
    message = forms.CharField(
        label="Autre chose à nous dire ? (facultatif)",
        required=False,
        max_length=2000,
        widget=QuickTextarea(attrs={"rows": 3}),
    )
    channel = forms.ChoiceField(
        label="Comment préférez-vous être recontacté·e ?",
        choices=ContactChannel.choices,
        widget=QuickRadioSelect,
        initial=ContactChannel.PHONE,
    )
    phone = forms.CharField(
        label="Téléphone",
        max_length=30,
        required=False,
        widget=QuickTextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.EmailField(
        label="Adresse e-mail",
        required=False,
        help_text="Facultative si vous choisissez le téléphone : elle sert à vous confirmer "
        "la demande.",
        widget=QuickEmailInput(attrs={"autocomplete": "email"}),
    )
    time_slots = forms.MultipleChoiceField(
        label="Quand vous joindre ? (facultatif)",
        choices=TimeSlot.choices,
        widget=QuickCheckboxSelectMultiple,
        required=False,
    )
    consent = forms.BooleanField(
        label="J'accepte que la Métropole conserve ces informations pour me recontacter et "
        "m'orienter vers un partenaire du programme.",
        help_text="Elles sont gardées 3 mois si la demande n'aboutit pas, puis supprimées ; "
        "si vous rejoignez le parcours, pendant sa durée. Détails sur la page "
        "« Données personnelles ».",
        error_messages={"required": "Cochez cette case pour que nous puissions vous recontacter."},
        widget=QuickCheckboxInput,
    )
    # Honeypot: hidden from people (and from screen readers), filled by bots.
    website = forms.CharField(
        label="Ne pas remplir ce champ", required=False, widget=QuickTextInput
    )
    started = forms.CharField(widget=QuickHiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = [("", "— choisir —")] + [
            (name, name) for name in settings.TERRITORY_COMMUNES
        ]
        self.fields["qpv"].choices = [(QPV_UNKNOWN, "Je ne sais pas"), *_qpv_choices()]
        self.fields["qpv"].initial = QPV_UNKNOWN
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        if not self.is_bound:
            self.fields["started"].initial = started_token()

    def clean_siret(self):
        siret = normalise_siret(self.cleaned_data["siret"])
        if siret:
            validate_siret(siret)
        return siret

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if phone and len(re.sub(r"\D", "", phone)) < 10:
            raise ValidationError(
                "Numéro incomplet : 10 chiffres attendus, par ex. 06 12 34 56 78."
            )
        return phone

    def clean_qpv(self):
        value = self.cleaned_data["qpv"]
        return None if value == QPV_UNKNOWN else Qpv.objects.filter(pk=value).first()

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("siret") and not cleaned.get("no_siret") and "siret" not in self.errors:
            self.add_error(
                "siret",
                "Indiquez votre SIRET, ou cochez « Je n'ai pas mon SIRET sous la main ».",
            )
        channel = cleaned.get("channel")
        if (
            channel == ContactChannel.PHONE
            and not cleaned.get("phone")
            and "phone" not in self.errors
        ):
            self.add_error("phone", "Indiquez le numéro où vous joindre.")
        if (
            channel == ContactChannel.EMAIL
            and not cleaned.get("email")
            and "email" not in self.errors
        ):
            self.add_error("email", "Indiquez l'adresse e-mail où vous écrire.")
        return cleaned


class AcceptForm(forms.Form):
    """Accept: create the enterprise (or link the known SIRET) and, optionally, orient it."""

    prefix = "accept"

    siret = _siret_field()
    name = forms.CharField(label="Raison sociale", max_length=255)
    organisation = forms.ModelChoiceField(
        label="Orienter tout de suite vers (facultatif)",
        queryset=Organisation.objects.filter(is_active=True).order_by("name"),
        required=False,
        empty_label="— ne pas orienter maintenant —",
    )
    message = forms.CharField(
        label="Message pour la structure",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_siret(self):
        siret = normalise_siret(self.cleaned_data["siret"])
        validate_siret(siret)
        return siret


class MergeForm(forms.Form):
    """Merge: the request is about an enterprise already in the registry."""

    prefix = "merge"

    siret = _siret_field()

    def clean_siret(self):
        siret = normalise_siret(self.cleaned_data["siret"])
        self.enterprise = Enterprise.objects.filter(siret=siret).first()
        if self.enterprise is None:
            raise ValidationError("Aucune entreprise connue n'a ce SIRET.")
        return siret


class RefuseForm(forms.Form):
    prefix = "refuse"

    reason = forms.CharField(
        label="Motif du refus (envoyé au demandeur)",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Indiquez le motif du refus : il est envoyé au demandeur."},
    )


class SurveyForm(forms.Form):
    """The entrepreneur's answer: four questions and a comment, all on one phone screen."""

    recontacted = forms.ChoiceField(
        label="Avez-vous été recontacté·e ?",
        choices=Recontacted.choices,
        widget=QuickRadioSelect,
        required=False,
    )
    usefulness = forms.TypedChoiceField(
        label="Cet accompagnement vous a-t-il été utile ? (1 : pas du tout, 5 : tout à fait)",
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        widget=QuickRadioSelect,
        error_messages={"required": "Choisissez une note de 1 à 5."},
    )
    allowed = forms.MultipleChoiceField(
        label="Qu'est-ce que cela vous a permis de faire ?",
        choices=Need.choices,
        widget=QuickCheckboxSelectMultiple,
        required=False,
        help_text="Plusieurs réponses possibles.",
    )
    comment = forms.CharField(
        label="Un commentaire ? (facultatif)",
        required=False,
        max_length=2000,
        widget=QuickTextarea(attrs={"rows": 3}),
    )
    comment_shareable = forms.BooleanField(
        label="J'accepte que mon commentaire soit montré à la structure qui m'a accompagné·e",
        required=False,
        widget=QuickCheckboxInput,
    )
