"""A key in use: holder change (art. 31), loss (art. 32), revocation, clone suspension."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from wenshu.accounts.models import User
from wenshu.accounts.roles import Role
from wenshu.accounts.services import sessions_end
from wenshu.audit.services import audit_record, security_alert_raise
from wenshu.keys.models import (
    KEY_LIVE_STATUSES,
    LOSS_TRANSITIONS,
    KeyApplication,
    KeyHolding,
    KeyLossReport,
    LoginKey,
)
from wenshu.keys.services._common import (
    Key,
    _check_holder,
    _locked_key,
    _move_key,
    _notify,
    _notify_role,
    _require,
)
from wenshu.keys.services.applications import key_apply
from wenshu.lib.errors import Conflict, DomainError, Forbidden, NotFound

# ---------------------------------------------------------------- in use


@transaction.atomic
def key_holder_change(*, actor: User, key: LoginKey, new_holder: User, reason: str) -> LoginKey:
    """File a change of holder (art. 31). The new holder must change the password at next login."""
    _require(
        actor,
        Role.CITY_ADMIN,
        message="密钥使用人变更须报市数字办备案，由市数字办管理员办理（第三十一条）。",
    )
    key = _locked_key(key.pk)
    if key.status not in KEY_LIVE_STATUSES:
        raise Conflict(f"该密钥{key.get_status_display()}，不能变更使用人。")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请写明变更使用人的原因。")
    old = User.objects.select_related("unit").get(pk=key.holder_id)
    if new_holder.pk == old.pk:
        raise DomainError("新使用人与原使用人相同。")
    _check_holder(new_holder, unit=old.unit)
    now = timezone.now()
    KeyHolding.objects.filter(key=key, to_at__isnull=True).update(to_at=now)
    KeyHolding.objects.create(
        key=key, holder=new_holder, from_at=now, reason=reason[:300], recorded_by=actor
    )
    key.holder = new_holder
    key.save(update_fields=["holder"])
    User.objects.filter(pk=new_holder.pk).update(must_change_password=True)
    ended = sessions_end(user=old, reason="密钥使用人变更", login_key_id=key.pk)
    audit_record(
        actor=actor,
        action="key.holder_changed",
        target=key,
        unit=old.unit,
        details={
            "from": old.username,
            "to": new_holder.username,
            "reason": reason[:300],
            "sessions_ended": ended,
        },
    )
    _notify(
        [old, new_holder],
        title="密钥使用人变更",
        body=(
            f"密钥 {key.serial} 的使用人已由 {old.display_name} 变更为 {new_holder.display_name}。"
            "新使用人下次登录时须修改密码。"
        ),
        link=reverse("keys:mine"),
    )
    return key


def _may_report_loss(actor: User, key: LoginKey) -> bool:
    if actor.pk == key.holder_id or actor.has_role(Role.CITY_ADMIN):
        return True
    return actor.has_role(Role.UNIT_ADMIN) and actor.unit_id == key.holder.unit_id


@transaction.atomic
def key_report_loss(*, actor: User, key: LoginKey, circumstances: str) -> KeyLossReport:
    """Art. 32: the key is revoked at once and every session opened with it ends."""
    if not actor.is_active or not _may_report_loss(actor, key):
        raise (
            NotFound()
            if actor.unit_id != key.holder.unit_id
            else Forbidden("只有密钥持有人或本单位系统管理员可以挂失该密钥。")
        )
    circumstances = (circumstances or "").strip()
    if not circumstances:
        raise DomainError("请简要说明遗失经过（时间、地点、情形）。")
    key = _locked_key(key.pk)
    if key.status not in KEY_LIVE_STATUSES:
        raise Conflict(f"该密钥{key.get_status_display()}，无需再次挂失。")
    _move_key(key, Key.LOST, reason="挂失：" + circumstances)
    key.save(update_fields=["status", "status_reason", "ended_at"])
    holder = User.objects.select_related("unit").get(pk=key.holder_id)
    KeyHolding.objects.filter(key=key, to_at__isnull=True).update(to_at=key.ended_at)
    ended = sessions_end(user=holder, reason="密钥挂失", login_key_id=key.pk)
    report = KeyLossReport.objects.create(
        key=key,
        holder=holder,
        unit=holder.unit,
        reported_by=actor,
        circumstances=circumstances[:2000],
        sessions_ended=ended,
    )
    audit_record(
        actor=actor,
        action="key.lost",
        target=key,
        unit=holder.unit,
        details={"report": report.pk, "sessions_ended": ended},
    )
    body = (
        f"{holder.unit.short_name} {holder.display_name} 的密钥 {key.serial} 已挂失并立即停用，"
        f"已结束 {ended} 个使用该密钥的登录会话。请所在单位查明原因。"
    )
    link = reverse("keys:loss", args=[report.pk])
    _notify_role(Role.CITY_ADMIN, title="密钥挂失报告", body=body, link=link)
    _notify_role(
        Role.UNIT_ADMIN, unit=holder.unit, title="密钥挂失，请查明原因", body=body, link=link
    )
    if actor.pk != holder.pk:  # the holder learns that someone else reported the key
        _notify([holder], title="您的密钥已挂失", body=body, link=link)
    return report


@transaction.atomic
def key_loss_findings(
    *, actor: User, report: KeyLossReport, findings: str, handling: str = ""
) -> KeyLossReport:
    """The unit records what it found out (查明原因) and how it dealt with it."""
    if report.unit_id != actor.unit_id:
        raise NotFound()
    _require(
        actor,
        Role.UNIT_ADMIN,
        Role.UNIT_LEADER,
        message="查明原因由所在单位的系统管理员或负责人记录（第三十二条）。",
    )
    if not (findings or "").strip():
        raise DomainError("请填写查明的原因。")
    report = KeyLossReport.objects.select_for_update().get(pk=report.pk)
    if (report.status, KeyLossReport.Status.FINDINGS) not in LOSS_TRANSITIONS:
        raise Conflict("该挂失已记录过查明的原因。")
    report.status = KeyLossReport.Status.FINDINGS
    report.findings, report.handling = findings.strip()[:4000], (handling or "").strip()[:4000]
    report.findings_by, report.findings_at = actor, timezone.now()
    report.save(update_fields=["status", "findings", "handling", "findings_by", "findings_at"])
    audit_record(actor=actor, action="key.loss_findings", target=report, unit=report.unit)
    return report


def key_reapply(
    *, actor: User, report: KeyLossReport, reason: str, kind: str | None = None
) -> KeyApplication:
    """Re-application after a loss, linked to the report; only once the findings are recorded."""
    if report.unit_id != actor.unit_id:
        raise NotFound()
    if report.status != KeyLossReport.Status.FINDINGS:
        raise Conflict("所在单位查明遗失原因后，方可重新申领密钥（第三十二条）。")
    holder = User.objects.select_related("unit").get(pk=report.holder_id)
    return key_apply(
        actor=actor,
        intended_holder=holder,
        kind=kind or report.key.kind,
        reason=reason,
        loss_report=report,
    )


@transaction.atomic
def key_revoke(*, actor: User, key: LoginKey, reason: str) -> LoginKey:
    """Withdraw a key for good: the digital office any live key, the security administrator
    a suspended one."""
    locked = _locked_key(key.pk)
    may = actor.is_active and (
        actor.has_role(Role.CITY_ADMIN)
        or (actor.has_role(Role.SECURITY_ADMIN) and locked.status == Key.SUSPENDED)
    )
    if not may:
        raise Forbidden("只有市数字办管理员可以注销密钥（安全保密管理员可注销已暂停的密钥）。")
    if not (reason or "").strip():
        raise DomainError("请写明注销原因。")
    _move_key(locked, Key.REVOKED, reason="注销：" + reason.strip())
    locked.save(update_fields=["status", "status_reason", "ended_at"])
    KeyHolding.objects.filter(key=locked, to_at__isnull=True).update(to_at=locked.ended_at)
    holder = User.objects.select_related("unit").get(pk=locked.holder_id)
    ended = sessions_end(user=holder, reason="密钥注销", login_key_id=locked.pk)
    audit_record(
        actor=actor,
        action="key.revoked",
        target=locked,
        unit=holder.unit,
        details={"reason": reason.strip()[:300], "sessions_ended": ended},
    )
    _notify(
        [holder],
        title="密钥已注销",
        body=f"您的密钥 {locked.serial} 已注销：{reason.strip()[:100]}",
        link=reverse("keys:mine"),
    )
    return locked


@transaction.atomic
def key_reinstate(*, actor: User, key: LoginKey, note: str) -> LoginKey:
    """The security administrator, having checked a suspended key, puts it back in use."""
    _require(actor, Role.SECURITY_ADMIN, message="只有安全保密管理员可以恢复已暂停的密钥。")
    if not (note or "").strip():
        raise DomainError("请写明核查情况。")
    locked = _locked_key(key.pk)
    _move_key(locked, Key.ACTIVE, reason="核查后恢复：" + note.strip())
    locked.save(update_fields=["status", "status_reason"])
    audit_record(
        actor=actor,
        action="key.reinstated",
        target=locked,
        unit=locked.holder.unit,
        details={"note": note.strip()[:300]},
    )
    return locked


def key_suspend_cloned(*, key: LoginKey, user: User, seen_count: int) -> int:
    """A signature counter that did not increase: the key may have been copied. Suspend it,
    end every session opened with it, and alert the security administrator."""
    with transaction.atomic():
        locked = _locked_key(key.pk)
        if locked.status == Key.ACTIVE:
            _move_key(
                locked,
                Key.SUSPENDED,
                reason=f"签名计数异常（记录 {locked.sign_count}，本次 {seen_count}），疑似被复制",
            )
            locked.save(update_fields=["status", "status_reason"])
        holder = User.objects.select_related("unit").get(pk=locked.holder_id)
        ended = sessions_end(user=holder, reason="密钥疑似被复制，已暂停", login_key_id=locked.pk)
        details = {
            "key": locked.pk,
            "serial": locked.serial,
            "holder": holder.username,
            "stored_count": locked.sign_count,
            "seen_count": seen_count,
            "sessions_ended": ended,
        }
        audit_record(
            actor=None, action="key.suspended", target=locked, unit=holder.unit, details=details
        )
        _security_alert(
            message=(
                f"{holder.unit.short_name} {holder.display_name} 的安全密钥 {locked.serial} "
                f"签名计数倒退（记录 {locked.sign_count}，本次 {seen_count}），"
                "疑似被复制，已暂停使用。"
            ),
            details=details,
            unit=holder.unit,
        )
    return ended


def _security_alert(*, message: str, details: dict[str, Any], unit: Any) -> None:
    # One open alert per key: a clone retrying does not bury the security administrator.
    security_alert_raise(
        kind="login_key_clone",
        message=message,
        details=details,
        unit=unit,
        dedupe_key=f"login_key_clone:{details['key']}",
    )
