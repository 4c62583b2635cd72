"""Plain text out of uploaded files: for search and for the classification-marking guard.

``extract_text`` reads .docx (body, tables, text boxes, headers and footers — a 密级 mark
often sits in a header or a text box), .pdf and plain text (.txt/.csv/.md; UTF-8, then
GB18030, the encodings Chinese office files come in). Any other type, or a file that cannot
be read, gives "": extraction serves search and the guard, it never refuses a file by itself.

Guards: inputs over ``MAX_INPUT_BYTES`` and .docx files whose XML would inflate past
``MAX_XML_BYTES`` are not parsed; output stops at ``max_chars``; the work stops at the first
page or paragraph boundary after ``time_limit`` seconds (a cooperative limit: one pathological
PDF page can still take longer, so callers that need a hard bound run this in a worker).

``docx_paragraphs`` keeps the heading levels of a .docx body for the documents work.
"""

from __future__ import annotations

import io
import logging
import re
import time
import zipfile
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

from wenshu.lib.errors import DomainError

if TYPE_CHECKING:
    from docx.document import Document
    from docx.table import Table

__all__ = [
    "MAX_CHARS",
    "TEXT_SUFFIXES",
    "DocxParagraph",
    "decode_text",
    "docx_paragraphs",
    "extract_text",
    "heading_level",
]

log = logging.getLogger(__name__)

