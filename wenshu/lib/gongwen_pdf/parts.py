"""The document's elements laid out one by one (GB/T 9704-2012, 文件格式).

版头 (header) elements are placed by measurement in millimetres; everything from the title
down sits on the 22-line grid as `Block`s that `layout` distributes over pages.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

from PIL import Image
from reportlab.lib.colors import Color

from ..cnformat import cn_date, heading_prefix
from .fonts import Face, Fonts, face_for
from .geometry import (
    AREA_W,
    BLACK,
    BODY_CHAR_SPACE,
    BOTTOM,
    CHAR_PITCH,
    JOINT_MARK_GAP,
    JOINT_MARK_PITCH,
    LEFT,
    LINE_PITCH,
    LINES_PER_PAGE,
    MARK_MIN_HSCALE,
    MARK_SIZE,
    MARK_TOP,
    PAGE_NUMBER_GAP,
    RED,
    RED_RULE_WIDTH,
    RIGHT,
    RULE_BELOW_NUMBER,
    SEAL_SIZE,
    SIZE_2,
    SIZE_3,
    SIZE_4,
    slot_top,
)
from .model import GongwenData, Paragraph
from .page import Block, GridLine, Picture, Rule
from .textflow import Glyph, Segment, advance_of, break_lines, make_glyphs, place, width_of

__all__ = ["FaceSet", "Header", "body_blocks", "header", "signature_block", "title_blocks"]

# Where a grid line of 3号 text ends on the right: the 28th character's box ends exactly on
# the type area's edge; nothing but the page number may pass it (5.2.2).
LINE_END = RIGHT
_INDENT = 2 * CHAR_PITCH  # 首行缩进二字
_NUMBERED = {
    1: re.compile(r"^[一二三四五六七八九十]+、"),
    2: re.compile(r"^[（(][一二三四五六七八九十]+[）)]"),
    3: re.compile(r"^\d+[.．]"),
    4: re.compile(r"^[（(]\d+[）)]"),
}


@dataclass(frozen=True)
class FaceSet:
    """The registered faces for each role, and the helpers every element uses."""

    fangsong: Face
    heiti: Face
    kaiti: Face
    xiaobiaosong: Face
    songti: Face
    embolden: float  # 小标宋 outline stroke, as a fraction of the font size

    @classmethod
    def load(cls, fonts: Fonts) -> FaceSet:
        roles = ("fangsong", "heiti", "kaiti", "xiaobiaosong", "songti")
        faces = {role: face_for(*fonts.role(role)) for role in roles}
        return cls(**faces, embolden=fonts.xiaobiaosong_embolden)

    def glyphs(self, text: str, face: Face, size: float, color: Color = BLACK) -> list[Glyph]:
        fallbacks = (self.fangsong, self.songti, self.heiti, self.kaiti)
        return make_glyphs(text, face, size, color, fallbacks)

    @property
    def body_baseline(self) -> float:
        """Baseline below a grid line's top: the 3号 character box's top touches the line's."""
        return self.fangsong.box_top(SIZE_3)


# --- 版头 -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Header:
    """The 版头 of the first page and the grid line the title starts on."""

    texts: list[tuple[float, Segment]]
    rules: list[Rule]
    first_slot: int


def header(data: GongwenData, faces: FaceSet, copy_number: str) -> Header:
    """份号 and 紧急程度 at the top left, the red 标志, the 发文字号 and the red rule."""
    texts: list[tuple[float, Segment]] = []
    stack = [(copy_number, faces.fangsong, 0.0), (data.urgency, faces.heiti, BODY_CHAR_SPACE)]
    # 密级和保密期限 would be the second line; only 非密 documents exist here, so it stays empty.
    present = [item for item in stack if item[0]]
    for slot, (text, face, spacing) in enumerate(present):
        glyphs = faces.glyphs(text, face, SIZE_3)
        baseline = slot_top(slot) + faces.body_baseline
        texts += [(baseline, s) for s in place(glyphs, LEFT, spacing)]
    if data.co_issuers:
        mark_texts, mark_bottom = _joint_mark(data.issuer_mark, data.co_issuers, faces)
    else:
        mark_texts, mark_bottom = _mark(data.issuer_mark, faces)
    number_texts, number_bottom = _number_line(data, faces, mark_bottom + 2 * LINE_PITCH)
    rule_y = number_bottom + RULE_BELOW_NUMBER
    # 红色分隔线下空二行: the title goes on the grid line nearest two lines under the rule.
    wanted = rule_y + 2 * LINE_PITCH
    title_slot = next(s for s in range(LINES_PER_PAGE) if slot_top(s) >= wanted - LINE_PITCH / 2)
    return Header(
        texts=texts + mark_texts + number_texts,
        rules=[Rule(LEFT, RIGHT, rule_y, RED_RULE_WIDTH, RED)],
        first_slot=title_slot,
    )


