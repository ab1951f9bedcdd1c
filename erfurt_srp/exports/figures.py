"""Small figures for exported documents: a line chart of yearly values and a map excerpt.

A figure is a list of drawing primitives in one coordinate system, drawn twice from the same
definition: as SVG (HTML pages and PDFs, WeasyPrint renders SVG) and as PNG (DOCX, which cannot
embed SVG for older Word versions) with Pillow. No map tiles: shapes come from GeoJSON.
"""

import io
import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import mark_safe

INK = "#1a1a1a"
GRID = "#b0b0b0"
LINE = "#005a9c"
FILL = "#cfe3f3"
PNG_SCALE = 3  # pixels per SVG unit, so the PNG stays sharp when Word scales it


@dataclass
class Figure:
    width: int
    height: int
    title: str
    items: list = field(default_factory=list)

    def line(self, points, *, color=INK, width=1.0):
        self.items.append(("line", [(round(x, 1), round(y, 1)) for x, y in points], color, width))

    def polygon(self, points, *, fill=FILL, outline=INK):
        self.items.append(
            ("polygon", [(round(x, 1), round(y, 1)) for x, y in points], fill, outline)
        )

    def circle(self, x, y, r, *, color=LINE):
        self.items.append(("circle", round(x, 1), round(y, 1), r, color))

    def text(self, x, y, text, *, anchor="start", size=9):
        self.items.append(("text", round(x, 1), round(y, 1), str(text), anchor, size))

    def svg(self) -> str:
        """The figure as inline SVG markup (every text escaped)."""
        parts = [
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {self.width} {self.height}" '
            f'width="{self.width}" height="{self.height}" role="img" '
            f'aria-label="{escape(self.title)}"><title>{escape(self.title)}</title>'
        ]
        for item in self.items:
            kind = item[0]
            if kind == "line":
                _kind, points, color, width = item
                coords = " ".join(f"{x},{y}" for x, y in points)
                parts.append(
                    f'<polyline points="{coords}" fill="none" stroke="{color}" '
                    f'stroke-width="{width}"/>'
                )
            elif kind == "polygon":
                _kind, points, fill, outline = item
                coords = " ".join(f"{x},{y}" for x, y in points)
                parts.append(
                    f'<polygon points="{coords}" fill="{fill}" stroke="{outline}" '
                    f'stroke-width="0.8"/>'
                )
            elif kind == "circle":
                _kind, x, y, r, color = item
                parts.append(f'<circle cx="{x}" cy="{y}" r="{r}" fill="{color}"/>')
            else:
                _kind, x, y, text, anchor, size = item
                parts.append(
                    f'<text x="{x}" y="{y}" text-anchor="{anchor}" font-size="{size}" '
                    f'font-family="DejaVu Sans, Arial, sans-serif" fill="{INK}">'
                    f"{escape(text)}</text>"
                )
        parts.append("</svg>")
        return mark_safe("".join(parts))

    def png(self) -> bytes:
        """The same figure as a PNG image."""
        from PIL import Image, ImageDraw, ImageFont

        s = PNG_SCALE
        image = Image.new("RGB", (self.width * s, self.height * s), "white")
        draw = ImageDraw.Draw(image)
        fonts: dict = {}
        for item in self.items:
            kind = item[0]
            if kind == "line":
                _kind, points, color, width = item
                draw.line(
                    [(x * s, y * s) for x, y in points],
                    fill=color,
                    width=max(1, round(width * s)),
                    joint="curve",
                )
            elif kind == "polygon":
                _kind, points, fill, outline = item
                draw.polygon([(x * s, y * s) for x, y in points], fill=fill, outline=outline)
            elif kind == "circle":
                _kind, x, y, r, color = item
                draw.ellipse([(x - r) * s, (y - r) * s, (x + r) * s, (y + r) * s], fill=color)
            else:
                _kind, x, y, text, anchor, size = item
                if size not in fonts:
                    fonts[size] = ImageFont.load_default(size=size * s)
                pil_anchor = {"start": "ls", "middle": "ms", "end": "rs"}[anchor]
                draw.text((x * s, y * s), text, fill=INK, font=fonts[size], anchor=pil_anchor)
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", optimize=True)
        return buffer.getvalue()


