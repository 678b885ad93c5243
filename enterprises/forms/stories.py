"""Writing a story for the showcase."""

from django import forms

from enterprises.models import Story


class StoryForm(forms.ModelForm):
    class Meta:
        model = Story
        fields = [
            "business_name",
            "trade",
            "neighbourhood",
            "what_changed",
            "quote",
            "photo",
            "photo_alt",
        ]
        widgets = {"what_changed": forms.Textarea(attrs={"rows": 5})}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("photo") and not cleaned.get("photo_alt"):
            self.add_error("photo_alt", "Décrivez la photo en quelques mots.")
        return cleaned
