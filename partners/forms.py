from allauth.account.internal.flows.login import record_authentication
from allauth.core import context
from allauth.mfa.totp.forms import ActivateTOTPForm
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from django import forms
from django.contrib.auth import password_validation

from .enums import OrganisationKind, Role
from .models import Membership, Organisation, User


class InvitationForm(forms.Form):
    """Invite a person into an organisation with a role."""

    email = forms.EmailField(label="Adresse e-mail", max_length=254)
    role = forms.ChoiceField(label="Rôle", choices=Role.choices, initial=Role.CONSEILLER)

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if (
            Membership.objects.active()
            .filter(user__email__iexact=email, organisation=self.organisation)
            .exists()
        ):
            raise forms.ValidationError(
                "Cette personne est déjà membre de la structure : changez plutôt son rôle."
            )
        return email

    def clean(self):
        cleaned = super().clean()
        organisation = getattr(self, "organisation", None)
        if (
            cleaned.get("role") == Role.FINANCEUR
            and organisation is not None
            and organisation.kind != OrganisationKind.FINANCEUR
        ):
            self.add_error(
                "role", "Le rôle « financeur » n'existe que dans la structure du financeur."
            )
        return cleaned


class StaffInvitationForm(InvitationForm):
    """Staff invite into any organisation."""

    organisation = forms.ModelChoiceField(
        label="Structure", queryset=Organisation.objects.filter(is_active=True)
    )
    field_order = ["email", "organisation", "role"]

    def clean(self):
        self.organisation = self.cleaned_data.get("organisation")
        return super().clean()


class AcceptInvitationForm(forms.Form):
    """The invitee tells who they are and chooses a password."""

    first_name = forms.CharField(label="Prénom", max_length=150)
    last_name = forms.CharField(label="Nom", max_length=150)
    password1 = forms.CharField(
        label="Mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Confirmation du mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", "Les deux mots de passe ne sont pas identiques.")
        elif password1:
            candidate = User(
                email=self.email,
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(password1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class RoleForm(forms.Form):
    role = forms.ChoiceField(label="Rôle", choices=Role.choices)


class StableActivateTOTPForm(ActivateTOTPForm):
    """allauth draws a new TOTP secret each time the setup page is shown: a second load
    (another tab, a reload, a redirected favicon request) made the QR code already scanned
    stale, and correct codes were refused. Keep the pending secret of this session until
    it is confirmed (allauth drops it from the session then)."""

    def __init__(self, *args, **kwargs):
        session = context.request.session
        pending = session.get(SECRET_SESSION_KEY)
        super().__init__(*args, **kwargs)
        if pending and not self.is_bound:
            self.secret = session[SECRET_SESSION_KEY] = pending

    def clean_code(self):
        code = super().clean_code()
        # The right code proves this session holds the device: it counts as this
        # session's second factor (the staff middleware asks for one per session).
        record_authentication(context.request, self.user, "mfa", type="totp", reauthenticated=True)
        return code