def _mark(text: str, faces: FaceSet) -> tuple[list[tuple[float, Segment]], float]:
    """The 发文机关标志: red, centred, its inked top edge 35 mm below the type area's top."""
    face = faces.xiaobiaosong
    per_point = face.width(text, 1.0)
    size, hscale = MARK_SIZE, 100.0
    if per_point * size > AREA_W:  # condense a long joint-issuer mark, then shrink it
        hscale = max(MARK_MIN_HSCALE, 100.0 * AREA_W / (per_point * size))
        size = min(size, AREA_W / (per_point * hscale / 100.0))
    stroke = faces.embolden * size
    ink_top, ink_bottom = face.ink(text)
    baseline = MARK_TOP + ink_top * size + stroke / 2
    x = LEFT + (AREA_W - per_point * size * hscale / 100.0) / 2
    glyphs = faces.glyphs(text, face, size, RED)
    segments = place(glyphs, x, 0.0, hscale=hscale, embolden=stroke)
    return [(baseline, s) for s in segments], baseline + ink_bottom * size + stroke / 2


def _joint_mark(
    lead: str, others: Sequence[str], faces: FaceSet
) -> tuple[list[tuple[float, Segment]], float]:
    """联合行文的标志 (7.2.4): the organs' names stacked, the lead organ first, each spread to
    the width of the longest; "文件" to their right, centred on the names' height."""
    face = faces.xiaobiaosong
    suffix = "文件" if lead.endswith("文件") and len(lead) > 2 else ""
    names = [lead.removesuffix(suffix), *(n.removesuffix("文件") for n in others)]
    names_em = max(face.width(name, 1.0) for name in names)
    gap_em = JOINT_MARK_GAP if suffix else 0.0
    block_em = names_em + gap_em + face.width(suffix, 1.0)
    pitch_em = JOINT_MARK_PITCH
    # As large as the single mark, but the stack no taller than two lines of it.
    tallest = (pitch_em + 1.0) * MARK_SIZE
    size = min(MARK_SIZE, AREA_W / block_em, tallest / ((len(names) - 1) * pitch_em + 1.0))
    stroke = faces.embolden * size
    x = LEFT + (AREA_W - block_em * size) / 2
    names_right = x + names_em * size
    texts: list[tuple[float, Segment]] = []
    baseline = MARK_TOP + face.ink(names[0])[0] * size + stroke / 2
    for index, name in enumerate(names):
        line_baseline = baseline + index * pitch_em * size
        glyphs = faces.glyphs(name, face, size, RED)
        spread = names_right if len(glyphs) > 1 else None
        # A one-character name cannot be spread: it is centred over the others.
        start = x if spread else x + (names_em - face.width(name, 1.0)) * size / 2
        segments = place(glyphs, start, 0.0, justify_to=spread, embolden=stroke)
        texts += [(line_baseline, s) for s in segments]
    last_baseline = baseline + (len(names) - 1) * pitch_em * size
    bottom = last_baseline + face.ink(names[-1])[1] * size + stroke / 2
    if suffix:
        ink_top, ink_bottom = face.ink(suffix)
        middle = (MARK_TOP + bottom) / 2
        suffix_baseline = middle + (ink_top - ink_bottom) * size / 2
        glyphs = faces.glyphs(suffix, face, size, RED)
        segments = place(glyphs, names_right + gap_em * size, 0.0, embolden=stroke)
        texts += [(suffix_baseline, s) for s in segments]
    return texts, bottom


