"""What the exchange app calls when it sends a sealed document (see documents-contract)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from wenshu.accounts.models import User
from wenshu.audit.services import audit_record
from wenshu.documents.models import Document
from wenshu.documents.services._common import NOT_FOUND, lock
from wenshu.lib.errors import Conflict, NotFound
from wenshu.workflow.models import WorkItem

ALREADY_SENT = "该公文已发出，不能重复发送"


def document_mark_sent(*, actor: User, document: Document, sent_at: datetime) -> Document:
    """SEALED → SENT with the send time. Exchange calls it inside its sending transaction
    (after locking the document), then completes the 分发 step (`dispatch_work_item`): the
    分发 step refuses to complete until the document is marked sent."""
    with transaction.atomic():
        doc = lock(document)
        if doc.unit_id != actor.unit_id or not actor.is_active:
            raise NotFound(NOT_FOUND)
        if doc.status == Document.Status.SENT:
            raise Conflict(ALREADY_SENT)
        if doc.status != Document.Status.SEALED:
            raise Conflict(f"该公文{doc.get_status_display()}，用印后才能发送")
        doc.move_to(Document.Status.SENT)
        doc.sent_at = sent_at
        doc.save(update_fields=["status", "sent_at", "updated_at"])
        audit_record(
            actor=actor,
            action="documents.sent",
            target=doc,
            unit=doc.unit,
            details={"doc_number": doc.doc_number, "sent_at": sent_at.isoformat()},
        )
    document.status, document.sent_at = doc.status, doc.sent_at
    return doc


def dispatch_work_item(*, document: Document) -> WorkItem | None:
    """The open 分发 step of the document's flow (None when there is none)."""
    if document.process_id is None:
        return None
    return (
        WorkItem.objects.select_related("instance", "assignee", "unit", "candidate_department")
        .filter(
            instance_id=document.process_id, task_spec_id="dispatch", status=WorkItem.Status.OPEN
        )
        .order_by("id")
        .first()
    )
