"""GB/T 9704-2012 measured from outside, on realistic documents.

Every number below is the standard's, written as a literal; nothing is imported from the
renderer but its entry point and its font configuration. The PDFs are read back with
pdfplumber (positions, sizes, colours, fonts) and pypdf (embedded font programs) only.
Positions are millimetres from the page's top-left corner. Clauses cited are GB/T 9704-2012's.
"""

from __future__ import annotations

import io
import itertools
import re
import struct
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from typing import Any

import pdfplumber
import pypdf
import pytest
from pypdf.generic import ContentStream

from wenshu.lib import sealpic
from wenshu.lib.gongwen_pdf import (
    Fonts,
    GongwenData,
    Paragraph,
    ParaKind,
    default_fonts,
    render_pdf,
)

PT = 25.4 / 72  # mm per point

# 5.2.1 / 5.2.2: A4; 天头 37 ± 1 mm, 订口 28 ± 1 mm; 版心 156 × 225 mm (page number excluded).
PAGE_W, PAGE_H = 210.0, 297.0
TOP, LEFT = 37.0, 28.0
AREA_W, AREA_H = 156.0, 225.0
RIGHT, BOTTOM = LEFT + AREA_W, TOP + AREA_H
AXIS = LEFT + AREA_W / 2  # the type area's vertical centre line
MARGIN_TOLERANCE = 1.0
EDGE = 0.05  # how far a glyph box may touch past an edge of the type area (rounding only)
# 5.2.3: 22 lines of 28 characters filling the type area.
LINES, CHARS = 22, 28
LINE_PITCH = AREA_H / LINES  # ≈ 10.23 mm
CHAR_PITCH = AREA_W / CHARS  # ≈ 5.57 mm
# 字号: 2号 22 pt, 3号 16 pt, 4号 14 pt.
SIZE_2, SIZE_3, SIZE_4 = 22.0, 16.0, 14.0
ONE_4HAO = SIZE_4 * PT  # 一字 of 4号 text, for the 版记 and page numbers
MARK_BELOW_TOP = 35.0  # 7.2.4: 标志 top edge 35 mm below the type area's top edge
RULE_BELOW_NUMBER = 4.0  # 7.2.7: the red rule 4 mm below the 发文字号
PAGE_NUMBER_GAP = 7.0  # 7.5: 7 mm below the type area's bottom edge
THICK, THIN = 0.35, 0.25  # 7.4.1: 版记 rules

SEAL = sealpic.render_seal("白银市财政局", size_px=400)
ISSUE = date(2026, 3, 5)  # single-digit month and day: "2026年3月5日", no 虚位


@pytest.fixture(scope="module", autouse=True)
def fonts() -> Fonts:
    try:
        return default_fonts()
    except FileNotFoundError:
        pytest.skip("Chinese fonts not installed (fonts-arphic-uming, -ukai, fonts-wqy-zenhei)")


# --- the documents ----------------------------------------------------------------------

SENTENCES = (
    "各预算单位要严格执行预算管理制度，坚持先有预算、后有支出，严禁超预算或者无预算安排支出",
    "对上年度结转资金和结余资金要全面清理，能统筹使用的一律统筹使用，不得长期挂账",
    "政府采购项目要依法编制采购预算，做到应编尽编，未编制采购预算的不得组织采购活动",
    "各单位要加强绩效目标管理，将绩效目标作为预算安排的前置条件，提高资金使用效益",
)


def long_body(sections: int) -> tuple[Paragraph, ...]:
    body = [Paragraph("为规范市级预算管理，根据《中华人民共和国预算法》及其实施条例，现通知如下。")]
    for n in range(sections):
        body += [
            Paragraph("加强预算编制管理", ParaKind.HEADING1),
            Paragraph("。".join(SENTENCES[n % 4 :] + SENTENCES[: n % 4]) + "。"),
            Paragraph("明确工作责任。", ParaKind.HEADING2, SENTENCES[(n + 1) % 4] + "。"),
            Paragraph("细化支出标准。", ParaKind.HEADING3, SENTENCES[(n + 2) % 4] + "。"),
            Paragraph("规范资产配置。", ParaKind.HEADING4, SENTENCES[(n + 3) % 4] + "。"),
        ]
    return tuple(body)


