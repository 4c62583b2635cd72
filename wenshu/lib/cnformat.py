"""Chinese formatting for official documents, as GB/T 9704-2012 writes them.

- 成文日期 and 印发日期 in Arabic numerals, the year in full, no leading zeros
  ("2026年11月25日", never "2026年01月05日" or "二〇二六年…").
- 发文字号: 机关代字 + the full year in 六角括号 〔〕 + the serial number + 号, with no
  leading zeros and no 第 ("白财〔2026〕12号").
- Heading numbers of the four body levels: "一、", "（一）", "1.", "（1）".
"""

from __future__ import annotations

import re
from datetime import date
from typing import NamedTuple

__all__ = [
    "DocNumber",
    "cn_date",
    "cn_number",
    "doc_number",
    "heading_prefix",
    "parse_doc_number",
]

_DIGITS = "零一二三四五六七八九"
_MAX_HEADING_NUMBER = 99
_MAX_SERIAL = 999_999

# Lenient 发文字号: the brackets people type instead of 〔〕, an optional 第, leading zeros,
# half- or full-width digits and stray spaces are all understood.
_OPEN = "〔[［【(（"
_CLOSE = "〕]］】)）"
_LENIENT = re.compile(
    rf"^(?P<code>[^\s{re.escape(_OPEN)}]+?)\s*[{re.escape(_OPEN)}]\s*(?P<year>\d{{4}})\s*"
    rf"[{re.escape(_CLOSE)}]\s*第?\s*(?P<n>\d{{1,7}})\s*号$"
)
_STRICT = re.compile(r"^(?P<code>[^\s〔〕]+?)〔(?P<year>[1-9]\d{3})〕(?P<n>[1-9]\d*)号$")
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


class DocNumber(NamedTuple):
    """A parsed 发文字号: 机关代字, year and serial number."""

    code: str
    year: int
    number: int

    def __str__(self) -> str:
        return doc_number(self.code, self.year, self.number)


def cn_date(d: date) -> str:
    """Return ``d`` as an official document writes it: ``2026年11月25日``."""
    return f"{d.year}年{d.month}月{d.day}日"


def doc_number(code: str, year: int, n: int) -> str:
    """Return the 发文字号 ``白财〔2026〕12号`` for 机关代字 ``code``, ``year`` and serial ``n``."""
    code = code.strip()
    if not code or any(ch.isspace() or ch in _OPEN + _CLOSE for ch in code):
        raise ValueError("机关代字不能为空，且不能包含空格或括号")
    if not 1000 <= year <= 9999:
        raise ValueError("发文字号的年份必须是四位数字")
    if not 1 <= n <= _MAX_SERIAL:
        raise ValueError("发文字号的序号必须是正整数")
    return f"{code}〔{year}〕{n}号"


def parse_doc_number(text: str, *, strict: bool = False) -> DocNumber:
    """Parse a 发文字号 such as ``白财〔2026〕12号``.

    With ``strict`` only the canonical form is accepted (what `doc_number` writes). Otherwise
    common typing variants are understood — ``[2026]``, ``（2026）``, ``【2026】``, ``第12号``,
    ``012号``, full-width digits — and normalised. Raises `ValueError` with a Chinese message.
    """
    source = text.strip()
    if not strict:
        source = source.translate(_FULLWIDTH_DIGITS)
    match = (_STRICT if strict else _LENIENT).match(source)
    if match is None:
        raise ValueError(f"无法识别的发文字号“{text.strip()}”，应形如“白财〔2026〕12号”")
    year, n = int(match["year"]), int(match["n"])
    if not 1 <= n <= _MAX_SERIAL:
        raise ValueError(f"发文字号“{text.strip()}”的序号必须是正整数")
    return DocNumber(match["code"], year, n)


def cn_number(n: int) -> str:
    """Return ``n`` (1–99) in Chinese numerals as headings use them: 一 … 十 十一 … 九十九."""
    if not 1 <= n <= _MAX_HEADING_NUMBER:
        raise ValueError(f"标题序号必须在 1 到 {_MAX_HEADING_NUMBER} 之间")
    tens, units = divmod(n, 10)
    if tens == 0:
        return _DIGITS[units]
    head = "十" if tens == 1 else _DIGITS[tens] + "十"
    return head + (_DIGITS[units] if units else "")


def heading_prefix(level: int, n: int) -> str:
    """Return the numbering of body heading ``level`` (1–4): 一、 （一） 1. （1）."""
    if level == 1:
        return f"{cn_number(n)}、"
    if level == 2:
        return f"（{cn_number(n)}）"
    if not 1 <= n <= _MAX_HEADING_NUMBER:
        raise ValueError(f"标题序号必须在 1 到 {_MAX_HEADING_NUMBER} 之间")
    if level == 3:
        return f"{n}."
    if level == 4:
        return f"（{n}）"
    raise ValueError("正文标题只有四个层次（一、 （一） 1. （1））")
