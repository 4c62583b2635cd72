"""Application (art. 27), review (art. 28), production (art. 28), notice (art. 29), pick-up."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from wenshu.accounts.models import User
from wenshu.accounts.roles import Role
from wenshu.audit.services import audit_record
from wenshu.keys import totp
from wenshu.keys.models import (
    APPLICATION_OPEN_STATUSES,
    KEY_LIVE_STATUSES,
    KeyApplication,
    KeyHolding,
    KeyKind,
    KeyLossReport,
    LoginKey,
)
from wenshu.keys.services._common import (
    App,
    Key,
    _check_holder,
    _label,
    _locked_application,
    _locked_key,
    _move_application,
    _move_key,
    _new_serial,
    _notify,
    _notify_role,
    _require,
)
from wenshu.lib.errors import Conflict, DomainError, Forbidden, NotFound

# ---------------------------------------------------------------- applications


@transaction.atomic
def key_apply(
    *,
    actor: User,
    intended_holder: User,
    kind: str,
    reason: str,
    loss_report: KeyLossReport | None = None,
) -> KeyApplication:
    """A person applies for themselves, or the unit's system administrator for a colleague
    (art. 27)."""
    if not actor.is_active:
        raise Forbidden("您的账号不是正常状态，不能申领密钥。")
    if actor.pk != intended_holder.pk and not (
        actor.has_role(Role.UNIT_ADMIN) and actor.unit_id == intended_holder.unit_id
    ):
        raise (
            NotFound()
            if actor.unit_id != intended_holder.unit_id
            else Forbidden("只有本人或本单位系统管理员可以为该人员申领密钥。")
        )
    if kind not in KeyKind.values:
        raise DomainError("请选择密钥类型。")
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise DomainError("请写明申领密钥的理由（第二十七条）。")
    _check_holder(intended_holder, unit=actor.unit)
    User.objects.select_for_update().filter(pk=intended_holder.pk).first()  # serialise per holder
    if KeyApplication.objects.filter(
        intended_holder=intended_holder, kind=kind, status__in=APPLICATION_OPEN_STATUSES
    ).exists():
        raise Conflict(f"{intended_holder.display_name} 已有一份在办的同类密钥申请，请勿重复申请。")
    if LoginKey.objects.filter(
        holder=intended_holder, kind=kind, status__in=KEY_LIVE_STATUSES
    ).exists():
        raise Conflict(f"{intended_holder.display_name} 已持有同类密钥；如已遗失，请先挂失。")
    app = KeyApplication.objects.create(
        applicant=actor,
        unit=actor.unit,
        intended_holder=intended_holder,
        kind=kind,
        reason=reason[:2000],
        loss_report=loss_report,
    )
    audit_record(
        actor=actor,
        action="key.applied",
        target=app,
        details={
            "holder": intended_holder.username,
            "kind": kind,
            "loss_report": loss_report.pk if loss_report else None,
        },
    )
    _notify_role(
        Role.GOV_APPROVER,
        title="新的密钥申请待审批",
        body=(
            f"{actor.unit.short_name} 为 {intended_holder.display_name} "
            f"申领{_label(kind, KeyKind)}。"
        ),
        link=reverse("keys:application", args=[app.pk]),
    )
    return app


@transaction.atomic
def key_application_withdraw(*, actor: User, application: KeyApplication) -> KeyApplication:
    app = _locked_application(application.pk)
    mine = actor.pk == app.applicant_id or (
        actor.has_role(Role.UNIT_ADMIN) and actor.unit_id == app.unit_id
    )
    if not mine:
        raise Forbidden("只有申请人或本单位系统管理员可以撤回申请。")
    _move_application(app, App.WITHDRAWN)
    app.save(update_fields=["status"])
    audit_record(actor=actor, action="key.application_withdrawn", target=app, unit=app.unit)
    return app


def _review(*, actor: User, application: KeyApplication, to: str, comment: str) -> KeyApplication:
    _require(
        actor, Role.GOV_APPROVER, message="只有市政府办公室审批人可以审批密钥申请（第二十八条）。"
    )
    app = _locked_application(application.pk)
    if actor.pk in (app.applicant_id, app.intended_holder_id):
        raise Forbidden("不能审批本人的密钥申请，请由其他审批人办理。")
    _move_application(app, to)
    app.reviewed_by, app.reviewed_at, app.review_comment = (
        actor,
        timezone.now(),
        comment.strip()[:500],
    )
    app.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comment"])
    approved = to == App.APPROVED
    audit_record(
        actor=actor,
        action="key.application_approved" if approved else "key.application_rejected",
        target=app,
        unit=app.unit,
        details={"comment": app.review_comment},
    )
    verdict = "已批准，市数字办将制作密钥" if approved else f"未获批准：{app.review_comment}"
    _notify(
        [app.applicant, app.intended_holder],
        title="密钥申请审批结果",
        body=f"您为 {app.intended_holder.display_name} 提交的密钥申请{verdict}。",
        link=reverse("keys:application", args=[app.pk]),
    )
    if approved:
        _notify_role(
            Role.CITY_ADMIN,
            title="有密钥待制作",
            body=(
                f"{app.unit.short_name} {app.intended_holder.display_name} "
                "的密钥申请已批准，请安排制作。"
            ),
            link=reverse("keys:application", args=[app.pk]),
        )
    return app


@transaction.atomic
def key_application_approve(
    *, actor: User, application: KeyApplication, comment: str = ""
) -> KeyApplication:
    return _review(actor=actor, application=application, to=App.APPROVED, comment=comment or "同意")


@transaction.atomic
def key_application_reject(
    *, actor: User, application: KeyApplication, comment: str
) -> KeyApplication:
    if not (comment or "").strip():
        _require(
            actor,
            Role.GOV_APPROVER,
            message="只有市政府办公室审批人可以审批密钥申请（第二十八条）。",
        )
        raise DomainError("不予批准时请写明理由。")
    return _review(actor=actor, application=application, to=App.REJECTED, comment=comment)


# ---------------------------------------------------------------- production (art. 28)


def _production_start(actor: User, application: KeyApplication, kind: str) -> KeyApplication:
    _require(actor, Role.CITY_ADMIN, message="只有市数字办管理员可以制作密钥（第二十八条）。")
    app = _locked_application(application.pk)
    if app.kind != kind:
        raise DomainError(f"该申请申领的是{app.get_kind_display()}，请按申请的类型制作。")
    if app.intended_holder_id == actor.pk:
        raise Forbidden("不能为本人制作密钥，请由市数字办其他管理员办理。")
    _move_application(app, App.PRODUCED)
    holder = User.objects.select_related("unit").get(pk=app.intended_holder_id)
    _check_holder(holder, unit=app.unit)
    return app


def _production_finish(actor: User, app: KeyApplication, key: LoginKey) -> None:
    now = timezone.now()
    app.produced_by, app.produced_at = actor, now
    app.save(update_fields=["status", "produced_by", "produced_at"])
    KeyHolding.objects.create(
        key=key,
        holder=key.holder,
        from_at=now,
        recorded_by=actor,
        reason=f"制作发放（申请 #{app.pk}）",
    )
    audit_record(
        actor=actor,
        action="key.produced",
        target=key,
        unit=app.unit,
        details={
            "application": app.pk,
            "kind": key.kind,
            "serial": key.serial,
            "holder": key.holder.username,
            "aaguid": key.aaguid,
        },
    )


@transaction.atomic
def key_produce_totp(
    *, actor: User, application: KeyApplication, serial: str = ""
) -> tuple[LoginKey, str]:
    """Make a TOTP token. Returns the key and its base32 secret, to be shown exactly once."""
    app = _production_start(actor, application, KeyKind.TOTP)
    serial = serial.strip() or _new_serial(KeyKind.TOTP)
    _check_serial_free(serial)
    secret = totp.new_secret()
    key = LoginKey.objects.create(
        kind=KeyKind.TOTP,
        serial=serial,
        holder=app.intended_holder,
        application=app,
        produced_by=actor,
        totp_secret_wrapped=totp.wrap_secret(secret, serial=serial),
    )
    _production_finish(actor, app, key)
    return key, secret


@transaction.atomic
def key_produce_webauthn(
    *,
    actor: User,
    application: KeyApplication,
    credential_id: str,
    public_key: bytes,
    sign_count: int,
    aaguid: str,
    transports: list[str],
    serial: str = "",
) -> LoginKey:
    """Record a verified WebAuthn registration (see `ceremony_register_finish`)."""
    app = _production_start(actor, application, KeyKind.WEBAUTHN)
    serial = serial.strip() or _new_serial(KeyKind.WEBAUTHN)
    _check_serial_free(serial)
    if LoginKey.objects.filter(credential_id=credential_id).exists():
        raise Conflict("该安全密钥已在本系统登记过，不能重复登记。")
    key = LoginKey.objects.create(
        kind=KeyKind.WEBAUTHN,
        serial=serial,
        holder=app.intended_holder,
        application=app,
        produced_by=actor,
        credential_id=credential_id,
        public_key=public_key,
        sign_count=sign_count,
        aaguid=aaguid,
        transports=transports,
    )
    _production_finish(actor, app, key)
    return key


def _check_serial_free(serial: str) -> None:
    if len(serial) > 60:
        raise DomainError("密钥编号最多 60 个字符。")
    if LoginKey.objects.filter(serial=serial).exists():
        raise Conflict(f"密钥编号 {serial} 已被使用，请核对。")


@transaction.atomic
def key_notify(*, actor: User, application: KeyApplication) -> KeyApplication:
    """Send the pick-up notice to the applicant and the holder (art. 29), in-app and by SMS."""
    _require(
        actor, Role.CITY_ADMIN, message="只有市数字办管理员可以发出密钥领取通知（第二十九条）。"
    )
    app = _locked_application(application.pk)
    _move_application(app, App.NOTIFIED)
    key = _locked_key(app.key.pk)
    _move_key(key, Key.ISSUED)
    key.save(update_fields=["status", "status_reason", "ended_at"])
    app.notified_by, app.notified_at = actor, timezone.now()
    app.save(update_fields=["status", "notified_by", "notified_at"])
    audit_record(
        actor=actor,
        action="key.notified",
        target=key,
        unit=app.unit,
        details={"application": app.pk},
    )
    _notify(
        [app.applicant, app.intended_holder],
        title="密钥领取通知",
        body=(
            f"{app.intended_holder.display_name} 的{key.get_kind_display()}"
            f"（编号 {key.serial}）已制作完成，"
            "请指派专人到市数字办领取，或通过机要渠道领取。"
        ),
        link=reverse("keys:application", args=[app.pk]),
    )
    return app


@transaction.atomic
def key_collect(
    *,
    actor: User,
    application: KeyApplication,
    collected_by_name: str,
    method: str,
    collected_at: datetime | None = None,
) -> KeyApplication:
    """Record the pick-up: who collected it, when, by hand or by confidential channel.
    The key is then in use."""
    _require(actor, Role.CITY_ADMIN, message="只有市数字办管理员可以登记密钥领取。")
    name = (collected_by_name or "").strip()
    if not name:
        raise DomainError("请填写领取人姓名。")
    if method not in KeyApplication.Method.values:
        raise DomainError("请选择领取方式（专人领取或机要传输）。")
    now = timezone.now()
    when = collected_at or now
    if when > now + timedelta(minutes=5):
        raise DomainError("领取时间不能晚于当前时间。")
    app = _locked_application(application.pk)
    _move_application(app, App.COLLECTED)
    key = _locked_key(app.key.pk)
    # The form gives minutes; a pick-up in the notice's own minute is fine.
    if when < (app.notified_at or now).replace(second=0, microsecond=0):
        raise DomainError("领取时间不能早于发出领取通知的时间。")
    _move_key(key, Key.ACTIVE)
    key.save(update_fields=["status", "status_reason", "ended_at"])
    app.collected_by_name, app.collected_at, app.collection_method = name[:60], when, method
    app.collection_recorded_by = actor
    app.save(
        update_fields=[
            "status",
            "collected_by_name",
            "collected_at",
            "collection_method",
            "collection_recorded_by",
        ]
    )
    audit_record(
        actor=actor,
        action="key.collected",
        target=key,
        unit=app.unit,
        details={"application": app.pk, "collected_by": app.collected_by_name, "method": method},
    )
    return app