def _number_line(
    data: GongwenData, faces: FaceSet, box_top: float
) -> tuple[list[tuple[float, Segment]], float]:
    """发文字号 centred, or for upward documents left with the 签发人 on the right."""
    baseline = box_top + faces.body_baseline
    number = faces.glyphs(data.doc_number, faces.fangsong, SIZE_3)
    segments: list[Segment] = []
    if data.signer:
        segments += place(number, LEFT + CHAR_PITCH, BODY_CHAR_SPACE)
        signer = faces.glyphs("签发人：", faces.fangsong, SIZE_3)
        signer += faces.glyphs(data.signer, faces.kaiti, SIZE_3)
        x = RIGHT - CHAR_PITCH - width_of(signer, BODY_CHAR_SPACE)
        segments += place(signer, x, BODY_CHAR_SPACE)
    else:
        x = LEFT + (AREA_W - width_of(number, BODY_CHAR_SPACE)) / 2
        segments += place(number, x, BODY_CHAR_SPACE)
    bottom = baseline - faces.fangsong.descent * SIZE_3
    return [(baseline, s) for s in segments], bottom


# --- 主体 -------------------------------------------------------------------------------


def title_blocks(data: GongwenData, faces: FaceSet) -> list[Block]:
    """标题 in 2号小标宋, centred; a long title wraps into balanced centred lines."""
    face = faces.xiaobiaosong
    glyphs = faces.glyphs(data.title, face, SIZE_2)
    # The 2号 box is centred where a 3号 box would be, so the title keeps the grid.
    baseline = (SIZE_3 - SIZE_2) / 2 + face.box_top(SIZE_2)
    lines = []
    for _, line in _balanced(glyphs, data.title):
        x = LEFT + (AREA_W - width_of(line, 0.0)) / 2
        lines.append(
            GridLine(tuple(place(line, x, 0.0, embolden=faces.embolden * SIZE_2)), baseline)
        )
    return [Block(lines)]


def _balanced(glyphs: list[Glyph], title: str) -> list[tuple[float, list[Glyph]]]:
    """Break the title between words into the fewest lines of about equal length."""
    if len(_title_lines(glyphs, RIGHT, None)) < 2:
        return _title_lines(glyphs, RIGHT, None)  # one line: no need to load the dictionary
    words = word_starts(title)
    lines = _title_lines(glyphs, RIGHT, words)
    width = width_of(glyphs, 0.0) / len(lines)
    while width < AREA_W:
        trial = _title_lines(glyphs, LEFT + width, words)
        if len(trial) == len(lines):
            return trial
        width += SIZE_2 / 2
    return lines


def _title_lines(
    glyphs: list[Glyph], right: float, words: frozenset[int] | None
) -> list[tuple[float, list[Glyph]]]:
    return break_lines(
        glyphs, first_x=LEFT, next_x=LEFT, right=right, char_space=0.0, word_starts=words
    )


def word_starts(text: str) -> frozenset[int] | None:
    """Indexes where a word of ``text`` begins, from jieba's dictionary (None without it)."""
    try:
        import jieba  # a project dependency; loading its dictionary takes a moment
    except ImportError:  # pragma: no cover - jieba is installed with Wenshu
        return None
    jieba.setLogLevel(logging.WARNING)
    starts, index = set(), 0
    for word in jieba.cut(text, HMM=False):
        starts.add(index)
        index += len(word)
    return frozenset(starts)


def recipients_blocks(data: GongwenData, faces: FaceSet) -> list[Block]:
    """主送机关 flush left under the title, ending with a full-width colon."""
    if not data.main_recipients:
        return []
    text = data.main_recipients.rstrip(":：") + "："
    glyphs = faces.glyphs(text, faces.fangsong, SIZE_3)
    return _flow(glyphs, faces, first_x=LEFT, next_x=LEFT)


