"""A file's kind comes from its bytes; names are made safe to store and to offer."""

from __future__ import annotations

import io
import zipfile

import pytest

from wenshu.files.tests.samples import make_docx
from wenshu.files.types import DEFAULT_ALLOWED, TYPES, clean_filename, sniff


def zipped(*members: tuple[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"%PDF-1.7\n", "pdf"),
        (b"\r\n%PDF-1.4", "pdf"),
        (b"\x89PNG\r\n\x1a\n\x00", "png"),
        (b"\xff\xd8\xff\xe0", "jpeg"),
        (b"GIF89a", "gif"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "webp"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00", "ole"),
        (b"{\\rtf1\\ansi", "rtf"),
        (b"Rar!\x1a\x07\x01\x00", "rar"),
        (b"7z\xbc\xaf\x27\x1c", "7z"),
        (b"MZ\x90\x00", "executable"),
        (b"\x7fELF\x02", "executable"),
        (b"\xca\xfe\xba\xbe", "executable"),
        (b"#!/usr/bin/env python\n", "script"),
        ("单位,人数\n".encode(), "text"),
        ("单位,人数\n".encode("gb18030"), "text"),
        ("单位".encode("utf-16"), "text"),
        (b"\x00\x01\x02\x03binary", "unknown"),
        (b"", "unknown"),
        (b"PK\x03\x04 not really a zip", "unknown"),
    ],
)
def test_it_sniffs_magic_bytes(data, kind):
    assert sniff(data) == kind


def test_it_tells_the_zip_family_apart():
    assert sniff(make_docx("正文")) == "docx"
    assert sniff(zipped(("[Content_Types].xml", b"<x/>"), ("xl/workbook.xml", b"<x/>"))) == "xlsx"
    assert sniff(zipped(("mimetype", b"application/vnd.oasis.opendocument.text"))) == "odt"
    assert sniff(zipped(("OFD.xml", b"<ofd/>"), ("Doc_0/Document.xml", b"<d/>"))) == "ofd"
    assert sniff(zipped(("META-INF/MANIFEST.MF", b"Main-Class: X"))) == "executable"
    assert sniff(zipped(("AndroidManifest.xml", b""), ("classes.dex", b""))) == "executable"
    assert sniff(zipped(("说明.txt", "文字".encode()))) == "zip"


def test_a_text_head_cut_inside_a_character_is_still_text():
    data = "公" * 30000  # 90,000 bytes: the 64 KiB head ends inside a character
    assert sniff(data.encode()) == "text"


def test_every_allowed_type_names_its_kinds():
    assert set(TYPES) == DEFAULT_ALLOWED
    assert all(t.kinds and t.mime and t.label for t in TYPES.values())


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("关于印发《办法》的通知（2026）.docx", "关于印发《办法》的通知（2026）.docx"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\张三\\桌面\\报告.pdf", "报告.pdf"),
        ("a<b>c:d|e?.txt", "a_b_c_d_e_.txt"),
        ("  多个   空格 .txt ", "多个 空格 .txt"),
        (".hidden.txt", "hidden.txt"),
        ("", "未命名文件"),
        ("...", "未命名文件"),
        ("\x00\x01", "未命名文件"),
    ],
)
def test_it_cleans_file_names(raw, clean):
    assert clean_filename(raw) == clean


def test_a_long_name_keeps_its_extension():
    cleaned = clean_filename("长" * 300 + ".docx")
    assert len(cleaned) == 200 and cleaned.endswith("长.docx")
