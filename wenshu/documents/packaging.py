"""The canonical package of a document (wenshu-package/1, see wenshu.lib.package).

Decided here: the GB/T 9704 PDF — with the seal picture over the signature — is rendered
BEFORE signing and is a member the signed digest covers, so the printed form cannot be
swapped after sealing. When 用印 begins the metadata (document.json) and the PDF are built
once and kept byte for byte (SealAttempt); the body, the original .docx and the attachments
are immutable by then (the document is frozen at 签发, and files are content-addressed),
so the package written after the custodians approve is exactly the one they approved.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.utils import timezone

from wenshu.documents import body as body_text
from wenshu.documents.models import Document
from wenshu.documents.rendering import cc_list
from wenshu.files.services import file_open_verified
from wenshu.lib.package import Member, MemberRole, member_name

SCHEMA = "wenshu-document/1"
BODY_NAME = member_name(MemberRole.BODY, "正文.txt")


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return timezone.localtime(moment).replace(microsecond=0).isoformat()


def _attachments_json(document: Document) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for a in document.attachments.select_related("upload").order_by("position"):
        row: dict[str, Any] = {"index": a.position, "title": a.title}
        if a.upload is None:  # paper-only (article 34)
            row.update(paper_only=True, description=a.description)
        else:
            row["member"] = member_name(MemberRole.ATTACHMENT, a.upload.name, index=a.position)
        rows.append(row)
    return rows


def metadata(document: Document, *, sender_name: str, prepared_at: datetime) -> dict[str, Any]:
    """document.json: every GB/T 9704 element, the sender as named now, and who approved."""
    seal = document.seal
    original = document.body_original
    return {
        "schema": SCHEMA,
        "id": document.pk,
        "doc_type": document.doc_type,
        "series": document.get_series_display(),
        "copy_number": "",  # 份号 is per printed copy
        "secrecy": document.secrecy,
        "secrecy_period": document.secrecy_period,
        "urgency": document.urgency,
        "issuer_mark": document.issuer_mark,
        "doc_number": document.doc_number,
        "signer": document.signer_name,
        "title": document.title,
        "main_recipients": document.main_recipients,
        "body": [{"kind": p["kind"], "text": p["text"]} for p in document.body],
        "body_member": BODY_NAME,
        "body_original": member_name(MemberRole.BODY_ORIGINAL, original.name) if original else None,
        "attachments": _attachments_json(document),
        "issuer_signature": document.issuer_signature,
        "issue_date": document.issue_date.isoformat() if document.issue_date else None,
        "note": document.note,
        "cc": list(cc_list(document.cc)),
        "printer": document.printer,
        "print_date": document.print_date.isoformat() if document.print_date else None,
        "sender": {
            "unit_id": document.unit_id,
            "unit_name": sender_name,
            "agency_code": document.unit.agency_code,
        },
        "seal": {"es_id": seal.es_id, "name": seal.name} if seal else None,
        "drafted_by": document.drafter.display_name,
        "approved_by": document.signed_by.display_name if document.signed_by else "",
        "approved_at": _iso(document.approved_at),
        "prepared_at": _iso(prepared_at),
    }


def members(document: Document, *, pdf: bytes) -> list[Member]:
    """The files the digest covers: body text, original .docx, attachments, the PDF."""
    found = [Member(BODY_NAME, body_text.to_text(document.body).encode("utf-8"), MemberRole.BODY)]
    original = document.body_original
    if original is not None:
        data = file_open_verified(stored_file=original.stored_file)
        found.append(
            Member(
                member_name(MemberRole.BODY_ORIGINAL, original.name), data, MemberRole.BODY_ORIGINAL
            )
        )
    for a in document.attachments.select_related("upload__stored_file").order_by("position"):
        if a.upload is None:  # paper-only: listed in document.json, no file
            continue
        data = file_open_verified(stored_file=a.upload.stored_file)
        name = member_name(MemberRole.ATTACHMENT, a.upload.name, index=a.position)
        found.append(Member(name, data, MemberRole.ATTACHMENT))
    found.append(Member(member_name(MemberRole.PDF, "document.pdf"), pdf, MemberRole.PDF))
    return found


def document_from_json(raw: bytes | memoryview) -> dict[str, Any]:
    return json.loads(bytes(raw).decode("utf-8"))
