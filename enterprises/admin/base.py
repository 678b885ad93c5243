"""What the enterprise admin pages share: scoped lookups, quick actions, stashed uploads."""

import base64
import secrets

from django import forms
from django.shortcuts import render

from enterprises.models import (
    Enterprise,
)

IMPORT_SESSION_KEY = "enterprise_import"
PIX_SESSION_KEY = "pix_import"
MAX_UPLOAD = 10 * 1024 * 1024


def stash_upload(request, key, name, content):
    """Keep an uploaded file in the session between preview and confirmation; returns the
    token the confirmation must bring back. The file leaves the session when confirmed."""
    token = secrets.token_urlsafe(12)
    request.session[key] = {
        "name": name,
        "content": base64.b64encode(content).decode(),
        "token": token,
    }
    return token


def unstash_upload(request, key):
    """(name, content) of the stashed file if the token matches, else None; always drops it."""
    stored = request.session.pop(key, None)
    if not stored or stored["token"] != request.POST.get("token"):
        return None
    return stored["name"], base64.b64decode(stored["content"])


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Fichier CSV ou Excel (.xlsx)",
        help_text="Séparateur ; ou , — UTF-8, UTF-16 ou Windows-1252 — 10 Mo au plus.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError("Fichier trop lourd (10 Mo au plus).")
        return upload


def action_page(modeladmin, request, queryset, form, title, action):
    """The intermediate page of an admin action that needs a form."""
    return render(
        request,
        "admin/enterprises/enterprise/action_form.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": title,
            "form": form,
            "queryset": queryset,
            "action": action,
            "opts": modeladmin.model._meta,
        },
    )


class ThroughEnterpriseMixin:
    """Objects hanging off enterprises are read through the visibility rule."""

    def get_queryset(self, request):
        visible = Enterprise.objects.visible_to(request.user)
        return super().get_queryset(request).filter(enterprise__in=visible)


class ThroughContactMixin:
    """Objects hanging off contacts are read through their enterprise's visibility."""

    def get_queryset(self, request):
        visible = Enterprise.objects.visible_to(request.user)
        return super().get_queryset(request).filter(contact__enterprise__in=visible)
