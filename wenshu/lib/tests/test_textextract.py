"""Text comes out of .docx, .pdf and plain-text files made here; headings keep their levels."""

from __future__ import annotations

import io

import docx
import pytest
from docx.oxml import parse_xml
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from wenshu.lib import textextract
from wenshu.lib.errors import DomainError
from wenshu.lib.textextract import (
    DocxParagraph,
    decode_text,
    docx_paragraphs,
    extract_text,
    heading_level,
)

CJK_FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"


def make_docx(*, header: str = "") -> bytes:
    document = docx.Document()
    if header:
        document.sections[0].header.paragraphs[0].text = header
    document.add_heading("关于加强公文管理的通知", level=1)
    document.add_paragraph("各县区人民政府，市政府各部门：")
    document.add_paragraph("一、总体要求")
    document.add_paragraph("（一）工作目标")
    document.add_paragraph("")
    document.add_paragraph("1.加强组织领导")
    document.add_paragraph("（1）明确责任分工")
    document.add_paragraph("1.5亿元专项资金已拨付到位。")
    document.add_heading("附则", level=2)
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "单位", "联系电话"
    table.cell(1, 0).text, table.cell(1, 1).text = "市财政局", "0943-8221234"
    document.add_paragraph("本通知自印发之日起施行。")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def make_pdf(*pages: str) -> bytes:
    pdfmetrics.registerFont(TTFont("WqyZenHei", CJK_FONT, subfontIndex=0))
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    for text in pages:
        pdf.setFont("WqyZenHei", 16)
        pdf.drawString(72, 700, text)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def test_it_extracts_docx_paragraphs_tables_and_headers():
    text = extract_text(make_docx(header="秘密★1年"), "通知.docx")
    lines = text.splitlines()
    assert lines[0] == "秘密★1年"  # a 密级 mark in the page header is read too
    assert "关于加强公文管理的通知" in lines
    assert "（1）明确责任分工" in lines
    assert "市财政局" in lines and "0943-8221234" in lines
    assert lines[-1] == "本通知自印发之日起施行。"


NS = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml"'
)


def test_it_reads_a_text_box_once():
    """Word writes a text box twice (DrawingML and a VML fallback); red-header templates put
    the 发文机关标志 and sometimes the 密级 in one."""
    box = "<w:txbxContent><w:p><w:r><w:t>机密★1年</w:t></w:r></w:p></w:txbxContent>"
    run = (
        f'<w:r {NS}><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:wsp>'
        f"<wps:txbx>{box}</wps:txbx></wps:wsp></w:drawing></mc:Choice><mc:Fallback><w:pict>"
        f"<v:shape><v:textbox>{box}</v:textbox></v:shape></w:pict></mc:Fallback>"
        "</mc:AlternateContent></w:r>"
    )
    document = docx.Document()
    paragraph = document.add_paragraph("前文")
    paragraph._p.append(parse_xml(run))
    paragraph.add_run("后文")
    buffer = io.BytesIO()
    document.save(buffer)
    assert extract_text(buffer.getvalue(), "红头.docx") == "前文\n机密★1年\n后文"


def test_it_extracts_pdf_text_page_by_page():
    text = extract_text(make_pdf("机密★1年 关于印发办法的通知", "第二页 公文"), "办法.PDF")
    assert text.splitlines() == ["机密★1年 关于印发办法的通知", "第二页 公文"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_it_reads_plain_text_in_the_encodings_offices_use(encoding):
    content = "单位,人数\n市财政局,45\n"
    assert extract_text(content.encode(encoding), "名单.csv") == content


def test_decode_text_never_raises_on_bytes_no_encoding_fits():
    assert decode_text(b"\xff\xff\x80abc").endswith("abc")


def test_unknown_types_give_no_text():
    assert extract_text(b"\x89PNG\r\n\x1a\n....", "图片.png") == ""
    assert extract_text(b"whatever", "no-extension") == ""


def test_a_damaged_file_gives_no_text_instead_of_an_error():
    assert extract_text(b"PK\x03\x04 broken", "坏文件.docx") == ""
    assert extract_text(b"%PDF-1.7 broken", "坏文件.pdf") == ""


def test_output_stops_at_max_chars():
    assert extract_text(("公文" * 1000).encode(), "a.txt", max_chars=10) == "公文" * 5
    assert len(extract_text(make_docx(), "a.docx", max_chars=20)) <= 20


def test_work_stops_at_the_time_limit():
    assert extract_text(make_pdf("第一页", "第二页"), "a.pdf", time_limit=0) == ""
    assert extract_text(make_docx(), "a.docx", time_limit=0) == ""


def test_a_docx_that_inflates_too_far_is_not_parsed(monkeypatch):
    monkeypatch.setattr(textextract, "MAX_XML_BYTES", 1000)
    assert extract_text(make_docx(), "炸弹.docx") == ""


def test_docx_paragraphs_keep_heading_levels_in_order():
    assert docx_paragraphs(make_docx()) == [
        DocxParagraph(1, "关于加强公文管理的通知"),
        DocxParagraph(0, "各县区人民政府，市政府各部门："),
        DocxParagraph(1, "一、总体要求"),
        DocxParagraph(2, "（一）工作目标"),
        DocxParagraph(3, "1.加强组织领导"),
        DocxParagraph(4, "（1）明确责任分工"),
        DocxParagraph(0, "1.5亿元专项资金已拨付到位。"),
        DocxParagraph(2, "附则"),
        DocxParagraph(0, "单位\t联系电话"),
        DocxParagraph(0, "市财政局\t0943-8221234"),
        DocxParagraph(0, "本通知自印发之日起施行。"),
    ]


def test_docx_paragraphs_refuse_a_file_that_is_not_a_docx():
    with pytest.raises(DomainError, match="无法读取该 Word 文件"):
        docx_paragraphs(b"not a word file")


@pytest.mark.parametrize(
    ("text", "style", "level"),
    [
        ("一、总体要求", "", 1),
        ("十二、附则", "", 1),
        ("（三）工作步骤", "", 2),
        ("(三)工作步骤", "", 2),
        ("2. 加强督查", "", 3),
        ("2．加强督查", "", 3),
        ("（2）按月报送", "", 4),
        ("　一、全角空格缩进", "", 1),
        ("1.5亿元", "", 0),
        ("2026年工作要点", "", 0),
        ("一是加强领导", "", 0),
        ("正文", "Heading 2", 2),
        ("正文", "标题 3", 3),
        ("正文", "Heading 7", 4),
        ("一、编号不敌样式", "Normal", 1),
    ],
)
def test_heading_level(text, style, level):
    assert heading_level(text, style) == level