MAX_INPUT_BYTES = 100 * 1024 * 1024
MAX_XML_BYTES = 64 * 1024 * 1024
MAX_CHARS = 500_000
TIME_LIMIT = 10.0
TEXT_SUFFIXES = frozenset({"txt", "csv", "md"})

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_TEXT_TAGS = (f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr")


class _Budget:
    """Characters and seconds left; ``spent`` turns true when either runs out."""

    def __init__(self, max_chars: int, time_limit: float) -> None:
        self.chars_left = max_chars
        self.deadline = time.monotonic() + time_limit

    def take(self, text: str) -> str:
        text = text[: max(self.chars_left, 0)]
        self.chars_left -= len(text) + 1
        return text

    @property
    def spent(self) -> bool:
        return self.chars_left <= 0 or time.monotonic() > self.deadline


def suffix_of(filename: str) -> str:
    return filename.rpartition(".")[2].lower() if "." in filename else ""


def extract_text(
    data: bytes, filename: str, *, max_chars: int = MAX_CHARS, time_limit: float = TIME_LIMIT
) -> str:
    """The text of a .docx, .pdf, .txt, .csv or .md file (by its extension), or ""."""
    suffix = suffix_of(filename)
    if len(data) > MAX_INPUT_BYTES:
        return ""
    budget = _Budget(max_chars, time_limit)
    try:
        if suffix == "docx":
            lines = _docx_lines(data, budget)
        elif suffix == "pdf":
            lines = _pdf_lines(data, budget)
        elif suffix in TEXT_SUFFIXES:
            lines = [budget.take(decode_text(data))]
        else:
            return ""
        return "\n".join(line for line in lines if line)[:max_chars]
    except Exception as exc:  # any parser failure: no text, never a crash in the upload
        log.info("text extraction failed for %s: %s", filename[:100], exc)
        return ""


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with a BOM, else GB18030; never raises."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding).replace("\x00", "")
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", "replace").replace("\x00", "")


# --- .docx -------------------------------------------------------------------------------


def _open_docx(data: bytes) -> Document:
    import docx

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        inflated = sum(i.file_size for i in archive.infolist() if i.filename.endswith(".xml"))
    if inflated > MAX_XML_BYTES:  # a zip bomb, or far beyond any real document
        raise ValueError(f"docx XML inflates to {inflated} bytes")
    return docx.Document(io.BytesIO(data))


def _docx_lines(data: bytes, budget: _Budget) -> list[str]:
    document = _open_docx(data)
    parts, seen = [], set()
    for section in document.sections:
        for story in (section.header, section.first_page_header, section.footer):
            if not story.is_linked_to_previous and id(story.part) not in seen:
                seen.add(id(story.part))
                parts.append(story._element)
    lines = [line for part in parts for line in _xml_lines(part, budget)]
    return lines + list(_xml_lines(document.element.body, budget))


def _xml_lines(root: Any, budget: _Budget) -> Iterator[str]:  # root: an lxml element
    """One line per w:p in document order, including table cells and text boxes; the VML copy
    of a text box (mc:Fallback) is skipped so it is not read twice."""
    current: Any = None
    parts: list[str] = []
    for element in root.iter(*_TEXT_TAGS):
        if budget.spent:
            break
        paragraph, fallback = None, False
        for ancestor in element.iterancestors():
            if paragraph is None and ancestor.tag == f"{_W}p":
                paragraph = ancestor
            if ancestor.tag == _MC_FALLBACK:
                fallback = True
                break
        if fallback:
            continue
        if paragraph is not current and parts:
            yield budget.take("".join(parts).strip())
            parts = []
        current = paragraph
        parts.append(
            element.text or ""
            if element.tag == f"{_W}t"
            else "\t"
            if element.tag == f"{_W}tab"
            else "\n"
        )
    if parts and not budget.spent:
        yield budget.take("".join(parts).strip())


class DocxParagraph(NamedTuple):
    level: int  # 0 body text; 1 一、 2 （一） 3 1. 4 （1） (GB/T 9704 heading levels)
    text: str


_STYLE_LEVEL = re.compile(r"^(?:heading|标题)\s*(\d)$", re.IGNORECASE)
_CN = "一二三四五六七八九十百零〇"
_NUMBERED = (
    (1, re.compile(rf"^[{_CN}]+[、，,]")),
    (2, re.compile(rf"^[（(][{_CN}]+[）)]")),
    (3, re.compile(r"^\d+[.．](?!\d)")),
    (4, re.compile(r"^[（(]\d+[）)]")),
)


def heading_level(text: str, style_name: str = "") -> int:
    """The heading level of a paragraph: from a Heading n / 标题 n style, else from the
    numbering it starts with (一、 （一） 1. （1）), else 0 for body text."""
    match = _STYLE_LEVEL.match(style_name.strip())
    if match:
        return min(max(int(match.group(1)), 1), 4)
    stripped = text.lstrip(" \u3000")
    return next((level for level, pattern in _NUMBERED if pattern.match(stripped)), 0)


def docx_paragraphs(data: bytes) -> list[DocxParagraph]:
    """The body of a .docx as (level, text) in order; a table row is one level-0 line with its
    cells separated by tabs. Raises DomainError when the file is not a readable .docx."""
    from docx.table import Table as DocxTable

    try:
        document = _open_docx(data)
    except Exception as exc:
        raise DomainError(
            "无法读取该 Word 文件：文件已损坏，或不是 .docx 格式（Word 2007 及以上版本）。"
            "请用 Word 或 WPS 另存为 .docx 后再上传。"
        ) from exc
    result: list[DocxParagraph] = []
    for block in document.iter_inner_content():
        if isinstance(block, DocxTable):
            result.extend(DocxParagraph(0, row) for row in _table_rows(block))
            continue
        text = block.text.strip()
        if text:
            style = block.style.name if block.style is not None else ""
            result.append(DocxParagraph(heading_level(text, style or ""), text))
    return result


def _table_rows(table: Table) -> Iterator[str]:
    for row in table.rows:
        cells, seen = [], []  # lxml elements compare by identity; keeping them keeps it stable
        for cell in row.cells:
            if cell._tc in seen:  # a merged cell is returned once per grid column
                continue
            seen.append(cell._tc)
            cells.append(cell.text.strip())
        line = "\t".join(cells).strip()
        if line:
            yield line


# --- .pdf --------------------------------------------------------------------------------


def _pdf_lines(data: bytes, budget: _Budget) -> list[str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted and not reader.decrypt(""):
        return []  # a password-protected PDF cannot be read without its password
    lines = []
    for page in reader.pages:
        if budget.spent:
            break
        lines.append(budget.take((page.extract_text() or "").strip()))
    return lines
