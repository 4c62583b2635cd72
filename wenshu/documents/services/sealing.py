"""用印 (S1 art. 35): the canonical package, k custodians' approval, the seal's signature.

When the flow reaches 用印 (`prepare`, from the task_ready handler inside the sign-off's
transaction) the package is built — document.json, body, original .docx, attachments and
the GB/T 9704 PDF with the seal picture — and the seals service is asked to use the
document's seal on the manifest's SM3 digest. The request is made in the name of the unit's
sealing clerk (the 分发 clerk chosen at 送审, else the drafter when a clerk, else the
unit's first clerk): the seals service lets only clerks ask for and apply a seal.

The seal's custodians decide on this app's 用印 page (`document_seal_decide`) or in the
seals queue. When k have agreed the package is signed (SES_Signature), written, stored as
the SealedPackage, the document becomes 已用印 and immutable, and the 用印 step completes
in the name of a custodian who agreed.
"""

from __future__ import annotations

import json

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from wenshu.accounts.models import User
from wenshu.accounts.roles import Role
from wenshu.audit.services import audit_record
from wenshu.documents import packaging, rendering, selectors
from wenshu.documents.models import Document, SealAttempt, SealedPackage
from wenshu.documents.services._common import lock
from wenshu.lib import gm
from wenshu.lib.errors import Conflict, DomainError, Forbidden
from wenshu.lib.package import build_manifest, write_package
from wenshu.notify.services import notify_send
from wenshu.seals.models import SealCustodian, SealUseApproval, SealUseRequest
from wenshu.seals.services import (
    cancelled_message,
    seal_sign,
    seal_use_cancel,
    seal_use_decide,
    seal_use_request,
)
from wenshu.workflow import selectors as wf_selectors
from wenshu.workflow.models import ProcessInstance, WorkItem
from wenshu.workflow.services import work_item_complete

ALREADY_SEALED = "该公文已用印，请勿重复办理。"


def _clerk(user: User | None, doc: Document) -> bool:
    return (
        user is not None
        and user.is_active
        and user.unit_id == doc.unit_id
        and user.has_role(Role.CLERK)
    )


def sealing_clerk(doc: Document, data: dict) -> User:
    """Who asks the seals service for this document's 用印 (see the module docstring)."""
    dispatcher = data.get("dispatcher")
    person = User.objects.filter(pk=dispatcher).first() if isinstance(dispatcher, int) else None
    for candidate in (person, doc.drafter):
        if _clerk(candidate, doc):
            return candidate  # type: ignore[return-value]
    first = (
        User.objects.filter(
            unit_id=doc.unit_id, status=User.Status.ACTIVE, role_grants__role=Role.CLERK.value
        )
        .order_by("id")
        .first()
    )
    if first is None:
        raise DomainError(
            "本单位没有在岗的文书，无法申请用印。请单位系统管理员为文书开通账号后再签发。"
        )
    return first


def _purpose(doc: Document) -> str:
    return f"公文用印：{doc.doc_number}《{doc.title}》"[:300]


def prepare(doc: Document, *, data: dict, actor: User | None) -> SealAttempt:
    """Build the package of the (locked, signed-off) document and ask to use its seal."""
    seal = doc.seal
    if seal is None:
        raise DomainError("该公文没有选择用印的印章，请退回拟稿人选择印章。")
    requester = sealing_clerk(doc, data)
    now = timezone.now()
    doc.print_date = timezone.localdate(now)
    pdf = rendering.render(rendering.gongwen_data(doc, seal_png=bytes(seal.picture_png)))
    meta = packaging.metadata(doc, sender_name=doc.unit.name_at(now), prepared_at=now)
    manifest = build_manifest(document=meta, members=packaging.members(doc, pdf=pdf))
    req = seal_use_request(  # the 用印 work items just made have told the custodians
        actor=requester,
        seal=seal,
        digest_hex=manifest.digest_hex,
        purpose=_purpose(doc),
        notify_custodians=False,
    )
    attempt = SealAttempt.objects.create(
        document=doc,
        seal=seal,
        use_request=req,
        digest_hex=manifest.digest_hex,
        document_json=manifest.document_json,
        pdf=pdf,
        requested_by=requester,
    )
    doc.save(update_fields=["print_date", "updated_at"])
    audit_record(
        actor=actor or requester,
        action="documents.seal_requested",
        target=doc,
        unit=doc.unit,
        details={
            "use_request_id": req.pk,
            "digest_sm3": manifest.digest_hex,
            "es_id": seal.es_id,
            "requested_by": requester.pk,
        },
    )
    return attempt


def _pending(doc: Document) -> SealAttempt:
    attempt = doc.seal_attempts.filter(status=SealAttempt.Status.PENDING).first()
    if attempt is None:
        raise Conflict("该公文当前没有待审批的用印申请，请刷新页面。")
    return attempt


