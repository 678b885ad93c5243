import datetime

import icalendar
import pytest
import vobject
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


def test_the_ics_file_is_a_valid_event_in_paris_time(client, alice, meeting):
    client.force_login(alice)
    response = client.get(reverse("partners:meeting_ics", args=[meeting.pk]))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content.decode()
    assert "DTSTART;TZID=Europe/Paris:20250304T093000" in body
    assert "BEGIN:VTIMEZONE" in body and body.endswith("END:VCALENDAR\r\n")
    assert "LOCATION:Tiers-lieu Gisèle-Halimi\\, Montpellier" in body
    assert "DESCRIPTION:Chiffres\\; orientations" in body
    event = icalendar.Calendar.from_ical(response.content).events[0]
    assert event["uid"] == f"reunion-{meeting.pk}@testserver"
    assert event.decoded("dtstart").astimezone(datetime.UTC) == datetime.datetime(
        2025, 3, 4, 8, 30, tzinfo=datetime.UTC
    )
    assert event.decoded("dtend") - event.decoded("dtstart") == datetime.timedelta(minutes=90)
    assert "dtstamp" in event


def test_a_long_multi_line_agenda_gives_a_strictly_valid_ics(client, alice, meeting):
    agenda = "1. Chiffres du trimestre ; bilan\r\n2. Orientations, relances\r\n" + "é" * 300
    meeting.agenda = agenda
    meeting.title = "Réunion; avec, des \\ caractères"
    meeting.save()
    client.force_login(alice)
    content = client.get(reverse("partners:meeting_ics", args=[meeting.pk])).content
    lines = content.split(b"\r\n")
    assert lines[-1] == b"" and all(b"\r" not in line and b"\n" not in line for line in lines)
    assert max(len(line) for line in lines) <= 75  # folded at 75 octets
    expected = agenda.replace("\r\n", "\n")
    event = icalendar.Calendar.from_ical(content).events[0]
    assert str(event["description"]) == expected
    assert str(event["summary"]) == "Réunion; avec, des \\ caractères"
    # vobject parses strictly: a raw CR or an unfolded line would fail here.
    parsed = vobject.readOne(content.decode("utf-8"), validate=True)
    assert parsed.vevent.description.value == expected
    assert parsed.vevent.dtstart.value.utcoffset() == datetime.timedelta(hours=1)
    assert parsed.vevent.uid.value.endswith("@testserver")


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
