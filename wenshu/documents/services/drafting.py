"""Writing a draft (拟稿): its elements, its body (typed or from a .docx), its attachments.

Uploads reach these services already scanned and stored: the caller runs
`wenshu.files.services.file_ingest` first (ClamAV, type, 密级标志 in the file's text), outside
any transaction, and passes the Upload.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from wenshu.accounts.models import User
from wenshu.audit.services import audit_record
from wenshu.documents import body as body_text
from wenshu.documents.models import (
    DocType,
    Document,
    DocumentAttachment,
    Series,
    Urgency,
)
from wenshu.documents.services._common import (
    check_no_marking,
    check_unclassified,
    lock_own_draft,
    require_drafter_role,
)
from wenshu.files.models import Upload
from wenshu.files.services import file_open_verified
from wenshu.lib.errors import DomainError, Forbidden
from wenshu.lib.textextract import docx_paragraphs
from wenshu.org.models import Unit
from wenshu.seals.models import Seal

MAX_ATTACHMENTS = 50
_LIMITS = {
    "title": ("标题", 200),
    "issuer_mark": ("发文机关标志", 100),
    "main_recipients": ("主送机关", 500),
    "issuer_signature": ("发文机关署名", 200),
    "note": ("附注", 500),
    "cc": ("抄送机关", 1000),
    "printer": ("印发机关", 200),
}


@dataclass
class DraftInput:
    """What the drafter fills in. The body comes from `body_upload` (a .docx the actor just
    uploaded through file_ingest), else `body` (structured), else `body_text` (the textarea);
    all None keeps the body as it is."""

    doc_type: str
    title: str
    series: str = Series.FILE
    urgency: str = ""
    secrecy: str = "非密"
    secrecy_period: str = ""
    issuer_mark: str = ""
    main_recipients: str = ""
    body: list[dict[str, Any]] | None = None
    body_text: str | None = None
    issuer_signature: str = ""
    note: str = ""
    cc: str = ""
    printer: str = ""
    seal_id: int | None = None
    body_upload: Upload | None = None


def default_issuer_mark(unit: Unit, series: str) -> str:
    if series == Series.LETTER:
        return unit.full_name
    if series == Series.MINUTES:
        return f"{unit.full_name}会议纪要"
    return f"{unit.full_name}文件"


def _one_line(value: str | None) -> str:
    return " ".join((value or "").split())


def _clean_text_fields(data: DraftInput, unit: Unit) -> dict[str, str]:
    values = {name: _one_line(getattr(data, name)) for name in _LIMITS}
    # One recipient per line in the form; stored as the 版记 prints it, joined by 、
    values["cc"] = "、".join(_one_line(p) for p in (data.cc or "").splitlines() if p.strip())
    if not values["title"]:
        raise DomainError("请填写公文标题。")
    values["issuer_mark"] = values["issuer_mark"] or default_issuer_mark(unit, data.series)
    values["issuer_signature"] = values["issuer_signature"] or unit.full_name
    values["printer"] = values["printer"] or f"{unit.full_name}办公室"
    for name, (label, limit) in _LIMITS.items():
        if len(values[name]) > limit:
            raise DomainError(f"{label}不能超过 {limit} 个字。")
    return values


def _check_choices(data: DraftInput) -> None:
    if data.doc_type not in DocType.values:
        raise DomainError("请选择文种（通知、请示、函等）。")
    if data.series not in Series.values:
        raise DomainError("请选择编号序列（文件、函或纪要）。")
    if (data.urgency or "") not in Urgency.values:
        raise DomainError("紧急程度只能是“特急”“加急”或不标注。")


def _seal_for(unit: Unit, seal_id: int | None) -> Seal | None:
    if seal_id in (None, ""):
        return None
    seal = Seal.objects.filter(pk=seal_id, unit=unit, status=Seal.Status.IN_USE).first()
    if seal is None:
        raise DomainError("所选印章不是本单位在用的电子印章，请重新选择。")
    return seal


def _body_of(data: DraftInput) -> list[dict[str, str]] | None:
    if data.body is not None:
        return body_text.check(data.body)
    if data.body_text is not None:
        return body_text.parse_text(data.body_text)
    return None


def _docx_body(actor: User, upload: Upload) -> list[dict[str, str]]:
    _own_upload(actor, upload)
    if not upload.name.lower().endswith(".docx"):
        raise DomainError("正文文件须为 Word 文档（.docx）。")
    paragraphs = docx_paragraphs(file_open_verified(stored_file=upload.stored_file))
    new_body = body_text.from_docx(paragraphs)
    if not new_body:
        raise DomainError("该 Word 文件中没有正文文字。")
    return new_body


def clean_input(data: DraftInput, actor: User, unit: Unit) -> dict[str, Any]:
    """Validated model values; refuses classified levels and 密级标志 in any element."""
    _check_choices(data)
    check_unclassified(secrecy=data.secrecy, secrecy_period=data.secrecy_period)
    values: dict[str, Any] = _clean_text_fields(data, unit)
    if data.body_upload is not None:
        body: list[dict[str, str]] | None = _docx_body(actor, data.body_upload)
        values.update(body_source=Document.BodySource.DOCX, body_original=data.body_upload)
    else:
        body = _body_of(data)
        if body is not None:
            # Typed (or sent) text: the body is now the drafter's, not an uploaded file's.
            values.update(body_source=Document.BodySource.TYPED, body_original=None)
    check_no_marking(
        [
            ("标题", values["title"]),
            ("发文机关标志", values["issuer_mark"]),
            ("主送机关", values["main_recipients"]),
            ("正文", body_text.plain_text(body or [])),
            ("发文机关署名", values["issuer_signature"]),
            ("附注", values["note"]),
            ("抄送机关", values["cc"]),
            ("印发机关", values["printer"]),
        ]
    )
    values.update(
        doc_type=data.doc_type,
        series=data.series,
        urgency=data.urgency or "",
        secrecy="非密",
        secrecy_period="",
        seal=_seal_for(unit, data.seal_id),
    )
    if body is not None:
        values["body"] = body
    return values


def document_create(*, actor: User, data: DraftInput) -> Document:
    """A new draft of the actor's unit, written by the actor."""
    require_drafter_role(actor)
    values = clean_input(data, actor, actor.unit)
    with transaction.atomic():
        document = Document.objects.create(unit=actor.unit, drafter=actor, **values)
        audit_record(
            actor=actor,
            action="documents.created",
            target=document,
            unit=actor.unit,
            details={"title": document.title, "doc_type": document.doc_type},
        )
    return document


