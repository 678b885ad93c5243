"""Logging a session or a workshop: few fields, sensible defaults, big touch targets."""

from django import forms
from django.db.models import Case, Value, When
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from enterprises.enums import DURATION_PRESETS, MAX_DURATION, ActivityKind, Attendance, PlaceType
from enterprises.models import Activity, Enterprise
from enterprises.perms import writing_organisations
from partners.models import Organisation
from programme.enums import TermFamily
from programme.models import Action, Place, Term

OTHER = "autre"
THEME_FAMILIES = (
    TermFamily.THEMATIQUE_TPE,
    TermFamily.THEMATIQUE,
    TermFamily.THEMATIQUE_ADMINISTRATIVE,
)
# The Coop offers its administrative themes under this one.
ADMINISTRATIVE_PARENT = "aide_aux_demarches_administratives"

# Attendance as the workshop form words it (feminine: « entreprise »).
ATTENDANCE = {
    Attendance.PRESENT.value: "présente",
    Attendance.ABSENT.value: "absente",
    Attendance.EXCUSE.value: "excusée",
}


class TermChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.label


class TermMultipleField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        if obj.family == TermFamily.THEMATIQUE_TPE:
            return f"TPE · {obj.label}"
        if obj.family == TermFamily.THEMATIQUE_ADMINISTRATIVE:
            return f"Démarche · {obj.label}"
        return obj.label


def terms(family):
    return Term.objects.filter(family=family, is_active=True).order_by("position")


