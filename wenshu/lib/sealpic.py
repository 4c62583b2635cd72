"""Seal pictures: draw a round red official seal as a transparent PNG, and vet uploaded scans.

The drawing follows the usual layout of a Chinese official seal (公章): a red ring, the
unit's name along the upper rim reading clockwise with each character upright as seen from
outside the ring, a five-pointed star in the centre and an optional line of text under it
(e.g. "公文专用章"). Proportions are those of the common 42 mm seal: ring 1.2 mm, star
14 mm across. It is a picture for display and print only; the seal's authority comes from
its SM2 key, never from this image.
"""

from __future__ import annotations

import io
import math
import os
import struct
from collections.abc import Sequence

from PIL import Image, ImageDraw, ImageFont, UnidentifiedImageError

__all__ = [
    "DEFAULT_FONT_PATHS",
    "MAX_PNG_BYTES",
    "MAX_PNG_SIDE_PX",
    "SEAL_RED",
    "default_font_path",
    "render_seal",
    "seal_size_px",
    "validate_png",
]

DEFAULT_FONT_PATHS = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)
SEAL_RED = (220, 30, 35, 255)
MAX_PNG_BYTES = 2 * 1024 * 1024
MAX_PNG_SIDE_PX = 3000

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

_MM_PER_INCH = 25.4
_SUPERSAMPLE = 2  # draw large, then shrink: Pillow's shapes are not antialiased
# Layout as fractions of the seal radius, from a 42 mm seal (radius 21 mm).
_RING_WIDTH = 1.2 / 21
_NAME_HEIGHT = 6.0 / 21
_NAME_GAP = 1.1 / 21  # between the ring and the name
_STAR_RADIUS = 7.0 / 21
_STAR_INNER = math.sin(math.radians(18)) / math.sin(math.radians(126))  # regular star
_BOTTOM_HEIGHT = 4.2 / 21
_BOTTOM_CENTRE = 0.55  # the bottom line's centre, below the seal's centre
_NAME_MIN_SPAN = math.radians(150)  # short names are spread out, within _NAME_MAX_STRETCH
_NAME_MAX_STRETCH = 1.8
_NAME_MAX_SPAN = math.radians(250)
_NAME_SPACING = 1.08  # advance per character, in character heights
_STROKE = 0.035  # extra stroke weight, in character heights


def seal_size_px(diameter_mm: float = 42.0, dpi: int = 600) -> int:
    """Return the picture's side in pixels for a seal ``diameter_mm`` across at ``dpi``."""
    return round(diameter_mm / _MM_PER_INCH * dpi)


def default_font_path(candidates: Sequence[str] = DEFAULT_FONT_PATHS) -> str:
    """Return the first existing Chinese font file; `FileNotFoundError` if none is there."""
    for path in candidates:
        if os.path.exists(path):
            return path
    raise FileNotFoundError("找不到中文字体文件：" + "、".join(candidates))