BASE = GongwenData(
    issuer_mark="白银市财政局文件",
    doc_number="白财〔2026〕7号",
    title="白银市财政局关于做好预算执行工作的通知",
    main_recipients="市直各部门、各单位",
    body=(Paragraph("请各单位按照要求认真做好预算执行工作，确保年度预算目标如期实现。"),),
    issuer_signature="白银市财政局",
    issue_date=ISSUE,
)

DOCUMENTS: dict[str, GongwenData] = {
    # One page: body, unsealed signature, 版记 at the bottom of the same page.
    "one_page": replace(BASE, cc=("市审计局",), printer="白银市财政局办公室", print_date=ISSUE),
    # 份号, 紧急程度 and an upward 签发人; 密级 only 非密 exists here and prints nothing.
    "header": replace(
        BASE,
        copy_number="37",
        secrecy="非密",
        urgency="特急",
        signer="王建国",
        main_recipients="白银市人民政府",
        title="白银市财政局关于2027年市级财政预算草案的请示",
    ),
    # A three-line title, 附件说明 with a long name that wraps, and a seal.
    "sealed": replace(
        BASE,
        title="白银市财政局白银市教育局关于印发《白银市义务教育阶段学校"
        "公用经费保障机制改革实施方案》及资金管理办法的通知",
        body=long_body(1),
        attachments=(
            "白银市义务教育阶段学校公用经费保障机制改革实施方案及资金分配测算表",
            "公用经费绩效评价指标",
        ),
        seal_png=SEAL,
        note="此件公开发布",
    ),
    # 联合行文: two organs stacked in the 标志, "文件" on their right.
    "joint": replace(
        BASE,
        co_issuers=("白银市教育局",),
        doc_number="白财〔2026〕9号",
        title="白银市财政局白银市教育局关于下达2026年义务教育补助资金的通知",
        main_recipients="各县区财政局、教育局",
    ),
    # Many pages (more than nine, so two-digit page numbers), every heading level, seal,
    # 抄送 over two lines and 印发机关.
    "many_pages": replace(
        BASE,
        body=long_body(16),
        attachments=("市级部门预算编制说明",),
        seal_png=SEAL,
        cc=(
            "市委办公室",
            "市人大常委会办公室",
            "市政协办公室",
            "市纪委监委",
            "市中级人民法院",
            "市人民检察院",
            "各县区财政局",
        ),
        printer="白银市财政局办公室",
        print_date=date(2026, 3, 6),
    ),
}


@dataclass
class Line:
    """The characters sharing one baseline, left to right."""

    chars: list[dict[str, Any]]

    @property
    def text(self) -> str:
        return "".join(c["text"] for c in self.chars)

    @property
    def top(self) -> float:
        return min(c["top"] for c in self.chars) * PT

    @property
    def bottom(self) -> float:
        return max(c["bottom"] for c in self.chars) * PT

    @property
    def x0(self) -> float:
        return self.chars[0]["x0"] * PT

    @property
    def x1(self) -> float:
        return self.chars[-1]["x1"] * PT

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def baseline(self) -> float:
        return self.chars[0]["baseline"]

    @property
    def sizes(self) -> set[float]:
        return {round(c["size"], 1) for c in self.chars}


@dataclass
class Page:
    number: int  # 1-based position in the file
    plumber: Any
    lines: list[Line]

    def find(self, start: str) -> Line:
        found = [line for line in self.lines if line.text.startswith(start)]
        assert found, f"page {self.number}: no line starts with {start!r}"
        return found[0]

    def exact(self, text: str) -> Line:
        found = [line for line in self.lines if line.text == text]
        assert len(found) == 1, f"page {self.number}: {len(found)} lines read {text!r}"
        return found[0]

    def sized(self, size: float) -> list[Line]:
        return [line for line in self.lines if line.sizes == {size}]

    @property
    def page_number(self) -> Line | None:
        found = [line for line in self.lines if re.fullmatch(r"— \d+ —", line.text)]
        return found[0] if found else None

    @property
    def content(self) -> list[Line]:
        return [line for line in self.lines if line is not self.page_number]


@cache
def pdf_bytes(name: str) -> bytes:
    return render_pdf(DOCUMENTS[name])


