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


def _edges(ring):
    """The ring's edges as (x1, y1, x2, y2) tuples, the last vertex joined to the first."""
    count = len(ring)
    return [
        (ring[i][0], ring[i][1], ring[(i + 1) % count][0], ring[(i + 1) % count][1])
        for i in range(count)
    ]


def _edges_position(x, y, edges):
    """1 inside, 0 on an edge, -1 outside, counting crossings of a ray towards +x.

    Only edges whose y-range contains y (give or take EPSILON) can touch the point or
    cross its ray, so passing any superset of those edges gives the same answer."""
    inside = False
    for x1, y1, x2, y2 in edges:
        if _on_segment(x, y, x1, y1, x2, y2):
            return 0
        # Half-open rule on y: each crossing is counted exactly once.
        if (y1 > y) != (y2 > y):
            x_cross = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
            if x < x_cross:
                inside = not inside
    return 1 if inside else -1


def ring_position(x, y, ring):
    """1 if (x, y) is strictly inside the closed ring, 0 on its boundary, -1 outside."""
    return _edges_position(x, y, _edges(ring))


class _PreparedRing:
    """A ring with its edges sorted into horizontal slabs: a point is tested only against
    the edges of its slab, the ones whose y-range can contain it (same answer as
    ring_position, a few edges instead of all of them)."""

    def __init__(self, ring, edges_per_slab=4):
        edges = _edges(ring)
        ys = [p[1] for p in ring] or [0.0]
        self.min_y, max_y = min(ys) - EPSILON, max(ys) + EPSILON
        self.count = max(1, len(edges) // edges_per_slab)
        self.height = (max_y - self.min_y) / self.count or 1.0
        self.slabs = [[] for _ in range(self.count)]
        for edge in edges:
            low = min(edge[1], edge[3]) - EPSILON
            high = max(edge[1], edge[3]) + EPSILON
            for index in range(self._slab(low), self._slab(high) + 1):
                self.slabs[index].append(edge)

    def _slab(self, y):
        return min(max(int((y - self.min_y) / self.height), 0), self.count - 1)

    def position(self, x, y):
        return _edges_position(x, y, self.slabs[self._slab(y)])


def _inside(positions):
    """The polygon rule over its rings' positions (outer ring first, read lazily): the
    boundary of the outer ring counts as inside, the inside of a hole as outside."""
    positions = iter(positions)
    if next(positions, -1) < 0:
        return False
    return all(position != 1 for position in positions)


def polygon_contains(coordinates, x, y):
    """Whether a GeoJSON Polygon's coordinates (outer ring, then holes) contain the point."""
    return _inside(ring_position(x, y, ring) for ring in coordinates)


class _PreparedPolygon:
    """A polygon whose rings are indexed once, for locating many points."""

    def __init__(self, coordinates):
        self.rings = [_PreparedRing(ring) for ring in coordinates]

    def contains(self, x, y):
        return _inside(ring.position(x, y) for ring in self.rings)


def _polygons(geometry):
    """The coordinates of each Polygon of a Polygon or MultiPolygon (none otherwise)."""
    kind = (geometry or {}).get("type")
    if kind == "Polygon":
        return [geometry["coordinates"]]
    if kind == "MultiPolygon":
        return geometry["coordinates"]
    return []


def geometry_contains(geometry, longitude, latitude):
    """Whether a GeoJSON Polygon or MultiPolygon contains the point (lon, lat)."""
    return any(polygon_contains(p, longitude, latitude) for p in _polygons(geometry))


def bounding_box(geometry):
    """(min_lon, min_lat, max_lon, max_lat) of a Polygon or MultiPolygon."""
    polygons = _polygons(geometry)
    xs = [p[0] for polygon in polygons for ring in polygon for p in ring]
    ys = [p[1] for polygon in polygons for ring in polygon for p in ring]
    return min(xs), min(ys), max(xs), max(ys)


class QpvLocator:
    """Locates many points against a set of QPVs, reading and preparing their polygons
    once. Takes an iterable of Qpv objects (a queryset is read lazily, once)."""

    def __init__(self, qpvs):
        self._qpvs = qpvs
        self._shapes = None

    def _load(self):
        shapes = []
        for qpv in self._qpvs:
            polygons = _polygons(qpv.polygon)
            if polygons:
                min_x, min_y, max_x, max_y = bounding_box(qpv.polygon)
                box = (min_x - EPSILON, min_y - EPSILON, max_x + EPSILON, max_y + EPSILON)
                prepared = [_PreparedPolygon(p) for p in polygons]
                shapes.append((qpv.code or "~", qpv.name, qpv, box, prepared))
        shapes.sort(key=lambda shape: (shape[0], shape[1]))
        self._shapes = shapes

    def bounds(self):
        """(min_lon, min_lat, max_lon, max_lat) around every QPV, or None without any."""
        if self._shapes is None:
            self._load()
        if not self._shapes:
            return None
        boxes = [shape[3] for shape in self._shapes]
        return (
            min(b[0] for b in boxes),
            min(b[1] for b in boxes),
            max(b[2] for b in boxes),
            max(b[3] for b in boxes),
        )

    def locate(self, latitude, longitude):
        """The first QPV (by code, then name) containing the WGS84 point, or None."""
        if latitude is None or longitude is None:
            return None
        if self._shapes is None:
            self._load()
        x, y = float(longitude), float(latitude)
        for _code, _name, qpv, (min_x, min_y, max_x, max_y), polygons in self._shapes:
            inside_box = min_x <= x <= max_x and min_y <= y <= max_y
            if inside_box and any(polygon.contains(x, y) for polygon in polygons):
                return qpv
        return None

    def nearest_boundary(self, latitude, longitude, within):
        """(qpv, metres) of the QPV whose contour passes closest to the point, if closer
        than `within` metres; else None. For warning about points just outside a contour
        (the contours are simplified to about 10 m, an address geocoded a little off)."""
        if latitude is None or longitude is None:
            return None
        if self._shapes is None:
            self._load()
        latitude, longitude = float(latitude), float(longitude)
        margin = within / 60000  # degrees; generous at this latitude (1° lon ≈ 80 km)
        x, y = wgs84_to_lambert93(latitude, longitude)
        best = None
        for _code, _name, qpv, (min_x, min_y, max_x, max_y), _prepared in self._shapes:
            if not (
                min_x - margin <= longitude <= max_x + margin
                and min_y - margin <= latitude <= max_y + margin
            ):
                continue
            for polygon in _polygons(qpv.polygon):
                for ring in polygon:
                    points = [wgs84_to_lambert93(lat, lon) for lon, lat, *_ in ring]
                    for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1], strict=True):
                        distance = _segment_distance(x, y, x1, y1, x2, y2)
                        if distance <= within and (best is None or distance < best[1]):
                            best = (qpv, distance)
        return best


def _segment_distance(x, y, x1, y1, x2, y2):
    """Distance in the plane from (x, y) to the segment (x1, y1)–(x2, y2)."""
    dx, dy = x2 - x1, y2 - y1
    length = dx * dx + dy * dy
    t = 0.0 if length == 0 else max(0.0, min(1.0, ((x - x1) * dx + (y - y1) * dy) / length))
    return math.hypot(x - (x1 + t * dx), y - (y1 + t * dy))


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