def document_update(*, actor: User, document: Document, data: DraftInput) -> Document:
    """The drafter changes a draft (new, or returned to them). Frozen once submitted."""
    with transaction.atomic():
        doc = lock_own_draft(actor, document)
        values = clean_input(data, actor, doc.unit)
        changed = sorted(k for k, v in values.items() if getattr(doc, k) != v)
        for name, value in values.items():
            setattr(doc, name, value)
        doc.save()
        audit_record(
            actor=actor,
            action="documents.updated",
            target=doc,
            unit=doc.unit,
            details={"changed": changed},
        )
    return doc


def _own_upload(actor: User, upload: Upload) -> None:
    if upload.uploaded_by_id != actor.pk:
        raise Forbidden("只能使用您本人刚上传的文件。")


def document_body_from_docx(*, actor: User, document: Document, upload: Upload) -> Document:
    """Replace only the body with the text of an uploaded .docx; the file is kept as the
    original (body-original in the package)."""
    new_body = _docx_body(actor, upload)
    check_no_marking([("正文", body_text.plain_text(new_body))])
    with transaction.atomic():
        doc = lock_own_draft(actor, document)
        doc.body, doc.body_original = new_body, upload
        doc.body_source = Document.BodySource.DOCX
        doc.save(update_fields=["body", "body_original", "body_source", "updated_at"])
        audit_record(
            actor=actor,
            action="documents.body_uploaded",
            target=doc,
            unit=doc.unit,
            details={"upload_id": upload.pk, "name": upload.name, "paragraphs": len(new_body)},
        )
    return doc


def _next_position(doc: Document) -> int:
    count = doc.attachments.count()
    if count >= MAX_ATTACHMENTS:
        raise DomainError(f"附件不能超过 {MAX_ATTACHMENTS} 个。")
    return count + 1


def _attachment_title(title: str, fallback: str) -> str:
    clean = _one_line(title) or fallback
    if len(clean) > 200:
        raise DomainError("附件名称不能超过 200 个字。")
    check_no_marking([("附件名称", clean)])
    return clean


def attachment_add(
    *, actor: User, document: Document, upload: Upload, title: str = ""
) -> DocumentAttachment:
    """Attach an uploaded (scanned) file; its title defaults to the file name."""
    _own_upload(actor, upload)
    stem = upload.name.rpartition(".")[0] or upload.name
    with transaction.atomic():
        doc = lock_own_draft(actor, document)
        attachment = DocumentAttachment.objects.create(
            document=doc,
            position=_next_position(doc),
            title=_attachment_title(title, stem),
            upload=upload,
            added_by=actor,
        )
        _touch(doc)
        audit_record(
            actor=actor,
            action="documents.attachment_added",
            target=doc,
            unit=doc.unit,
            details={"position": attachment.position, "upload_id": upload.pk, "name": upload.name},
        )
    return attachment


def attachment_add_paper(
    *, actor: User, document: Document, title: str, description: str
) -> DocumentAttachment:
    """Record a paper-only attachment (article 34: books, drawings): no file, a description."""
    description = _one_line(description)
    if not _one_line(title):
        raise DomainError("请填写纸质附件的名称。")
    if not description or len(description) > 300:
        raise DomainError("请说明纸质附件的内容和送达方式（不超过 300 字）。")
    check_no_marking([("纸质附件说明", description)])
    with transaction.atomic():
        doc = lock_own_draft(actor, document)
        attachment = DocumentAttachment.objects.create(
            document=doc,
            position=_next_position(doc),
            title=_attachment_title(title, ""),
            paper_only=True,
            description=description,
            added_by=actor,
        )
        _touch(doc)
        audit_record(
            actor=actor,
            action="documents.attachment_added",
            target=doc,
            unit=doc.unit,
            details={"position": attachment.position, "paper_only": True},
        )
    return attachment


def attachment_remove(*, actor: User, document: Document, attachment_id: int) -> None:
    """Remove an attachment from a draft; the ones after it move up one place."""
    with transaction.atomic():
        doc = lock_own_draft(actor, document)
        attachment = doc.attachments.filter(pk=attachment_id).first()
        if attachment is None:
            raise DomainError("找不到该附件，可能已被删除。请刷新页面。")
        position = attachment.position
        attachment.delete()
        for later in doc.attachments.filter(position__gt=position).order_by("position"):
            later.position -= 1
            later.save(update_fields=["position"])
        _touch(doc)
        audit_record(
            actor=actor,
            action="documents.attachment_removed",
            target=doc,
            unit=doc.unit,
            details={"position": position, "title": attachment.title},
        )


def _touch(doc: Document) -> None:
    doc.save(update_fields=["updated_at"])
