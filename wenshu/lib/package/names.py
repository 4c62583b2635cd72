"""Names of the files inside an exchange package: what is allowed, and how an uploaded
file name becomes one.

A name is a relative path of at most two parts separated by ``/``: one of the fixed
top-level files, or a file directly inside ``body/`` or ``attachments/``. Names are NFC
text (so that one name has one byte form), carry no control characters, no ``\\``, no
``:``, no characters Windows cannot store, and no ``.`` or ``..`` parts — so extracting a
package can never write outside the folder it is extracted to.
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum

from .errors import PackageError

__all__ = [
    "ATTACHMENTS_DIR",
    "BODY_DIR",
    "DOCUMENT_NAME",
    "MANIFEST_NAME",
    "PDF_NAME",
    "RESERVED_NAMES",
    "SEAL_NAME",
    "SIGNATURE_NAME",
    "MemberRole",
    "member_name",
    "name_problem",
    "shown",
]

MANIFEST_NAME = "manifest.json"
DOCUMENT_NAME = "document.json"
SEAL_NAME = "seal.der"
SIGNATURE_NAME = "signature.der"
PDF_NAME = "document.pdf"
BODY_DIR = "body"
ATTACHMENTS_DIR = "attachments"
RESERVED_NAMES = frozenset({MANIFEST_NAME, DOCUMENT_NAME, SEAL_NAME, SIGNATURE_NAME})

MAX_NAME_BYTES = 240  # well under every file system's 255-byte limit for the last part
_MAX_STEM_CHARS = 60  # 180 UTF-8 bytes of Chinese, plus folder and number
_FORBIDDEN = re.compile(r'[\x00-\x1f\x7f<>:"\\|?*]')


class MemberRole(StrEnum):
    """What a listed file is. The order of the members here is their order in a package."""

    BODY = "body"  # 正文 as sealed (structured text written in the browser, or extracted)
    BODY_ORIGINAL = "body-original"  # the uploaded .docx the text was extracted from
    ATTACHMENT = "attachment"  # 附件
    PDF = "pdf"  # the GB/T 9704 rendering, document.pdf

    @property
    def label(self) -> str:
        """The Chinese word a clerk reads in a verdict."""
        return _LABELS[self]

    @property
    def folder(self) -> str:
        """The folder its files live in ("" for the top level)."""
        return _FOLDERS[self]


_LABELS = {
    MemberRole.BODY: "正文",
    MemberRole.BODY_ORIGINAL: "正文原件",
    MemberRole.ATTACHMENT: "附件",
    MemberRole.PDF: "版式文件",
}
_FOLDERS = {
    MemberRole.BODY: BODY_DIR,
    MemberRole.BODY_ORIGINAL: BODY_DIR,
    MemberRole.ATTACHMENT: ATTACHMENTS_DIR,
    MemberRole.PDF: "",
}


def name_problem(name: str) -> str | None:
    """Why ``name`` may not be a file name inside a package, or None if it may."""
    if not name:
        return "文件名为空"
    if len(name.encode("utf-8", "surrogatepass")) > MAX_NAME_BYTES:
        return "文件名过长"
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return "使用了绝对路径"
    if _FORBIDDEN.search(name):
        return '含有控制字符或不允许的字符（\\ : * ? " < > |）'
    if unicodedata.normalize("NFC", name) != name:
        return "不是 NFC 规范形式的 Unicode 文本"
    parts = name.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return "含有空路径、“.”或“..”"
    if any(part != part.strip() or part.endswith(".") for part in parts):
        return "路径的开头或结尾有空格或句点"
    if len(parts) > 2 or (len(parts) == 2 and parts[0] not in (BODY_DIR, ATTACHMENTS_DIR)):
        return "只能位于顶层或 body/、attachments/ 目录中"
    return None


def member_name(role: MemberRole | str, filename: str, *, index: int | None = None) -> str:
    """Turn an uploaded file name into a safe name inside the package for ``role``.

    The directory part of ``filename`` is dropped, forbidden characters become ``_`` and a
    long name is shortened keeping its extension. Attachments are numbered
    (``attachments/2-预算表.xlsx``) so that two uploads with one name stay apart; the PDF
    is always ``document.pdf``.
    """
    role = MemberRole(role)
    if role is MemberRole.PDF:
        return PDF_NAME
    base = _clean_filename(filename)
    if role is MemberRole.ATTACHMENT:
        if index is None or index < 1:
            raise PackageError("附件文件名需要从 1 开始的序号")
        base = f"{index}-{base}"
    return f"{role.folder}/{base}"


def _clean_filename(filename: str) -> str:
    base = re.split(r"[\\/]", unicodedata.normalize("NFC", filename or ""))[-1]
    base = _FORBIDDEN.sub("_", base).strip().strip(".").strip()
    stem, dot, ext = base.rpartition(".")
    if not dot or not stem or len(ext) > 10:
        stem, dot, ext = base, "", ""
    stem = stem[:_MAX_STEM_CHARS].strip().rstrip(".") or "文件"
    return f"{stem}{dot}{ext}"


def shown(name: str) -> str:
    """``name`` safe to print in a message: control characters written as ``\\xNN``."""
    return re.sub(r"[\x00-\x1f\x7f]", lambda match: f"\\x{ord(match.group()):02x}", name)
