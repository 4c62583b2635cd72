"""The GB/T 9704-2012 PDF, measured with pdfplumber and pypdf within the standard's tolerances.

Positions are in millimetres from the page's top-left corner. A text line is identified by
its baseline, so a heading in 黑体 and its run-in text in 仿宋 count as one line.
"""

from __future__ import annotations

import io
import itertools
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from functools import cache
from typing import Any

import pdfplumber
import pypdf
import pytest
from PIL import Image

from wenshu.lib import sealpic
from wenshu.lib.gongwen_pdf import (
    Fonts,
    GongwenData,
    Paragraph,
    ParaKind,
    default_fonts,
    missing_characters,
    render_pdf,
)
from wenshu.lib.gongwen_pdf.fonts import face_for
from wenshu.lib.gongwen_pdf.geometry import BODY_CHAR_SPACE, LEFT, RIGHT, SIZE_3
from wenshu.lib.gongwen_pdf.textflow import NO_END, NO_START, break_lines, make_glyphs

MM = 72 / 25.4
LINE = 225 / 22  # mm
CHAR = 156 / 28  # mm
TYPE_TOP, TYPE_BOTTOM, TYPE_LEFT, TYPE_RIGHT = 37.0, 262.0, 28.0, 184.0
CENTRE = (TYPE_LEFT + TYPE_RIGHT) / 2  # the type area's axis (binding margin 28, outer 26)
CMYK_RED = (0.0, 0.8, 0.8, 0.0)

# Pure 3号 text with no punctuation that 避头尾 would move: every line is a full grid line.
PLAIN = "各部门要高度重视预算编制工作确保按时保质完成编报任务" * 6


@pytest.fixture(scope="module", autouse=True)
def fonts() -> Fonts:
    try:
        return default_fonts()
    except FileNotFoundError:
        pytest.skip("Chinese fonts not installed (fonts-arphic-uming, -ukai, fonts-wqy-zenhei)")


@cache
def seal_png() -> bytes:
    return sealpic.render_seal("白银市财政局", size_px=500)


def notice(**changes: Any) -> GongwenData:
    """A realistic 通知 of two pages with every element."""
    data = GongwenData(
        issuer_mark="白银市财政局文件",
        doc_number="白财〔2026〕12号",
        copy_number="000001",
        urgency="加急",
        title="白银市财政局关于做好2027年度市级部门预算编制工作的通知",
        main_recipients="市直各部门、各单位",
        body=(
            Paragraph(
                "为进一步加强市级财政资金管理，规范预算执行行为，提高财政资金使用效益，"
                "根据《中华人民共和国预算法》和省财政厅有关规定，现就有关事项通知如下。"
            ),
            Paragraph("总体要求", ParaKind.HEADING1),
            Paragraph(PLAIN),
            Paragraph("基本原则", ParaKind.HEADING1),
            Paragraph("坚持统筹兼顾。", ParaKind.HEADING2, "全面反映部门收支，做到应编尽编。"),
            Paragraph("坚持勤俭节约。", ParaKind.HEADING2, "严控一般性支出。"),
            Paragraph("人员支出", ParaKind.HEADING3, "按照在职人员实有数编制。"),
            Paragraph("退休人员", ParaKind.HEADING4, "按规定标准编制。"),
        ),
        attachments=("2027年度市级部门预算编制说明", "市级机关会议费开支标准"),
        issuer_signature="白银市财政局",
        issue_date=date(2026, 11, 25),
        seal_png=seal_png(),
        note="此件公开发布",
        cc=("市委办公室", "市人大常委会办公室", "市政协办公室"),
        printer="白银市财政局办公室",
        print_date=date(2026, 11, 25),
    )
    return replace(data, **changes)


@cache
def rendered(data: GongwenData, **options: Any) -> bytes:
    return render_pdf(data, **options)


@cache
def _notice_pdf() -> bytes:
    return rendered(notice())


@pytest.fixture
def pdf() -> Iterator[pdfplumber.PDF]:
    with pdfplumber.open(io.BytesIO(_notice_pdf())) as document:
        yield document


def mm(points: float) -> float:
    return points / MM