def body_blocks(paragraphs: Sequence[Paragraph], faces: FaceSet) -> list[Block]:
    """正文: first lines indented two characters, headings numbered and set in their faces."""
    blocks: list[Block] = []
    counters = [0] * 5
    carry = 0  # lines of a heading that must not end a page alone
    for para in paragraphs:
        glyphs = _paragraph_glyphs(para, faces, counters)
        lines = _flow(glyphs, faces, first_x=LEFT + _INDENT, next_x=LEFT)
        if lines and carry:
            lines[0].keep_prev = carry
        carry = len(lines) if para.kind.level and not para.continuation and len(lines) <= 2 else 0
        blocks += lines
    return blocks


def _paragraph_glyphs(para: Paragraph, faces: FaceSet, counters: list[int]) -> list[Glyph]:
    level = para.kind.level
    text = para.text
    if level:
        counters[level] += 1
        counters[level + 1 :] = [0] * (4 - level)
        if not _NUMBERED[level].match(text):
            text = heading_prefix(level, counters[level]) + text
    face = {1: faces.heiti, 2: faces.kaiti}.get(level, faces.fangsong)
    glyphs = faces.glyphs(text, face, SIZE_3)
    if para.continuation:
        glyphs += faces.glyphs(para.continuation, faces.fangsong, SIZE_3)
    return glyphs


def _flow(
    glyphs: list[Glyph],
    faces: FaceSet,
    *,
    first_x: float,
    next_x: float,
    lead: Sequence[Segment] = (),
) -> list[Block]:
    """One block per line; every line but a paragraph's last is spread to the full width."""
    lines = break_lines(
        glyphs, first_x=first_x, next_x=next_x, right=RIGHT, char_space=BODY_CHAR_SPACE
    )
    blocks = []
    for index, (x0, line) in enumerate(lines):
        justify = LINE_END if index < len(lines) - 1 else None
        segments = place(line, x0, BODY_CHAR_SPACE, justify_to=justify)
        if index == 0:
            segments = [*lead, *segments]
        blocks.append(Block([GridLine(tuple(segments), faces.body_baseline)]))
    return blocks


def attachment_blocks(data: GongwenData, faces: FaceSet) -> list[Block]:
    """附件说明: a blank line, then "附件：1.名称", later names aligned under the first."""
    if not data.attachments:
        return []
    label = faces.glyphs("附件：", faces.fangsong, SIZE_3)
    label_x = LEFT + _INDENT
    number_x = label_x + advance_of(label, BODY_CHAR_SPACE)
    blocks = [Block([GridLine()], spacer=True)]
    many = len(data.attachments) > 1
    for index, raw in enumerate(data.attachments, start=1):
        name = raw.rstrip("。.，,；;：:")  # 附件名称后不加标点符号
        # "附件：1.关于……的通知" (GB/T 9704 7.3.4): no space after the number.
        number = faces.glyphs(f"{index}." if many else "", faces.fangsong, SIZE_3)
        name_x = number_x + advance_of(number, BODY_CHAR_SPACE)
        lead = place(number, number_x, BODY_CHAR_SPACE)
        if index == 1:
            lead = place(label, label_x, BODY_CHAR_SPACE) + lead
        glyphs = faces.glyphs(name, faces.fangsong, SIZE_3)
        blocks += _flow(glyphs, faces, first_x=name_x, next_x=name_x, lead=lead)
    return blocks


# --- 署名、成文日期、印章、附注 ----------------------------------------------------------


