"""Files made in the tests (nothing of this is committed as a binary)."""

from __future__ import annotations

import io
import zipfile

import docx

from wenshu.lib.scan import eicar_test_file


def stored_paths(media) -> list[str]:
    return sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())


def make_docx(*paragraphs: str, extra_member: tuple[str, bytes] | None = None) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    if extra_member is None:
        return buffer.getvalue()
    with zipfile.ZipFile(buffer, "a") as archive:  # e.g. an embedded object carrying a virus
        archive.writestr(*extra_member)
    return buffer.getvalue()


def infected_docx() -> bytes:
    member = ("word/embeddings/oleObject1.bin", eicar_test_file())
    return make_docx("正常的正文", extra_member=member)
