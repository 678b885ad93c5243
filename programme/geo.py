"""Which QPV contains a point: plain point-in-polygon on the shipped GeoJSON contours.

The contours are small (12 polygons of at most a few hundred vertices), so pure Python
beats installing GEOS/PostGIS on every machine (docs/decisions/002-qpv-geometry.md).
A point exactly on a boundary counts as inside; when it lies on the boundary shared by
two QPVs, the one with the smallest code (then name) wins, so the answer is stable.
"""

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