class ActivityForm(forms.ModelForm):
    """One form for both kinds; `kind` decides which fields it shows and checks."""

    # Fields drawn as a group of radio buttons or check boxes (a fieldset with a legend).
    # A list, not a string: `"place" in "… place_type …"` was true and drew the « Lieu »
    # select as an empty group of choices, so the usual place could never be saved.
    choice_fields = [
        "themes",
        "equipment",
        "duration_preset",
        "place_type",
        "autonomy",
    ]

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
        self.initial_attendance = {}
        super().__init__(*args, **kwargs)
        f = self.fields
        # TPE sub-themes first, then the Coop's themes, then its administrative ones, which
        # come under « Aide aux démarches administratives » (the last of the Coop's themes).
        family_order = Case(
            *(When(family=family, then=Value(n)) for n, family in enumerate(THEME_FAMILIES))
        )
        f["themes"].queryset = Term.objects.filter(
            family__in=THEME_FAMILIES, is_active=True
        ).order_by(family_order, "position")
        f["equipment"].queryset = terms(TermFamily.MATERIEL)
        f["autonomy"].queryset = terms(TermFamily.AUTONOMIE)
        f["referral_structure"].queryset = terms(TermFamily.STRUCTURE_REDIRECTION)
        f["level"].queryset = terms(TermFamily.NIVEAU_ATELIER)
        f["place"].queryset = Place.objects.filter(is_active=True)
        f["action"].queryset = Action.objects.all()
        # A convention in force sets its budget out by action: each activity says which.
        # (Named through the relation: the grant app sits above this one.)
        in_force = Action.objects.filter(
            budget_lines__convention__status__in=("signee", "en_cours")
        ).distinct()
        if in_force.exists():
            f["action"].queryset = in_force
            f["action"].required = True
            f[
                "action"
            ].help_text = "L'action de la convention à laquelle cette activité se rattache."
        f["referral_organisation"].queryset = Organisation.objects.filter(is_active=True)
        f["organisation"].queryset = writing_organisations(user)
        f["organisation"].empty_label = None
        f["organisation"].required = False  # defaults to the author's (first) organisation
        f["place_type"].choices = PlaceType.choices
        f["autonomy"].empty_label = None
        f["anonymous_count"].label = "Participants anonymes (sans entreprise enregistrée)"
        f["place"].label = "Lieu"
        f["place"].help_text = "Pour un lieu d'activité (tiers-lieu, permanence…)."
        f["place_commune"].help_text = "Pour un autre lieu."
        if kind != ActivityKind.COLLECTIF:  # an individual or a pair session: one enterprise
            for name in ("title", "level", "anonymous_count", "participants"):
                del f[name]
            f["autonomy"].required = kind == ActivityKind.INDIVIDUEL
        else:
            for name in ("autonomy", "referral_structure", "referral_organisation"):
                del f[name]
            pool = visible if visible is not None else Enterprise.objects.none()
            f["participants"].queryset = pool.select_related("qpv").only(
                "name", "trade_name", "qpv__name"
            )
            f["title"].required = True
        if f["organisation"].queryset.count() <= 1 and not self.is_bound:
            f["organisation"].widget = forms.HiddenInput()
        if not self.instance.pk:
            self._set_defaults()
            if not self.initial.get("action"):
                organisation = self.initial.get("organisation")
                if not isinstance(organisation, Organisation):
                    organisation = Organisation.objects.filter(pk=organisation).first()
                self.initial["action"] = self._default_action(organisation)
        else:
            minutes = self.instance.duration
            self.initial["duration_preset"] = str(minutes) if minutes in DURATION_PRESETS else OTHER
            self.initial["duration_other"] = None if minutes in DURATION_PRESETS else minutes
            if kind == ActivityKind.COLLECTIF:
                participations = list(self.instance.participations.all())
                self.initial["participants"] = [p.enterprise_id for p in participations]
                self.initial_attendance = {p.enterprise_id: p.attendance for p in participations}

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

    def _default_action(self, organisation):
        """The one action the author's organisation leads, else the one it takes part in."""
        if organisation is None:
            return None
        actions = self.fields["action"].queryset
        for found in (actions.filter(lead=organisation), actions.filter(partners=organisation)):
            if found.count() == 1:
                return found.first()
        return None

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError("La date ne peut pas être dans le futur.")
        return date

    def clean_themes(self):
        """An administrative theme implies « Aide aux démarches administratives », as in
        the Coop, whose totals count both."""
        themes = list(self.cleaned_data["themes"])
        if any(t.family == TermFamily.THEMATIQUE_ADMINISTRATIVE for t in themes):
            parent = Term.objects.filter(
                family=TermFamily.THEMATIQUE, code=ADMINISTRATIVE_PARENT
            ).first()
            if parent and parent not in themes:
                themes.append(parent)
        return themes

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
        elif place_type and place_type != PlaceType.LIEU_ACTIVITE:
            # A registered place only goes with « lieu d'activité »: a place left selected
            # under another type would record a type and a place that contradict.
            cleaned["place"] = None
        if place_type != PlaceType.AUTRE:
            cleaned["place_commune"] = ""
        if place_type == PlaceType.AUTRE and not cleaned.get("place_commune"):
            self.add_error("place_commune", "Indiquez la commune du lieu.")
        if self.kind == ActivityKind.COLLECTIF:
            participants = cleaned.get("participants") or []
            if not participants and not cleaned.get("anonymous_count"):
                raise forms.ValidationError(
                    "Un atelier a au moins un participant : cochez une entreprise ou indiquez "
                    "le nombre de participants anonymes."
                )
        return cleaned

    def _attendance_of(self, enterprise_id):
        """The attendance chosen for one enterprise of the workshop (present by default)."""
        if self.is_bound:
            value = self.data.get(f"attendance-{enterprise_id}")
            return value if value in Attendance.values else Attendance.PRESENT
        return self.initial_attendance.get(enterprise_id, Attendance.PRESENT)

    def participant_rows(self):
        """The workshop's list: one row per enterprise the author may invite, checked or
        not, with its attendance beside it (each enterprise once). Built here rather than
        in a template loop: staff may see thousands of enterprises."""
        field = self["participants"]
        checked = {str(value) for value in (field.value() or [])}
        rows = []
        for enterprise in self.fields["participants"].queryset:
            label = str(enterprise)
            chosen = self._attendance_of(enterprise.pk)
            options = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                (
                    (value, mark_safe(" selected") if value == chosen else "", ATTENDANCE[value])
                    for value in ATTENDANCE
                ),
            )
            rows.append(
                format_html(
                    '<li class="participant-row" data-name="{name}"><label class="participant-name"'
                    ' for="participant-{pk}"><input type="checkbox" name="participants"'
                    ' value="{pk}" id="participant-{pk}"{checked}> <span>{label}'
                    ' <small>{qpv}</small></span></label><select name="attendance-{pk}"'
                    ' aria-label="Présence : {label}">{options}</select></li>',
                    name=label.lower(),
                    pk=enterprise.pk,
                    checked=mark_safe(" checked") if str(enterprise.pk) in checked else "",
                    label=label,
                    qpv=enterprise.qpv.name if enterprise.qpv_id else "hors QPV",
                    options=options,
                )
            )
        return mark_safe("\n".join(rows))

    def attendance(self):
        """{enterprise: attendance} for the activity's participations."""
        if self.kind != ActivityKind.COLLECTIF:
            return {self.enterprise: Attendance.PRESENT}
        return {
            enterprise: self._attendance_of(enterprise.pk)
            for enterprise in self.cleaned_data.get("participants") or []
        }