@cache
def pages(name: str) -> list[Page]:
    document = pdfplumber.open(io.BytesIO(pdf_bytes(name)))
    result = []
    for index, page in enumerate(document.pages, start=1):
        rows: dict[float, list[dict[str, Any]]] = {}
        for char in page.chars:
            assert abs(char["matrix"][1]) < 1e-6, "no rotated text is expected"
            char["baseline"] = round(page.height - char["matrix"][5], 1)
            rows.setdefault(char["baseline"], []).append(char)
        lines = [Line(sorted(rows[k], key=lambda c: c["x0"])) for k in sorted(rows)]
        result.append(Page(index, page, lines))
    return result


def all_pages() -> list[tuple[str, Page]]:
    return [(name, page) for name in DOCUMENTS for page in pages(name)]


def body_lines(page: Page) -> list[Line]:
    """3号 lines of the main text area (版头 excluded on page 1, 版记 is 4号 anyway)."""
    lines = page.sized(SIZE_3)
    if page.number == 1:
        title_bottom = max(line.bottom for line in page.sized(SIZE_2))
        lines = [line for line in lines if line.top > title_bottom]
    return lines


# --- fonts, read from the files themselves ------------------------------------------------


def postscript_name(path: str, index: int) -> str:
    """nameID 6 of a .ttf or one face of a .ttc, read without any font library."""
    with open(path, "rb") as f:
        data = f.read()
    offset = 0
    if data[:4] == b"ttcf":
        offset = struct.unpack_from(">I", data, 12 + 4 * index)[0]
    tables = struct.unpack_from(">H", data, offset + 4)[0]
    for t in range(tables):
        tag, _, start, _ = struct.unpack_from(">4sIII", data, offset + 12 + 16 * t)
        if tag == b"name":
            _, count, strings = struct.unpack_from(">HHH", data, start)
            for r in range(count):
                platform, _, _, name_id, length, at = struct.unpack_from(
                    ">HHHHHH", data, start + 6 + 12 * r
                )
                if name_id == 6:
                    raw = data[start + strings + at : start + strings + at + length]
                    return raw.decode("utf-16-be" if platform in (0, 3) else "latin-1")
    raise AssertionError(f"{path} has no PostScript name")


def family(role: str) -> Callable[[dict[str, Any]], bool]:
    """A predicate: is this character set in the font configured for ``role``?"""
    name = postscript_name(*default_fonts().role(role))
    return lambda char: char["fontname"].split("+")[-1].startswith(name)


def in_font(line: Line | list[dict[str, Any]], role: str) -> bool:
    chars = line.chars if isinstance(line, Line) else line
    check = family(role)
    return all(check(c) for c in chars)


def image_matrices(name: str) -> list[tuple[float, ...]]:
    """The (a, b, c, d) of the transformation each image is drawn with, from pypdf."""
    found: list[tuple[float, ...]] = []
    for page in pypdf.PdfReader(io.BytesIO(pdf_bytes(name))).pages:
        ctm: tuple[float, ...] = (1.0, 0.0, 0.0, 1.0)
        stack: list[tuple[float, ...]] = []
        for operands, operator in ContentStream(page.get_contents(), page.pdf).operations:
            if operator == b"q":
                stack.append(ctm)
            elif operator == b"Q":
                ctm = stack.pop()
            elif operator == b"cm":
                a, b, c, d = (float(v) for v in operands[:4])
                x, y, z, w = ctm
                ctm = (a * x + b * z, a * y + b * w, c * x + d * z, c * y + d * w)
            elif operator == b"Do":
                found.append(ctm)
    return found


def is_red(colour: Any) -> bool:
    """CMYK with high M and Y, or RGB with high R: Y80% M80% per 5.4 (颜色)."""
    colour = tuple(colour or ())
    if len(colour) == 4:
        c, m, y, k = colour
        return c < 0.2 and m > 0.6 and y > 0.6 and k < 0.2
    if len(colour) == 3:
        r, g, b = colour
        return r > 0.8 and g < 0.5 and b < 0.5
    return False


def is_black(colour: Any) -> bool:
    colour = tuple(colour or ())
    if len(colour) == 4:
        return colour[3] > 0.9 or all(v > 0.9 for v in colour[:3])
    if len(colour) in (1, 3):
        return all(v < 0.1 for v in colour)
    return False


# --- 5.2: the page and the type area ----------------------------------------------------


@pytest.mark.parametrize("name", DOCUMENTS)
def test_every_page_is_a4(name: str) -> None:
    for page in pages(name):
        assert page.plumber.width * PT == pytest.approx(PAGE_W, abs=0.1)
        assert page.plumber.height * PT == pytest.approx(PAGE_H, abs=0.1)


