"""Using a seal (articles 18 and 22): a request names the data digest, k of the seal's n
custodians approve it, and it signs exactly once within 24 hours."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from wenshu.accounts.models import User
from wenshu.accounts.roles import Role
from wenshu.audit.services import audit_record
from wenshu.lib import gm, ses
from wenshu.lib.errors import Conflict, DomainError, Forbidden, NotFound
from wenshu.seals import selectors
from wenshu.seals.models import Seal, SealUseApproval, SealUseRequest
from wenshu.seals.services._common import (
    active_custodian_ids,
    notify,
    unwrap_private_key,
    use_link,
)

USE_WINDOW = timedelta(hours=24)
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
Status = SealUseRequest.Status


@dataclass(frozen=True)
class SignedSeal:
    """What a sealed document keeps: the signature and, for convenience, what it embeds."""

    request_id: int
    es_id: str
    signed_at: datetime
    signature_der: bytes
    seal_der: bytes
    signer_cert_der: bytes


def normalise_digest(digest_hex: str) -> str:
    digest = (digest_hex or "").strip().lower()
    if not _HEX64.match(digest):
        raise DomainError("数据摘要必须是 64 位十六进制的 SM3 值")
    return digest


@transaction.atomic
def seal_use_request(
    *, actor: User, seal: Seal, digest_hex: str, purpose: str, notify_custodians: bool = True
) -> SealUseRequest:
    """A clerk (or the unit's administrator) of the seal's unit asks to use it on a digest.

    The custodians are told once per request. An app whose own step already tells them (the
    document flow's 用印 work items) passes `notify_custodians=False`."""
    locked = selectors.seal_get(viewer=actor, pk=seal.pk, lock=True)
    if actor.unit_id != locked.unit_id:
        raise NotFound("找不到该印章，或您无权查看。")
    if not actor.has_role(Role.CLERK, Role.UNIT_ADMIN):
        raise Forbidden("只有本单位文书或单位系统管理员可以申请用印")
    if locked.status != Seal.Status.IN_USE:
        raise Conflict(f"该印章{locked.get_status_display()}，不能申请用印")
    if not purpose.strip() or len(purpose) > 300:
        raise DomainError("请填写用印事由（不超过 300 字）")
    now = timezone.now()
    req = SealUseRequest.objects.create(
        seal=locked,
        purpose=purpose.strip(),
        requested_by=actor,
        digest_hex=normalise_digest(digest_hex),
        expires_at=now + USE_WINDOW,
    )
    audit_record(
        actor=actor,
        action="seal.use_requested",
        target=req,
        unit=locked.unit,
        details={
            "es_id": locked.es_id,
            "digest_sm3": req.digest_hex,
            "purpose": req.purpose,
        },
    )
    if notify_custodians:
        custodians = [
            c.person for c in selectors.seal_custodians(seal=locked) if c.person_id != actor.pk
        ]
        notify(
            custodians,
            title="有用印申请待您审批",
            body=f"{locked.name}：{req.purpose}",
            link=use_link(req.pk),
        )
    return req


def cancelled_message(req: SealUseRequest, what: str) -> str:
    """The refusal a stale page or a second click on a cancelled request gets."""
    reason = f"（{req.cancel_reason}）" if req.cancel_reason else ""
    return f"该用印申请已撤销{reason}，{what}。"


def _may_cancel(actor: User, req: SealUseRequest) -> bool:
    return actor.unit_id == req.seal.unit_id and (
        actor.pk == req.requested_by_id or actor.has_role(Role.CLERK, Role.UNIT_ADMIN)
    )


def seal_use_cancel(
    *, actor: User, request: SealUseRequest, reason: str, caller_checked: bool = False
) -> SealUseRequest:
    """Withdraw a use that has not signed yet: it leaves the custodians' queue at once and
    keeps its reason in its history.

    The requester or a clerk of the seal's unit may cancel. Another app that owns the
    request's subject (the document work, when a document leaves its 用印 step) has checked
    its own rule for `actor` and passes `caller_checked=True`."""
    reason = (reason or "").strip()
    if not reason or len(reason) > 300:
        raise DomainError("请填写撤销用印申请的原因（不超过 300 字）")
    with transaction.atomic():
        req = _lock_request(actor, request)
        if not (caller_checked or _may_cancel(actor, req)):
            raise Forbidden("只有申请人或本单位文书可以撤销用印申请")
        if req.status == Status.CANCELLED:
            raise Conflict(cancelled_message(req, "请勿重复撤销"))
        if req.status not in (Status.PENDING, Status.APPROVED):
            raise Conflict(f"该用印申请{req.get_status_display()}，不能撤销")
        before = req.status
        req.transition(Status.CANCELLED)
        req.cancelled_at, req.cancelled_by, req.cancel_reason = timezone.now(), actor, reason
        req.save(update_fields=["status", "cancelled_at", "cancelled_by", "cancel_reason"])
        if actor.pk != req.requested_by_id:
            notify(
                [req.requested_by],
                title="用印申请已撤销",
                body=f"{req.purpose}：{reason}",
                link=use_link(req.pk),
            )
        audit_record(
            actor=actor,
            action="seal.use_cancelled",
            target=req,
            unit=req.seal.unit,
            details={"es_id": req.seal.es_id, "reason": reason, "status_before": before},
        )
    return req


def _lock_request(actor: User, request: SealUseRequest) -> SealUseRequest:
    """Lock the request's seal, then the request (the order loss and destruction use)."""
    found = selectors.use_request_get(viewer=actor, pk=request.pk)  # 404 for outsiders
    seal = Seal.objects.select_for_update(of=("self",)).select_related("unit").get(pk=found.seal_id)
    req = SealUseRequest.objects.select_for_update(of=("self",)).get(pk=found.pk)
    req.seal = seal
    return req


def _is_expired(req: SealUseRequest, now: datetime) -> bool:
    return req.status == Status.EXPIRED or (
        req.status in (Status.PENDING, Status.APPROVED) and req.expires_at <= now
    )


def _approvals(req: SealUseRequest, custodian_ids: set[int]) -> tuple[int, int]:
    rows = list(
        req.approvals.filter(custodian_id__in=custodian_ids).values_list("approve", flat=True)
    )
    return sum(1 for a in rows if a), sum(1 for a in rows if not a)


def _expire(req: SealUseRequest) -> None:
    # Recorded in its own transaction so the refusal that follows cannot roll it back.
    SealUseRequest.objects.filter(pk=req.pk, status__in=[Status.PENDING, Status.APPROVED]).update(
        status=Status.EXPIRED
    )


def seal_use_decide(
    *, actor: User, request: SealUseRequest, approve: bool, opinion: str = ""
) -> SealUseRequest:
    """One custodian approves or refuses a use; k approvals make it usable, and it is refused
    as soon as the remaining custodians can no longer reach k."""
    with transaction.atomic():
        req = _lock_request(actor, request)
        expired = _is_expired(req, timezone.now())
        if not expired:
            _decide_locked(actor, req, approve, opinion)
    if expired:
        _expire(req)
        raise Conflict("该用印申请已超过 24 小时或已失效，请重新申请")
    return req


def _decide_locked(actor: User, req: SealUseRequest, approve: bool, opinion: str) -> None:
    custodians = active_custodian_ids(req.seal)
    if actor.pk not in custodians:
        raise Forbidden("您不是该印章的保管人，不能审批用印")
    if actor.pk == req.requested_by_id:
        raise Forbidden("不能审批自己提出的用印申请")
    if req.status == Status.CANCELLED:
        raise Conflict(cancelled_message(req, "无需再审批"))
    if req.status != Status.PENDING:
        raise Conflict(f"该用印申请{req.get_status_display()}，不能再审批")
    if req.approvals.filter(custodian=actor).exists():
        raise Conflict("您已审批过该用印申请，不能重复审批")
    if len(opinion) > 300:
        raise DomainError("意见不能超过 300 字")
    SealUseApproval.objects.create(
        request=req, custodian=actor, approve=approve, opinion=opinion.strip()
    )
    yes, no = _approvals(req, custodians)
    k, n = req.seal.threshold_k, len(custodians - {req.requested_by_id})
    if yes >= k:
        req.transition(Status.APPROVED)
    elif n - no < k:
        req.transition(Status.REFUSED)
    req.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="seal.use_approved" if approve else "seal.use_refused",
        target=req,
        unit=req.seal.unit,
        details={
            "es_id": req.seal.es_id,
            "approvals": yes,
            "refusals": no,
            "threshold_k": k,
            "status": req.status,
        },
    )
    if req.status != Status.PENDING:
        title = (
            "用印申请已获保管人同意" if req.status == Status.APPROVED else "用印申请未获保管人同意"
        )
        notify([req.requested_by], title=title, body=req.purpose, link=use_link(req.pk))


def _may_sign(actor: User, req: SealUseRequest) -> bool:
    return actor.unit_id == req.seal.unit_id and (
        actor.pk == req.requested_by_id or actor.has_role(Role.CLERK)
    )


def seal_sign(*, actor: User, request: SealUseRequest, property_info: str = "") -> SignedSeal:
    """Apply the seal to the request's digest. Refuses a seal not in use, fewer than k
    approvals from distinct current custodians, a used request or one past 24 hours."""
    with transaction.atomic():
        req = _lock_request(actor, request)
        if not _may_sign(actor, req):
            raise Forbidden("只有申请人或本单位文书可以用印")
        if req.status == Status.USED:
            raise Conflict("该用印申请已用印，一次申请只能用印一次")
        if req.status == Status.CANCELLED:
            raise Conflict(cancelled_message(req, "不能用印"))
        if req.seal.status != Seal.Status.IN_USE:
            raise Conflict(f"该印章{req.seal.get_status_display()}，不能用印")
        if req.status == Status.REFUSED:
            raise Conflict("该用印申请未获保管人同意，不能用印")
        expired = _is_expired(req, timezone.now())
        if not expired:
            return _sign_locked(actor, req, property_info)
    _expire(req)
    raise Conflict("该用印申请已超过 24 小时或已失效，请重新申请")


def _sign_locked(actor: User, req: SealUseRequest, property_info: str) -> SignedSeal:
    seal = req.seal  # locked by _lock_request
    if seal.status != Seal.Status.IN_USE:
        raise Conflict(f"该印章{seal.get_status_display()}，不能用印")
    yes, _ = _approvals(req, active_custodian_ids(seal) - {req.requested_by_id})
    if yes < seal.threshold_k:
        raise Conflict(f"用印须经 {seal.threshold_k} 名保管人同意，目前只有 {yes} 名")
    now = timezone.now()
    key = unwrap_private_key(seal.wrapped_key, seal.wrap_aad)
    try:
        signature = ses.sign_data(
            seal_der=bytes(seal.seal_der),
            signer_key=key,
            signer_cert_der=bytes(seal.signer_cert_der),
            data_hash=bytes.fromhex(req.digest_hex),
            property_info=property_info or f"wenshu-use-{req.pk}",
            time=now,
        )
    except ses.SesError as exc:
        raise Conflict(f"不能用印：{exc}") from exc
    finally:
        del key
    if req.status == Status.PENDING:
        req.transition(Status.APPROVED)  # k approvals counted now (e.g. after a custodian change)
    req.transition(Status.USED)
    req.used_at, req.used_by, req.signature_der = now, actor, signature
    req.save(update_fields=["status", "used_at", "used_by", "signature_der"])
    audit_record(
        actor=actor,
        action="seal.signed",
        target=req,
        unit=seal.unit,
        details={
            "es_id": seal.es_id,
            "digest_sm3": req.digest_hex,
            "signature_sm3": gm.sm3_hex(signature),
        },
    )
    return SignedSeal(
        request_id=req.pk,
        es_id=seal.es_id,
        signed_at=now.replace(microsecond=0),
        signature_der=signature,
        seal_der=bytes(seal.seal_der),
        signer_cert_der=bytes(seal.signer_cert_der),
    )


def seal_use_expire_stale() -> int:
    """Periodic: mark requests older than 24 hours expired (the sign path checks anyway)."""
    return SealUseRequest.objects.filter(
        status__in=[Status.PENDING, Status.APPROVED], expires_at__lte=timezone.now()
    ).update(status=Status.EXPIRED)
