"""Registration (S1 art. 8, 9): a written application carrying the superior's opinion,
reviewed by the digital office under the four-eyes rule."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from wenshu.accounts.roles import Role
from wenshu.audit.services import audit_record
from wenshu.lib.errors import Conflict, DomainError, Forbidden
from wenshu.org.models import Unit, UnitApplication, UnitName
from wenshu.org.services._base import (
    User,
    check_names_free,
    require_active,
    require_city_admin,
    text,
)
from wenshu.org.signals import send_request_decided


def _channel_for(actor: User, superior: Unit | None) -> tuple[str, Unit | None]:
    """A city administrator enters a paper application for anyone; a unit's administrator
    files for a subordinate of their own unit only."""
    require_active(actor)
    if actor.has_role(Role.CITY_ADMIN):
        return UnitApplication.Channel.PAPER, superior
    if actor.has_role(Role.UNIT_ADMIN):
        if superior is not None and superior.pk != actor.unit_id:
            raise Forbidden("单位系统管理员只能为本单位的下属单位提交登记申请。")
        return UnitApplication.Channel.SUPERIOR, actor.unit
    raise Forbidden(
        "只有市数字办管理员（录入纸质申请）或上级主管单位的系统管理员可以提交登记申请。"
    )


def _optional(value: str, label: str, max_length: int) -> str:
    return text(value, label, max_length=max_length, required=False)


def _check_opinion(opinion: str, signer: str, signed_on: date | None) -> tuple[str, str, date]:
    opinion = text(opinion, "上级主管部门意见", max_length=2000)
    signer = text(signer, "意见签署人", max_length=60)
    if signed_on is None:
        raise DomainError("请填写上级主管部门意见的签署日期。")
    if signed_on > timezone.localdate():
        raise DomainError("签署日期不能晚于今天。")
    return opinion, signer, signed_on


@transaction.atomic
def unit_apply(
    *,
    actor: User,
    full_name: str,
    short_name: str,
    agency_code: str = "",
    kind: str = Unit.Kind.DEPARTMENT,
    superior: Unit | None = None,
    superior_opinion: str,
    superior_signer: str,
    superior_signed_on: date | None,
    planned_admin_name: str,
    planned_admin_post: str = "",
    planned_admin_phone: str = "",
    leader_in_charge: str = "",
    contact_person: str = "",
    contact_phone: str = "",
    address: str = "",
) -> UnitApplication:
    """File a registration application; the unit starts as APPLIED, outside the directory."""
    channel, superior = _channel_for(actor, superior)
    full_name = text(full_name, "单位全称", max_length=200)
    short_name = text(short_name, "单位简称", max_length=60)
    agency_code = text(agency_code, "机关代字", max_length=30, required=False)
    if kind not in Unit.Kind.values:
        raise DomainError("单位类别不正确。")
    if superior is not None and not superior.is_registered:
        raise DomainError("上级主管单位须为已注册的单位。")
    opinion, signer, signed_on = _check_opinion(
        superior_opinion, superior_signer, superior_signed_on
    )
    planned_admin_name = text(planned_admin_name, "拟任系统管理员姓名", max_length=60)
    check_names_free(full_name=full_name, short_name=short_name, agency_code=agency_code)
    now = timezone.now()
    try:
        with transaction.atomic():
            unit = Unit.objects.create(
                full_name=full_name,
                short_name=short_name,
                agency_code=agency_code,
                kind=kind,
                superior=superior,
                status=Unit.Status.APPLIED,
                in_directory=False,
                applied_at=now,
                contact_person=_optional(contact_person, "联系人", 60),
                contact_phone=_optional(contact_phone, "联系电话", 40),
                address=_optional(address, "地址", 200),
            )
    except IntegrityError as exc:  # a concurrent application with the same name won the race
        raise Conflict(f"已有名为“{full_name}”的单位（已注册或申请中），不能重名。") from exc
    application = UnitApplication.objects.create(
        unit=unit,
        channel=channel,
        filed_by=actor,
        filed_at=now,
        superior_opinion=opinion,
        superior_signer=signer,
        superior_signed_on=signed_on,
        leader_in_charge=_optional(leader_in_charge, "分管领导", 60),
        planned_admin_name=planned_admin_name,
        planned_admin_post=_optional(planned_admin_post, "拟任系统管理员职务", 60),
        planned_admin_phone=_optional(planned_admin_phone, "拟任系统管理员联系电话", 40),
    )
    audit_record(
        actor=actor,
        action="org.unit_applied",
        target=unit,
        details={"channel": channel, "superior_id": getattr(superior, "pk", None)},
    )
    return application


@transaction.atomic
def unit_review(*, actor: User, unit: Unit, approve: bool, reason: str = "") -> Unit:
    """The digital office registers the unit (into the directory, first name period opened)
    or rejects the application with a reason. The person who filed it may not review it."""
    require_city_admin(actor, "审核单位登记申请")
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    application = UnitApplication.objects.select_for_update().filter(unit=unit).first()
    if application is None:
        raise Conflict("该单位没有登记申请，不能审核。")
    if application.filed_by_id == actor.pk:
        raise Forbidden("四眼原则：该申请由您本人录入或提交，须由市数字办另一位管理员审核。")
    reason = text(reason, "审核意见", max_length=2000, required=not approve)
    now = timezone.now()
    if approve:
        unit.move_to(Unit.Status.REGISTERED)
        check_names_free(
            full_name=unit.full_name,
            short_name=unit.short_name,
            agency_code=unit.agency_code,
            exclude=unit,
        )
        unit.in_directory, unit.registered_at = True, now
        UnitName.objects.create(
            unit=unit,
            full_name=unit.full_name,
            short_name=unit.short_name,
            agency_code=unit.agency_code,
            valid_from=now,
        )
    else:
        unit.move_to(Unit.Status.REJECTED)
    unit.save(update_fields=["status", "in_directory", "registered_at", "updated_at"])
    application.reviewed_by, application.reviewed_at, application.review_reason = actor, now, reason
    application.save(update_fields=["reviewed_by", "reviewed_at", "review_reason"])
    audit_record(
        actor=actor,
        action="org.unit_registered" if approve else "org.unit_rejected",
        target=unit,
        details={"reason": reason},
    )
    send_request_decided(
        request=application,
        requester=application.filed_by,
        actor=actor,
        approved=approve,
        subject=f"单位登记申请（{unit.full_name}）",
        outcome="已通过审核，单位已注册" if approve else "未通过审核",
        reason=reason,
        link=reverse("org:application", args=[application.pk]),
    )
    return unit
