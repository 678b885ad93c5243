import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from partners.models import Meeting, MeetingDocument

from ..factories import text

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(organisation_a):
    meeting = Meeting.objects.create(
        title="Groupe de travail TPE — Bilan",
        starts_at=timezone.make_aware(datetime.datetime(2025, 3, 4, 9, 30)),
        duration=90,
        place="Tiers-lieu Gisèle-Halimi, Montpellier",
        agenda="Chiffres; orientations",
        minutes="Relancer les partenaires.",
    )
    meeting.invitations.create(organisation=organisation_a, present=True, attendees=2)
    return meeting


def test_invited_members_see_the_meeting_and_others_get_404(client, alice, charlie, meeting):
    client.force_login(alice)
    assert "Groupe de travail TPE — Bilan" in text(client.get(reverse("partners:meetings")))
    page = text(client.get(reverse("partners:meeting", args=[meeting.pk])))
    assert "Relancer les partenaires." in page and "présente (2 personnes)" in page
    client.force_login(charlie)
    assert client.get(reverse("partners:meeting", args=[meeting.pk])).status_code == 404
    assert "Bilan" not in text(client.get(reverse("partners:meetings")))


def test_the_ics_file_is_a_valid_event_in_utc(client, alice, meeting):
    client.force_login(alice)
    response = client.get(reverse("partners:meeting_ics", args=[meeting.pk]))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content.decode()
    assert "DTSTART:20250304T083000Z" in body and "DTEND:20250304T100000Z" in body
    assert "LOCATION:Tiers-lieu Gisèle-Halimi\\, Montpellier" in body
    assert "DESCRIPTION:Chiffres\\; orientations" in body and body.endswith("END:VCALENDAR\r\n")


def test_no_ics_for_a_meeting_without_a_date(client, alice, meeting):
    meeting.starts_at = None
    meeting.save()
    client.force_login(alice)
    response = client.get(reverse("partners:meeting_ics", args=[meeting.pk]))
    assert response.status_code == 409 and "Date à fixer" in text(response)


def test_attachments_must_be_pdf_or_office_documents(meeting):
    from django.core.exceptions import ValidationError

    bad = MeetingDocument(
        meeting=meeting, title="x", file=SimpleUploadedFile("cr.pdf", b"MZ\x90 exe")
    )
    with pytest.raises(ValidationError, match="Seuls les PDF et les documents bureautiques"):
        bad.full_clean()
    big = MeetingDocument(
        meeting=meeting,
        title="x",
        file=SimpleUploadedFile("cr.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024)),
    )
    with pytest.raises(ValidationError, match="Fichier trop lourd"):
        big.full_clean()
    docx = MeetingDocument(
        meeting=meeting, title="x", file=SimpleUploadedFile("cr.docx", b"PK\x03\x04 zip")
    )
    docx.full_clean()


def test_staff_manage_meetings_in_the_admin(client, staff, meeting):
    client.force_login(staff)
    assert (
        client.get(reverse("admin:partners_meeting_change", args=[meeting.pk])).status_code == 200
    )
    assert "1" in text(client.get(reverse("admin:partners_meeting_changelist")))


def test_attendance_feeds_the_indicators(meeting, organisation_b):
    from grant.indicators import working_group_figures

    meeting.invitations.create(organisation=organisation_b, present=False)
    figures = working_group_figures(datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
    assert figures == {"meetings": 1, "attendance": [("Structure A", 1, 1), ("Structure B", 0, 1)]}
