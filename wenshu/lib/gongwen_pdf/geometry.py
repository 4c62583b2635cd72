"""GB/T 9704-2012 (文件格式) in points. Vertical positions count down from the page's top."""

from __future__ import annotations

from reportlab.lib.colors import CMYKColor, Color

MM = 72.0 / 25.4

PAGE_W = 210 * MM
PAGE_H = 297 * MM
TOP = 37 * MM  # 天头
LEFT = 28 * MM  # 订口
AREA_W = 156 * MM  # 版心
AREA_H = 225 * MM
RIGHT = LEFT + AREA_W
BOTTOM = TOP + AREA_H

LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
LINE_PITCH = AREA_H / LINES_PER_PAGE  # ≈ 28.99 pt: one 3号 character plus 7/8 of one
SIZE_3 = 16.0  # 3号: body and nearly everything else
# 28 characters fill the type area (5.2.3): the 28th character's box ends exactly on its
# right edge, so the pitch is (156 mm − one character) / 27 ≈ 15.785 pt ≈ 5.569 mm.
CHAR_PITCH = (AREA_W - SIZE_3) / (CHARS_PER_LINE - 1)

SIZE_2 = 22.0  # 2号: the title
SIZE_4 = 14.0  # 4号: 版记 and page numbers
# 28 × 16 pt is 158 mm, 2 mm wider than the type area: characters are set slightly closer
# (negative spacing) rather than smaller, as the standard keeps the 3号 size.
BODY_CHAR_SPACE = CHAR_PITCH - SIZE_3

MARK_TOP = TOP + 35 * MM  # the 发文机关标志's top edge
MARK_SIZE = 48.0  # its default character size; it shrinks to fit the type area's width
MARK_MIN_HSCALE = 60.0  # percent: long joint-issuer marks are condensed before they shrink
JOINT_MARK_PITCH = 1.3  # 联合行文: the stacked names' line pitch, in characters
JOINT_MARK_GAP = 0.5  # … and the space between the names and "文件", in characters
RULE_BELOW_NUMBER = 4 * MM  # the red rule under the 发文字号
RED_RULE_WIDTH = 1.0 * MM  # the standard gives no weight; 1 mm is the common red-header weight
SEAL_SIZE = 42 * MM  # the usual diameter of an official seal
PAGE_NUMBER_GAP = 7 * MM  # page numbers: below the type area's bottom edge
THICK_RULE = 0.35 * MM  # 版记: first and last rules
THIN_RULE = 0.25 * MM  # 版记: middle rules

# Red is Y80% M80% in print; text is black.
RED: Color = CMYKColor(0, 0.8, 0.8, 0)
BLACK: Color = CMYKColor(0, 0, 0, 1)
WATERMARK_GREY = 0.55
WATERMARK_ALPHA = 0.22


def slot_top(slot: int) -> float:
    """Top of the grid line ``slot`` (0–21) of the body text, from the page's top."""
    return TOP + slot * LINE_PITCH