def _number(value) -> str:
    return number_format(Decimal(str(value)).quantize(Decimal("0.1")), 1)


def line_chart(points, *, title: str, unit: str = "", width=320, height=150) -> Figure:
    """A line chart of (year, value) pairs with the first and last value labelled."""
    figure = Figure(width=width, height=height, title=title)
    points = [(int(year), float(value)) for year, value in points if value is not None]
    left, right, top, bottom = 44, width - 12, 14, height - 24
    figure.line([(left, bottom), (right, bottom)], color=GRID)
    figure.line([(left, top), (left, bottom)], color=GRID)
    if not points:
        figure.text(width / 2, height / 2, "–", anchor="middle")
        return figure
    years = [y for y, _v in points]
    values = [v for _y, v in points]
    low, high = min(values), max(values)
    if math.isclose(low, high):
        low, high = low - 1, high + 1
    pad = (high - low) * 0.1
    low, high = low - pad, high + pad
    span_years = max(years[-1] - years[0], 1)

    def xy(year, value):
        x = left + (right - left) * (year - years[0]) / span_years if len(points) > 1 else left
        y = bottom - (bottom - top) * (value - low) / (high - low)
        return x, y

    for label_value in (low + pad, high - pad):
        _x, y = xy(years[0], label_value)
        figure.line([(left - 3, y), (right, y)], color=GRID, width=0.5)
        figure.text(left - 5, y + 3, _number(label_value), anchor="end", size=8)
    coords = [xy(y, v) for y, v in points]
    if len(coords) > 1:
        figure.line(coords, color=LINE, width=1.8)
    for x, y in coords:
        figure.circle(x, y, 2.4)
    for year in sorted({years[0], years[-1]}):
        x, _y = xy(year, low)
        figure.text(x, height - 8, year, anchor="middle", size=8)
    suffix = f" {unit}" if unit else ""
    last_x, last_y = coords[-1]
    figure.text(last_x, max(last_y - 6, 9), _number(values[-1]) + suffix, anchor="end", size=8)
    return figure


def _rings(geometry: dict) -> list[list]:
    kind = (geometry or {}).get("type")
    coordinates = (geometry or {}).get("coordinates") or []
    if kind == "Polygon":
        return coordinates[:1]
    if kind == "MultiPolygon":
        return [polygon[0] for polygon in coordinates if polygon]
    return []


def shape_map(shapes, *, title: str, width=220, height=180) -> Figure | None:
    """The outlines of (label, GeoJSON geometry) pairs, fitted into the figure; None without
    shapes. Longitude is scaled by cos(latitude), which is true to shape at a city's size."""
    rings = [(label, ring) for label, geometry in shapes for ring in _rings(geometry)]
    rings = [(label, ring) for label, ring in rings if len(ring) >= 3]
    if not rings:
        return None
    lons = [p[0] for _l, ring in rings for p in ring]
    lats = [p[1] for _l, ring in rings for p in ring]
    squeeze = math.cos(math.radians((min(lats) + max(lats)) / 2))
    span_x = max((max(lons) - min(lons)) * squeeze, 1e-9)
    span_y = max(max(lats) - min(lats), 1e-9)
    margin = 8
    scale = min((width - 2 * margin) / span_x, (height - 2 * margin) / span_y)
    offset_x = (width - span_x * scale) / 2
    offset_y = (height - span_y * scale) / 2

    def xy(lon, lat):
        return (
            offset_x + (lon - min(lons)) * squeeze * scale,
            height - offset_y - (lat - min(lats)) * scale,
        )

    figure = Figure(width=width, height=height, title=title)
    centres: dict = {}
    for label, ring in rings:
        points = [xy(p[0], p[1]) for p in ring]
        figure.polygon(points)
        centres.setdefault(label, points)
    for label, points in centres.items():
        x = sum(p[0] for p in points) / len(points)
        y = sum(p[1] for p in points) / len(points)
        figure.text(x, y + 3, label, anchor="middle", size=7)
    return figure