@pytest.mark.parametrize("name", DOCUMENTS)
def test_every_glyph_but_the_page_number_lies_in_the_type_area(name: str) -> None:
    for page in pages(name):
        for line in page.content:
            where = f"{name} p{page.number} {line.text!r}"
            assert line.x0 >= LEFT - EDGE, where
            assert line.x1 <= RIGHT + EDGE, where
            assert line.top >= TOP - EDGE, where
            assert line.bottom <= BOTTOM + EDGE, where
        for image in page.plumber.images:
            assert image["x0"] * PT >= LEFT - EDGE and image["x1"] * PT <= RIGHT + EDGE
            assert image["top"] * PT >= TOP - EDGE and image["bottom"] * PT <= BOTTOM + EDGE
        for rule in page.plumber.lines:
            assert rule["x0"] * PT >= LEFT - EDGE and rule["x1"] * PT <= RIGHT + EDGE
            assert TOP - EDGE <= rule["top"] * PT <= BOTTOM + EDGE


@pytest.mark.parametrize("name", DOCUMENTS)
def test_the_text_starts_at_the_top_and_binding_margins(name: str) -> None:
    for page in pages(name):
        content = page.content
        if not content or (page.number == 1 and not DOCUMENTS[name].copy_number):
            continue  # without 份号 the first page starts with the 标志, 35 mm lower
        assert content[0].top == pytest.approx(TOP, abs=MARGIN_TOLERANCE), page.number
        assert min(line.x0 for line in content) == pytest.approx(LEFT, abs=MARGIN_TOLERANCE)


def test_a_full_page_has_22_lines_of_28_characters_on_the_grid() -> None:
    full = [p for p in pages("many_pages")[1:-1] if len(body_lines(p)) == LINES]
    assert len(full) >= 5, "most middle pages are full"
    for page in full:
        lines = body_lines(page)
        assert lines[0].top == pytest.approx(TOP, abs=MARGIN_TOLERANCE)
        assert lines[-1].bottom <= BOTTOM
        for a, b in itertools.pairwise(lines):
            pitch = (b.baseline - a.baseline) * PT
            assert pitch == pytest.approx(LINE_PITCH, abs=0.05)
        # 22 lines fill the type area: first box top to last line's grid bottom ≈ 225 mm.
        span = (lines[-1].baseline - lines[0].baseline) * PT + LINE_PITCH
        assert span == pytest.approx(AREA_H, abs=1)
    full_lines = [
        line
        for page in full
        for line in body_lines(page)
        if len(line.chars) == CHARS and not any(c["text"].isascii() for c in line.chars)
    ]
    assert len(full_lines) >= 20, "plenty of lines of 28 ideographs"
    for line in full_lines:
        assert line.x0 == pytest.approx(LEFT, abs=0.05)
        assert line.x1 == pytest.approx(RIGHT, abs=0.1)  # 撑满版心
        for left, right in itertools.pairwise(line.chars):
            assert (right["x0"] - left["x0"]) * PT == pytest.approx(CHAR_PITCH, abs=0.02)


def test_the_body_is_3hao_fangsong_indented_two_characters() -> None:
    page = pages("one_page")[0]
    body = page.find("请各单位按照要求")
    assert body.sizes == {SIZE_3}
    assert in_font(body, "fangsong")
    assert body.x0 == pytest.approx(LEFT + 2 * CHAR_PITCH, abs=0.1)  # 每个自然段左空二字
    assert all(is_black(c["non_stroking_color"]) for c in body.chars)


# --- 7.2 版头 ----------------------------------------------------------------------------


def test_copy_number_and_urgency_stand_top_left_in_order() -> None:
    page = pages("header")[0]
    copy, urgency = page.lines[0], page.lines[1]
    # 7.2.1: six 3号 Arabic digits, first line of the type area, flush left.
    assert copy.text == "000037"
    assert copy.sizes == {SIZE_3}
    assert copy.top == pytest.approx(TOP, abs=MARGIN_TOLERANCE)
    assert copy.x0 == pytest.approx(LEFT, abs=0.1)
    # 7.2.3: 紧急程度 3号黑体, flush left, on the next line (no 密级 for 非密 documents).
    assert urgency.text == "特急"
    assert urgency.sizes == {SIZE_3}
    assert in_font(urgency, "heiti")
    assert urgency.x0 == pytest.approx(LEFT, abs=0.1)
    pitch = (urgency.baseline - copy.baseline) * PT
    assert pitch == pytest.approx(LINE_PITCH, abs=0.05)
    assert "非密" not in "".join(line.text for line in page.lines)


