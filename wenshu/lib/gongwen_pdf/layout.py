"""Distribute the document's blocks over pages and finish each page.

Pages after the first carry 22 grid lines of body text. The 版记 goes at the bottom of the
last page (its last rule on the type area's bottom edge), on a page of its own when the
content leaves no room. With ``duplex`` (printing on both sides) the standard's stricter rule
applies: the 版记 sits on an even page (封四), after a blank page when needed, and such a
blank page and the 版记 page after it carry no page number.
"""

from __future__ import annotations

from dataclasses import replace

from .geometry import BLACK, BOTTOM, LEFT, LINES_PER_PAGE, RIGHT, THICK_RULE, THIN_RULE, slot_top
from .model import GongwenData
from .page import Block, GridLine, Page, Rule
from .parts import (
    FaceSet,
    attachment_blocks,
    body_blocks,
    colophon_lines,
    header,
    note_blocks,
    page_number,
    recipients_blocks,
    signature_block,
    title_blocks,
)

__all__ = ["layout", "paginate"]

_EPS = 0.01
Placement = tuple[int, Block]


def layout(data: GongwenData, faces: FaceSet, *, copy_number: str, duplex: bool) -> list[Page]:
    """Lay the whole document out; return its pages, numbered, ready to draw."""
    head = header(data, faces, copy_number)
    blocks = [
        *title_blocks(data, faces),
        Block([GridLine()], spacer=True),  # 标题下空一行
        *recipients_blocks(data, faces),
        *body_blocks(data.body, faces),
        *attachment_blocks(data, faces),
        *signature_block(data, faces),
        *note_blocks(data, faces),
    ]
    pages = [_finish(placements) for placements in paginate(blocks, head.first_slot)]
    pages[0].texts[:0] = head.texts
    pages[0].rules += head.rules
    unnumbered = _add_colophon(pages, data, faces, duplex=duplex)
    for index, page in enumerate(pages):
        if index not in unnumbered:
            page.number = index + 1
            baseline, segments = page_number(page.number, faces)
            page.texts += [(baseline, s) for s in segments]
    return pages


def paginate(blocks: list[Block], first_slot: int) -> list[list[Placement]]:
    """Assign every block a page and a first grid line; return each page's placements."""
    pages: list[list[Placement]] = [[]]
    slot = first_slot
    for block in blocks:
        height = len(block.lines)
        if block.spacer and slot == 0 and len(pages) > 1:
            continue  # no blank line at the top of a page
        if slot + height > LINES_PER_PAGE:
            carried = _take_back(pages[-1], block.keep_prev)
            pages.append([])
            slot = 0
            for moved in carried:
                pages[-1].append((slot, moved))
                slot += len(moved.lines)
            if block.spacer:
                continue
        pages[-1].append((slot, block))
        slot += height
    return pages


def _take_back(page: list[Placement], lines: int) -> list[Block]:
    """Remove the last ``lines`` lines of content from ``page`` to move them along."""
    content = sum(len(b.lines) for _, b in page if not b.spacer)
    if lines <= 0 or content <= lines:
        return []  # never empty a page
    taken: list[Block] = []
    count = 0
    while page and count < lines:
        _, block = page.pop()
        taken.insert(0, block)
        if not block.spacer:
            count += len(block.lines)
    while taken and taken[0].spacer:
        taken.pop(0)
    return taken


def _finish(placements: list[Placement]) -> Page:
    page = Page()
    for slot, block in placements:
        for offset, line in enumerate(block.lines):
            top = slot_top(slot + offset)
            page.texts += [(top + line.baseline, s) for s in line.segments]
        if any(line.segments for line in block.lines):
            page.used_bottom = max(page.used_bottom, slot_top(slot + len(block.lines)))
        if block.picture is not None:
            picture = replace(block.picture, top=slot_top(slot) + block.picture.top)
            page.pictures.append(picture)
            page.used_bottom = max(page.used_bottom, picture.top + picture.height)
    return page


def _add_colophon(
    pages: list[Page], data: GongwenData, faces: FaceSet, *, duplex: bool
) -> set[int]:
    """Put the 版记 on the right page; return the indexes of pages left unnumbered."""
    lines, cc_count = colophon_lines(data, faces)
    if not lines:
        return set()
    first = LINES_PER_PAGE - len(lines)
    fits = pages[-1].used_bottom <= slot_top(first) + _EPS
    last_number = len(pages)
    unnumbered: set[int] = set()
    if duplex and not (fits and last_number % 2 == 0):
        if last_number % 2 == 0:  # a blank page, then the 版记 on the next even page
            pages.append(Page())
            unnumbered = {len(pages) - 1, len(pages)}
        pages.append(Page())
    elif not duplex and not fits:
        pages.append(Page())
    target = pages[-1]
    for offset, line in enumerate(lines):
        top = slot_top(first + offset)
        target.texts += [(top + line.baseline, s) for s in line.segments]
    target.rules += _colophon_rules(first, len(lines), cc_count)
    return unnumbered


def _colophon_rules(first: int, count: int, cc_count: int) -> list[Rule]:
    # The first and last rules are thick, the one between 抄送 and 印发 thin; the last
    # coincides with the type area's bottom edge.
    rules = [Rule(LEFT, RIGHT, slot_top(first), THICK_RULE, BLACK)]
    if 0 < cc_count < count:
        rules.append(Rule(LEFT, RIGHT, slot_top(first + cc_count), THIN_RULE, BLACK))
    rules.append(Rule(LEFT, RIGHT, BOTTOM, THICK_RULE, BLACK))
    return rules
