from django import forms
from django.urls import reverse
from django.utils import timezone

from common.files import validate_document
from programme.models import Action

from .models import BudgetLine, Convention, ConventionDocument, Disbursement, Expense, Report

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ConventionForm(forms.ModelForm):
    class Meta:
        model = Convention
        fields = [
            "status",
            "signed_on",
            "duration_months",
            "max_amount",
            "prefecture_act_id",
            "published_on",
            "signatory_name",
            "signatory_quality",
        ]
        widgets = {"signed_on": DATE, "published_on": DATE}


class DocumentForm(forms.ModelForm):
    class Meta:
        model = ConventionDocument
        fields = ["title", "file"]
        help_texts = {"file": "PDF, JPEG ou PNG, 10 Mo au plus."}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        validate_document(upload)
        return upload


class BudgetLineForm(forms.ModelForm):
    class Meta:
        model = BudgetLine
        fields = ["label", "action", "planned_cost", "planned_grant", "position"]

    def __init__(self, *args, convention, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.convention = convention
        self.fields["action"].queryset = Action.objects.filter(programme=convention.programme_id)


class PrivateFileInput(forms.ClearableFileInput):
    """Django links the current file to MEDIA_URL + its storage path: private files are not
    served there (404) and the path means nothing to a person. Link to the permission-
    checked view instead and show the file's original name."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.current = None  # (url, name), set by the form for a stored file

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if self.current and context["widget"]["is_initial"]:
            url, label = self.current
            context["widget"]["value"] = _Link(url, label)
        return context


class _Link:
    def __init__(self, url, label):
        self.url, self.label = url, label

    def __str__(self):
        return self.label


class ExpenseForm(forms.ModelForm):
    class Meta:
        model = Expense
        fields = [
            "line",
            "date",
            "supplier",
            "description",
            "amount",
            "grant_amount",
            "status",
            "reference",
            "receipt",
        ]
        widgets = {"date": DATE, "receipt": PrivateFileInput}
        help_texts = {
            "receipt": "PDF, JPEG ou PNG, 10 Mo au plus (le type est vérifié d'après le contenu)."
        }

    def __init__(self, *args, convention, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line"].queryset = BudgetLine.objects.filter(convention=convention)
        if self.instance.pk and self.instance.receipt:
            self.fields["receipt"].widget.current = (
                reverse("grant:receipt", args=[self.instance.pk]),
                self.instance.receipt_name or "justificatif",
            )

    def clean_date(self):
        # A report for a closed period must keep its figures: nothing dated ahead of today.
        date = self.cleaned_data["date"]
        if date and date > timezone.localdate():
            raise forms.ValidationError(
                "La date de la dépense ne peut être dans le futur : saisissez-la une fois faite."
            )
        return date

    def clean_receipt(self):
        upload = self.cleaned_data.get("receipt")
        if upload and hasattr(upload, "content_type"):  # a new file, not the stored one
            validate_document(upload)
        return upload


class DisbursementForm(forms.ModelForm):
    class Meta:
        model = Disbursement
        fields = ["kind", "date", "amount", "reference"]
        widgets = {"date": DATE}

    def __init__(self, *args, convention, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.convention = convention


class ReportForm(forms.ModelForm):
    class Meta:
        model = Report
        fields = ["kind", "start", "end", "context", "highlights", "difficulties", "outlook"]
        widgets = {
            "start": DATE,
            "end": DATE,
            **{
                name: forms.Textarea(attrs={"rows": 5})
                for name in ("context", "highlights", "difficulties", "outlook")
            },
        }
        help_texts = {"context": "Texte simple, 20 000 caractères au plus par section."}

    def __init__(self, *args, convention, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.convention = convention
        self.initial.setdefault("kind", "annuel")
        if convention.signed_on:
            self.initial.setdefault("start", convention.signed_on)
            self.initial.setdefault("end", min(convention.ends_on, timezone.localdate()))
