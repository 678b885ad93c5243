"""The import preview of a good file lists the rows with their QPV and warns about the rows
that will be « hors QPV » (no coordinates, or a point just outside a contour)."""

import pytest
from django.urls import reverse

from enterprises.imports.tables import prepare_import
from programme.geo import QpvLocator
from programme.models import Qpv

from ..factories import text, valid_siret
from .test_imports import _upload, csv_file, line

pytestmark = pytest.mark.django_db


def just_outside(code="QP034005", metres=40):
    """A point (lat, lon) about `metres` outside the contour of a QPV."""
    qpv = Qpv.objects.get(code=code)
    ring = qpv.polygon["coordinates"][0]
    if qpv.polygon["type"] == "MultiPolygon":
        ring = ring[0]
    cx = sum(p[0] for p in ring) / len(ring)
    cy = sum(p[1] for p in ring) / len(ring)
    locator = QpvLocator([qpv])
    step = metres / 111_000
    for lon, lat, *_ in ring:
        dx, dy = lon - cx, lat - cy
        norm = (dx * dx + dy * dy) ** 0.5
        candidate = (lat + dy / norm * step, lon + dx / norm * step)
        near = locator.nearest_boundary(*candidate, 100)
        if locator.locate(*candidate) is None and near and 20 < near[1] < 60:
            return candidate
    raise AssertionError("no point found just outside the contour")


def test_the_locator_measures_the_distance_to_the_nearest_contour(reference_data):
    lat, lon = just_outside()
    locator = QpvLocator(Qpv.objects.filter(code__startswith="QP034"))
    qpv, metres = locator.nearest_boundary(lat, lon, 100)
    assert qpv.code == "QP034005" and 20 < metres < 60
    assert locator.nearest_boundary(43.70, 3.95, 100) is None  # far from every QPV


def test_the_preview_lists_rows_with_their_qpv_and_warns_about_hors_qpv(
    reference_data, client, staff
):
    lat, lon = just_outside()
    content = csv_file(
        line(1),  # inside QP034005
        line(2, lat=f"{lat:.6f}".replace(".", ","), lon=f"{lon:.6f}".replace(".", ",")),
        line(3, lat="", lon=""),  # no coordinates
    )
    prepared = prepare_import(content, "tpe.csv")
    assert prepared.ok
    assert [r.qpv.code if r.qpv else None for r in prepared.rows] == ["QP034005", None, None]
    assert [r.line for r in prepared.outside_qpv] == [3, 4]
    client.force_login(staff)
    page = text(client.post(reverse("admin:enterprises_import"), {"file": _upload(content)}))
    assert "2 ligne(s) seront « hors QPV »" in page
    assert valid_siret(1) in page and "ENTREPRISE 1" in page and "(QP034005)" in page
    assert "du contour de « " in page and "m du contour" in page
    assert "hors QPV : pas de coordonnées" in page
