"""What the layout produces: lines on the 22-line grid, blocks kept together, finished pages."""

from __future__ import annotations

from dataclasses import dataclass, field

from reportlab.lib.colors import Color

from .geometry import TOP
from .textflow import Segment

__all__ = ["Block", "GridLine", "Page", "Picture", "Rule"]


@dataclass(frozen=True)
class GridLine:
    """One line of the grid; an empty one is a blank line."""

    segments: tuple[Segment, ...] = ()
    baseline: float = 0.0  # distance from the grid line's top to the text baseline


@dataclass(frozen=True)
class Picture:
    """A PNG drawn on the page (the seal); ``top`` from the page's top, or from the top of
    its block's first line while the block is not yet placed."""

    png: bytes
    x: float
    top: float
    width: float
    height: float


@dataclass(frozen=True)
class Rule:
    """A horizontal line from ``x1`` to ``x2`` whose stroke is centred on ``y``."""

    x1: float
    x2: float
    y: float
    width: float
    color: Color


@dataclass
class Block:
    """Consecutive grid lines that stay on one page.

    A ``spacer`` (blank lines between elements) is dropped at the top of a page. When a block
    with ``keep_prev`` moves to a new page, that many lines before it move along, so a
    signature never stands alone on a page and a heading never ends one.
    """

    lines: list[GridLine]
    spacer: bool = False
    keep_prev: int = 0
    picture: Picture | None = None


@dataclass
class Page:
    """A finished page: positioned text (baseline from the page's top), rules and pictures."""

    texts: list[tuple[float, Segment]] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    pictures: list[Picture] = field(default_factory=list)
    number: int | None = None  # the printed page number; None for unnumbered pages
    used_bottom: float = TOP  # the lowest point the content reaches
