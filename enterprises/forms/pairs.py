"""Pair à pair: proposing a pair, a pairing, ending it, logging a pair session."""

from django import forms
from django.db.models import Q

from enterprises.enums import ActivityKind, PairingOutcome
from enterprises.forms.activities import ActivityForm, TermMultipleField
from enterprises.models import Contact, Pair
from enterprises.perms import student_organisations, writing_organisations
from partners.enums import Role
from partners.models import User
from programme.enums import TermFamily
from programme.models import Term

PAIR_CONSENT_TEXT = (
    "J'accepte que l'équipe du programme « Inclusion numérique des TPE » me propose comme "
    "pair à des entrepreneur·es qui débutent avec le numérique, sur les sujets suivants : "
    "{topics}. Seuls le nom de mon entreprise, son activité, son quartier et ces sujets "
    "leur sont montrés ; mes coordonnées ne leur sont transmises qu'avec mon accord à "
    "chaque mise en relation. Je peux retirer cet accord à tout moment."
)


def topic_terms():
    """The themes a pair can master: the Coop's and the programme's TPE sub-themes."""
    return Term.objects.filter(
        Q(family=TermFamily.THEMATIQUE) | Q(family=TermFamily.THEMATIQUE_TPE), is_active=True
    ).order_by("-family", "position")


class ContactChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj} ({obj.role})" if obj.role else str(obj)


class PairForm(forms.ModelForm):
    """Propose an enterprise as a pair, with its contact's explicit consent."""

    contact = ContactChoiceField(
        label="Entrepreneur·e qui donne son accord", queryset=Contact.objects.none()
    )
    agreed = forms.BooleanField(
        label="L'entrepreneur·e a lu le texte ci-dessus et donné son accord explicite.",
        required=True,
    )

    class Meta:
        model = Pair
        fields = ["contact", "topics", "presentation"]
        widgets = {
            "topics": forms.CheckboxSelectMultiple,
            "presentation": forms.Textarea(attrs={"rows": 3}),
        }
        field_classes = {"topics": TermMultipleField}

    def __init__(self, *args, enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = enterprise.contacts.filter(anonymised_at__isnull=True)
        self.fields["topics"].queryset = topic_terms()
        self.fields["topics"].label = "Sujets qu'elle ou il maîtrise"

    def consent_text(self):
        topics = ", ".join(t.label for t in self.cleaned_data["topics"])
        return PAIR_CONSENT_TEXT.format(topics=topics)


class PairingForm(forms.Form):
    """Match a beginner with one of the suggested pairs."""

    pair = forms.ModelChoiceField(
        label="Pair proposé", queryset=Pair.objects.none(), widget=forms.RadioSelect
    )
    topics = TermMultipleField(
        label="Sujets de la mise en relation",
        queryset=Term.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    students = forms.ModelMultipleChoiceField(
        label="Étudiant·es qui la suivent",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Membres de l'université avec le rôle « étudiant·e ».",
    )
    send_links = forms.BooleanField(
        label="Envoyer à chacun un lien pour donner son accord par e-mail",
        required=False,
        initial=True,
    )

    def __init__(self, *args, pairs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pair"].queryset = pairs
        self.fields["topics"].queryset = topic_terms()
        self.fields["students"].queryset = students()


def students():
    """Active users with an active « étudiant·e » membership."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__role=Role.ETUDIANT,
            memberships__is_active=True,
            memberships__organisation__is_active=True,
        )
        .distinct()
        .order_by("last_name", "first_name")
    )


class PairingEndForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Résultat", choices=PairingOutcome.choices[:3], widget=forms.RadioSelect
    )
    note = forms.CharField(label="Précision", max_length=255, required=False)


class PairSessionForm(ActivityForm):
    """A pair session: the individual session's fields, without the Coop's autonomy and
    referral (the pair, not a conseiller, leads it). Students log it for their
    university."""

    def __init__(self, *args, user, enterprise, **kwargs):
        super().__init__(*args, user=user, kind=ActivityKind.PAIR, enterprise=enterprise, **kwargs)
        for name in ("autonomy", "referral_structure", "referral_organisation"):
            self.fields.pop(name, None)
        organisations = writing_organisations(user) | student_organisations(user)
        self.fields["organisation"].queryset = organisations.distinct().order_by("name")
        if organisations.count() <= 1 and not self.is_bound:
            self.fields["organisation"].widget = forms.HiddenInput()
        if not self.instance.pk and "organisation" not in self.data:
            self.initial["organisation"] = self.fields["organisation"].queryset.first()