def signature_block(data: GongwenData, faces: FaceSet) -> list[Block]:
    """署名 and 成文日期, with the seal pressed over them when there is one."""
    if not data.issuer_signature and data.issue_date is None:
        return []
    sig = faces.glyphs(data.issuer_signature, faces.fangsong, SIZE_3)
    date = faces.glyphs(cn_date(data.issue_date) if data.issue_date else "", faces.fangsong, SIZE_3)
    sig_w, date_w = width_of(sig, BODY_CHAR_SPACE), width_of(date, BODY_CHAR_SPACE)
    if data.seal_png:
        # 成文日期右空四字; 署名 centred on the date; the seal centred on both, its top on the
        # first line under the body, so both lines sit just below the seal's centre.
        date_x = LINE_END - 4 * CHAR_PITCH - date_w
        centre = date_x + date_w / 2
        sig_x = min(max(LEFT, centre - sig_w / 2), RIGHT - sig_w)
        seal = _seal_picture(data.seal_png, centre)
        blank = [GridLine(), GridLine()]
    else:
        # 署名右空二字; the date starts two characters right of the 署名, or, when it is the
        # longer one, ends two characters from the right and pushes the 署名 left.
        sig_x = LINE_END - 2 * CHAR_PITCH - sig_w
        date_x = sig_x + 2 * CHAR_PITCH
        if date_x + date_w > LINE_END - 2 * CHAR_PITCH:
            date_x = LINE_END - 2 * CHAR_PITCH - date_w
            sig_x = date_x - 2 * CHAR_PITCH
        seal, blank = None, [GridLine()]
    lines = [
        GridLine(tuple(place(sig, sig_x, BODY_CHAR_SPACE)), faces.body_baseline),
        GridLine(tuple(place(date, date_x, BODY_CHAR_SPACE)), faces.body_baseline),
    ]
    return [Block(blank + lines, keep_prev=2, picture=seal)]


def _seal_picture(png: bytes, centre: float) -> Picture:
    try:
        with Image.open(io.BytesIO(png), formats=["PNG"]) as image:
            width_px, height_px = image.size
    except (OSError, ValueError) as exc:
        raise ValueError("印章图片已损坏或无法识别") from exc
    height = SEAL_SIZE * height_px / width_px
    return Picture(png, centre - SEAL_SIZE / 2, 0.0, SEAL_SIZE, height)


def note_blocks(data: GongwenData, faces: FaceSet) -> list[Block]:
    """附注: under the date, indented two characters, in parentheses."""
    if not data.note:
        return []
    text = data.note
    if not (text.startswith(("（", "(")) and text.endswith(("）", ")"))):
        text = f"（{text}）"
    glyphs = faces.glyphs(text, faces.fangsong, SIZE_3)
    return _flow(glyphs, faces, first_x=LEFT + _INDENT, next_x=LEFT)


# --- 版记 and page numbers ---------------------------------------------------------------


def colophon_lines(data: GongwenData, faces: FaceSet) -> tuple[list[GridLine], int]:
    """版记 lines in 4号仿宋 (抄送 then 印发), and how many of them are 抄送 lines."""
    face = faces.fangsong
    baseline = (LINE_PITCH - SIZE_4) / 2 + face.box_top(SIZE_4)
    inset = SIZE_4  # 左右各空一字
    lines: list[GridLine] = []
    if data.cc:
        label = faces.glyphs("抄送：", face, SIZE_4)
        names = faces.glyphs("，".join(data.cc).rstrip("。") + "。", face, SIZE_4)
        start = LEFT + inset + advance_of(label, 0.0)
        wrapped = break_lines(
            names, first_x=start, next_x=start, right=RIGHT - inset, char_space=0.0
        )
        for index, (x0, line) in enumerate(wrapped):
            segments = place(line, x0, 0.0)
            if index == 0:
                segments = place(label, LEFT + inset, 0.0) + segments
            lines.append(GridLine(tuple(segments), baseline))
    cc_count = len(lines)
    if data.printer or data.print_date:
        segments = place(faces.glyphs(data.printer, face, SIZE_4), LEFT + inset, 0.0)
        if data.print_date:
            date = faces.glyphs(cn_date(data.print_date) + "印发", face, SIZE_4)
            segments += place(date, RIGHT - inset - width_of(date, 0.0), 0.0)
        lines.append(GridLine(tuple(segments), baseline))
    return lines, cc_count


def page_number(number: int, faces: FaceSet) -> tuple[float, list[Segment]]:
    """ "— N —" in 4号宋体, 7 mm under the type area; odd pages right, even pages left."""
    glyphs = faces.glyphs(f"— {number} —", faces.songti, SIZE_4)
    width = width_of(glyphs, 0.0)
    x = RIGHT - SIZE_4 - width if number % 2 else LEFT + SIZE_4
    baseline = BOTTOM + PAGE_NUMBER_GAP + faces.songti.box_top(SIZE_4)
    return baseline, place(glyphs, x, 0.0)