def render_seal(
    unit_name: str,
    *,
    bottom_text: str = "",
    size_px: int | None = None,
    font_path: str | None = None,
    color: tuple[int, int, int, int] = SEAL_RED,
) -> bytes:
    """Draw a round official seal for ``unit_name``; return it as an RGBA PNG.

    ``size_px`` defaults to a 42 mm seal at 600 dpi (992 px). The background is transparent
    so the seal can be laid over the signature line of a printed document.
    """
    name = "".join(unit_name.split())
    if not name:
        raise ValueError("印章上的单位名称不能为空")
    side = size_px or seal_size_px()
    if not 64 <= side <= MAX_PNG_SIDE_PX:
        raise ValueError(f"印章图片边长须在 64 到 {MAX_PNG_SIDE_PX} 像素之间")
    font_file = font_path or default_font_path()
    canvas = Image.new("RGBA", (side * _SUPERSAMPLE,) * 2, (0, 0, 0, 0))
    radius = canvas.width / 2
    _draw_ring(canvas, radius, color)
    _draw_star(canvas, radius, color)
    _draw_name(canvas, radius, name, font_file, color)
    if bottom_text.strip():
        _draw_bottom_text(canvas, radius, bottom_text.strip(), font_file, color)
    picture = canvas.resize((side, side), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _draw_ring(canvas: Image.Image, radius: float, color: tuple[int, ...]) -> None:
    width = max(1, round(radius * _RING_WIDTH))
    edge = 2 * radius - 1  # Pillow strokes an outline inside its box
    ImageDraw.Draw(canvas).ellipse((0, 0, edge, edge), outline=color, width=width)


def _draw_star(canvas: Image.Image, radius: float, color: tuple[int, ...]) -> None:
    outer = radius * _STAR_RADIUS
    points = []
    for index in range(10):
        # Start at the top point and go round; odd points are the inner corners.
        reach = outer if index % 2 == 0 else outer * _STAR_INNER
        angle = -math.pi / 2 + index * math.pi / 5
        points.append((radius + reach * math.cos(angle), radius + reach * math.sin(angle)))
    ImageDraw.Draw(canvas).polygon(points, fill=color)


def _draw_name(
    canvas: Image.Image, radius: float, name: str, font_file: str, color: tuple[int, ...]
) -> None:
    height = radius * _NAME_HEIGHT
    arc_radius = radius * (1 - _RING_WIDTH - _NAME_GAP) - height / 2
    step, squeeze = _name_step(len(name), height, arc_radius)
    font = ImageFont.truetype(font_file, round(height))
    first = -step * (len(name) - 1) / 2  # centred on the top of the seal
    for index, char in enumerate(name):
        angle = first + index * step  # clockwise from the top
        tile = _char_tile(char, font, color, squeeze)
        # Turn the character so its top points away from the centre (upright from outside).
        turned = tile.rotate(-math.degrees(angle), resample=Image.Resampling.BICUBIC, expand=True)
        x = radius + arc_radius * math.sin(angle) - turned.width / 2
        y = radius - arc_radius * math.cos(angle) - turned.height / 2
        canvas.alpha_composite(turned, (round(x), round(y)))


def _name_step(count: int, height: float, arc_radius: float) -> tuple[float, float]:
    """Angle between characters, and how much to narrow them to fit the widest arc."""
    if count == 1:
        return 0.0, 1.0
    natural = height * _NAME_SPACING / arc_radius
    step = max(natural, min(_NAME_MIN_SPAN / (count - 1), natural * _NAME_MAX_STRETCH))
    if step * (count - 1) <= _NAME_MAX_SPAN:
        return step, 1.0
    # Long names: official seals keep the character height and narrow the characters.
    step = _NAME_MAX_SPAN / (count - 1)
    return step, step / natural


def _char_tile(
    char: str, font: ImageFont.FreeTypeFont, color: tuple[int, ...], squeeze: float
) -> Image.Image:
    size = round(font.size * 1.3)
    tile = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    centre = (size / 2, size / 2)
    stroke = _stroke_width(font)
    draw = ImageDraw.Draw(tile)
    draw.text(centre, char, font=font, fill=color, anchor="mm", stroke_width=stroke)
    if squeeze < 1.0:
        narrow = tile.resize((max(1, round(size * squeeze)), size), Image.Resampling.LANCZOS)
        tile = Image.new("RGBA", (size, size), (0, 0, 0, 0))
        tile.alpha_composite(narrow, ((size - narrow.width) // 2, 0))
    return tile


def _draw_bottom_text(
    canvas: Image.Image, radius: float, text: str, font_file: str, color: tuple[int, ...]
) -> None:
    font = ImageFont.truetype(font_file, round(radius * _BOTTOM_HEIGHT))
    draw = ImageDraw.Draw(canvas)
    left, _, right, _ = draw.textbbox((0, 0), text, font=font, anchor="mm")
    limit = radius * 1.1  # stay clear of the ring at this height
    if right - left > limit:
        font = ImageFont.truetype(font_file, max(8, round(font.size * limit / (right - left))))
    centre = (radius, radius * (1 + _BOTTOM_CENTRE))
    draw.text(centre, text, font=font, fill=color, anchor="mm", stroke_width=_stroke_width(font))


def _stroke_width(font: ImageFont.FreeTypeFont) -> int:
    # Seal engravers cut heavy strokes; the free CJK fonts only come in a light weight.
    return max(1, round(font.size * _STROKE))


def validate_png(
    data: bytes, *, max_bytes: int = MAX_PNG_BYTES, max_side: int = MAX_PNG_SIDE_PX
) -> tuple[int, int]:
    """Check an uploaded seal scan and return its ``(width_px, height_px)``.

    Refuses, with a `ValueError` carrying a Chinese message, anything that is not a whole,
    readable PNG or is too large. The dimensions are read from the header before any pixel
    is decompressed, so a small file cannot expand into a huge image in memory.
    """
    if len(data) > max_bytes:
        raise ValueError(f"印章图片不能超过 {max_bytes // 1024} KB")
    width, height = _png_header_size(data)
    if width > max_side or height > max_side:
        raise ValueError(f"印章图片的长宽不能超过 {max_side} 像素")
    try:
        with Image.open(io.BytesIO(data), formats=["PNG"]) as image:
            image.verify()  # chunk checksums
        with Image.open(io.BytesIO(data), formats=["PNG"]) as image:
            image.load()  # the pixels themselves: a truncated stream fails here
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ValueError("印章图片已损坏或无法识别") from exc
    return width, height


def _png_header_size(data: bytes) -> tuple[int, int]:
    # Signature, then the IHDR chunk: length (4), type (4), width (4), height (4).
    if not data.startswith(_PNG_SIGNATURE) or data[12:16] != b"IHDR":
        raise ValueError("印章图片必须是 PNG 格式")
    width, height = struct.unpack(">II", data[16:24])
    if width == 0 or height == 0:
        raise ValueError("印章图片已损坏或无法识别")
    return width, height
