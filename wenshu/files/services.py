"""Taking in uploads and handing them out again, for documents, mail and the library.

``file_ingest`` runs the checks of pipeline.STEPS (size → type → virus scan → text → 密级
标志), then stores the content once under its SM3 name and records the Upload. When a check
refuses, nothing is written to storage and no file row is created; the refusal is audited,
and a virus or an unreachable scanner raises a security alert.

Call it BEFORE your own ``transaction.atomic`` block (scanning takes time and must not hold
your locks, and a refusal record written inside your transaction would roll back with it),
then pass the Upload to your service.

``file_open_verified`` reads a file back and checks its SM3 hash on every read.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, transaction
from django.utils import timezone

from wenshu.audit.models import SecurityAlert
from wenshu.audit.services import audit_record, audit_refusal, security_alert_raise
from wenshu.files import pipeline
from wenshu.files.models import StoredFile, Upload, storage_name_for
from wenshu.files.types import clean_filename
from wenshu.lib.errors import DomainError, Forbidden
from wenshu.lib.gm import sm3_hex

log = logging.getLogger(__name__)

TAMPERED = "文件内容与登记的校验值不符（可能已被改动），已拒绝提供。"
MISSING = "文件内容在存储中找不到（可能已被删除或移动），无法提供。请联系系统管理员。"

Data = bytes | bytearray | memoryview | IO[bytes]


def _require_uploader(actor: Any) -> None:
    if (
        actor is None
        or not getattr(actor, "is_authenticated", False)
        or not actor.is_active
        or actor.unit_id is None
    ):
        raise Forbidden("您的账号当前不能上传文件。")


def _read_bounded(data_or_fileobj: Data, max_bytes: int) -> tuple[bytes, int]:
    """The bytes (at most max_bytes + 1 of them: enough to know it is too large) and the size."""
    if isinstance(data_or_fileobj, bytes | bytearray | memoryview):
        data = bytes(data_or_fileobj)
        return data, len(data)
    declared = int(getattr(data_or_fileobj, "size", 0) or 0)
    if declared > max_bytes:
        return b"", declared  # refused by size; no need to read it
    if hasattr(data_or_fileobj, "seek"):
        data_or_fileobj.seek(0)
    data = data_or_fileobj.read(max_bytes + 1) or b""
    return data, max(declared, len(data))


def file_ingest(
    *,
    actor: Any,
    name: str,
    data_or_fileobj: Data,
    max_bytes: int | None = None,
    allowed_types: Collection[str] | None = None,
    check_classification: bool = True,
    purpose: str = "",
) -> Upload:
    """Check, scan and store one uploaded file for ``actor``; return its Upload.

    ``allowed_types`` are extensions ("docx", "pdf" …; default: every type in types.TYPES);
    ``max_bytes`` can only lower settings.UPLOAD_MAX_BYTES (clamd refuses more anyway).
    Raises TooLarge or DomainError (``code`` says which check refused) with a Chinese message.
    """
    return file_ingest_many(
        actor=actor,
        files=[(name, data_or_fileobj)],
        max_bytes=max_bytes,
        allowed_types=allowed_types,
        check_classification=check_classification,
        purpose=purpose,
    )[0]


def file_ingest_many(
    *,
    actor: Any,
    files: Sequence[tuple[str, Data]],
    max_bytes: int | None = None,
    allowed_types: Collection[str] | None = None,
    check_classification: bool = True,
    purpose: str = "",
) -> list[Upload]:
    """file_ingest for several files (a mail's attachments): every file is checked first, and
    when one is refused none of them is stored."""
    _require_uploader(actor)
    limit = min(max_bytes or settings.UPLOAD_MAX_BYTES, settings.UPLOAD_MAX_BYTES)
    allowed = pipeline.normalise_allowed(allowed_types)
    items = []
    for name, data_or_fileobj in files:
        clean = clean_filename(name or getattr(data_or_fileobj, "name", "") or "")
        data, size = _read_bounded(data_or_fileobj, limit)
        item = pipeline.Incoming(
            name=clean,
            data=data,
            declared_size=size,
            max_bytes=limit,
            allowed_types=allowed,
            check_classification=check_classification,
        )
        try:
            pipeline.run_steps(item)
        except DomainError as exc:
            _record_refusal(actor=actor, item=item, error=exc)
            raise
        items.append(item)
    return _store(actor=actor, items=items, purpose=purpose[:60])


def _store(*, actor: Any, items: list[pipeline.Incoming], purpose: str) -> list[Upload]:
    # The bytes go first, so a row never points at missing content. If the transaction then
    # fails, an orphan is harmless: it is named by its hash and reused by the next upload.
    how = [_ensure_content(item) for item in items]
    with transaction.atomic():
        return [
            _record(actor=actor, item=item, how=h, purpose=purpose)
            for item, h in zip(items, how, strict=True)
        ]


def _record(*, actor: Any, item: pipeline.Incoming, how: str, purpose: str) -> Upload:
    stored, created = StoredFile.objects.get_or_create(
        sm3=item.sm3,
        defaults={
            "size": len(item.data),
            "content_type": item.content_type,
            "storage_name": storage_name_for(item.sm3),
            "scanned_at": item.scanned_at,
            "scanner_version": item.scanner_version,
            "text": item.text,
        },
    )
    if not created:  # scanned again just now, perhaps with newer signatures
        StoredFile.objects.filter(pk=stored.pk).update(
            scanned_at=item.scanned_at, scanner_version=item.scanner_version
        )
    upload = Upload.objects.create(
        name=item.name,
        stored_file=stored,
        uploaded_by=actor,
        unit_id=actor.unit_id,
        purpose=purpose,
        created_at=timezone.now(),
    )
    audit_record(
        actor=actor,
        action="files.uploaded",
        target=upload,
        details={
            "name": item.name,
            "sm3": item.sm3,
            "size": stored.size,
            "purpose": purpose,
            "content_type": stored.content_type,
            "stored": "new" if created else "deduplicated",
            "storage": how,
            "scanner_version": item.scanner_version,
        },
    )
    return upload


def _ensure_content(item: pipeline.Incoming) -> str:
    """Put the bytes at their SM3 name unless identical bytes are already there."""
    name = storage_name_for(item.sm3)
    how = "written"
    if default_storage.exists(name):
        if _stored_hash(name) == item.sm3:
            return "present"
        default_storage.delete(name)  # a damaged or altered copy: the verified bytes replace it
        how = "repaired"
    saved = default_storage.save(name, ContentFile(item.data))
    if saved != name:  # the same content was written by a parallel upload a moment ago
        default_storage.delete(saved)
    return how


def _stored_hash(name: str) -> str:
    with default_storage.open(name, "rb") as fh:
        return sm3_hex(fh.read())


def _record_refusal(*, actor: Any, item: pipeline.Incoming, error: DomainError) -> None:
    """Audit the refusal; tell the security administrators about a virus or a dead scanner.
    Never lets a failure here replace the refusal the person must see."""
    details = {
        "name": item.name,
        "size": item.declared_size,
        "reason": error.code,
        "sm3": item.sm3,
        **item.notes,
    }
    try:
        with transaction.atomic():
            audit_refusal(
                actor=actor, action="files.upload_refused", message=error.message, details=details
            )
            _alert_for(actor=actor, item=item, error=error, details=details)
    except DatabaseError:
        log.exception("could not record the refused upload %s", item.name)


def _alert_for(
    *, actor: Any, item: pipeline.Incoming, error: DomainError, details: dict[str, Any]
) -> None:
    who = f"{actor.unit}的{actor.display_name}"
    if error.code == "virus_found":
        security_alert_raise(
            kind="upload_infected",
            severity=SecurityAlert.Severity.WARNING,
            unit=actor.unit,
            message=f"{who}上传的附件“{item.name}”未通过病毒扫描，已拒绝：{error.message}",
            details=details,
            dedupe_key=f"{actor.unit_id}:{item.sm3}",
        )
    elif error.code == "scanner_unavailable":
        security_alert_raise(
            kind="virus_scanner_unavailable",
            severity=SecurityAlert.Severity.WARNING,
            message="病毒扫描服务（clamd）无法连接，所有上传正被拒绝。请系统管理员检查扫描服务"
            "（python manage.py clamd status）。",
            details=details,
            dedupe_key="clamd",
        )


def file_open_verified(*, stored_file: StoredFile) -> bytes:
    """The stored bytes, after checking their SM3 hash against the one recorded at upload.

    Refuses (DomainError, and a security alert) when the content is missing or was changed."""
    try:
        with default_storage.open(stored_file.storage_name, "rb") as fh:
            data = fh.read()
    except OSError:
        _integrity_alert(stored_file, "missing")
        raise DomainError(MISSING, code="file_missing") from None
    if len(data) != stored_file.size or sm3_hex(data) != stored_file.sm3:
        _integrity_alert(stored_file, "changed")
        raise DomainError(TAMPERED, code="file_tampered")
    return data


def _integrity_alert(stored_file: StoredFile, problem: str) -> None:
    what = "找不到" if problem == "missing" else "与登记的 SM3 校验值不符"
    try:
        with transaction.atomic():
            security_alert_raise(
                kind="file_integrity",
                severity=SecurityAlert.Severity.CRITICAL,
                message=f"存储中的文件 {stored_file.storage_name} {what}，已拒绝提供下载。"
                "请核查存储是否被改动，并从备份恢复。",
                details={"sm3": stored_file.sm3, "problem": problem},
                dedupe_key=f"{problem}:{stored_file.sm3}",
            )
    except DatabaseError:
        log.exception("could not raise the integrity alert for %s", stored_file.sm3)
