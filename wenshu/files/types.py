"""What a file really is, from its first bytes (the client's Content-Type is never trusted),
and which extensions may be uploaded.

``sniff`` names the kind of content ("pdf", "docx", "ole", "text", "executable" …). An
extension is accepted only when its content is one of the kinds that extension can hold, so a
renamed program ("报告.pdf" that is really an .exe) is refused.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from wenshu.lib.textextract import suffix_of

__all__ = [
    "DANGEROUS_SUFFIXES",
    "DEFAULT_ALLOWED",
    "TYPES",
    "FileType",
    "clean_filename",
    "sniff",
    "suffix_of",
]


@dataclass(frozen=True)
class FileType:
    mime: str
    label: str  # how people call it, used in messages
    kinds: frozenset[str]  # sniffed kinds this extension may hold


def _t(mime: str, label: str, *kinds: str) -> FileType:
    return FileType(mime, label, frozenset(kinds))


_OOXML = ("docx", "xlsx", "pptx")
TYPES: dict[str, FileType] = {
    "pdf": _t("application/pdf", "PDF", "pdf"),
    "ofd": _t("application/ofd", "OFD 版式文件", "ofd"),
    "docx": _t(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word", "docx"
    ),
    "doc": _t("application/msword", "Word 97-2003", "ole", "rtf"),
    "wps": _t("application/vnd.ms-works", "WPS 文字", "ole", "docx"),
    "rtf": _t("application/rtf", "RTF", "rtf"),
    "xlsx": _t(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel", "xlsx"
    ),
    "xls": _t("application/vnd.ms-excel", "Excel 97-2003", "ole"),
    "et": _t("application/vnd.ms-excel", "WPS 表格", "ole", "xlsx"),
    "pptx": _t(
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "PowerPoint",
        "pptx",
    ),
    "ppt": _t("application/vnd.ms-powerpoint", "PowerPoint 97-2003", "ole"),
    "dps": _t("application/vnd.ms-powerpoint", "WPS 演示", "ole", "pptx"),
    "odt": _t("application/vnd.oasis.opendocument.text", "ODF 文本", "odt"),
    "ods": _t("application/vnd.oasis.opendocument.spreadsheet", "ODF 表格", "ods"),
    "odp": _t("application/vnd.oasis.opendocument.presentation", "ODF 演示", "odp"),
    "txt": _t("text/plain", "文本", "text"),
    "csv": _t("text/csv", "CSV", "text"),
    "md": _t("text/markdown", "Markdown", "text"),
    "png": _t("image/png", "PNG 图片", "png"),
    "jpg": _t("image/jpeg", "JPEG 图片", "jpeg"),
    "jpeg": _t("image/jpeg", "JPEG 图片", "jpeg"),
    "gif": _t("image/gif", "GIF 图片", "gif"),
    "bmp": _t("image/bmp", "BMP 图片", "bmp"),
    "tif": _t("image/tiff", "TIFF 图片", "tiff"),
    "tiff": _t("image/tiff", "TIFF 图片", "tiff"),
    "webp": _t("image/webp", "WebP 图片", "webp"),
    # Archives are scanned inside by clamd; their text is not extracted.
    "zip": _t("application/zip", "ZIP 压缩包", "zip", "ofd", "odt", "ods", "odp", *_OOXML),
    "rar": _t("application/vnd.rar", "RAR 压缩包", "rar"),
    "7z": _t("application/x-7z-compressed", "7z 压缩包", "7z"),
}
DEFAULT_ALLOWED: frozenset[str] = frozenset(TYPES)

# Never accepted, whatever their content looks like (Windows runs them by extension).
DANGEROUS_SUFFIXES = frozenset(
    {
        "exe",
        "dll",
        "com",
        "scr",
        "pif",
        "cpl",
        "msi",
        "msp",
        "sys",
        "drv",
        "ocx",
        "bat",
        "cmd",
        "ps1",
        "psm1",
        "vbs",
        "vbe",
        "js",
        "jse",
        "wsf",
        "wsh",
        "hta",
        "lnk",
        "reg",
        "inf",
        "jar",
        "apk",
        "sh",
        "bash",
        "elf",
        "bin",
        "run",
        "app",
        "dmg",
        "iso",
        "chm",
        "html",
        "htm",
        "xhtml",
        "svg",
        "mht",
        "mhtml",
        "py",
        "pl",
        "php",
        "asp",
        "aspx",
        "jsp",
        "docm",
        "xlsm",
        "pptm",
        "dotm",
        "xltm",
        "potm",
    }
)

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"Rar!\x1a\x07", "rar"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),
    (b"{\\rtf", "rtf"),
    (b"MZ", "executable"),
    (b"\x7fELF", "executable"),
    (b"\xca\xfe\xba\xbe", "executable"),  # Java class or universal Mach-O
    (b"\xfe\xed\xfa\xce", "executable"),
    (b"\xfe\xed\xfa\xcf", "executable"),
    (b"\xce\xfa\xed\xfe", "executable"),
    (b"\xcf\xfa\xed\xfe", "executable"),
    (b"\x1f\x8b", "gzip"),
    (b"#!", "script"),
)


def sniff(data: bytes) -> str:
    """The kind of content, from magic bytes: see _MAGIC, plus pdf, the zip family, webp, bmp,
    text and "unknown"."""
    if b"%PDF-" in data[:1024]:  # readers accept a PDF header anywhere in the first KB
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[:2] == b"BM" and len(data) >= 26 and data[6:10] == b"\x00\x00\x00\x00":
        return "bmp"
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    return "text" if _looks_like_text(data) else "unknown"


_ODF = {
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
}


def _zip_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            mimetype = (
                archive.read("mimetype")[:100].decode("ascii", "replace")
                if "mimetype" in names
                else ""
            )
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, RuntimeError):
        return "unknown"
    if "[Content_Types].xml" in names:
        for part, kind in (("word/", "docx"), ("xl/", "xlsx"), ("ppt/", "pptx")):
            if any(name.startswith(part) for name in names):
                return kind
    if mimetype in _ODF:
        return _ODF[mimetype]
    if "OFD.xml" in names:
        return "ofd"
    if "classes.dex" in names or "META-INF/MANIFEST.MF" in names:
        return "executable"  # an Android app or a Java archive
    return "zip"


def _looks_like_text(data: bytes) -> bool:
    head = data[: 64 * 1024]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True  # UTF-16 with a byte-order mark
    controls = sum(1 for byte in head if byte < 9 or 13 < byte < 27 or 27 < byte < 32)
    if not head or b"\x00" in head or controls > len(head) // 100:
        return False
    # A head cut from a longer file may end inside a multi-byte character.
    cuts = range(4) if len(data) > len(head) else (0,)
    for encoding in ("utf-8", "gb18030"):
        for cut in cuts:
            try:
                head[: len(head) - cut].decode(encoding)
                return True
            except UnicodeDecodeError:
                continue
    return False


_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')
NAME_MAX = 200


def clean_filename(name: str) -> str:
    """A file name safe to store and to offer for download: no folders, no control or reserved
    characters, no leading dots, at most NAME_MAX characters with the extension kept."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[/\\]", name)[-1]
    name = _UNSAFE.sub("_", name)
    name = re.sub(r"\s+", " ", name).strip().lstrip(".").strip()
    if not name.replace("_", "").strip():
        return "未命名文件"
    if len(name) > NAME_MAX:
        stem, dot, ext = name.rpartition(".")
        if not (dot and stem and len(ext) <= 20):
            return name[:NAME_MAX].rstrip()
        name = f"{stem[: NAME_MAX - len(ext) - 1].rstrip()}.{ext}"
    return name
