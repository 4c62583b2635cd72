"""The elements of an official document (公文) as GB/T 9704-2012 names them."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

__all__ = ["GongwenData", "ParaKind", "Paragraph", "clean_copy_number"]

URGENCIES = ("", "特急", "加急")
_UNCLASSIFIED = ("", "非密")


class ParaKind(StrEnum):
    """The kinds of body paragraph: plain text and the four heading levels."""

    PARAGRAPH = "paragraph"
    HEADING1 = "heading1"  # 一、 黑体
    HEADING2 = "heading2"  # （一） 楷体
    HEADING3 = "heading3"  # 1. 仿宋
    HEADING4 = "heading4"  # （1） 仿宋

    @property
    def level(self) -> int:
        """The heading level 1–4, or 0 for a plain paragraph."""
        return 0 if self is ParaKind.PARAGRAPH else int(self.value[-1])


@dataclass(frozen=True)
class Paragraph:
    """One body paragraph.

    Headings are numbered by the renderer (一、 （一） 1. （1）, counting restarts under each
    higher heading); a heading whose text already starts with its number keeps it as typed.
    ``continuation`` is body text run in after the heading in the same paragraph, as in
    "（一）明确责任。各单位要……" where only the heading part is set in 楷体.
    """

    text: str
    kind: ParaKind = ParaKind.PARAGRAPH
    continuation: str = ""

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "kind", ParaKind(self.kind))
        except ValueError:
            raise ValueError(f"未知的正文段落类型：{self.kind}") from None
        object.__setattr__(self, "text", _one_line(self.text))
        object.__setattr__(self, "continuation", _one_line(self.continuation))


@dataclass(frozen=True)
class GongwenData:
    """Every element of a 公文 in 文件格式. Lists may be given; they are stored as tuples."""

    issuer_mark: str  # 发文机关标志, e.g. "白银市财政局文件"
    title: str  # 标题
    body: tuple[Paragraph, ...] = ()  # 正文
    doc_number: str = ""  # 发文字号, e.g. "白财〔2026〕12号"
    copy_number: str = ""  # 份号: up to six digits, printed as six
    secrecy: str = ""  # 密级和保密期限: only 非密 (or blank) documents exist in Wenshu
    urgency: str = ""  # 紧急程度: 特急 / 加急 / blank
    signer: str = ""  # 签发人 (upward documents): 发文字号 then goes left, 签发人 right
    main_recipients: str = ""  # 主送机关
    attachments: tuple[str, ...] = ()  # 附件说明: the attachments' names
    issuer_signature: str = ""  # 发文机关署名
    issue_date: date | None = None  # 成文日期
    seal_png: bytes | None = field(default=None, repr=False)  # 印章 picture, transparent PNG
    note: str = ""  # 附注, printed in parentheses
    cc: tuple[str, ...] = ()  # 抄送机关
    printer: str = ""  # 印发机关
    print_date: date | None = None  # 印发日期
    # 联合行文: the other issuing organs' names, after the lead organ named in issuer_mark
    # ("白银市财政局文件" + ("白银市教育局",)): the 标志 then stacks the names, "文件" right.
    co_issuers: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        body = tuple(p if isinstance(p, Paragraph) else Paragraph(str(p)) for p in self.body)
        object.__setattr__(self, "body", body)
        object.__setattr__(self, "attachments", _names(self.attachments))
        object.__setattr__(self, "cc", _names(self.cc))
        object.__setattr__(self, "co_issuers", _names(self.co_issuers))
        for name in ("issuer_mark", "title", "doc_number", "signer", "main_recipients"):
            object.__setattr__(self, name, _one_line(getattr(self, name)))
        for name in ("issuer_signature", "note", "printer", "urgency", "secrecy"):
            object.__setattr__(self, name, _one_line(getattr(self, name)))
        if self.copy_number:
            object.__setattr__(self, "copy_number", clean_copy_number(self.copy_number))
        self._check()

    def _check(self) -> None:
        if not self.issuer_mark:
            raise ValueError("发文机关标志不能为空")
        if not self.title:
            raise ValueError("公文标题不能为空")
        if self.secrecy not in _UNCLASSIFIED:
            raise ValueError("涉密公文不得进入本系统，密级只能为“非密”")
        if self.urgency not in URGENCIES:
            raise ValueError("紧急程度只能是“特急”“加急”或不标注")
        if self.seal_png is not None and not self.seal_png.startswith(b"\x89PNG"):
            raise ValueError("印章图片必须是 PNG 格式")


def clean_copy_number(value: str) -> str:
    """Return a 份号 as six Arabic digits ("12" → "000012"); refuse anything else."""
    digits = str(value).strip()
    if not re.fullmatch(r"\d{1,6}", digits) or int(digits) == 0:
        raise ValueError("份号必须是 1 到 6 位阿拉伯数字")
    return digits.zfill(6)


def _one_line(value: str | None) -> str:
    # A line break typed inside an element carries no meaning in Chinese text: drop it.
    return "".join(line.strip() for line in str(value or "").splitlines())


def _names(values: Iterable[str]) -> tuple[str, ...]:
    if isinstance(values, str):
        values = [values]
    return tuple(name for name in (_one_line(v) for v in values) if name)
