"""The checks an upload passes before anything is stored, as an ordered list of small steps.

Each step reads and fills the ``Incoming`` item and stops the pipeline by raising a
DomainError whose ``code`` names the reason (too_large, empty_file, file_type, virus_found,
scanner_unavailable, classified_marking). Nothing here writes to storage or to the database:
services.file_ingest stores the file only after every step passed.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from wenshu.files.types import DANGEROUS_SUFFIXES, DEFAULT_ALLOWED, TYPES, sniff, suffix_of
from wenshu.lib import scan
from wenshu.lib.classification import find_marking, refusal_message
from wenshu.lib.errors import DomainError, TooLarge
from wenshu.lib.gm import sm3_hex
from wenshu.lib.textextract import extract_text

MB = 1024 * 1024
TEXT_MAX_CHARS = 200_000

SCANNER_DOWN = "病毒扫描服务暂不可用，为安全起见未接收该文件，请稍后再试或联系系统管理员。"


@dataclass
class Incoming:
    """One upload on its way through the steps."""

    name: str  # already cleaned
    data: bytes
    declared_size: int  # what the client said (or what was read): names the size in messages
    max_bytes: int
    allowed_types: frozenset[str]
    check_classification: bool
    suffix: str = ""
    content_type: str = ""
    sm3: str = ""
    scanned_at: Any = None
    scanner_version: str = ""
    text: str = ""
    notes: dict[str, Any] = field(default_factory=dict)  # extra audit details from steps


Step = Callable[[Incoming], None]


def size_text(size: int) -> str:
    """ "50 MB", "1.2 MB", "300 KB": rounded up, so a file just over a limit never reads as
    equal to it."""
    if size < MB:
        return f"{math.ceil(size / 1024)} KB"
    return f"{math.ceil(size / MB * 10) / 10:g} MB"


def check_limit(name: str, size: int, max_bytes: int) -> None:
    """Refuse a file over the limit (also used by forms before the upload is processed)."""
    if size > max_bytes:
        raise TooLarge(
            f"附件“{name}”大小约 {size_text(size)}，"
            f"超过了单个文件 {size_text(max_bytes)} 的上限，已拒绝上传，未保存任何内容。"
            "请压缩或拆分后再上传。"
        )


def check_size(item: Incoming) -> None:
    check_limit(item.name, max(item.declared_size, len(item.data)), item.max_bytes)
    if not item.data:
        raise DomainError(
            f"附件“{item.name}”是空文件（0 字节），未保存。请检查后重新选择文件。",
            code="empty_file",
        )


def _allowed_labels(allowed: Iterable[str]) -> str:
    return "、".join(sorted({f".{ext}" for ext in allowed if ext in TYPES}))


def check_suffix(name: str, allowed_types: frozenset[str], kind: str = "") -> str:
    """Refuse programs and extensions not allowed here; return the extension."""
    suffix = suffix_of(name)
    if suffix in DANGEROUS_SUFFIXES or kind in {"executable", "script"}:
        raise DomainError(
            f"附件“{name}”是可执行程序、脚本或网页文件，为防止病毒传播，系统不接收此类文件，"
            "已拒绝上传。",
            code="file_type",
        )
    if suffix not in allowed_types or suffix not in TYPES:
        shown = f"“.{suffix}”类型的" if suffix else "没有扩展名的"
        raise DomainError(
            f"此处不能上传{shown}文件（附件“{name}”）。允许的类型："
            f"{_allowed_labels(allowed_types)}。",
            code="file_type",
        )
    return suffix


def check_type(item: Incoming) -> None:
    kind = sniff(item.data)
    item.suffix = check_suffix(item.name, item.allowed_types, kind)
    file_type = TYPES[item.suffix]
    if kind not in file_type.kinds:
        raise DomainError(
            f"附件“{item.name}”的内容不是 {file_type.label} 文件"
            "（扩展名与实际内容不符，或文件已损坏），已拒绝上传。"
            "请用原软件另存为正确的格式后再上传。",
            code="file_type",
        )
    item.content_type = file_type.mime


def scan_viruses(item: Incoming) -> None:
    try:
        result = scan.scan_bytes(item.data)
    except scan.ScanTooLarge as exc:
        raise TooLarge(
            f"附件“{item.name}”超过了病毒扫描服务允许的大小，无法完成检查，已拒绝上传，未保存任何内容。"
            "请压缩或拆分后再上传；如经常出现，请联系系统管理员核对扫描服务的大小设置。"
        ) from exc
    except scan.ScanUnavailable as exc:
        item.notes["scanner_error"] = str(exc)[:300]
        raise DomainError(SCANNER_DOWN, code="scanner_unavailable") from exc
    item.scanned_at = timezone.now()
    if result.limits_exceeded:
        raise DomainError(
            f"附件“{item.name}”结构过于复杂（压缩层数、解压后大小或文件数超过扫描上限），"
            "病毒扫描无法完整检查，为安全起见已拒绝上传，未保存任何内容。请解压后分别上传。",
            code="virus_found",
        )
    if not result.clean:
        item.notes["signature"] = result.signature
        raise DomainError(
            f"附件“{item.name}”检测到病毒（{result.signature}），已拒绝上传，未保存任何内容。",
            code="virus_found",
        )
    item.scanner_version = scan.engine_version()


def extract(item: Incoming) -> None:
    item.text = extract_text(item.data, item.name, max_chars=TEXT_MAX_CHARS)


def check_marking(item: Incoming) -> None:
    if not item.check_classification:
        return
    for text, where in ((item.name, f"文件名“{item.name}”"), (item.text, f"附件“{item.name}”")):
        marking = find_marking(text)
        if marking is not None:
            item.notes["marking"] = marking.text
            raise DomainError(refusal_message(marking, where), code="classified_marking")


def fingerprint(item: Incoming) -> None:
    item.sm3 = sm3_hex(item.data)


# The order matters: cheap refusals first, the scan before anything reads the content, the
# marking guard after the text is extracted.
STEPS: tuple[Step, ...] = (
    check_size,
    check_type,
    fingerprint,
    scan_viruses,
    extract,
    check_marking,
)


def normalise_allowed(allowed_types: Collection[str] | None) -> frozenset[str]:
    if allowed_types is None:
        return DEFAULT_ALLOWED
    return frozenset(ext.lower().lstrip(".") for ext in allowed_types)


def run_steps(item: Incoming, steps: Iterable[Step] = STEPS) -> None:
    for step in steps:
        step(item)
