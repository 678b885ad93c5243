"""Logging a session or a workshop: few fields, sensible defaults, big touch targets."""

from django import forms
from django.db.models import Q
from django.utils import timezone

from enterprises.enums import DURATION_PRESETS, MAX_DURATION, ActivityKind, Attendance, PlaceType
from enterprises.models import Activity, Enterprise
from enterprises.perms import writing_organisations
from partners.models import Organisation
from programme.enums import TermFamily
from programme.models import Action, Place, Term

OTHER = "autre"


class TermChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.label


class TermMultipleField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        if obj.family == TermFamily.THEMATIQUE_TPE:
            return f"TPE · {obj.label}"
        return obj.label


def terms(family):
    return Term.objects.filter(family=family, is_active=True).order_by("position")


class ActivityForm(forms.ModelForm):
    """One form for both kinds; `kind` decides which fields it shows and checks."""

    duration_preset = forms.ChoiceField(
        label="Durée",
        widget=forms.RadioSelect,
        choices=[
            (str(m), f"{m // 60} h {m % 60:02d}" if m >= 60 else f"{m} min")
            for m in DURATION_PRESETS
        ]
        + [(OTHER, "autre")],
    )
    duration_other = forms.IntegerField(
        label="Autre durée (minutes)", required=False, min_value=1, max_value=MAX_DURATION
    )
    participants = forms.ModelMultipleChoiceField(
        label="Entreprises invitées",
        queryset=Enterprise.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    absent = forms.ModelMultipleChoiceField(
        label="Dont absentes",
        queryset=Enterprise.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    excused = forms.ModelMultipleChoiceField(
        label="Dont excusées",
        queryset=Enterprise.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Activity
        fields = [
            "date",
            "place_type",
            "place",
            "place_commune",
            "themes",
            "equipment",
            "autonomy",
            "referral_structure",
            "referral_organisation",
            "title",
            "level",
            "anonymous_count",
            "notes",
            "action",
            "organisation",
        ]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "place_type": forms.RadioSelect,
            "themes": forms.CheckboxSelectMultiple,
            "equipment": forms.CheckboxSelectMultiple,
            "autonomy": forms.RadioSelect,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        field_classes = {
            "themes": TermMultipleField,
            "equipment": TermMultipleField,
            "autonomy": TermChoiceField,
            "referral_structure": TermChoiceField,
            "level": TermChoiceField,
        }

    def __init__(self, *args, user, kind, enterprise=None, visible=None, **kwargs):
        self.user, self.kind, self.enterprise = user, kind, enterprise
        super().__init__(*args, **kwargs)
        f = self.fields
        f["themes"].queryset = Term.objects.filter(
            Q(family=TermFamily.THEMATIQUE) | Q(family=TermFamily.THEMATIQUE_TPE), is_active=True
        ).order_by("-family", "position")
        f["equipment"].queryset = terms(TermFamily.MATERIEL)
        f["autonomy"].queryset = terms(TermFamily.AUTONOMIE)
        f["referral_structure"].queryset = terms(TermFamily.STRUCTURE_REDIRECTION)
        f["level"].queryset = terms(TermFamily.NIVEAU_ATELIER)
        f["place"].queryset = Place.objects.filter(is_active=True)
        f["action"].queryset = Action.objects.all()
        f["referral_organisation"].queryset = Organisation.objects.filter(is_active=True)
        f["organisation"].queryset = writing_organisations(user)
        f["organisation"].empty_label = None
        f["organisation"].required = False  # defaults to the author's (first) organisation
        f["place_type"].choices = PlaceType.choices
        f["autonomy"].empty_label = None
        f["anonymous_count"].label = "Participants anonymes (sans entreprise enregistrée)"
        if kind != ActivityKind.COLLECTIF:  # an individual or a pair session: one enterprise
            for name in ("title", "level", "anonymous_count", "participants", "absent", "excused"):
                del f[name]
            f["autonomy"].required = kind == ActivityKind.INDIVIDUEL
        else:
            for name in ("autonomy", "referral_structure", "referral_organisation"):
                del f[name]
            pool = visible if visible is not None else Enterprise.objects.none()
            for name in ("participants", "absent", "excused"):
                f[name].queryset = pool
            f["title"].required = True
        if f["organisation"].queryset.count() <= 1 and not self.is_bound:
            f["organisation"].widget = forms.HiddenInput()
        if not self.instance.pk:
            self._set_defaults()
        else:
            minutes = self.instance.duration
            self.initial["duration_preset"] = str(minutes) if minutes in DURATION_PRESETS else OTHER
            self.initial["duration_other"] = None if minutes in DURATION_PRESETS else minutes
            if kind == ActivityKind.COLLECTIF:
                participations = list(self.instance.participations.all())
                self.initial["participants"] = [p.enterprise_id for p in participations]
                self.initial["absent"] = [
                    p.enterprise_id for p in participations if p.attendance == Attendance.ABSENT
                ]
                self.initial["excused"] = [
                    p.enterprise_id for p in participations if p.attendance == Attendance.EXCUSE
                ]

    def _set_defaults(self):
        """Today, and the author's usual place, duration and themes (their last activity)."""
        last = (
            Activity.objects.filter(author=self.user, kind=self.kind)
            .order_by("-date", "-id")
            .first()
        )
        self.initial.setdefault("date", timezone.localdate())
        self.initial.setdefault("organisation", self.fields["organisation"].queryset.first())
        if last is None:
            self.initial.setdefault(
                "duration_preset", "120" if self.kind == ActivityKind.COLLECTIF else "45"
            )
            self.initial.setdefault(
                "place_type",
                PlaceType.LIEU_ACTIVITE
                if self.kind == ActivityKind.COLLECTIF
                else PlaceType.DOMICILE,
            )
            self.initial.setdefault(
                "themes",
                list(Term.objects.filter(family=TermFamily.THEMATIQUE, code="entrepreneuriat")),
            )
            return
        minutes = last.duration
        self.initial.setdefault(
            "duration_preset", str(minutes) if minutes in DURATION_PRESETS else OTHER
        )
        if minutes not in DURATION_PRESETS:
            self.initial.setdefault("duration_other", minutes)
        self.initial.setdefault("place_type", last.place_type)
        self.initial.setdefault("place", last.place_id)
        self.initial.setdefault("place_commune", last.place_commune)
        self.initial.setdefault("themes", list(last.themes.all()))
        self.initial.setdefault("action", last.action_id)
        self.initial.setdefault("organisation", last.organisation_id)

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError("La date ne peut pas être dans le futur.")
        return date

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("organisation"):
            cleaned["organisation"] = self.fields["organisation"].queryset.first()
            if cleaned["organisation"] is None:
                raise forms.ValidationError("Vous n'êtes membre actif d'aucune structure.")
            self.instance.organisation = cleaned["organisation"]
        preset = cleaned.get("duration_preset")
        if preset == OTHER:
            if not cleaned.get("duration_other"):
                self.add_error(
                    "duration_other", f"Indiquez la durée en minutes (de 1 à {MAX_DURATION})."
                )
            cleaned["duration"] = cleaned.get("duration_other")
        elif preset:
            cleaned["duration"] = int(preset)
        place_type = cleaned.get("place_type")
        if place_type == PlaceType.LIEU_ACTIVITE and not cleaned.get("place"):
            self.add_error("place", "Choisissez le lieu.")
        if place_type == PlaceType.AUTRE and not cleaned.get("place_commune"):
            self.add_error("place_commune", "Indiquez la commune du lieu.")
        if self.kind == ActivityKind.COLLECTIF:
            participants = cleaned.get("participants") or []
            if not participants and not cleaned.get("anonymous_count"):
                raise forms.ValidationError(
                    "Un atelier a au moins un participant : cochez une entreprise ou indiquez "
                    "le nombre de participants anonymes."
                )
            for name in ("absent", "excused"):
                outside = set(cleaned.get(name) or []) - set(participants)
                if outside:
                    self.add_error(name, "Cochez aussi ces entreprises parmi les invitées.")
        return cleaned

    def attendance(self):
        """{enterprise: attendance} for the activity's participations."""
        if self.kind != ActivityKind.COLLECTIF:
            return {self.enterprise: Attendance.PRESENT}
        absent = set(self.cleaned_data.get("absent") or [])
        excused = set(self.cleaned_data.get("excused") or [])
        result = {}
        for enterprise in self.cleaned_data.get("participants") or []:
            if enterprise in excused:
                result[enterprise] = Attendance.EXCUSE
            elif enterprise in absent:
                result[enterprise] = Attendance.ABSENT
            else:
                result[enterprise] = Attendance.PRESENT
        return result
