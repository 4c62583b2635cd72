"""正文 as structured text: a list of {"kind": paragraph|heading1..4, "text": …}.

In the browser the body is a plain textarea: each line is a paragraph, and a line that
starts with 一、 （一） 1. or （1） is a heading of that level (GB/T 9704's four levels). No
script is needed, and the same text round-trips through the form.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from wenshu.lib.errors import DomainError
from wenshu.lib.gongwen_pdf import Paragraph, ParaKind
from wenshu.lib.textextract import DocxParagraph, heading_level

MAX_BODY_CHARS = 200_000
MAX_PARAGRAPHS = 5_000
KINDS = tuple(kind.value for kind in ParaKind)
_LEVEL_KIND = {
    0: ParaKind.PARAGRAPH,
    1: ParaKind.HEADING1,
    2: ParaKind.HEADING2,
    3: ParaKind.HEADING3,
    4: ParaKind.HEADING4,
}
_SPACES = " \t\u3000"


def _entry(level: int, text: str) -> dict[str, str]:
    return {"kind": _LEVEL_KIND[min(max(level, 0), 4)].value, "text": text}


def parse_text(text: str) -> list[dict[str, str]]:
    """The body typed in the textarea: one paragraph per non-empty line."""
    body = []
    for line in (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        stripped = line.strip(_SPACES)
        if stripped:
            body.append(_entry(heading_level(stripped), stripped))
    return check(body)


def from_docx(paragraphs: Iterable[DocxParagraph]) -> list[dict[str, str]]:
    """The body of an uploaded .docx (levels from its heading styles or numbering)."""
    return check([_entry(p.level, p.text.strip(_SPACES)) for p in paragraphs if p.text.strip()])


def check(body: Any) -> list[dict[str, str]]:
    """Validate a structured body (as the API sends it); return a clean copy."""
    if not isinstance(body, list):
        raise DomainError("正文格式不正确：应为段落列表")
    if len(body) > MAX_PARAGRAPHS:
        raise DomainError(f"正文段落过多（不超过 {MAX_PARAGRAPHS} 段）")
    clean = []
    for index, item in enumerate(body, 1):
        if not isinstance(item, dict) or item.get("kind") not in KINDS:
            raise DomainError(f"正文第 {index} 段格式不正确：段落类型应为 {'、'.join(KINDS)} 之一")
        text = item.get("text")
        if not isinstance(text, str) or not text.strip():
            raise DomainError(f"正文第 {index} 段没有文字")
        clean.append({"kind": item["kind"], "text": " ".join(text.split("\n")).strip()})
    if sum(len(p["text"]) for p in clean) > MAX_BODY_CHARS:
        raise DomainError(f"正文过长（不超过 {MAX_BODY_CHARS} 字）")
    return clean


def to_text(body: Sequence[dict[str, str]]) -> str:
    """The body as the textarea shows it (and as body/正文.txt in the package)."""
    return "\n".join(p["text"] for p in body)


def plain_text(body: Sequence[dict[str, str]]) -> str:
    """All the words, for the classification guard and search."""
    return to_text(body)


def _split_heading(text: str) -> tuple[str, str]:
    # "（一）明确责任。各单位要……": only the heading part is set in the heading's face.
    head, mark, rest = text.partition("。")
    if mark and rest.strip():
        return head + mark, rest.strip()
    return text, ""


def to_paragraphs(body: Sequence[dict[str, str]]) -> tuple[Paragraph, ...]:
    """The body as the PDF renderer takes it."""
    paragraphs = []
    for item in body:
        kind = ParaKind(item["kind"])
        if kind is ParaKind.PARAGRAPH:
            paragraphs.append(Paragraph(item["text"]))
        else:
            head, rest = _split_heading(item["text"])
            paragraphs.append(Paragraph(head, kind, rest))
    return tuple(paragraphs)


def preview(body: Sequence[dict[str, str]]) -> list[dict[str, Any]]:
    """Rows for the server-rendered preview: heading part, run-in text and a CSS class."""
    rows: list[dict[str, Any]] = []
    for paragraph in to_paragraphs(body):
        rows.append(
            {
                "css": f"gw-{paragraph.kind.value}",
                "head": paragraph.text,
                "rest": paragraph.continuation,
                "heading": paragraph.kind.level > 0,
            }
        )
    return rows
