"""Breaking Chinese text into lines: character by character, honouring 避头尾.

A line never starts with closing punctuation (，。、；：？！）」』” …) and never ends with
opening punctuation (（「『“ …); the offending character is carried to the next line and the
shortened line is spread to the full width, so the right edge stays straight. A run of Latin
letters or digits ("2026", "GB/T") is not split when it fits on a line of its own, and the
two halves of "——" and "……" stay together.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.colors import Color

from .fonts import Face

__all__ = [
    "NO_END",
    "NO_START",
    "Glyph",
    "Segment",
    "advance_of",
    "break_lines",
    "make_glyphs",
    "place",
    "width_of",
]

NO_START = frozenset("，。、；：？！）」』”’》〕】〉〗｝…‥·%‰,.;:?!)]}>")
NO_END = frozenset("（「『“‘《〔【〈〖｛([{<")
_PAIRED = frozenset("—…")
_MAX_PULL = 4  # how many characters 避头尾 may carry to the next line
_MAX_WORD = 16  # a longer Latin run may be split
_MAX_WORD_PULL = 4  # how far back a break may move to fall between two words
_EPS = 0.01


@dataclass(frozen=True, slots=True)
class Glyph:
    """One character with the face, size and colour it is drawn in."""

    ch: str
    face: Face
    size: float
    width: float  # natural advance at this size, without character spacing
    color: Color


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of characters drawn in one operation; ``x`` is its left edge."""

    x: float
    text: str
    face: Face
    size: float
    char_space: float
    color: Color
    hscale: float = 100.0  # horizontal scaling, percent
    embolden: float = 0.0  # outline stroke, in points


def make_glyphs(
    text: str, face: Face, size: float, color: Color, fallbacks: Sequence[Face] = ()
) -> list[Glyph]:
    """Turn ``text`` into glyphs; a character the face lacks is taken from a fallback face."""
    result = []
    for ch in text:
        use = face
        if not face.has(ch):
            use = next((f for f in fallbacks if f.has(ch)), face)
        result.append(Glyph(ch, use, size, use.width(ch, size), color))
    return result


def break_lines(
    glyphs: Sequence[Glyph],
    *,
    first_x: float,
    next_x: float,
    right: float,
    char_space: float,
    word_starts: frozenset[int] | None = None,
) -> list[tuple[float, list[Glyph]]]:
    """Break ``glyphs`` into lines; return each line's left edge and glyphs.

    The first line starts at ``first_x`` (after an indent), the others at ``next_x``; no
    character's box may pass ``right``.
    With ``word_starts`` (indexes where a word begins) a line breaks between words when a
    word boundary is near, as titles must ("回行时要做到词意完整").
    """
    lines: list[tuple[float, list[Glyph]]] = []
    start, x0 = 0, first_x
    limit = right + _EPS
    while start < len(glyphs):
        end = _fit(glyphs, start, x0, limit, char_space)
        if end < len(glyphs):
            end = _adjust(glyphs, start, end, word_starts)
        lines.append((x0, list(glyphs[start:end])))
        start, x0 = end, next_x
    return lines


def _fit(glyphs: Sequence[Glyph], start: int, x: float, limit: float, char_space: float) -> int:
    for k in range(start, len(glyphs)):
        if k > start and x + glyphs[k].width > limit:
            return k
        x += glyphs[k].width + char_space
    return len(glyphs)


def _wordish(ch: str) -> bool:
    return ch.isascii() and not ch.isspace()


def _adjust(
    glyphs: Sequence[Glyph], start: int, end: int, word_starts: frozenset[int] | None
) -> int:
    """Move the break at ``end`` back so no rule of 避头尾 is broken, when possible."""
    chars = [g.ch for g in glyphs]
    if _wordish(chars[end - 1]) and _wordish(chars[end]):
        word_start = end - 1
        while word_start > start and _wordish(chars[word_start - 1]):
            word_start -= 1
        if word_start > start and end - word_start <= _MAX_WORD:
            end = word_start
    for _ in range(_MAX_PULL + (_MAX_WORD_PULL if word_starts is not None else 0)):
        if end - 1 <= start:
            break
        head, tail = chars[end], chars[end - 1]
        inside_word = word_starts is not None and end not in word_starts
        if head in NO_START or tail in NO_END or (head == tail and head in _PAIRED) or inside_word:
            end -= 1
            continue
        break
    return end


def advance_of(glyphs: Sequence[Glyph], char_space: float) -> float:
    """How far the pen moves over ``glyphs``: where the next character would start."""
    return sum(g.width + char_space for g in glyphs)


def width_of(glyphs: Sequence[Glyph], char_space: float) -> float:
    """Width from the first character's left edge to the last one's right edge."""
    if not glyphs:
        return 0.0
    return sum(g.width + char_space for g in glyphs) - char_space


def place(
    glyphs: Sequence[Glyph],
    x0: float,
    char_space: float,
    *,
    justify_to: float | None = None,
    hscale: float = 100.0,
    embolden: float = 0.0,
) -> list[Segment]:
    """Lay ``glyphs`` out from ``x0``; with ``justify_to`` spread them to end at that edge."""
    if not glyphs:
        return []
    spacing = char_space
    if justify_to is not None and len(glyphs) > 1:
        slack = justify_to - (x0 + width_of(glyphs, char_space))
        if slack > _EPS:
            spacing += slack / (len(glyphs) - 1)
    segments: list[Segment] = []
    x, run_start = x0, 0
    for k in range(1, len(glyphs) + 1):
        if k < len(glyphs) and _same_style(glyphs[k], glyphs[run_start]):
            continue
        run = glyphs[run_start:k]
        first = run[0]
        text = "".join(g.ch for g in run)
        segments.append(
            Segment(x, text, first.face, first.size, spacing, first.color, hscale, embolden)
        )
        x += sum((g.width + spacing) * hscale / 100.0 for g in run)
        run_start = k
    return segments


def _same_style(a: Glyph, b: Glyph) -> bool:
    return a.face is b.face and a.size == b.size and a.color == b.color
