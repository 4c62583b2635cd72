"""The ZIP container of an exchange package: a canonical writer and a defensive reader.

Writing. Every package is a plain ZIP written byte for byte the same way, so the same
document always gives the same file and a verifier can rebuild it to compare:

* members are STORED (no compression: the bytes do not depend on a zlib version, and the
  PDF, .docx and .xlsx members are compressed already), in the order given;
* each local header: version needed 20, flags 0x0800 (UTF-8 names), method 0, time 00:00:00,
  date 1980-01-01, CRC-32, sizes, the UTF-8 name, no extra field; then the content;
* each central-directory entry: version made by 0x0314 (Unix, 2.0), the same fields,
  no extra field or comment, external attributes 0o100644 << 16 (regular file rw-r--r--);
* one end-of-central-directory record, no archive comment, no ZIP64.

Reading. `read_zip` parses with the standard library, refuses what could hurt the reader
(too many members, too many bytes, compression ratios of a ZIP bomb, encrypted members,
unsafe or duplicate names) before reading anything, and reads each stored member straight
from its bytes, so that a changed byte shows up as a content mismatch rather than a CRC
error.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field

from .errors import PackageError
from .names import name_problem, shown

__all__ = ["DEFAULT_LIMITS", "Limits", "ZipContents", "build_zip", "read_zip"]

_LOCAL = struct.Struct("<IHHHHHIIIHH")
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")
_END = struct.Struct("<IHHHHIIH")
_LOCAL_SIG, _CENTRAL_SIG, _END_SIG = 0x04034B50, 0x02014B50, 0x06054B50
_VERSION_NEEDED = 20
_VERSION_MADE_BY = (3 << 8) | 20  # Unix, ZIP 2.0
_UTF8_FLAG = 0x0800
_DOS_TIME, _DOS_DATE = 0, (0 << 9) | (1 << 5) | 1  # 1980-01-01 00:00:00
_FILE_ATTRIBUTES = 0o100644 << 16
_ZIP32_LIMIT = 0xFFFFFFFF
_MEMBER_LIMIT = 0xFFFF
_ENCRYPTED_FLAG = 0x0001
_MiB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """How much a reader accepts before it refuses a package unread (ZIP-bomb guard)."""

    max_members: int = 1000
    max_member_bytes: int = 256 * _MiB
    max_total_bytes: int = 1024 * _MiB
    max_ratio: int = 100  # uncompressed ÷ compressed, for deflated members
    ratio_floor: int = _MiB  # members smaller than this are too small to be a bomb


DEFAULT_LIMITS = Limits()


def build_zip(entries: Sequence[tuple[str, bytes]]) -> bytes:
    """Write ``(name, content)`` pairs as a canonical STORED ZIP (see the module text)."""
    if len(entries) > _MEMBER_LIMIT:
        raise PackageError("交换包中的文件过多")
    body, directory = io.BytesIO(), io.BytesIO()
    for name, content in entries:
        raw_name, offset = name.encode("utf-8"), body.tell()
        crc, size = zlib.crc32(content), len(content)
        if offset + size > _ZIP32_LIMIT:
            raise PackageError("交换包过大（超过 4 GB）")
        common = (_UTF8_FLAG, zipfile.ZIP_STORED, _DOS_TIME, _DOS_DATE, crc, size, size)
        body.write(_LOCAL.pack(_LOCAL_SIG, _VERSION_NEEDED, *common, len(raw_name), 0))
        body.write(raw_name)
        body.write(content)
        # name length, no extra field, no comment, disk 0, internal attributes 0, …
        tail = (len(raw_name), 0, 0, 0, 0, _FILE_ATTRIBUTES, offset)
        head = (_CENTRAL_SIG, _VERSION_MADE_BY, _VERSION_NEEDED)
        directory.write(_CENTRAL.pack(*head, *common, *tail))
        directory.write(raw_name)
    start, listing = body.tell(), directory.getvalue()
    count = len(entries)
    end = _END.pack(_END_SIG, 0, 0, count, count, len(listing), start, 0)
    return body.getvalue() + listing + end


# --- reading -----------------------------------------------------------------------------

_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    NotImplementedError,
    ValueError,  # includes UnicodeDecodeError of a name flagged UTF-8
    OSError,
    EOFError,
    struct.error,
    IndexError,
    KeyError,
    OverflowError,
    zlib.error,
)


@dataclass
class ZipContents:
    """What `read_zip` found: the readable members and, per problem, a Chinese reason."""

    files: dict[str, bytes] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)  # every name, as the directory lists it
    problems: list[str] = field(default_factory=list)
    flagged: set[str] = field(default_factory=set)  # names already explained by a problem
    fatal: bool = False  # nothing was read: the archive as a whole is refused


def read_zip(data: bytes, limits: Limits = DEFAULT_LIMITS) -> ZipContents:
    """Open ``data`` as a ZIP defensively; never raises on bad input."""
    contents = ZipContents()
    if len(data) > limits.max_total_bytes:
        return _fatal(contents, f"交换包过大（超过 {limits.max_total_bytes} 字节）")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except _ZIP_ERRORS:
        return _fatal(contents, "文件不是有效的 ZIP 交换包（无法读取 ZIP 目录）")
    problem = _archive_problem(infos, limits)
    if problem:
        return _fatal(contents, problem)
    seen: set[str] = set()
    for info in infos:
        name = info.orig_filename  # .filename is cut at a NUL byte; keep what is stored
        contents.order.append(name)
        problem = _member_problem(info, seen, limits)
        seen.add(name)
        if problem is None:
            problem = _read_into(contents, archive, data, info)
        if problem:
            contents.problems.append(problem)
            contents.flagged.add(name)
    return contents


def _fatal(contents: ZipContents, reason: str) -> ZipContents:
    contents.problems.append(reason)
    contents.fatal = True
    return contents


def _archive_problem(infos: list[zipfile.ZipInfo], limits: Limits) -> str | None:
    if len(infos) > limits.max_members:
        return f"交换包中的文件过多（{len(infos)} 个，上限 {limits.max_members} 个）"
    declared = sum(info.file_size for info in infos)
    if declared > limits.max_total_bytes:
        limit = limits.max_total_bytes
        return f"交换包解压后过大（{declared} 字节，上限 {limit} 字节），疑似 ZIP 炸弹"
    return None


def _member_problem(info: zipfile.ZipInfo, seen: set[str], limits: Limits) -> str | None:
    name = shown(info.orig_filename)
    if info.orig_filename in seen:
        return f"文件 {name} 在交换包中重复出现"
    unsafe = name_problem(info.orig_filename)
    if unsafe:
        return f"文件 {name} 的路径不安全：{unsafe}"
    if info.flag_bits & _ENCRYPTED_FLAG:
        return f"文件 {name} 被加密，无法校验"
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        return f"文件 {name} 使用了不支持的压缩方式"
    if info.file_size > limits.max_member_bytes:
        return f"文件 {name} 过大（{info.file_size} 字节，上限 {limits.max_member_bytes} 字节）"
    if _ratio_too_high(info, limits):
        return f"文件 {name} 的压缩比异常，疑似 ZIP 炸弹"
    return None


def _ratio_too_high(info: zipfile.ZipInfo, limits: Limits) -> bool:
    if info.compress_type == zipfile.ZIP_STORED or info.file_size < limits.ratio_floor:
        return False
    return info.file_size > limits.max_ratio * max(info.compress_size, 1)


def _read_into(
    contents: ZipContents, archive: zipfile.ZipFile, data: bytes, info: zipfile.ZipInfo
) -> str | None:
    try:
        if info.compress_type == zipfile.ZIP_STORED:
            content = _stored_content(data, info)
        else:
            content = _inflated_content(archive, info)
    except _ZIP_ERRORS:
        return f"文件 {shown(info.orig_filename)} 无法读取（ZIP 结构已损坏）"
    contents.files[info.orig_filename] = content
    return None


def _stored_content(data: bytes, info: zipfile.ZipInfo) -> bytes:
    # Read past the CRC on purpose: SM3 against the manifest is the check that matters,
    # and it names what changed; the canonical rebuild catches a changed CRC field.
    offset = info.header_offset
    fixed = _LOCAL.unpack_from(data, offset)
    if fixed[0] != _LOCAL_SIG or info.compress_size != info.file_size:
        raise zipfile.BadZipFile("bad local header")
    name_len, extra_len = fixed[9], fixed[10]
    raw_name = data[offset + _LOCAL.size : offset + _LOCAL.size + name_len]
    if raw_name != _directory_name_bytes(info):
        raise zipfile.BadZipFile("local and central names differ")
    start = offset + _LOCAL.size + name_len + extra_len
    if start + info.file_size > len(data):
        raise zipfile.BadZipFile("truncated member")
    return data[start : start + info.file_size]


def _directory_name_bytes(info: zipfile.ZipInfo) -> bytes:
    encoding = "utf-8" if info.flag_bits & _UTF8_FLAG else "cp437"
    return info.orig_filename.encode(encoding)


def _inflated_content(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    # zipfile never returns more than the declared size, which the limits already allow.
    with archive.open(info) as stream:
        content = stream.read(info.file_size + 1)
    if len(content) != info.file_size:
        raise zipfile.BadZipFile("size differs from the directory")
    return content
