"""Detect classification markings (密级标志) so classified material never enters Wenshu.

S1 articles 45 and 50: classified information may not be published or stored in the system;
classified documents travel on paper. A 密级标志 is the level (绝密 / 机密 / 秘密) followed by
the star (★) and optionally the 保密期限 ("秘密★1年", "机密★长期"), or the form
"密级：机密". A line that holds nothing but a level ("秘　密", the older header style) or
a level and a 保密期限 ("机密 10年") is a header too. Ordinary words that merely contain
秘密 or 密 ("秘密通道", "保密局", "非密", "商业秘密") are not markings.

Matching works on a width-normalised copy of the text that keeps every character's position,
so the reported span points into the original text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = [
    "LEVELS",
    "UNCLASSIFIED",
    "Marking",
    "find_marking",
    "find_markings",
    "is_unclassified_level",
    "level_refusal_message",
    "refusal_message",
]

LEVELS = ("绝密", "机密", "秘密")
UNCLASSIFIED = "非密"

_RULE = "根据《办公自动化管理办法》第四十五条、第五十条，涉密文件不得进入本系统，请按纸质公文流转。"

_SP = r"[ \t\u3000]*"  # spaces inside one line (normalised full-width spaces included)
# The level, allowing the space the 1999 format put between its two characters ("秘　密").
_LEVEL = rf"(?P<level>绝{_SP}密|机{_SP}密|秘{_SP}密)"
_STAR = r"[★☆✩✪✫✬✭✮✯✰⭐⋆*]"
_CN_NUM = "一二三四五六七八九十百两"
_PERIOD = (
    r"(?P<period>"
    r"\d{4}年\d{1,2}月(?:\d{1,2}日)?"  # an end date
    rf"|(?:\d+|[{_CN_NUM}]+){_SP}(?:年|个月|月|天|日)"  # a duration
    r"|长期|永久)"
)
_PATTERNS = (
    # 机密★ / 秘密☆1年 / 绝密*长期 — anywhere: the star makes it a marking.
    re.compile(rf"{_LEVEL}{_SP}{_STAR}(?:{_SP}{_PERIOD})?"),
    # 密级：秘密 / 密级:机密★1年
    re.compile(rf"密{_SP}级{_SP}[:]{_SP}{_LEVEL}(?:{_SP}{_STAR})?(?:{_SP}{_PERIOD})?"),
    # A header line: the level alone, or with a 保密期限 ("机密 10年").
    re.compile(rf"^{_SP}{_LEVEL}(?:{_SP}{_PERIOD})?{_SP}$", re.MULTILINE),
)


@dataclass(frozen=True)
class Marking:
    """A classification marking found in a text."""

    level: str  # 绝密 / 机密 / 秘密
    text: str  # the marking as it appears in the text, e.g. "秘密★1年"
    start: int  # offsets into the original text
    end: int
    line: int  # 1-based line number
    period: str = ""  # the 保密期限 when given, e.g. "1年"


def _normalise(text: str) -> str:
    # NFKC per character (full-width digits, colon, asterisk, space → ASCII) but only where it
    # maps one character to one character, so offsets stay valid in the original text.
    chars = []
    for ch in text:
        folded = unicodedata.normalize("NFKC", ch)
        chars.append(folded if len(folded) == 1 else ch)
    return "".join(chars)


def find_markings(text: str) -> list[Marking]:
    """Return every classification marking in ``text``, in order of position."""
    folded = _normalise(text)
    found: dict[int, Marking] = {}
    for pattern in _PATTERNS:
        for match in pattern.finditer(folded):
            start, end = match.span()
            while start < end and folded[start].isspace():
                start += 1
            while end > start and folded[end - 1].isspace():
                end -= 1
            if start in found and found[start].end >= end:
                continue
            found[start] = Marking(
                level=re.sub(r"\s", "", match["level"]),
                text=text[start:end],
                start=start,
                end=end,
                line=text.count("\n", 0, start) + 1,
                period=match["period"] or "",
            )
    return [found[key] for key in sorted(found)]


def find_marking(text: str) -> Marking | None:
    """Return the first classification marking in ``text``, or None when there is none."""
    markings = find_markings(text)
    return markings[0] if markings else None


def refusal_message(marking: Marking, where: str) -> str:
    """Return the Chinese refusal for a marking found in ``where`` (e.g. "正文", "标题")."""
    return f"检测到密级标志“{marking.text}”（位于{where}）。{_RULE}"


def is_unclassified_level(value: str) -> bool:
    """Whether a 密级 field value may enter the system: empty or 非密."""
    return value.strip() in ("", UNCLASSIFIED)


def level_refusal_message(value: str) -> str:
    """Return the Chinese refusal for a 密级 field set to something other than 非密."""
    return f"密级为“{value.strip()}”的文件属于涉密文件。{_RULE}"
