"""Every XLSX and CSV export opens whole in LibreOffice, hostile text included.

LibreOffice converts each file to XLSX (CSV read with `;`, UTF-8 and the French locale,
as a French user opens it); the converted file, read back with openpyxl, must have as many
rows as the project wrote, dates as dates and numbers as numbers. Before issue 16 one U+FFFF
made LibreOffice keep 7 rows of 48."""

import datetime
import shutil
import subprocess
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from enterprises.models import Enterprise, Participation, StageChange
from grant.models import Report

from .factories import (
    ActivityFactory,
    BudgetLineFactory,
    ContactFactory,
    ConventionFactory,
    EnterpriseFactory,
    ExpenseFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.libreoffice]
HOSTILE = 'Société\uffff\ufffe\x01\x1b =HYPERLINK("http://x";"clic")\r\nligne 2\n' + "long " * 200
ROWS = 48


@pytest.fixture
def hostile_data(reference_data, staff):
    convention = ConventionFactory(
        max_amount=Decimal("40000.00"), signed_on=datetime.date(2023, 1, 10)
    )
    line = BudgetLineFactory(
        convention=convention, label=HOSTILE[:100], planned_grant=Decimal("9000")
    )
    for n in range(ROWS):
        enterprise = EnterpriseFactory(
            name=f"{HOSTILE[:150]} {n}", address=HOSTILE[:150], stage="accompagnee"
        )
        ContactFactory(enterprise=enterprise, last_name=HOSTILE[:50])
        activity = ActivityFactory(
            date=datetime.date(2023, 5, 2), duration=90, notes=HOSTILE, author=staff
        )
        Participation.objects.create(activity=activity, enterprise=enterprise)
        ExpenseFactory(
            line=line,
            supplier=HOSTILE[:100],
            description=HOSTILE[:150],
            amount=Decimal("100.50"),
            grant_amount=Decimal("50"),
            date=datetime.date(2023, 3, 1),
        )
    # They entered the parcours before the report's period ends (its figures are as of then).
    entered = timezone.make_aware(datetime.datetime(2023, 1, 15, 9, 0))
    Enterprise.objects.update(created_at=entered)
    StageChange.objects.update(at=entered)
    return convention


def libreoffice_reads(files, tmp_path):
    """Convert every file to XLSX with LibreOffice; return {name: openpyxl workbook}."""
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice (soffice) introuvable"
    source, out = tmp_path / "in", tmp_path / "out"
    source.mkdir()
    for name, content in files.items():
        (source / name).write_bytes(content)
    profile = f"-env:UserInstallation=file://{tmp_path}/profile"
    for pattern, infilter in (("*.xlsx", []), ("*.csv", ["--infilter=CSV:59,34,76,1,,1036"])):
        paths = sorted(str(p) for p in source.glob(pattern))
        if not paths:
            continue
        args = [soffice, profile, "--headless", *infilter, "--convert-to", "xlsx"]
        args += ["--outdir", str(out / pattern[2:]), *paths]
        subprocess.run(args, check=True, capture_output=True, timeout=300)
    books = {}
    for name in files:
        stem, suffix = name.rsplit(".", 1)
        converted = out / suffix / f"{stem}.xlsx"
        assert converted.exists(), f"LibreOffice n'a pas pu ouvrir {name}"
        books[name] = openpyxl.load_workbook(converted)
    return books


def data_rows(sheet, first_header):
    rows = [r for r in sheet.iter_rows() if any(c.value not in (None, "") for c in r)]
    header = next(i for i, r in enumerate(rows) if r[0].value == first_header)
    return rows[header + 1 :]


def test_every_export_opens_whole_in_libreoffice(
    client, staff, hostile_data, tmp_path, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    files = {}
    for fmt in ("xlsx", "csv"):
        files[f"entreprises.{fmt}"] = client.get(
            reverse("enterprises:export"), {"format": fmt, "contacts": "1"}
        ).content
        files[f"activites.{fmt}"] = client.get(
            reverse("enterprises:activity_export"), {"format": fmt}
        ).content
        files[f"depenses.{fmt}"] = client.get(
            reverse("grant:statement", args=[hostile_data.pk, fmt])
        ).content
        files[f"pilotage.{fmt}"] = client.get(
            reverse("grant:dashboard_export", args=["etapes", fmt])
        ).content
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("grant:report_create", args=[hostile_data.pk]),
            {"kind": "annuel", "start": "2023-01-10", "end": "2023-12-31", "context": HOSTILE},
        )
    report = Report.objects.get()
    files["annexe.xlsx"] = report.xlsx.read()
    books = libreoffice_reads(files, tmp_path)

    for fmt in ("xlsx", "csv"):
        enterprises = data_rows(books[f"entreprises.{fmt}"].active, "SIRET")
        assert len(enterprises) == ROWS
        activities = data_rows(books[f"activites.{fmt}"].active, "Date")
        assert len(activities) == ROWS
        expenses = data_rows(books[f"depenses.{fmt}"].active, "Ligne budgétaire")
        assert len(expenses) == ROWS + 1  # and the totals
        assert isinstance(expenses[-1][4].value, int | float) and expenses[-1][4].value == 4824
        assert len(data_rows(books[f"pilotage.{fmt}"].active, "Étape")) >= 1
    # XLSX: text stays text, dates are dates, amounts numbers in euros.
    xlsx_activities = data_rows(books["activites.xlsx"].active, "Date")
    assert all(row[0].is_date for row in xlsx_activities)
    enterprise_rows = data_rows(books["entreprises.xlsx"].active, "SIRET")
    assert all(row[0].data_type == "s" and len(row[0].value) == 14 for row in enterprise_rows)
    assert any(
        "=HYPERLINK" in (c.value or "")
        for row in enterprise_rows
        for c in row
        if c.data_type == "s"
    )
    expense_rows = data_rows(books["depenses.xlsx"].active, "Ligne budgétaire")
    assert all(row[1].is_date for row in expense_rows[:-1])
    assert all(row[4].data_type == "n" and "€" in row[4].number_format for row in expense_rows)
    annex = books["annexe.xlsx"]
    assert len(data_rows(annex["Entreprises"], "SIRET")) == ROWS
    assert len(data_rows(annex["Activités"], "Date")) == ROWS
    assert len(data_rows(annex["Dépenses"], "Ligne budgétaire")) == ROWS
    assert all(row[0].is_date for row in data_rows(annex["Activités"], "Date"))
