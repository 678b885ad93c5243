"""Which QPV contains a point: plain point-in-polygon on the shipped GeoJSON contours.

The contours are small (12 polygons of at most a few hundred vertices), so pure Python
beats installing GEOS/PostGIS on every machine (docs/decisions/002-qpv-geometry.md).
A point exactly on a boundary counts as inside; when it lies on the boundary shared by
two QPVs, the one with the smallest code (then name) wins, so the answer is stable.
"""

import math

# Closer than this (in degrees, about 0.1 mm) a point counts as on the boundary.
EPSILON = 1e-9


def _on_segment(x, y, x1, y1, x2, y2):
    cross = (x2 - x1) * (y - y1) - (y2 - y1) * (x - x1)
    if abs(cross) > EPSILON:
        return False
    return (
        min(x1, x2) - EPSILON <= x <= max(x1, x2) + EPSILON
        and min(y1, y2) - EPSILON <= y <= max(y1, y2) + EPSILON
    )


def ring_position(x, y, ring):
    """1 if (x, y) is strictly inside the closed ring, 0 on its boundary, -1 outside."""
    inside = False
    count = len(ring)
    for i in range(count):
        x1, y1 = ring[i][0], ring[i][1]
        x2, y2 = ring[(i + 1) % count][0], ring[(i + 1) % count][1]
        if _on_segment(x, y, x1, y1, x2, y2):
            return 0
        # Half-open rule on y: each crossing is counted exactly once.
        if (y1 > y) != (y2 > y):
            x_cross = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
            if x < x_cross:
                inside = not inside
    return 1 if inside else -1


def polygon_contains(coordinates, x, y):
    """Whether a GeoJSON Polygon's coordinates (outer ring, then holes) contain the point.

    The boundary of the outer ring counts as inside, the inside of a hole as outside."""
    if not coordinates:
        return False
    if ring_position(x, y, coordinates[0]) < 0:
        return False
    return all(ring_position(x, y, hole) != 1 for hole in coordinates[1:])


def geometry_contains(geometry, longitude, latitude):
    """Whether a GeoJSON Polygon or MultiPolygon contains the point (lon, lat)."""
    if not geometry:
        return False
    kind = geometry.get("type")
    if kind == "Polygon":
        return polygon_contains(geometry["coordinates"], longitude, latitude)
    if kind == "MultiPolygon":
        return any(polygon_contains(p, longitude, latitude) for p in geometry["coordinates"])
    return False


def bounding_box(geometry):
    """(min_lon, min_lat, max_lon, max_lat) of a Polygon or MultiPolygon."""
    polygons = (
        [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    )
    xs = [p[0] for polygon in polygons for ring in polygon for p in ring]
    ys = [p[1] for polygon in polygons for ring in polygon for p in ring]
    return min(xs), min(ys), max(xs), max(ys)


class QpvLocator:
    """Locates many points against a set of QPVs, reading their polygons once.

    Takes an iterable of Qpv objects (a queryset is read lazily, once)."""

    def __init__(self, qpvs):
        self._qpvs = qpvs
        self._shapes = None

    def _load(self):
        shapes = []
        for qpv in self._qpvs:
            if qpv.polygon:
                shapes.append((qpv.code or "~", qpv.name, qpv, bounding_box(qpv.polygon)))
        shapes.sort(key=lambda shape: (shape[0], shape[1]))
        self._shapes = shapes

    def locate(self, latitude, longitude):
        """The first QPV (by code, then name) containing the WGS84 point, or None."""
        if latitude is None or longitude is None:
            return None
        if self._shapes is None:
            self._load()
        x, y = float(longitude), float(latitude)
        for _code, _name, qpv, (min_x, min_y, max_x, max_y) in self._shapes:
            if not (
                min_x - EPSILON <= x <= max_x + EPSILON and min_y - EPSILON <= y <= max_y + EPSILON
            ):
                continue
            if geometry_contains(qpv.polygon, x, y):
                return qpv
        return None


# Lambert-93 (EPSG:2154), the projection of INSEE's SIRENE coordinates: Lambert conformal
# conic on GRS80 (same as WGS84 to within a millimetre here), standard parallels 44° and
# 49°, origin 46°30' N 3° E, false easting 700 000 m and northing 6 600 000 m.
_A = 6378137.0
_E = math.sqrt(0.00669438002290)
_LON0 = math.radians(3.0)
_X0, _Y0 = 700000.0, 6600000.0


def _m(phi):
    return math.cos(phi) / math.sqrt(1 - (_E * math.sin(phi)) ** 2)


def _t(phi):
    esin = _E * math.sin(phi)
    return math.tan(math.pi / 4 - phi / 2) / ((1 - esin) / (1 + esin)) ** (_E / 2)


_PHI1, _PHI2, _PHI0 = math.radians(44.0), math.radians(49.0), math.radians(46.5)
_N = (math.log(_m(_PHI1)) - math.log(_m(_PHI2))) / (math.log(_t(_PHI1)) - math.log(_t(_PHI2)))
_F = _m(_PHI1) / (_N * _t(_PHI1) ** _N)
_RHO0 = _A * _F * _t(_PHI0) ** _N


def wgs84_to_lambert93(latitude, longitude):
    """(x, y) in metres, Lambert-93, of a WGS84 point."""
    phi, lam = math.radians(latitude), math.radians(longitude)
    rho = _A * _F * _t(phi) ** _N
    theta = _N * (lam - _LON0)
    return _X0 + rho * math.sin(theta), _Y0 + _RHO0 - rho * math.cos(theta)


def lambert93_to_wgs84(x, y):
    """(latitude, longitude) in degrees of a Lambert-93 point, to about a millimetre."""
    dx, dy = x - _X0, _RHO0 - (y - _Y0)
    rho = math.copysign(math.hypot(dx, dy), _N)
    t = (rho / (_A * _F)) ** (1 / _N)
    lam = math.atan2(dx, dy) / _N + _LON0
    phi = math.pi / 2 - 2 * math.atan(t)
    for _ in range(20):  # converges in a handful of iterations
        esin = _E * math.sin(phi)
        new = math.pi / 2 - 2 * math.atan(t * ((1 - esin) / (1 + esin)) ** (_E / 2))
        if abs(new - phi) < 1e-12:
            phi = new
            break
        phi = new
    return math.degrees(phi), math.degrees(lam)
