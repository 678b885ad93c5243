"""Long imports and big exports leave the request: a job, a progress page, the file when
ready (and an e-mail); uploaded XLSX are bounded before they are read."""

import io
import zipfile

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from common.tabular import TableError, check_xlsx_bounds, read_table
from enterprises import jobs
from enterprises.imports.tables import prepare_import
from enterprises.models import Enterprise, Job, JobKind, JobStatus, Participation

from ..factories import ActivityFactory, EnterpriseFactory, text, valid_siret
from .test_imports import csv_file, line

pytestmark = pytest.mark.django_db


def test_a_big_import_is_confirmed_into_a_job_followed_then_emailed(
    reference_data, client, staff, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(jobs, "IMPORT_INLINE_MAX", 20)  # the file below counts as big
    client.force_login(staff)
    url = reverse("admin:enterprises_import")
    upload = SimpleUploadedFile("tpe.csv", csv_file(*[line(n) for n in range(1, 31)]))
    preview = client.post(url, {"file": upload})
    assert "l'import se fera en arrière-plan" in text(preview)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"confirm": "1", "token": preview.context["token"]})
    job = Job.objects.get()
    assert response["Location"] == reverse("enterprises:job", args=[job.pk])
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.progress == 100
    assert Enterprise.objects.count() == 30
    assert not job.source  # the uploaded file is not kept
    page = text(client.get(response["Location"]))
    assert "Import terminé : 30 entreprise(s) créée(s), 0 mise(s) à jour." in page
    status = client.get(reverse("enterprises:job_status", args=[job.pk])).json()
    assert status == {"status": "done", "progress": 100, "step": "Terminé"}
    assert mail.outbox[-1].to == [staff.email]
    assert f"/travaux/{job.pk}/" in mail.outbox[-1].body


def test_an_import_the_worker_cannot_read_fails_and_writes_nothing(
    reference_data, staff, django_capture_on_commit_callbacks
):
    content = csv_file(line(1), line(2), line(3))
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.start(JobKind.IMPORT_ENTERPRISES, staff, filename="tpe.txt.exe", content=content)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "rien n'a été enregistré" in job.summary and job.errors
    assert not Enterprise.objects.exists()
    assert not job.source  # the uploaded file is not kept either


def test_a_big_enterprise_export_is_prepared_by_a_job_for_its_owner_only(
    client, alice, bob, organisation_a, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(jobs, "EXPORT_INLINE_MAX", 3)
    for n in range(5):
        EnterpriseFactory(referent=alice, name=f"TPE {n}")
    EnterpriseFactory(referent=alice, name="AUTRE")  # filtered out by the search
    client.force_login(alice)
    url = reverse("enterprises:export") + "?format=csv&q=TPE"
    confirm = client.get(url)
    assert confirm.status_code == 200 and "5</strong> lignes" in text(confirm)
    assert not Job.objects.exists()  # a GET starts nothing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    job = Job.objects.get()
    assert job.params == {"format": "csv", "query": {"format": "csv", "q": "TPE"}}
    page = client.get(response["Location"])
    assert "Télécharger" in text(page)
    download = client.get(reverse("enterprises:job_file", args=[job.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    body = b"".join(download.streaming_content).decode("utf-8-sig")
    assert body.count(";TPE ") == 5 and "AUTRE" not in body
    client.force_login(bob)  # same organisation, not the one who asked: 404
    for name in ("job", "job_status", "job_file"):
        assert client.get(reverse(f"enterprises:{name}", args=[job.pk])).status_code == 404


def test_a_big_activity_export_is_prepared_by_a_job(
    client, alice, organisation_a, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(jobs, "EXPORT_INLINE_MAX", 1)
    enterprise = EnterpriseFactory(referent=alice)
    for _ in range(2):
        activity = ActivityFactory(author=alice, organisation=organisation_a)
        Participation.objects.create(activity=activity, enterprise=enterprise)
    client.force_login(alice)
    url = reverse("enterprises:activity_export") + "?mine=1&format=xlsx"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    job = Job.objects.get(kind=JobKind.EXPORT_ACTIVITIES)
    assert response["Location"].endswith(f"/travaux/{job.pk}/")
    download = client.get(reverse("enterprises:job_file", args=[job.pk]))
    assert b"".join(download.streaming_content)[:2] == b"PK"
    assert job.filename == f"coop-numerique_accompagnements_{timezone.localdate():%Y-%m-%d}.xlsx"


def _xlsx(sheet_xml_chunks):
    """A minimal XLSX whose first sheet is written from chunks (never whole in memory)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/'
            '2006/content-types"/>',
        )
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            for chunk in sheet_xml_chunks:
                sheet.write(chunk)
    return buffer.getvalue()


def test_an_xlsx_of_three_million_rows_is_refused_before_it_is_read():
    rows = (b"<row/>" * 100_000 for _ in range(30))  # 3 000 000 rows
    bomb = _xlsx([b"<worksheet><sheetData>", *rows, b"</sheetData></worksheet>"])
    assert len(bomb) < 1024 * 1024
    # Refused by the bounds check, before openpyxl builds a single row.
    with pytest.raises(TableError, match="compte plus de 300 000 lignes"):
        read_table(bomb, "bombe.xlsx")
    prepared = prepare_import(bomb, "bombe.xlsx")
    assert "découpez-le en plusieurs fichiers" in prepared.messages()[0]


def test_an_xlsx_that_unzips_to_gigabytes_is_refused_in_french():
    zeros = (b" " * (1024 * 1024) for _ in range(210))  # 210 MB of spaces
    bomb = _xlsx([b"<worksheet>", *zeros, b"</worksheet>"])
    assert len(bomb) < 1024 * 1024
    with pytest.raises(TableError, match="trop volumineux une fois décompressé"):
        check_xlsx_bounds(bomb)


def test_an_ordinary_xlsx_passes_the_bounds(client, staff):
    client.force_login(staff)
    content = client.get(reverse("admin:enterprises_import_template", args=["xlsx"])).content
    check_xlsx_bounds(content)
    assert read_table(content, "modele.xlsx").headers[0] == "SIRET"


@pytest.mark.slow
@pytest.mark.postgres
def test_a_270_000_row_file_imports_completely(
    reference_data, staff, django_capture_on_commit_callbacks
):
    lines = ["SIRET;Raison sociale"]
    lines += [f"{valid_siret(n)};ENTREPRISE {n}" for n in range(1, 270_001)]
    content = ("\n".join(lines) + "\n").encode()
    assert len(content) < 10 * 1024 * 1024  # under the upload limit
    preview = prepare_import(content, "tpe.csv")
    assert preview.ok and len(preview.rows) == 270_000
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.start(JobKind.IMPORT_ENTERPRISES, staff, filename="tpe.csv", content=content)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.summary
    assert Enterprise.objects.count() == 270_000
    assert "270000 entreprise(s) créée(s)" in job.summary