def lines_of(page: Any, size: float | None = None) -> list[list[dict[str, Any]]]:
    """Horizontal characters grouped by baseline, top to bottom, each line left to right."""
    rows: dict[float, list[dict[str, Any]]] = {}
    for char in page.chars:
        if slanted(char) or (size is not None and round(char["size"]) != size):
            continue
        baseline = round(page.height - char["matrix"][5], 1)
        rows.setdefault(baseline, []).append(char)
    return [sorted(rows[key], key=lambda c: c["x0"]) for key in sorted(rows)]


def slanted(char: dict[str, Any]) -> bool:
    return abs(char["matrix"][1]) > 0.01  # rotated (the watermark)


def text(line: list[dict[str, Any]]) -> str:
    return "".join(c["text"] for c in line)


def find_line(page: Any, start: str, size: float | None = None) -> list[dict[str, Any]]:
    return next(line for line in lines_of(page, size) if text(line).startswith(start))


def body_pages(data: GongwenData) -> list[Any]:
    document = pdfplumber.open(io.BytesIO(rendered(data)))
    return list(document.pages)


# --- page and type area ---------------------------------------------------------------


def test_it_is_a4(pdf: pdfplumber.PDF) -> None:
    for page in pdf.pages:
        assert mm(page.width) == pytest.approx(210, abs=0.1)
        assert mm(page.height) == pytest.approx(297, abs=0.1)


def test_it_starts_the_type_area_37_mm_from_the_top_and_28_mm_from_the_left(
    pdf: pdfplumber.PDF,
) -> None:
    copy_line = lines_of(pdf.pages[0])[0]
    assert text(copy_line) == "000001"
    assert mm(copy_line[0]["top"]) == pytest.approx(TYPE_TOP, abs=1)
    assert mm(copy_line[0]["x0"]) == pytest.approx(TYPE_LEFT, abs=1)
    recipients = find_line(pdf.pages[0], "市直各部门")
    assert mm(recipients[0]["x0"]) == pytest.approx(TYPE_LEFT, abs=1)
    second_page_first = lines_of(pdf.pages[1])[0]
    assert mm(second_page_first[0]["top"]) == pytest.approx(TYPE_TOP, abs=1)


def test_it_sets_the_body_on_the_grid_of_28_characters(pdf: pdfplumber.PDF) -> None:
    lines = lines_of(pdf.pages[0], 16)
    first = find_line(pdf.pages[0], PLAIN[:10])
    # 首行缩进二字, then 26 characters; the next line starts at the margin with 28.
    assert mm(first[0]["x0"]) == pytest.approx(TYPE_LEFT + 2 * CHAR, abs=0.1)
    assert len(first) == 26
    after = lines[lines.index(first) + 1]
    assert mm(after[0]["x0"]) == pytest.approx(TYPE_LEFT, abs=1)
    assert len(after) == 28
    pitches = [mm(b["x0"] - a["x0"]) for a, b in itertools.pairwise(after)]
    assert all(p == pytest.approx(CHAR, abs=0.02) for p in pitches)
    assert mm(after[-1]["x1"]) == pytest.approx(TYPE_RIGHT, abs=0.5)
    assert all(round(c["size"], 1) == 16.0 for c in after)


def test_it_fills_a_body_page_with_22_lines() -> None:
    data = notice(body=[Paragraph(PLAIN * 8)], attachments=(), note="")
    pages = body_pages(data)
    assert len(pages) >= 3
    lines = lines_of(pages[1], 16)
    assert len(lines) == 22
    tops = [mm(line[0]["top"]) for line in lines]
    assert tops[0] == pytest.approx(TYPE_TOP, abs=1)
    assert all(b - a == pytest.approx(LINE, abs=0.02) for a, b in itertools.pairwise(tops))
    assert mm(lines[-1][0]["bottom"]) <= TYPE_BOTTOM
    assert all(len(line) == 28 for line in lines)


# --- 版头 ------------------------------------------------------------------------------