def _lock_for_seal(actor: User, document: Document) -> Document:
    """Lock the document, then its process: the seal services write their audit events next,
    and the 用印 step is completed after them, so every row that step needs is held before
    the audit chain's head (see audit_record)."""
    doc = lock(selectors.document_for_viewer(viewer=actor, document_id=document.pk))
    if doc.process_id is not None:
        list(ProcessInstance.objects.select_for_update().filter(pk=doc.process_id))
    if doc.sealed_at is not None:
        raise Conflict(ALREADY_SEALED)
    if doc.status != Document.Status.APPROVED:
        latest = selectors.current_attempt(doc)
        if latest is not None and latest.use_request.status == SealUseRequest.Status.CANCELLED:
            raise Conflict(cancelled_message(latest.use_request, "无需再审批"))
        raise Conflict(f"该公文{doc.get_status_display()}，签发后才能用印。")
    return doc


def document_seal_decide(
    *, actor: User, document: Document, approve: bool, opinion: str = ""
) -> Document:
    """A custodian of the document's seal agrees or refuses; the k-th agreement seals it."""
    with transaction.atomic():
        doc = _lock_for_seal(actor, document)
        attempt = _pending(doc)
        req = seal_use_decide(
            actor=actor, request=attempt.use_request, approve=approve, opinion=opinion.strip()
        )
        if req.status == SealUseRequest.Status.APPROVED:
            _seal(actor, doc, attempt)
        elif req.status == SealUseRequest.Status.REFUSED:
            _refused(doc, attempt)
        audit_record(
            actor=actor,
            action="documents.seal_decided",
            target=doc,
            unit=doc.unit,
            details={"approve": approve, "use_request_id": req.pk, "request_status": req.status},
        )
    return doc


def document_seal_complete(*, actor: User, document: Document) -> Document:
    """Seal once k custodians have agreed in the seals queue (a custodian or a clerk)."""
    with transaction.atomic():
        doc = _lock_for_seal(actor, document)
        attempt = _pending(doc)
        custodian = SealCustodian.objects.filter(
            seal_id=attempt.seal_id, person=actor, active=True
        ).exists()
        if not (custodian or _clerk(actor, doc)):
            raise Forbidden("只有该印章的保管人或本单位文书可以完成用印。")
        _seal(actor, doc, attempt)
    return doc


def document_seal_rerequest(*, actor: User, document: Document) -> Document:
    """A clerk asks again after the custodians refused, or the request expired (24 hours)."""
    with transaction.atomic():
        doc = _lock_for_seal(actor, document)
        if not _clerk(actor, doc):
            raise Forbidden("只有本单位文书可以重新申请用印。")
        latest = selectors.current_attempt(doc)
        if latest is None:
            raise Conflict("该公文还没有用印申请。")
        old = SealUseRequest.objects.get(pk=latest.use_request_id)
        live = old.status in ("pending", "approved") and old.expires_at > timezone.now()
        if latest.status == SealAttempt.Status.PENDING and live:
            raise Conflict("当前用印申请仍在审批中，不需要重新申请。")
        if latest.status == SealAttempt.Status.PENDING:
            latest.status = SealAttempt.Status.EXPIRED
            latest.save(update_fields=["status"])
        req = seal_use_request(
            actor=actor,
            seal=latest.seal,
            digest_hex=latest.digest_hex,
            purpose=_purpose(doc),
            notify_custodians=False,
        )
        SealAttempt.objects.create(
            document=doc,
            seal=latest.seal,
            use_request=req,
            digest_hex=latest.digest_hex,
            document_json=bytes(latest.document_json),
            pdf=bytes(latest.pdf),
            requested_by=actor,
        )
        _tell_custodians_again(doc)
        audit_record(
            actor=actor,
            action="documents.seal_rerequested",
            target=doc,
            unit=doc.unit,
            details={"use_request_id": req.pk},
        )
    return doc


def _tell_custodians_again(doc: Document) -> None:
    """The 用印 step is still open with the same people: tell them once about the new request."""
    people = [
        item.assignee
        for item in WorkItem.objects.select_related("assignee").filter(
            instance_id=doc.process_id, task_spec_id="seal", status=WorkItem.Status.OPEN
        )
        if item.assignee is not None
    ]
    notify_send(
        recipients=people,
        title="待办：用印（已重新申请）",
        body=f"《{doc.title}》已重新申请用印，请及时办理。",
        link=reverse("documents:seal", args=[doc.pk]),
        kind="workflow",
    )


def _refused(doc: Document, attempt: SealAttempt) -> None:
    attempt.status = SealAttempt.Status.REFUSED
    attempt.save(update_fields=["status"])
    notify_send(
        recipients=[doc.drafter, attempt.requested_by],
        title="公文用印未获保管人同意",
        body=f"《{doc.title}》的用印申请未获印章保管人同意。可由文书重新申请用印，或作废该公文。",
        link=reverse("documents:seal", args=[doc.pk]),
        kind="documents",
    )


