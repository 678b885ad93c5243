"""The showcase: writing a story, the entrepreneur's consent, staff validation, and the
public pages (/temoignages/, each story, its one-page A4 poster)."""

import base64

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_POST
from weasyprint import HTML

from common.files import sniff
from enterprises import perms, signed_links
from enterprises.enums import AgreementMethod, ConsentPurpose
from enterprises.forms.stories import StoryForm
from enterprises.models import Consent, Enterprise, Story
from partners.emails import queue_templated_email


def _visible_story(request, pk):
    visible = Enterprise.objects.visible_to(request.user)
    return get_object_or_404(
        Story.objects.filter(enterprise__in=visible).select_related("enterprise", "consent"),
        pk=pk,
    )


def _editable_story(request, pk):
    story = _visible_story(request, pk)
    if not perms.can_edit_enterprise(request.user, story.enterprise):
        raise PermissionDenied("Votre rôle ne permet pas de modifier ce témoignage.")
    return story


def _contact_email(enterprise):
    contact = enterprise.contacts.filter(anonymised_at__isnull=True).exclude(email="").first()
    return contact


def story_list(request):
    """The stories I can follow (staff: all), with where each one stands."""
    visible = Enterprise.objects.visible_to(request.user)
    stories = Story.objects.filter(enterprise__in=visible).select_related("enterprise", "consent")
    return render(request, "enterprises/stories/list.html", {"stories": stories[:200]})


def story_form(request, pk=None, enterprise_pk=None):
    """Write or edit a story; a changed text goes back to the entrepreneur for consent."""
    if pk is not None:
        story = _editable_story(request, pk)
        enterprise = story.enterprise
    else:
        enterprise = get_object_or_404(
            Enterprise.objects.visible_to(request.user), pk=enterprise_pk
        )
        if not perms.can_edit_enterprise(request.user, enterprise):
            raise PermissionDenied("Votre rôle ne permet pas d'écrire ce témoignage.")
        story = Story(
            enterprise=enterprise,
            business_name=str(enterprise),
            trade=enterprise.naf.label if enterprise.naf_id else "",
            neighbourhood=enterprise.qpv.name if enterprise.qpv_id else "",
            written_by=request.user,
        )
    form = StoryForm(request.POST or None, request.FILES or None, instance=story)
    if request.method == "POST" and form.is_valid():
        story = form.save()
        messages.success(request, "Témoignage enregistré.")
        return redirect("enterprises:story", pk=story.pk)
    return render(
        request, "enterprises/stories/form.html", {"form": form, "enterprise": enterprise}
    )


def story_detail(request, pk):
    story = _visible_story(request, pk)
    return render(
        request,
        "enterprises/stories/detail.html",
        {
            "story": story,
            "text": story.text(),
            "can_edit": perms.can_edit_enterprise(request.user, story.enterprise),
            "contact": _contact_email(story.enterprise),
        },
    )


@require_POST
def story_send(request, pk):
    """E-mail the entrepreneur the exact text with a link to accept it."""
    story = _editable_story(request, pk)
    contact = _contact_email(story.enterprise)
    if contact is None:
        messages.error(request, "Aucun contact de l'entreprise n'a d'adresse e-mail.")
    else:
        queue_templated_email(
            "story-consent",
            contact.email,
            {"story": story, "text": story.text(), "url": signed_links.story_link(story)},
        )
        messages.success(request, "Le texte est envoyé à l'entrepreneur·e pour accord.")
    return redirect("enterprises:story", pk=story.pk)


def record_story_consent(story, method, contact=None, by=None):
    """The entrepreneur accepts the story's current text: a new consent, and an e-mail
    confirming it with a link to withdraw it at once."""
    with transaction.atomic():
        consent = Consent.objects.create(
            enterprise=story.enterprise,
            contact=contact,
            purpose=ConsentPurpose.STORY,
            text=story.text(),
            method=method,
            recorded_by=by,
        )
        Story.objects.filter(pk=story.pk).update(consent=consent, consented_text=consent.text)
        story.refresh_from_db()
        if contact is not None and contact.email:
            queue_templated_email(
                "story-consented",
                contact.email,
                {
                    "story": story,
                    "text": consent.text,
                    "withdraw_url": signed_links.withdrawal_link(consent),
                },
            )
    return consent


@require_POST
def story_record_consent(request, pk):
    """The conseiller records the entrepreneur's consent to the text (given on paper)."""
    story = _editable_story(request, pk)
    record_story_consent(
        story,
        AgreementMethod.CONSEILLER,
        contact=_contact_email(story.enterprise),
        by=request.user,
    )
    messages.success(request, "Accord de l'entrepreneur·e noté.")
    return redirect("enterprises:story", pk=story.pk)


@require_POST
def story_validate(request, pk):
    """Staff validate a story whose exact text was accepted: it is published."""
    if not request.user.is_staff:
        raise Http404
    story = _visible_story(request, pk)
    if story.status != "accepté, en attente de validation":
        messages.error(request, "Seul un texte accepté par l'entrepreneur·e peut être publié.")
    else:
        Story.objects.filter(pk=story.pk).update(
            validated_at=timezone.now(), validated_by=request.user
        )
        messages.success(request, "Témoignage publié.")
    return redirect("enterprises:story", pk=story.pk)


# --- Public pages ---------------------------------------------------------------------


@login_not_required
def story_consent(request, token):
    """The entrepreneur reads the exact text and accepts it (a button: mail scanners
    follow links, they do not post forms)."""
    payload = signed_links.read_story_token(token)
    story = Story.objects.filter(pk=payload["s"]).first() if payload else None
    if story is None:
        return render(request, "enterprises/pairs/link_invalid.html", status=404)
    changed = payload["t"] != signed_links.text_digest(story.text())
    done = False
    if request.method == "POST" and not changed:
        contact = _contact_email(story.enterprise)
        record_story_consent(story, AgreementMethod.LINK, contact=contact)
        done = True
    return render(
        request,
        "enterprises/stories/consent.html",
        {"story": story, "text": story.text(), "changed": changed, "done": done},
    )


@login_not_required
def showcase(request):
    """/temoignages/: the published stories, nothing else."""
    stories = Story.objects.published().order_by("-validated_at", "-id")
    return render(request, "enterprises/stories/showcase.html", {"stories": stories})


def _published(pk):
    return get_object_or_404(Story.objects.published(), pk=pk)


@login_not_required
def showcase_story(request, pk):
    return render(request, "enterprises/stories/story.html", {"story": _published(pk)})


@login_not_required
def showcase_photo(request, pk):
    """The photo of a published story (stored privately: gone as soon as it is withdrawn)."""
    story = _published(pk)
    if not story.photo:
        raise Http404
    handle = story.photo.open("rb")
    content_type = (sniff(handle) or ("", "application/octet-stream"))[1]
    response = FileResponse(handle, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_not_required
def showcase_poster(request, pk):
    """The story as a one-page A4 PDF, drawn on demand (docs/decisions/009-story-pdf.md)."""
    story = _published(pk)
    photo = None
    if story.photo:
        with story.photo.open("rb") as handle:
            photo = handle.read()
    html = render_to_string(
        "enterprises/stories/poster.html",
        {"story": story, "photo": photo_data_uri(photo)},
    )
    pdf = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="temoignage-{story.pk}.pdf"'
    return response


def photo_data_uri(content):
    """The photo inlined in the poster's HTML (WeasyPrint fetches no URL of ours)."""
    if not content:
        return ""
    kind = sniff_bytes(content)
    return f"data:{kind};base64,{base64.b64encode(content).decode()}" if kind else ""


def sniff_bytes(content):
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    return ""
