import itertools

import pytest

from programme.geo import QpvLocator, geometry_contains, ring_position
from programme.models import Qpv

from ..factories import QpvFactory


@pytest.mark.django_db
@pytest.mark.usefixtures("reference_data")
class TestShippedPolygons:
    def test_la_paillade_is_in_mosson(self):
        assert Qpv.objects.containing(43.6321, 3.8200).code == "QP034005"

    def test_place_de_la_comedie_is_in_no_qpv(self):
        assert Qpv.objects.containing(43.6086, 3.8797) is None

    def test_another_continent_is_in_no_qpv(self):
        assert Qpv.objects.containing(40.7128, -74.0060) is None  # New York
        assert Qpv.objects.containing(-43.6321, -3.8200) is None  # mirror of La Paillade

    def test_the_2024_generation_has_no_polygon_yet(self):
        assert Qpv.objects.containing(43.6321, 3.8200, generation=2024) is None

    def test_a_vertex_of_a_boundary_gives_a_stable_answer(self):
        mosson = Qpv.objects.get(code="QP034005")
        lon, lat = mosson.polygon["coordinates"][0][3]
        answers = {Qpv.objects.containing(lat, lon).code for _ in range(5)}
        assert answers == {"QP034005"}

    def test_the_middle_of_an_edge_counts_as_inside(self):
        celleneuve = Qpv.objects.get(code="QP034004")
        (x1, y1), (x2, y2) = celleneuve.polygon["coordinates"][0][:2]
        assert Qpv.objects.containing((y1 + y2) / 2, (x1 + x2) / 2) == celleneuve


@pytest.mark.django_db
def test_on_a_shared_boundary_the_smallest_code_wins():
    left = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}
    right = {"type": "Polygon", "coordinates": [[[1, 0], [2, 0], [2, 1], [1, 1], [1, 0]]]}
    QpvFactory(code="QP099002", name="Gauche", polygon=left)
    QpvFactory(code="QP099001", name="Droite", polygon=right)
    assert Qpv.objects.containing(0.5, 1.0).name == "Droite"
    assert Qpv.objects.containing(0.5, 0.5).name == "Gauche"
    assert Qpv.objects.containing(0.5, 1.5).name == "Droite"


def test_a_hole_is_outside():
    outer = [[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]]
    hole = [[1, 1], [3, 1], [3, 3], [1, 3], [1, 1]]
    polygon = {"type": "Polygon", "coordinates": [outer, hole]}
    assert not geometry_contains(polygon, 2, 2)
    assert geometry_contains(polygon, 0.5, 0.5)
    assert geometry_contains(polygon, 1, 2)  # on the hole's edge: boundary counts as inside
    multi = {
        "type": "MultiPolygon",
        "coordinates": [[outer], [[[10, 10], [11, 10], [11, 11], [10, 10]]]],
    }
    assert geometry_contains(multi, 10.9, 10.5)
    assert not geometry_contains(multi, 10.1, 10.9)


def test_ring_position():
    square = [[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]]
    assert ring_position(1, 1, square) == 1
    assert ring_position(2, 1, square) == 0
    assert ring_position(0, 0, square) == 0
    assert ring_position(3, 1, square) == -1
    assert ring_position(1, 2.0000001, square) == -1


def test_locator_without_coordinates_says_none():
    assert QpvLocator([]).locate(None, 3.8) is None


def test_lambert93_origin_and_round_trip():
    from programme.geo import lambert93_to_wgs84, wgs84_to_lambert93

    x, y = wgs84_to_lambert93(46.5, 3.0)
    assert (round(x, 3), round(y, 3)) == (700000.0, 6600000.0)
    for lat, lon in ((43.6321, 3.82), (48.8530, 2.3499), (42.7, 9.45)):
        back = lambert93_to_wgs84(*wgs84_to_lambert93(lat, lon))
        assert abs(back[0] - lat) < 1e-9 and abs(back[1] - lon) < 1e-9


def test_lambert93_of_montpellier_is_where_ign_puts_it():
    from programme.geo import wgs84_to_lambert93

    # La Comédie is about 771 km east and 6 279 km north in Lambert-93.
    x, y = wgs84_to_lambert93(43.6086, 3.8797)
    assert 770_000 < x < 772_000 and 6_278_000 < y < 6_280_500


@pytest.mark.django_db
@pytest.mark.usefixtures("reference_data")
def test_the_slab_index_gives_the_plain_ring_answer_on_every_shipped_polygon():
    """The locator's prepared rings test a few edges per point instead of all of them:
    the answers must be those of ring_position, vertices and edge midpoints included."""
    import random

    from programme.geo import _PreparedRing, bounding_box

    rng = random.Random(7)
    for qpv in Qpv.objects.exclude(polygon=None):
        ring = qpv.polygon["coordinates"][0]
        prepared = _PreparedRing(ring)
        min_x, min_y, max_x, max_y = bounding_box(qpv.polygon)
        points = [tuple(p) for p in ring]
        points += [((a[0] + b[0]) / 2, (a[1] + b[1]) / 2) for a, b in itertools.pairwise(ring)]
        points += [(rng.uniform(min_x, max_x), rng.uniform(min_y, max_y)) for _ in range(500)]
        positions = {prepared.position(x, y) for x, y in points}
        assert positions == {-1, 0, 1}, qpv.code  # the sample reaches all three answers
        for x, y in points:
            assert prepared.position(x, y) == ring_position(x, y, ring), (qpv.code, x, y)


def test_lambert_window_holds_every_qpv_point():
    from enterprises.imports.sirene import _lambert_window
    from programme.geo import wgs84_to_lambert93

    qpv = QpvFactory.build(
        polygon={"type": "Polygon", "coordinates": [[[3.8, 43.6], [3.9, 43.6], [3.9, 43.7]]]}
    )
    locator = QpvLocator([qpv])
    min_x, min_y, max_x, max_y = _lambert_window(locator)
    for lon, lat in ((3.8, 43.6), (3.9, 43.6), (3.9, 43.7), (3.85, 43.65)):
        x, y = wgs84_to_lambert93(lat, lon)
        assert min_x < x < max_x and min_y < y < max_y
    assert _lambert_window(QpvLocator([])) is None