def test_it_prints_the_issuer_mark_red_with_its_top_35_mm_below_the_type_area(
    pdf: pdfplumber.PDF,
) -> None:
    mark = find_line(pdf.pages[0], "白银市财政局文件")
    assert text(mark) == "白银市财政局文件"
    assert all(c["non_stroking_color"] == CMYK_RED for c in mark)
    assert mm(mark[0]["top"]) == pytest.approx(TYPE_TOP + 35, abs=1)
    centre = (mm(mark[0]["x0"]) + mm(mark[-1]["x1"])) / 2
    assert centre == pytest.approx(CENTRE, abs=0.5)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_it_puts_the_inked_top_of_the_mark_35_mm_below_the_type_area() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "doc.pdf")
        with open(path, "wb") as out:
            out.write(_notice_pdf())
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                "200",
                "-f",
                "1",
                "-l",
                "1",
                "-png",
                path,
                os.path.join(folder, "p"),
            ],
            check=True,
        )
        image = Image.open(os.path.join(folder, "p-1.png")).convert("RGB")
    pixels: Any = image.load()
    red_rows = [
        y
        for y in range(image.height // 2)
        if any(_is_red(pixels[x, y]) for x in range(0, image.width, 2))
    ]
    assert red_rows[0] * 25.4 / 200 == pytest.approx(TYPE_TOP + 35, abs=1)


def _is_red(pixel: tuple[int, int, int]) -> bool:
    r, g, b = pixel
    return r > 180 and g < 140 and b < 140


def test_it_condenses_a_long_joint_issuer_mark_into_the_type_area() -> None:
    issuer = "中共白银市委办公室白银市人民政府办公室白银市财政局文件"
    page = body_pages(notice(issuer_mark=issuer))[0]
    mark = find_line(page, issuer[:4])
    assert text(mark) == issuer
    assert mm(mark[0]["x0"]) >= TYPE_LEFT - 0.1
    assert mm(mark[-1]["x1"]) <= TYPE_RIGHT + 0.1
    assert (mm(mark[0]["x0"]) + mm(mark[-1]["x1"])) / 2 == pytest.approx(CENTRE, abs=0.5)


def test_it_stacks_three_joint_issuers_within_the_type_area() -> None:
    data = notice(
        issuer_mark="中共白银市委办公室文件",
        co_issuers=["白银市人民政府办公室", "", "白银市财政局"],
    )
    assert data.co_issuers == ("白银市人民政府办公室", "白银市财政局")
    page = body_pages(data)[0]
    red = [line for line in lines_of(page) if line[0]["non_stroking_color"] == CMYK_RED]
    assert [text(line) for line in red] == [
        "中共白银市委办公室",
        "白银市人民政府办公室文件",
        "白银市财政局",
    ]
    names = [red[0], red[1][:-2], red[2]]
    assert {round(line[0]["x0"], 1) for line in names} == {round(red[0][0]["x0"], 1)}
    assert {round(line[-1]["x1"], 1) for line in names} == {round(red[0][-1]["x1"], 1)}
    assert mm(red[0][0]["top"]) == pytest.approx(TYPE_TOP + 35, abs=1)
    chars = [c for line in red for c in line]
    assert all(mm(c["x0"]) >= TYPE_LEFT and mm(c["x1"]) <= TYPE_RIGHT for c in chars)
    assert red[0][0]["size"] < 48  # three names shrink so the stack stays two lines tall
    number = find_line(page, "白财〔2026〕12号")
    assert mm(number[0]["top"] - red[-1][0]["bottom"]) == pytest.approx(2 * LINE, abs=LINE / 2)


def test_it_centres_the_doc_number_two_lines_under_the_mark(pdf: pdfplumber.PDF) -> None:
    mark = find_line(pdf.pages[0], "白银市财政局文件")
    number = find_line(pdf.pages[0], "白财〔2026〕12号")
    assert text(number) == "白财〔2026〕12号"
    gap = mm(number[0]["top"]) - mm(mark[0]["bottom"])
    assert gap == pytest.approx(2 * LINE, abs=LINE / 2)
    centre = (mm(number[0]["x0"]) + mm(number[-1]["x1"])) / 2
    assert centre == pytest.approx(CENTRE, abs=0.5)


def test_it_draws_the_red_rule_4_mm_under_the_doc_number(pdf: pdfplumber.PDF) -> None:
    number = find_line(pdf.pages[0], "白财〔2026〕12号")
    rules = [line for line in pdf.pages[0].lines if line["stroking_color"] == CMYK_RED]
    assert len(rules) == 1
    rule = rules[0]
    assert mm(rule["top"]) == pytest.approx(mm(number[0]["bottom"]) + 4, abs=1)
    assert mm(rule["x1"] - rule["x0"]) == pytest.approx(156, abs=0.5)
    assert mm(rule["x0"]) == pytest.approx(TYPE_LEFT, abs=0.5)


def test_it_puts_upward_doc_number_left_and_signer_right() -> None:
    page = body_pages(notice(signer="王建国"))[0]
    line = find_line(page, "白财〔2026〕12号")
    assert text(line) == "白财〔2026〕12号签发人：王建国"
    assert mm(line[0]["x0"]) == pytest.approx(TYPE_LEFT + CHAR, abs=0.5)
    assert mm(line[-1]["x1"]) == pytest.approx(TYPE_RIGHT - CHAR, abs=0.5)
    assert "UKai" in line[-1]["fontname"]  # the name in 楷体


def test_it_prints_the_copy_number_given_for_one_copy() -> None:
    page = body_pages(notice())[0]
    assert text(lines_of(page)[0]) == "000001"
    copy = pdfplumber.open(io.BytesIO(render_pdf(notice(), copy_number="37"))).pages[0]
    assert text(lines_of(copy)[0]) == "000037"
    assert text(lines_of(copy)[1]) == "加急"


# --- 主体 ------------------------------------------------------------------------------


def test_it_sets_the_title_in_2hao_two_lines_under_the_rule(pdf: pdfplumber.PDF) -> None:
    page = pdf.pages[0]
    rule = next(line for line in page.lines if line["stroking_color"] == CMYK_RED)
    title_lines = lines_of(page, 22)
    assert "".join(text(line) for line in title_lines) == notice().title
    assert len(title_lines) == 2
    assert mm(title_lines[0][0]["top"]) - mm(rule["top"]) == pytest.approx(2 * LINE, abs=LINE / 2)
    for line in title_lines:
        centre = (mm(line[0]["x0"]) + mm(line[-1]["x1"])) / 2
        assert centre == pytest.approx(CENTRE, abs=0.5)
    recipients = find_line(page, "市直各部门")
    assert text(recipients) == "市直各部门、各单位："
    gap = mm(recipients[0]["top"]) - mm(title_lines[-1][0]["top"])
    assert gap == pytest.approx(2 * LINE, abs=LINE / 2)  # 标题下空一行


def test_it_wraps_a_long_title_between_words_into_balanced_lines() -> None:
    title = (
        "白银市财政局关于印发《白银市市级预算单位政府采购内部控制管理办法（试行）》"
        "及配套实施细则和操作规程的通知"
    )
    page = body_pages(notice(title=title))[0]
    lines = [text(line) for line in lines_of(page, 22)]
    assert "".join(lines) == title
    assert lines == [
        "白银市财政局关于印发《白银市市级预算",
        "单位政府采购内部控制管理办法（试行）》",
        "及配套实施细则和操作规程的通知",
    ]


def test_it_numbers_headings_and_sets_them_in_their_faces(pdf: pdfplumber.PDF) -> None:
    page = pdf.pages[1]
    one = find_line(pdf.pages[0], "一、总体要求")
    assert "WenQuanYi" in one[0]["fontname"]
    two = find_line(page, "二、基本原则")
    assert "WenQuanYi" in two[0]["fontname"]
    sub = find_line(page, "（一）坚持统筹兼顾。全面反映")
    assert "UKai" in sub[0]["fontname"] and "UMing" in sub[-1]["fontname"]
    assert find_line(page, "（二）坚持勤俭节约。")
    assert find_line(page, "1.人员支出")
    assert find_line(page, "（1）退休人员")


def test_it_extracts_the_body_text_exactly() -> None:
    data = notice(seal_png=None)
    pages = body_pages(data)
    extracted = "".join(text(line) for page in pages for line in lines_of(page, 16))
    expected = [
        "市直各部门、各单位：",
        data.body[0].text,
        "一、总体要求",
        PLAIN,
        "二、基本原则",
        "（一）坚持统筹兼顾。全面反映部门收支，做到应编尽编。",
        "（二）坚持勤俭节约。严控一般性支出。",
        "1.人员支出按照在职人员实有数编制。",
        "（1）退休人员按规定标准编制。",
        "附件：1.2027年度市级部门预算编制说明2.市级机关会议费开支标准",
        "白银市财政局2026年11月25日（此件公开发布）",
    ]
    assert "".join(expected) in extracted


def test_it_keeps_punctuation_off_line_starts_and_openers_off_line_ends() -> None:
    # Sentences sized so that commas, full stops and brackets land on every column.
    sentences = ["根据" + "预算" * k + "（试行）的规定，“三公”经费只减不增。" for k in range(1, 15)]
    data = notice(body=[Paragraph("".join(sentences))], attachments=(), note="")
    lines = [text(line) for page in body_pages(data) for line in lines_of(page, 16)]
    assert lines
    for line in lines:
        assert line[0] not in NO_START, line
        assert line[-1] not in NO_END, line


def test_it_breaks_before_a_closing_mark_that_would_start_a_line() -> None:
    face = face_for(*default_fonts().role("fangsong"))
    text_ = "字" * 28 + "。后"
    glyphs = make_glyphs(text_, face, SIZE_3, None)
    lines = break_lines(glyphs, first_x=LEFT, next_x=LEFT, right=RIGHT, char_space=BODY_CHAR_SPACE)
    assert ["".join(g.ch for g in line) for _, line in lines] == ["字" * 27, "字。后"]
    opener = make_glyphs("字" * 27 + "（注）", face, SIZE_3, None)
    lines = break_lines(opener, first_x=LEFT, next_x=LEFT, right=RIGHT, char_space=BODY_CHAR_SPACE)
    assert ["".join(g.ch for g in line) for _, line in lines] == ["字" * 27, "（注）"]


# --- 附件说明, 署名, 成文日期, 印章, 附注 --------------------------------------------------


def test_it_lists_attachments_numbered_and_aligned(pdf: pdfplumber.PDF) -> None:
    page = pdf.pages[1]
    first = find_line(page, "附件：1.")
    second = find_line(page, "2.")
    assert mm(first[0]["x0"]) == pytest.approx(TYPE_LEFT + 2 * CHAR, abs=0.5)
    assert first[3]["x0"] == pytest.approx(second[0]["x0"], abs=0.1)  # numbers aligned
    before = lines_of(page, 16)[lines_of(page, 16).index(first) - 1]
    assert mm(first[0]["top"]) - mm(before[0]["top"]) == pytest.approx(2 * LINE, abs=0.5)


def test_it_presses_the_seal_over_signature_and_date(pdf: pdfplumber.PDF) -> None:
    page = pdf.pages[1]
    assert len(page.images) == 1
    seal = page.images[0]
    assert mm(seal["width"]) == pytest.approx(42, abs=0.5)
    date_line = find_line(page, "2026年11月25日", 16)
    signature = find_line(page, "白银市财政局", 16)
    # 成文日期右空四字; 署名 and the seal centred on the date.
    assert TYPE_RIGHT - mm(date_line[-1]["x1"]) == pytest.approx(4 * CHAR, abs=0.5)
    date_centre = (date_line[0]["x0"] + date_line[-1]["x1"]) / 2
    assert (signature[0]["x0"] + signature[-1]["x1"]) / 2 == pytest.approx(date_centre, abs=1)
    assert (seal["x0"] + seal["x1"]) / 2 == pytest.approx(date_centre, abs=1)
    # Both lines lie inside the seal, below its centre; its top within a line of the text.
    seal_centre = (seal["top"] + seal["bottom"]) / 2
    for line in (signature, date_line):
        middle = (line[0]["top"] + line[0]["bottom"]) / 2
        assert seal_centre < middle < seal["bottom"]
    above = find_line(page, "2.")
    assert 0 < mm(seal["top"] - above[0]["bottom"]) <= LINE


def test_it_writes_the_note_in_parentheses_under_the_date(pdf: pdfplumber.PDF) -> None:
    page = pdf.pages[1]
    note = find_line(page, "（此件公开发布）")
    date_line = find_line(page, "2026年11月25日", 16)
    assert mm(note[0]["top"] - date_line[0]["top"]) == pytest.approx(LINE, abs=0.5)
    assert mm(note[0]["x0"]) == pytest.approx(TYPE_LEFT + 2 * CHAR, abs=0.5)


def test_it_signs_an_unsealed_document_two_characters_from_the_right() -> None:
    page = body_pages(notice(seal_png=None, note=""))[-1]
    assert page.images == []
    signature = find_line(page, "白银市财政局", 16)
    date_line = find_line(page, "2026年11月25日", 16)
    # The date is longer: it ends two characters from the right, the 署名 starts two
    # characters left of the date.
    assert TYPE_RIGHT - mm(date_line[-1]["x1"]) == pytest.approx(2 * CHAR, abs=0.5)
    assert mm(date_line[0]["x0"] - signature[0]["x0"]) == pytest.approx(2 * CHAR, abs=0.5)


@pytest.mark.parametrize("paragraphs", range(17, 27))
def test_it_never_leaves_the_seal_alone_on_a_page(paragraphs: int) -> None:
    body = [Paragraph("单行段落内容。")] * paragraphs + [Paragraph(PLAIN)]
    pages = body_pages(notice(body=body, attachments=(), note=""))
    page = next(p for p in pages if p.images)
    seal = page.images[0]
    above = [line for line in lines_of(page, 16) if line[0]["bottom"] < seal["top"]]
    assert above, "the seal's page must carry body text above it"
    assert mm(seal["top"] - above[-1][0]["bottom"]) <= LINE
    colophon_top = min(r["top"] for r in pages[-1].lines)
    if page is pages[-1]:
        assert seal["bottom"] <= colophon_top


# --- 版记 and page numbers ---------------------------------------------------------------


def test_it_sets_the_colophon_at_the_bottom_between_rules(pdf: pdfplumber.PDF) -> None:
    page = pdf.pages[-1]
    rules = sorted(page.lines, key=lambda r: r["top"])
    assert [round(mm(r["linewidth"]), 2) for r in rules] == [0.35, 0.25, 0.35]
    assert all(mm(r["x1"] - r["x0"]) == pytest.approx(156, abs=0.5) for r in rules)
    assert mm(rules[-1]["top"]) == pytest.approx(TYPE_BOTTOM, abs=0.1)
    cc = find_line(page, "抄送：", 14)
    assert text(cc) == "抄送：市委办公室，市人大常委会办公室，市政协办公室。"
    assert mm(cc[0]["x0"]) == pytest.approx(TYPE_LEFT + mm(14), abs=0.3)
    printed = find_line(page, "白银市财政局办公室", 14)
    assert text(printed) == "白银市财政局办公室2026年11月25日印发"
    assert mm(printed[-1]["x1"]) == pytest.approx(TYPE_RIGHT - mm(14), abs=0.3)
    assert rules[0]["top"] < cc[0]["top"] < rules[1]["top"] < printed[0]["top"] < rules[2]["top"]
    assert all(round(c["size"]) == 14 for c in cc + printed)


def test_it_numbers_odd_pages_right_and_even_pages_left(pdf: pdfplumber.PDF) -> None:
    for number, page in enumerate(pdf.pages, start=1):
        line = find_line(page, "—", 14)
        assert text(line) == f"— {number} —"
        assert mm(line[0]["top"]) == pytest.approx(TYPE_BOTTOM + 7, abs=1.5)
        if number % 2:
            assert mm(line[-1]["x1"]) == pytest.approx(TYPE_RIGHT - mm(14), abs=0.5)
        else:
            assert mm(line[0]["x0"]) == pytest.approx(TYPE_LEFT + mm(14), abs=0.5)


def test_it_puts_the_colophon_of_a_duplex_print_on_an_even_page() -> None:
    short = notice(body=[Paragraph("请认真贯彻执行。")], attachments=(), note="")
    single = body_pages(short)
    assert len(single) == 1
    assert len(single[0].lines) == 4  # red rule + three 版记 rules on the only page
    duplex = pdfplumber.open(io.BytesIO(render_pdf(short, duplex=True))).pages
    assert len(duplex) == 2
    assert len(duplex[0].lines) == 1
    assert len(duplex[1].lines) == 3
    assert text(find_line(duplex[1], "—", 14)) == "— 2 —"


# --- the file itself -----------------------------------------------------------------------


def test_it_embeds_every_font_with_a_unicode_map() -> None:
    reader = pypdf.PdfReader(io.BytesIO(_notice_pdf()))
    seen = 0
    for page in reader.pages:
        resources: Any = page["/Resources"]
        for ref in resources["/Font"].values():
            font = ref.get_object()
            descriptor = font["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor, font["/BaseFont"]
            assert "/ToUnicode" in font
            seen += 1
    assert seen >= 3


def test_it_gives_identical_bytes_for_identical_input() -> None:
    first = render_pdf(notice())
    assert render_pdf(notice()) == first
    assert render_pdf(notice(), copy_number="000002") != first


def test_it_repeats_the_watermark_when_given() -> None:
    mark = "白银市教育局 2026-11-25 10:00 打印"
    with pdfplumber.open(io.BytesIO(render_pdf(notice(), watermark=mark))) as document:
        for page in document.pages:
            diagonal = "".join(c["text"] for c in page.chars if slanted(c))
            assert diagonal.count(mark) >= 4
    with pdfplumber.open(io.BytesIO(_notice_pdf())) as document:
        assert not any(slanted(c) for page in document.pages for c in page.chars)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"secrecy": "秘密★1年"}, "涉密公文不得进入本系统"),
        ({"urgency": "急"}, "紧急程度"),
        ({"copy_number": "12a"}, "份号"),
        ({"copy_number": "1234567"}, "份号"),
        ({"title": " "}, "标题"),
        ({"seal_png": b"GIF89a"}, "PNG"),
    ],
)
def test_it_refuses_invalid_elements(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        notice(**changes)


def test_it_accepts_the_unclassified_level_and_renders_nothing_for_it() -> None:
    page = body_pages(notice(secrecy="非密", urgency=""))[0]
    assert [text(line) for line in lines_of(page)[:2]] == ["000001", "白银市财政局文件"]


def test_it_refuses_a_font_file_it_cannot_embed(tmp_path: Any) -> None:
    junk = tmp_path / "fangsong.ttf"
    junk.write_bytes(b"not a font at all" * 10)
    fonts = replace(default_fonts(), fangsong=str(junk))
    with pytest.raises(ValueError, match="字体文件无法使用"):
        render_pdf(notice(), fonts=fonts)


def test_it_refuses_an_unknown_paragraph_kind() -> None:
    with pytest.raises(ValueError, match="未知的正文段落类型"):
        Paragraph("文字", "heading5")  # type: ignore[arg-type]


def test_it_names_characters_no_font_can_draw() -> None:
    assert missing_characters(notice()) == ""
    rare = notice(body=[Paragraph("生僻字𠀀和表情😀，常用字龘。")])
    assert missing_characters(rare) == "𠀀😀"


def test_it_restarts_lower_heading_numbers_under_a_new_heading() -> None:
    body = [
        Paragraph("甲", ParaKind.HEADING1),
        Paragraph("子", ParaKind.HEADING2),
        Paragraph("丑", ParaKind.HEADING2),
        Paragraph("乙", ParaKind.HEADING1),
        Paragraph("寅", ParaKind.HEADING2),
        Paragraph("（三）已有序号", ParaKind.HEADING2),
        Paragraph("卯", ParaKind.HEADING3),
    ]
    data = notice(body=body, attachments=(), seal_png=None, note="", cc=(), printer="")
    lines = [text(line) for page in body_pages(data) for line in lines_of(page, 16)]
    assert lines[lines.index("一、甲") :][:7] == [
        "一、甲",
        "（一）子",
        "（二）丑",
        "二、乙",
        "（一）寅",
        "（三）已有序号",
        "1.卯",
    ]


def test_it_refuses_a_missing_font_file() -> None:
    fonts = replace(default_fonts(), heiti="/nonexistent/heiti.ttf")
    with pytest.raises(FileNotFoundError, match="字体文件不存在"):
        render_pdf(notice(), fonts=fonts)