def _signature(doc: Document, attempt: SealAttempt, req: SealUseRequest) -> tuple[bytes, bytes]:
    """(signature_der, seal_der): applied now, or the one applied in the seals pages."""
    if req.status == SealUseRequest.Status.USED and req.signature_der:
        return bytes(req.signature_der), bytes(attempt.seal.seal_der)
    signed = seal_sign(
        actor=attempt.requested_by, request=req, property_info=f"wenshu-package/1;document={doc.pk}"
    )
    return signed.signature_der, signed.seal_der


def _seal(actor: User, doc: Document, attempt: SealAttempt) -> SealedPackage:
    if SealedPackage.objects.filter(document=doc).exists():
        raise Conflict(ALREADY_SEALED)
    members = packaging.members(doc, pdf=bytes(attempt.pdf))
    meta = packaging.document_from_json(attempt.document_json)
    manifest = build_manifest(document=meta, members=members)
    if manifest.digest_hex != attempt.digest_hex:
        raise Conflict("公文内容与申请用印时不一致，不能用印。请撤回签发后重新办理。")
    req = SealUseRequest.objects.get(pk=attempt.use_request_id)
    signature_der, seal_der = _signature(doc, attempt, req)
    data = write_package(
        manifest=manifest, members=members, seal_der=seal_der, signature_der=signature_der
    )
    package = SealedPackage.objects.create(
        document=doc,
        attempt=attempt,
        package=data,
        manifest=json.loads(manifest.to_json()),
        digest_hex=manifest.digest_hex,
        signature_der=signature_der,
        seal_der=seal_der,
        seal=attempt.seal,
        pdf=bytes(attempt.pdf),
        package_sm3=gm.sm3_hex(data),
    )
    attempt.status = SealAttempt.Status.SEALED
    attempt.save(update_fields=["status"])
    doc.move_to(Document.Status.SEALED)
    doc.sealed_at = timezone.now()
    doc.sender_name_at_sealing = meta["sender"]["unit_name"]
    doc.save()
    _complete_step(actor, doc, req)
    audit_record(
        actor=actor,
        action="documents.sealed",
        target=doc,
        unit=doc.unit,
        details={
            "doc_number": doc.doc_number,
            "digest_sm3": manifest.digest_hex,
            "package_sm3": package.package_sm3,
            "use_request_id": req.pk,
        },
    )
    return package


def _complete_step(actor: User, doc: Document, req: SealUseRequest) -> None:
    """Complete 用印 in the name of the acting custodian, else the last one who agreed."""
    items = list(
        WorkItem.objects.select_related("instance").filter(
            instance_id=doc.process_id, task_spec_id="seal", status=WorkItem.Status.OPEN
        )
    )
    if not items:
        return
    agreed = [
        a.custodian
        for a in SealUseApproval.objects.filter(request=req, approve=True)
        .select_related("custodian")
        .order_by("-decided_at", "-id")
    ]
    for person in [actor, *agreed]:
        item = next((i for i in items if wf_selectors.acting_for(viewer=person, item=i)), None)
        if item is not None:
            work_item_complete(
                actor=person,
                item=item,
                opinion=f"{len(agreed)} 名印章保管人同意用印，已完成电子签章。",
                data={"seal_use_request_id": req.pk},
            )
            return
    raise DomainError(
        "用印已获同意，但同意用印的保管人都不能办结“用印”环节，请联系单位系统管理员。"
    )


def withdraw_attempts(doc: Document, *, actor: User) -> None:
    """The signer withdraws the sign-off: allowed until a custodian has agreed. The seal use
    request is cancelled with it, so it leaves the custodians' queue at once."""
    for attempt in doc.seal_attempts.filter(status=SealAttempt.Status.PENDING):
        if SealUseApproval.objects.filter(request_id=attempt.use_request_id, approve=True).exists():
            raise Conflict("印章保管人已同意用印，签发不能撤回。")
        _close(attempt, actor=actor, reason=f"签发已撤回：{doc.doc_number}《{doc.title}》")


def close_attempts(doc: Document, *, actor: User | None, reason: str) -> None:
    """The document is cancelled (作废): its open seal use requests are cancelled too."""
    for attempt in doc.seal_attempts.filter(status=SealAttempt.Status.PENDING):
        _close(attempt, actor=actor, reason=f"公文已作废：{reason}")


def _close(attempt: SealAttempt, *, actor: User | None, reason: str) -> None:
    attempt.status = SealAttempt.Status.WITHDRAWN
    attempt.save(update_fields=["status"])
    req = attempt.use_request
    if req.status in (SealUseRequest.Status.PENDING, SealUseRequest.Status.APPROVED):
        seal_use_cancel(
            actor=actor or attempt.requested_by,
            request=req,
            reason=reason[:300],
            caller_checked=True,  # the flow's own rule let this actor withdraw or cancel
        )
