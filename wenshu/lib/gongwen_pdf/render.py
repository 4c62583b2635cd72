"""Draw laid-out pages with reportlab and return the PDF's bytes.

The canvas runs in reportlab's invariant mode (fixed dates and document id), so the same
input always gives the same bytes: the signed exchange package includes this PDF.
"""

from __future__ import annotations

import io
import math

from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from .fonts import Fonts, default_fonts
from .geometry import MM, PAGE_H, PAGE_W, SIZE_3, WATERMARK_ALPHA, WATERMARK_GREY
from .layout import layout
from .model import GongwenData, clean_copy_number
from .page import Page, Rule
from .parts import FaceSet
from .textflow import Segment

__all__ = ["missing_characters", "render_pdf"]

_WATERMARK_SIZE = 15.0
_WATERMARK_ANGLE = 30.0
_WATERMARK_STEP_X = 110 * MM
_WATERMARK_STEP_Y = 62 * MM


def render_pdf(
    data: GongwenData,
    *,
    fonts: Fonts | None = None,
    copy_number: str | None = None,
    watermark: str | None = None,
    duplex: bool = False,
) -> bytes:
    """Render ``data`` as a GB/T 9704-2012 PDF (A4, fonts embedded) and return its bytes.

    ``copy_number`` overrides the 份号 for one printed copy; ``watermark`` repeats a light
    grey diagonal text over every page (e.g. "市财政局 2026-11-25 10:00 打印"); ``duplex``
    places the 版记 on an even page as double-sided printing requires.
    """
    faces = FaceSet.load(fonts or default_fonts())
    number = clean_copy_number(copy_number) if copy_number else data.copy_number
    pages = layout(data, faces, copy_number=number, duplex=duplex)
    buffer = io.BytesIO()
    canvas = Canvas(
        buffer,
        pagesize=(PAGE_W, PAGE_H),
        invariant=1,  # fixed dates and id: identical input, identical bytes
        pageCompression=1,
        # Every page starts by selecting this font: an embedded one, never Helvetica.
        initialFontName=faces.fangsong.name,
        initialFontSize=SIZE_3,
        lang="zh-CN",
    )
    canvas.setTitle(data.title)
    canvas.setAuthor(data.issuer_signature or data.issuer_mark)
    canvas.setSubject(data.doc_number)
    canvas.setCreator("文枢 Wenshu")
    images: dict[bytes, ImageReader] = {}
    for page in pages:
        _draw_page(canvas, page, images)
        if watermark:
            _draw_watermark(canvas, watermark.strip(), faces)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _draw_page(canvas: Canvas, page: Page, images: dict[bytes, ImageReader]) -> None:
    for rule in page.rules:
        _draw_rule(canvas, rule)
    for baseline, segment in page.texts:
        _draw_segment(canvas, segment, PAGE_H - baseline)
    # The seal goes on top: it presses down on the signature and the date.
    for picture in page.pictures:
        reader = images.get(picture.png)
        if reader is None:
            reader = images[picture.png] = ImageReader(io.BytesIO(picture.png))
        y = PAGE_H - picture.top - picture.height
        canvas.drawImage(reader, picture.x, y, picture.width, picture.height, mask="auto")


def _draw_rule(canvas: Canvas, rule: Rule) -> None:
    canvas.saveState()
    canvas.setStrokeColor(rule.color)
    canvas.setLineWidth(rule.width)
    canvas.setLineCap(0)
    y = PAGE_H - rule.y
    canvas.line(rule.x1, y, rule.x2, y)
    canvas.restoreState()


def _draw_segment(canvas: Canvas, segment: Segment, y: float) -> None:
    canvas.saveState()
    text = canvas.beginText(segment.x, y)
    text.setFont(segment.face.name, segment.size)
    text.setFillColor(segment.color)
    scale = segment.hscale / 100.0
    if scale != 1.0:
        text.setHorizScale(segment.hscale)
    if segment.embolden > 0:
        # Fill and stroke the outlines: the free Ming font is lighter than a real 小标宋.
        text.setTextRenderMode(2)
        text.setStrokeColor(segment.color)
        canvas.setLineWidth(segment.embolden)
        canvas.setLineJoin(1)
    # Every character is placed explicitly rather than through the PDF's character spacing
    # (Tc): text extraction tools disagree on Tc after the last character of a string, and
    # reportlab splits a string whenever the font subset changes.
    x = segment.x
    for ch in segment.text:
        text.setTextOrigin(x, y)
        text.textOut(ch)
        x += (segment.face.width(ch, segment.size) + segment.char_space) * scale
    canvas.drawText(text)
    canvas.restoreState()


def _draw_watermark(canvas: Canvas, text: str, faces: FaceSet) -> None:
    """Repeat ``text`` diagonally over the whole page, light grey and translucent."""
    canvas.saveState()
    canvas.setFillColorRGB(WATERMARK_GREY, WATERMARK_GREY, WATERMARK_GREY)
    canvas.setFillAlpha(WATERMARK_ALPHA)
    canvas.setFont(faces.fangsong.name, _WATERMARK_SIZE)
    columns = math.ceil(PAGE_W / _WATERMARK_STEP_X) + 1
    rows = math.ceil(PAGE_H / _WATERMARK_STEP_Y) + 1
    for row in range(rows):
        shift = (_WATERMARK_STEP_X / 2) * (row % 2)
        for column in range(columns):
            canvas.saveState()
            canvas.translate(column * _WATERMARK_STEP_X + shift, row * _WATERMARK_STEP_Y + 20 * MM)
            canvas.rotate(_WATERMARK_ANGLE)
            canvas.drawCentredString(0, 0, text)
            canvas.restoreState()
    canvas.restoreState()


def missing_characters(data: GongwenData, *, fonts: Fonts | None = None) -> str:
    """Characters of ``data`` that none of the fonts can draw (they would print as boxes).

    A service can warn the drafter before rendering; a site's licensed fonts usually cover
    rare characters the free fonts lack.
    """
    faces = FaceSet.load(fonts or default_fonts())
    every = (faces.fangsong, faces.heiti, faces.kaiti, faces.xiaobiaosong, faces.songti)
    parts = [
        data.issuer_mark,
        *data.co_issuers,
        data.title,
        data.doc_number,
        data.signer,
        data.main_recipients,
        data.issuer_signature,
        data.note,
        data.printer,
        *data.attachments,
        *data.cc,
    ]
    parts += [p.text + p.continuation for p in data.body]
    missing: dict[str, None] = {}
    for ch in "".join(parts):
        if not ch.isspace() and not any(face.has(ch) for face in every):
            missing[ch] = None
    return "".join(missing)