def red_lines(page: Page) -> list[Line]:
    return [x for x in page.lines if all(is_red(c["non_stroking_color"]) for c in x.chars)]


@pytest.mark.parametrize("name", DOCUMENTS)
def test_the_issuer_mark_is_red_centred_35_mm_below_the_type_area(name: str) -> None:
    page = pages(name)[0]
    mark = red_lines(page)
    assert mark, "a red 发文机关标志"
    if not DOCUMENTS[name].co_issuers:
        assert [line.text for line in mark] == [DOCUMENTS[name].issuer_mark]
    left, right = min(x.x0 for x in mark), max(x.x1 for x in mark)
    assert (left + right) / 2 == pytest.approx(AXIS, abs=0.5)
    assert min(x.top for x in mark) - TOP == pytest.approx(MARK_BELOW_TOP, abs=1)
    assert all(in_font(line, "xiaobiaosong") for line in mark)
    others = [line for line in page.lines if line not in mark]
    assert all(is_black(c["non_stroking_color"]) for line in others for c in line.chars)


def test_a_joint_mark_stacks_the_organs_with_wenjian_centred_on_their_right() -> None:
    # 7.2.4: 主办机关名称排列在前; "文件"二字置于发文机关名称右侧, 以联署发文机关名称为准上下居中.
    mark = red_lines(pages("joint")[0])
    names = [line for line in mark if line.text != "文件"]
    suffix = [line for line in mark if line.text == "文件"]
    assert [line.text for line in names] == ["白银市财政局", "白银市教育局"]
    assert len(suffix) == 1
    assert names[0].x0 == pytest.approx(names[1].x0, abs=0.1)  # the names aligned both sides
    assert names[0].x1 == pytest.approx(names[1].x1, abs=0.1)
    assert suffix[0].x0 > names[0].x1
    middle = (names[0].top + names[-1].bottom) / 2
    assert (suffix[0].top + suffix[0].bottom) / 2 == pytest.approx(middle, abs=0.5)
    assert names[0].sizes == suffix[0].sizes


@pytest.mark.parametrize("name", DOCUMENTS)
def test_the_red_rule_is_as_wide_as_the_type_area_4_mm_under_the_doc_number(name: str) -> None:
    page = pages(name)[0]
    number = page.find(DOCUMENTS[name].doc_number)
    mark = red_lines(page)[-1]
    red = [r for r in page.plumber.lines if is_red(r["stroking_color"])]
    red += [r for r in page.plumber.rects if r["fill"] and is_red(r["non_stroking_color"])]
    assert len(red) == 1
    rule = red[0]
    assert rule["x0"] * PT == pytest.approx(LEFT, abs=0.2)
    assert rule["x1"] * PT == pytest.approx(RIGHT, abs=0.2)
    assert rule["top"] * PT - number.bottom == pytest.approx(RULE_BELOW_NUMBER, abs=0.5)
    # 7.2.5: the 发文字号 two blank lines under the 标志.
    gap = number.top - mark.bottom
    assert gap == pytest.approx(2 * LINE_PITCH, abs=LINE_PITCH / 2)
    assert number.sizes == {SIZE_3}
    assert in_font(number.chars[:1], "fangsong")
    if DOCUMENTS[name].signer:
        # 上行文: 发文字号 居左空一字, 签发人 居右空一字 on the same line, the name in 楷体.
        assert number.text == f"{DOCUMENTS[name].doc_number}签发人：{DOCUMENTS[name].signer}"
        assert number.x0 == pytest.approx(LEFT + CHAR_PITCH, abs=0.3)
        assert number.x1 == pytest.approx(RIGHT - CHAR_PITCH, abs=0.3)
        assert in_font(number.chars[-len(DOCUMENTS[name].signer) :], "kaiti")
    else:
        assert number.text == DOCUMENTS[name].doc_number
        assert number.centre == pytest.approx(AXIS, abs=0.5)


