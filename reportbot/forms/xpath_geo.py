"""ODK's geo functions over stored positions: `area(${shape})`, `distance(${trace})` and
`geofence(${point}, ${shape})`.

Positions are stored as ODK stores them ("lat lon alt acc", points joined by ";"). As in
JavaRosa's GeoUtils, lengths and areas are geodesics on the WGS84 ellipsoid computed with
GeographicLib (https://geographiclib.sourceforge.io/; JavaRosa uses its Java port), in metres
and square metres. A value that is not a list of positions gives "" (ODK: an error).
"""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise
from typing import Any

from geographiclib.geodesic import Geodesic

_MAX_POINTS = 10_000  # a bound on the work one expression can cause


def _points(values: tuple[Any, ...]) -> list[tuple[float, float]] | None:
    """Every point of the arguments, in order; None if one of them is not a position."""
    points: list[tuple[float, float]] = []
    for value in values:
        for piece in value if isinstance(value, list) else [value]:
            text = piece if isinstance(piece, str) else ""
            for point in text.split(";"):
                parts = point.split()
                if not parts:
                    continue
                try:
                    lat, lon = float(parts[0]), float(parts[1])
                except (ValueError, IndexError):
                    return None
                if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                    return None
                points.append((lat, lon))
                if len(points) > _MAX_POINTS:
                    return None
    return points


def _metres(value: float) -> Decimal:
    return Decimal(repr(value))


def distance(*values: Any) -> Any:
    """The length in metres of the line through the points (a geotrace, or several points)."""
    points = _points(values)
    if points is None:
        return ""
    total = 0.0
    for (lat1, lon1), (lat2, lon2) in pairwise(points):
        total += Geodesic.WGS84.Inverse(lat1, lon1, lat2, lon2, Geodesic.DISTANCE)["s12"]
    return _metres(total)


def area(value: Any) -> Any:
    """The area in square metres of a geoshape (0 with fewer than 3 points)."""
    points = _points((value,))
    if points is None:
        return ""
    if len(points) > 1 and points[-1] == points[0]:
        points.pop()  # a geoshape repeats its first point at the end
    if len(points) < 3:
        return Decimal(0)
    polygon = Geodesic.WGS84.Polygon(False)
    for lat, lon in points:
        polygon.AddPoint(lat, lon)
    _count, _perimeter, surface = polygon.Compute(False, True)
    return _metres(abs(surface))


def geofence(point: Any, shape: Any) -> Any:
    """Whether the point lies inside the geoshape: the even-odd rule on latitude and
    longitude taken as plane coordinates, as JavaRosa's GeoUtils does (a shape not closed
    is closed here). "" when either is not made of positions."""
    where, corners = _points((point,)), _points((shape,))
    if not where or len(where) != 1 or corners is None:
        return ""
    (y, x), inside = where[0], False
    if corners and corners[0] != corners[-1]:
        corners.append(corners[0])
    for (y1, x1), (y2, x2) in pairwise(corners):
        if (y1 > y) != (y2 > y) and x < (x1 - x2) * (y - y2) / (y1 - y2) + x2:
            inside = not inside  # the ray eastwards from the point crosses this edge
    return inside


GEO_FUNCTIONS = {
    "distance": (1, None, distance, False),
    "area": (1, 1, area, False),
    "geofence": (2, 2, geofence, False),
}
