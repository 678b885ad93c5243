"""Downloads are named after what the file holds, and meeting documents keep the name
they had on the uploader's computer (issue 17, item 10)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from common.files import download_name
from demo.grant import minimal_pdf
from grant.models import Expense
from partners.models import Meeting, MeetingDocument, MeetingInvitation

from ..grant.test_money import convention, line, post_expense  # noqa: F401 (fixtures)


@pytest.mark.parametrize(
    ("name", "extension", "expected"),
    [
        ("facture.pdf.html", "pdf", "facture.pdf"),
        ("facture.html", "pdf", "facture.pdf"),
        ("Facture Axents.PDF", "pdf", "Facture Axents.PDF"),
        ("photo.jpeg", "jpg", "photo.jpeg"),
        ("scan.png.exe", "png", "scan.png"),
        ("sans extension", "png", "sans extension.png"),
        (".html", "pdf", "fichier.pdf"),
        ("notes.svg", "bin", "notes.bin"),
    ],
)
def test_download_name_takes_its_suffix_from_the_stored_type(name, extension, expected):
    assert download_name(name, extension) == expected


@pytest.mark.django_db
def test_a_pdf_uploaded_as_html_downloads_as_pdf(client, staff, convention, line):  # noqa: F811
    client.force_login(staff)
    upload = SimpleUploadedFile("facture.pdf.html", minimal_pdf("Facture"), "text/html")
    assert post_expense(client, convention, line, receipt=upload).status_code == 302
    expense = Expense.objects.get()
    download = client.get(reverse("grant:receipt", args=[expense.pk]))
    assert download["Content-Type"] == "application/pdf"
    disposition = download["Content-Disposition"]
    assert 'filename="facture.pdf"' in disposition and ".html" not in disposition


@pytest.mark.django_db
def test_a_meeting_document_added_from_its_admin_page_keeps_its_name(
    client, staff, alice, organisation_a
):
    meeting = Meeting.objects.create(title="Groupe de travail", starts_at=timezone.now())
    MeetingInvitation.objects.create(meeting=meeting, organisation=organisation_a)
    client.force_login(staff)
    upload = SimpleUploadedFile("Compte rendu 12 mars.pdf", minimal_pdf("CR"), "application/pdf")
    response = client.post(
        reverse("admin:partners_meetingdocument_add"),
        {"meeting": meeting.pk, "title": "Compte rendu", "file": upload},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    document = MeetingDocument.objects.get()
    assert document.original_name == "Compte rendu 12 mars.pdf"
    assert "Compte rendu 12 mars" not in document.file.name  # stored under a random name
    client.force_login(alice)
    download = client.get(reverse("partners:meeting_document", args=[document.pk]))
    assert download.status_code == 200
    assert "Compte%20rendu%2012%20mars.pdf" in download["Content-Disposition"] or (
        'filename="Compte rendu 12 mars.pdf"' in download["Content-Disposition"]
    )