# --- 7.3 主体 ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", DOCUMENTS)
def test_the_title_is_2hao_centred_two_lines_under_the_rule(name: str) -> None:
    page = pages(name)[0]
    data = DOCUMENTS[name]
    title = page.sized(SIZE_2)
    assert "".join(line.text for line in title) == data.title
    rule = next(r for r in page.plumber.lines if is_red(r["stroking_color"]))
    assert title[0].top - rule["top"] * PT == pytest.approx(2 * LINE_PITCH, abs=LINE_PITCH / 2)
    for line in title:
        assert line.centre == pytest.approx(AXIS, abs=0.5)
        assert in_font(line, "xiaobiaosong")
    # 7.3.2: 主送机关 one blank line under the title, flush left, ending with "：".
    recipients = page.find(data.main_recipients)
    assert recipients.text == data.main_recipients + "："
    assert recipients.x0 == pytest.approx(LEFT, abs=0.1)
    assert recipients.top - title[-1].top == pytest.approx(2 * LINE_PITCH, abs=LINE_PITCH / 2)
    # 7.3.3: 公文首页必须显示正文.
    assert page.find(data.body[0].text[:6]).top > recipients.top


def test_a_three_line_title_is_balanced_and_centred() -> None:
    title = pages("sealed")[0].sized(SIZE_2)
    assert len(title) == 3
    widths = [line.x1 - line.x0 for line in title]
    assert max(widths) - min(widths) < AREA_W / 3  # 长短适宜: no stub of a last line
    for a, b in itertools.pairwise(title):
        assert (b.baseline - a.baseline) * PT == pytest.approx(LINE_PITCH, abs=0.5)


def test_headings_use_heiti_kaiti_fangsong_by_level() -> None:
    page = pages("sealed")[0]
    lines = page.lines + pages("sealed")[1].lines
    one = next(line for line in lines if line.text.startswith("一、"))
    assert one.text == "一、加强预算编制管理"
    assert in_font(one, "heiti") and one.sizes == {SIZE_3}
    two = next(line for line in lines if line.text.startswith("（一）"))
    assert in_font(two.chars[: len("（一）明确工作责任。")], "kaiti")
    assert in_font(two.chars[len("（一）明确工作责任。") :], "fangsong")
    three = next(line for line in lines if line.text.startswith("1."))
    four = next(line for line in lines if line.text.startswith("（1）"))
    for line in (one, two, three, four):
        assert line.x0 == pytest.approx(LEFT + 2 * CHAR_PITCH, abs=0.1)
    assert in_font(three, "fangsong") and in_font(four, "fangsong")


def test_attachments_are_listed_one_line_under_the_body_and_aligned() -> None:
    page = next(p for p in pages("sealed") if any(x.text.startswith("附件：") for x in p.lines))
    first = page.find("附件：")
    # 7.3.4: 下空一行, 左空二字, "附件：1.名称", names aligned under the first name.
    assert first.text.startswith("附件：1.白银市义务教育")
    assert first.x0 == pytest.approx(LEFT + 2 * CHAR_PITCH, abs=0.1)
    index = page.lines.index(first)
    above, wrapped, second = page.lines[index - 1], page.lines[index + 1], page.lines[index + 2]
    assert (first.baseline - above.baseline) * PT == pytest.approx(2 * LINE_PITCH, abs=0.1)
    name_x = first.chars[len("附件：1.")]["x0"] * PT
    assert wrapped.x0 == pytest.approx(name_x, abs=0.1)  # 回行与上一行附件名称的首字对齐
    assert second.text == "2.公用经费绩效评价指标"  # 附件名称后不加标点符号
    assert second.chars[2]["x0"] * PT == pytest.approx(name_x, abs=0.1)
    assert second.chars[0]["x0"] * PT == pytest.approx(first.chars[3]["x0"] * PT, abs=0.1)


