"""The document's PDF: A4, the type area where GB/T 9704 puts it, its number, title and the
seal picture (the library measures the layout in depth; this checks the document level)."""

from __future__ import annotations

import io

import pdfplumber
import pytest

from wenshu.documents import rendering
from wenshu.documents.models import SealedPackage
from wenshu.documents.tests.conftest import TITLE, new_draft, to_sealed

pytestmark = pytest.mark.django_db
MM = 72 / 25.4


def text_of(pdf: bytes) -> str:
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return "".join(page.extract_text() or "" for page in doc.pages)


def test_the_sealed_pdf_carries_the_number_title_and_seal_on_a4(city, cast):
    doc = to_sealed(cast, departments=False)
    pdf = bytes(SealedPackage.objects.get(document=doc).pdf)
    with pdfplumber.open(io.BytesIO(pdf)) as reader:
        first = reader.pages[0]
        assert first.width == pytest.approx(210 * MM, abs=0.5)
        assert first.height == pytest.approx(297 * MM, abs=0.5)
        body = [c for c in first.chars if abs(c["size"] - 16) < 0.5]
        left = min(c["x0"] for c in body) / MM
        assert 27 <= left <= 29.5  # 订口 28 ± 1 mm (the 2-character indent is to the right)
        assert max(c["x1"] for c in body) / MM <= 28 + 156 + 1
        top = min(c["top"] for c in first.chars) / MM
        assert 36 <= top <= 38.5  # 天头 37 ± 1 mm
        images = [i for page in reader.pages for i in page.images]
        assert images, "the seal picture is on the page"
    words = "".join(text_of(pdf).split())
    assert doc.doc_number in words
    assert TITLE in words
    assert "草稿" not in words


def test_the_draft_preview_is_marked_and_unnumbered(city, cast):
    doc = new_draft(cast)
    pdf = rendering.draft_pdf(doc)
    words = "".join(text_of(pdf).split())
    assert "草稿" in words and TITLE[:10] in words
    with pdfplumber.open(io.BytesIO(pdf)) as reader:
        assert not [i for page in reader.pages for i in page.images]


def test_fonts_come_from_the_settings(settings):
    from wenshu.lib.gongwen_pdf import default_fonts

    settings.FONT_KAITI = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc#0"
    settings.FONT_XIAOBIAOSONG_EMBOLDEN = "0.01"
    fonts = rendering.fonts_from_settings()
    assert fonts.kaiti == "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
    assert fonts.kaiti_index == 0 and fonts.xiaobiaosong_embolden == 0.01
    assert fonts.fangsong == default_fonts().fangsong
