"""The convention's targets against the period's results, in the PDF and the annex."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from pypdf import PdfReader

from grant.enums import TargetIndicator
from grant.models import IndicatorTarget, Report
from grant.reports import build

from ..factories import ActivityFactory, ConventionFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db
START, END = datetime.date(2023, 1, 10), datetime.date(2023, 12, 31)


def test_targets_are_compared_with_recounted_results(reference_data, staff):
    convention = ConventionFactory(signed_on=START)
    IndicatorTarget.objects.create(
        convention=convention, indicator=TargetIndicator.ACTIVITIES, target=Decimal("8")
    )
    for day in (3, 4, 5):
        activity = ActivityFactory(date=datetime.date(2023, 5, day), author=staff)
        activity.participations.create(enterprise=EnterpriseFactory())
    ActivityFactory(date=datetime.date(2024, 2, 1), author=staff)  # after the period
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM enterprises_activity WHERE date BETWEEN %s AND %s", [START, END]
        )
        (activities,) = cursor.fetchone()
    assert activities == 3
    report = build(
        Report.objects.create(
            convention=convention, kind="annuel", start=START, end=END, requested_by=staff
        )
    )
    text = " ".join(
        " ".join(page.extract_text() for page in PdfReader(report.pdf.open("rb")).pages).split()
    )
    # 3 activities out of 8: 37,5 %.
    assert "Activités 8,0 3 37,5" in text
    book = openpyxl.load_workbook(io.BytesIO(report.xlsx.open("rb").read()))
    rows = list(book["Objectifs"].iter_rows(values_only=True))
    assert rows[0][:4] == (
        "Indicateur",
        "Objectif",
        "Résultat à la fin de la période",
        "Atteint (%)",
    )
    assert rows[1][:4] == ("activités", 8, 3, 37.5)


def test_without_targets_the_report_says_so(reference_data, staff):
    convention = ConventionFactory(signed_on=START)
    report = build(
        Report.objects.create(
            convention=convention, kind="annuel", start=START, end=END, requested_by=staff
        )
    )
    text = " ".join(page.extract_text() for page in PdfReader(report.pdf.open("rb")).pages)
    assert "Aucun objectif chiffré n'est enregistré" in " ".join(text.split())