@pytest.mark.parametrize("name", ["sealed", "many_pages"])
def test_the_seal_presses_centred_over_signature_and_date(name: str) -> None:
    page = next(p for p in pages(name) if p.plumber.images)
    assert sum(len(p.plumber.images) for p in pages(name)) == 1
    seal = page.plumber.images[0]
    assert image_matrices(name) == [pytest.approx((42 / PT, 0, 0, 42 / PT), abs=0.5)]  # 端正
    top, bottom = seal["top"] * PT, seal["bottom"] * PT
    left, right = seal["x0"] * PT, seal["x1"] * PT
    signature = page.exact("白银市财政局")
    dated = page.find("2026年3月5日")
    assert dated.text == "2026年3月5日"  # 7.3.5.4: Arabic numerals, no 虚位
    # 7.3.5.1: 成文日期右空四字; 署名 centred on the date; the seal centred on both.
    assert RIGHT - dated.x1 == pytest.approx(4 * CHAR_PITCH, abs=0.5)
    assert signature.centre == pytest.approx(dated.centre, abs=0.5)
    assert (left + right) / 2 == pytest.approx(dated.centre, abs=0.5)
    # 居中下压: both lines inside the seal, below its centre.
    centre_y = (top + bottom) / 2
    for line in (signature, dated):
        assert centre_y < (line.top + line.bottom) / 2 < bottom
        assert left < line.x0 and line.x1 < right
    # 印章顶端应当上距正文（或附件说明）一行之内.
    above = [line for line in page.content if line.bottom < top]
    assert above, "the seal never stands alone on a page"
    assert 0 < top - above[-1].bottom <= LINE_PITCH


def test_an_unsealed_signature_stands_two_characters_from_the_right() -> None:
    page = pages("one_page")[0]
    assert page.plumber.images == []
    body = page.find("请各单位按照要求")
    signature = page.exact("白银市财政局")
    dated = page.find("2026年3月5日")
    assert dated.text == "2026年3月5日"
    # 7.3.5.2: 正文下空一行; the date two characters further right than the 署名, or, when
    # the date is longer, the date 右空二字 and the 署名 moved left accordingly.
    last_body = page.lines[page.lines.index(signature) - 1]
    assert last_body.top >= body.top
    assert (signature.baseline - last_body.baseline) * PT == pytest.approx(2 * LINE_PITCH, abs=0.1)
    assert (dated.baseline - signature.baseline) * PT == pytest.approx(LINE_PITCH, abs=0.1)
    assert RIGHT - dated.x1 == pytest.approx(2 * CHAR_PITCH, abs=0.5)
    assert dated.x0 - signature.x0 == pytest.approx(2 * CHAR_PITCH, abs=0.5)


def test_the_note_follows_the_date_in_parentheses() -> None:
    page = next(p for p in pages("sealed") if p.plumber.images)
    dated = page.find("2026年3月5日")
    note = page.find("（此件公开发布）")
    assert (note.baseline - dated.baseline) * PT == pytest.approx(LINE_PITCH, abs=0.1)
    assert note.x0 == pytest.approx(LEFT + 2 * CHAR_PITCH, abs=0.1)


# --- 7.4 版记 ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["one_page", "many_pages"])
def test_the_colophon_sits_on_the_last_page_between_its_rules(name: str) -> None:
    data = DOCUMENTS[name]
    last = pages(name)[-1]
    rules = [r for r in last.plumber.lines if not is_red(r["stroking_color"])]
    rules.sort(key=lambda r: r["top"])
    assert all(is_black(r["stroking_color"]) for r in rules)
    widths = [round(r["linewidth"] * PT, 2) for r in rules]
    assert widths[0] == THICK and widths[-1] == THICK
    assert all(w == THIN for w in widths[1:-1])
    for rule in rules:
        assert rule["x0"] * PT == pytest.approx(LEFT, abs=0.2)
        assert rule["x1"] * PT == pytest.approx(RIGHT, abs=0.2)
    # 末条分隔线与公文最后一面的版心下边缘重合.
    assert rules[-1]["top"] * PT == pytest.approx(BOTTOM, abs=0.2)
    colophon = [line for line in last.content if line.sizes == {SIZE_4}]
    assert colophon and all(in_font(line, "fangsong") for line in colophon)
    assert all(rules[0]["top"] < c["top"] for line in colophon for c in line.chars)
    printed = colophon[-1]
    assert data.print_date is not None
    stamp = f"{data.print_date.year}年{data.print_date.month}月{data.print_date.day}日印发"
    assert printed.text == data.printer + stamp
    assert printed.x0 - LEFT == pytest.approx(ONE_4HAO, abs=0.3)  # 印发机关左空一字
    assert RIGHT - printed.x1 == pytest.approx(ONE_4HAO, abs=0.3)  # 印发日期右空一字
    assert rules[-2]["top"] * PT < printed.top and printed.bottom < rules[-1]["top"] * PT
    cc = colophon[:-1]
    assert "".join(line.text for line in cc) == "抄送：" + "，".join(data.cc) + "。"
    assert cc[0].x0 - LEFT == pytest.approx(ONE_4HAO, abs=0.3)  # 左右各空一字
    for line in cc:
        assert RIGHT - line.x1 >= ONE_4HAO - 0.1
    for line in cc[1:]:  # 回行时与冒号后的首字对齐
        assert line.x0 == pytest.approx(cc[0].chars[3]["x0"] * PT, abs=0.1)
    body_bottom = max(line.bottom for line in last.content if line.sizes != {SIZE_4})
    assert body_bottom < rules[0]["top"] * PT


