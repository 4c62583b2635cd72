"""Internet connection of OA computers (S2 第九条): never without approval; an approved computer
has genuine antivirus installed, recorded on the asset with its version; approvals can end."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from wenshu.accounts.models import User
from wenshu.assets.models import (
    INTERNET_TRANSITIONS,
    Asset,
    InternetRequest,
    RequestStatus,
)
from wenshu.assets.services._common import (
    RULE_ANTIVIRUS,
    audit_details,
    internet_link,
    lock_asset,
    notify,
    office_people,
    refuse_retired,
    require_office,
    text,
)
from wenshu.audit.services import audit_record
from wenshu.lib.errors import Conflict, DomainError, Forbidden, NotFound

R = RequestStatus
WHAT = "该联网申请"
RULE_INTERNET = "办公自动化系统的电脑未经允许严禁私自接入互联网（办公自动化管理办法第九条）"


def _antivirus(product: str, version: str) -> tuple[str, str]:
    product, version = (product or "").strip(), (version or "").strip()
    if not product or not version:
        raise DomainError(f"{RULE_ANTIVIRUS}：请填写已安装的杀毒软件名称和版本")
    return (
        text(product, "杀毒软件名称", max_length=120),
        text(version, "杀毒软件版本", max_length=60),
    )


@transaction.atomic
def internet_request(*, actor: User, asset: Asset, justification: str) -> InternetRequest:
    """Someone of the unit asks the office to let an OA computer join the internet."""
    locked = lock_asset(actor, asset.pk)
    refuse_retired(locked, "申请接入互联网")
    if not locked.is_computer:
        raise DomainError("只有计算机需要办理接入互联网审批")
    if locked.status == Asset.Status.MISSING:
        raise Conflict(f"设备 {locked.asset_number} 盘亏，不能申请接入互联网")
    if locked.internet_approved:
        raise Conflict(f"设备 {locked.asset_number} 已批准接入互联网，无需重复申请")
    req = InternetRequest(
        asset=locked,
        requested_by=actor,
        justification=text(justification, "接入理由", max_length=500),
    )
    try:
        with transaction.atomic():
            req.save()
    except IntegrityError as exc:
        raise Conflict(f"设备 {locked.asset_number} 已有待审批的联网申请") from exc
    audit_record(
        actor=actor,
        action="asset.internet_requested",
        target=req,
        unit=actor.unit,
        details=audit_details(locked, justification=req.justification),
    )
    notify(
        [p for p in office_people(locked.unit_id) if p.pk != actor.pk],
        title="有电脑联网申请待办公室审批",
        body=f"{locked}：{req.justification}",
        link=internet_link(req.pk),
    )
    return req


def _lock_request(actor: User, pk: int) -> tuple[InternetRequest, Asset]:
    asset_id = InternetRequest.objects.filter(pk=pk).values_list("asset_id", flat=True).first()
    if asset_id is None:
        raise NotFound("找不到该联网申请，或您无权查看。")
    asset = lock_asset(actor, asset_id)
    req = InternetRequest.objects.select_for_update().get(pk=pk)
    req.asset = asset
    return req, asset


@transaction.atomic
def internet_decide(
    *,
    actor: User,
    request: InternetRequest,
    approve: bool,
    antivirus_product: str = "",
    antivirus_version: str = "",
    note: str = "",
) -> InternetRequest:
    """The office approves (the antivirus in place is required and recorded on the asset)
    or refuses with a reason."""
    locked, asset = _lock_request(actor, request.pk)
    require_office(actor, asset.unit_id, rule=RULE_INTERNET)
    locked.move_to(R.APPROVED if approve else R.REJECTED, INTERNET_TRANSITIONS, WHAT)
    note = text(note, "办公室意见", max_length=500, required=not approve)
    now = timezone.now()
    if approve:
        refuse_retired(asset, "接入互联网")
        product, version = _antivirus(antivirus_product, antivirus_version)
        locked.antivirus_product, locked.antivirus_version = product, version
        asset.internet_approved, asset.internet_approved_at = True, now
        asset.antivirus_product, asset.antivirus_version = product, version
        asset.save()
    locked.decided_by, locked.decided_at, locked.decision_note = actor, now, note
    locked.save()
    audit_record(
        actor=actor,
        action=f"asset.internet_{locked.status}",
        target=locked,
        unit=actor.unit,
        details=audit_details(
            asset,
            antivirus=f"{locked.antivirus_product} {locked.antivirus_version}".strip(),
            note=note,
        ),
    )
    notify(
        [locked.requested_by],
        title="电脑联网申请已批准" if approve else "电脑联网申请未批准",
        body=f"{asset}：{note or '已批准接入互联网，请定期升级杀毒软件'}",
        link=internet_link(locked.pk),
    )
    return locked


@transaction.atomic
def internet_revoke(*, actor: User, request: InternetRequest, reason: str) -> InternetRequest:
    """The office ends an approval: the computer must leave the internet."""
    locked, asset = _lock_request(actor, request.pk)
    require_office(actor, asset.unit_id, rule=RULE_INTERNET)
    locked.move_to(R.REVOKED, INTERNET_TRANSITIONS, WHAT)
    locked.revoke_reason = text(reason, "撤销原因", max_length=300)
    locked.revoked_by, locked.revoked_at = actor, timezone.now()
    locked.save()
    asset.internet_approved, asset.internet_approved_at = False, None
    asset.save()
    audit_record(
        actor=actor,
        action="asset.internet_revoked",
        target=locked,
        unit=actor.unit,
        details=audit_details(asset, reason=locked.revoke_reason),
    )
    notify(
        [locked.requested_by],
        title="电脑联网批准已撤销",
        body=f"{asset}：{locked.revoke_reason}。请立即断开互联网连接。",
        link=internet_link(locked.pk),
    )
    return locked


@transaction.atomic
def internet_antivirus_update(*, actor: User, asset: Asset, product: str, version: str) -> Asset:
    """The office records an antivirus upgrade on an approved computer (定期升级杀毒)."""
    locked = lock_asset(actor, asset.pk)
    require_office(actor, locked.unit_id, rule=RULE_ANTIVIRUS)
    if not locked.internet_approved:
        raise Conflict(f"设备 {locked.asset_number} 未批准接入互联网，无需登记杀毒软件")
    product, version = _antivirus(product, version)
    before = f"{locked.antivirus_product} {locked.antivirus_version}"
    locked.antivirus_product, locked.antivirus_version = product, version
    locked.save()
    audit_record(
        actor=actor,
        action="asset.antivirus_updated",
        target=locked,
        unit=actor.unit,
        details=audit_details(locked, before=before, after=f"{product} {version}"),
    )
    return locked


@transaction.atomic
def internet_withdraw(*, actor: User, request: InternetRequest) -> InternetRequest:
    """Its requester withdraws a request the office has not decided yet."""
    locked, asset = _lock_request(actor, request.pk)
    if locked.requested_by_id != actor.pk:
        raise Forbidden("只有申请人可以撤回联网申请")
    locked.move_to(R.WITHDRAWN, INTERNET_TRANSITIONS, WHAT)
    locked.save()
    audit_record(
        actor=actor,
        action="asset.internet_withdrawn",
        target=locked,
        unit=actor.unit,
        details=audit_details(asset),
    )
    return locked