# --- 7.5 页码 ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", DOCUMENTS)
def test_page_numbers_are_4hao_with_dashes_7_mm_under_the_type_area(name: str) -> None:
    numbered = pages(name)
    if name == "many_pages":
        assert len(numbered) >= 10, "two-digit page numbers are exercised"
    for page in numbered:
        line = page.page_number
        assert line is not None, f"page {page.number} has a page number"
        assert line.text == f"— {page.number} —"
        assert line.sizes == {SIZE_4}
        assert in_font(line, "songti")
        digits = [c for c in line.chars if c["text"].isdigit()]
        dashes = [c for c in line.chars if c["text"] == "—"]
        assert all(c["text"].isascii() for c in digits)  # 半角阿拉伯数字
        for dash in dashes:  # 一字线: one 4号 character wide
            assert (dash["x1"] - dash["x0"]) * PT == pytest.approx(ONE_4HAO, abs=0.1)
        for digit in digits:
            assert (digit["x1"] - digit["x0"]) * PT == pytest.approx(ONE_4HAO / 2, abs=0.1)
        assert line.top - BOTTOM == pytest.approx(PAGE_NUMBER_GAP, abs=1)
        if page.number % 2:  # 单页码居右空一字
            assert RIGHT - line.x1 == pytest.approx(ONE_4HAO, abs=0.3)
        else:  # 双页码居左空一字
            assert line.x0 - LEFT == pytest.approx(ONE_4HAO, abs=0.3)


# --- the file: fonts and text ------------------------------------------------------------


@pytest.mark.parametrize("name", DOCUMENTS)
def test_every_font_is_embedded_with_a_unicode_map(name: str) -> None:
    reader = pypdf.PdfReader(io.BytesIO(pdf_bytes(name)))
    seen: set[str] = set()
    for page in reader.pages:
        resources: Any = page["/Resources"]
        fonts: Any = resources.get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            assert font["/Subtype"] != "/Type3", "no Type3 boxes"
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            descriptor = target["/FontDescriptor"].get_object()
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font[
                "/BaseFont"
            ]
            assert "/ToUnicode" in font, font["/BaseFont"]
            seen.add(str(font["/BaseFont"]).split("+")[-1])
        assert "/XObject" not in resources or all(
            x.get_object()["/Subtype"] == "/Image" for x in resources["/XObject"].values()
        ), "text only as text, never inside a form"
    assert seen


@pytest.mark.parametrize("name", DOCUMENTS)
def test_the_text_extracts_in_reading_order(name: str) -> None:
    data = DOCUMENTS[name]
    by_plumber = "".join(
        re.sub(r"— \d+ —$", "", page.plumber.extract_text()).replace("\n", "")
        for page in pages(name)
    )
    by_pypdf = "".join(
        re.sub(r"— \d+ —\s*$", "", page.extract_text()).replace("\n", "")
        for page in pypdf.PdfReader(io.BytesIO(pdf_bytes(name))).pages
    )
    # From the 发文字号 on, both readers agree (a joint 标志's "文件" sits between two lines).
    after = by_pypdf.index(data.doc_number)
    assert by_pypdf[after:] == by_plumber[by_plumber.index(data.doc_number) :]
    text = by_plumber
    if data.co_issuers:
        expected = [data.issuer_mark.removesuffix("文件"), *data.co_issuers]
    else:
        expected = [data.issuer_mark]
    expected += [data.doc_number, data.title]
    if data.main_recipients:
        expected.append(data.main_recipients + "：")
    for para in data.body:
        expected.append(para.text + para.continuation)
    expected += [n.rstrip("。") for n in data.attachments]
    if data.issuer_signature:
        expected.append(data.issuer_signature)
    expected.append("2026年3月5日")
    expected += list(data.cc)
    position = 0
    for part in expected:
        found = text.find(part, position)
        assert found >= 0, f"{part!r} not found after position {position}"
        position = found + len(part)
