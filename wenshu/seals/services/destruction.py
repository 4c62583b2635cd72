"""Destruction (article 21), loss (article 23) and a unit leaving the system.

Destruction needs the government office, the secrecy bureau, the digital office and the owner
unit all confirmed present; only then does the digital office destroy the key material: the
wrapped key column is overwritten with random bytes of the same length, then set to NULL, and
any copy this process held is zeroed.
"""

from __future__ import annotations

import os
from typing import Any

from django.db import transaction
from django.utils import timezone

from wenshu.accounts.models import User
from wenshu.accounts.roles import Role
from wenshu.audit.services import audit_record
from wenshu.lib import gm
from wenshu.lib.errors import Conflict, DomainError, Forbidden
from wenshu.org.models import Unit
from wenshu.seals import selectors
from wenshu.seals.models import (
    OPEN_APPLICATION_STATUSES,
    DestructionConfirmation,
    DestructionParty,
    Seal,
    SealApplication,
)
from wenshu.seals.services._common import (
    active_custodian_ids,
    application_link,
    notify,
    notify_holders,
    require_role,
    seal_link,
    unit_people,
)
from wenshu.seals.services.applications import lock_application
from wenshu.seals.services.production import void_open_uses

ALL_PARTIES = tuple(DestructionParty.values)


def _destroy_application(actor: User, application: SealApplication) -> tuple[SealApplication, Seal]:
    app, seal = lock_application(actor, application)
    if app.kind != SealApplication.Kind.DESTROY or seal is None:
        raise Conflict("这不是销毁申请")
    if app.status != SealApplication.Status.APPROVED:
        raise Conflict(f"该申请当前状态为“{app.get_status_display()}”，不能办理销毁")
    return app, seal


@transaction.atomic
def seal_destruction_confirm(
    *, actor: User, application: SealApplication, party: str, attendee_name: str = ""
) -> DestructionConfirmation:
    """One party confirms it is present at the destruction of an approved application."""
    app, seal = _destroy_application(actor, application)
    if party not in ALL_PARTIES:
        raise DomainError("到场方不正确")
    label = DestructionParty(party).label
    if party not in selectors.parties_of(viewer=actor, seal=seal):
        raise Forbidden(f"您不能代表{label}确认到场")
    by_city = (
        party == DestructionParty.OWNER_UNIT
        and actor.unit_id != seal.unit_id
        and selectors.owner_recorded_by_city(viewer=actor, seal=seal)
    )
    if by_city and not attendee_name.strip():
        raise DomainError("印章所属单位已注销，请填写该单位到场人员姓名")
    done = selectors.confirmations(seal=seal)
    if party in done:
        raise Conflict(f"{label}已确认到场，无需重复确认")
    if any(row.person_id == actor.pk for row in done.values()):
        raise Conflict("同一人不能代表两方确认到场")
    row = DestructionConfirmation.objects.create(
        seal=seal,
        application=app,
        party=party,
        person=actor,
        attendee_name=attendee_name.strip()[:100],
    )
    audit_record(
        actor=actor,
        action="seal.destruction_confirmed",
        target=seal,
        unit=seal.unit,
        details={
            "application_id": app.pk,
            "party": party,
            "attendee_name": row.attendee_name,
            "confirmed": sorted([*done, party]),
        },
    )
    if len(done) + 1 == len(ALL_PARTIES):
        notify_holders(
            Role.CITY_ADMIN,
            title="印章销毁各方已到场确认",
            body=f"{seal.name}（{seal.es_id}）可以销毁密钥",
            link=application_link(app.pk),
        )
    return row


def _wipe_key(seal: Seal) -> int:
    """Overwrite, then drop, the wrapped key; return how many bytes were overwritten."""
    held = bytearray(bytes(seal.wrapped_key)) if seal.wrapped_key is not None else bytearray()
    length = len(held)
    if length:
        Seal.objects.filter(pk=seal.pk).update(wrapped_key=os.urandom(length))
    Seal.objects.filter(pk=seal.pk).update(wrapped_key=None)
    gm.secure_zero(held)
    seal.wrapped_key = None
    return length


@transaction.atomic
def seal_destroy(*, actor: User, application: SealApplication) -> Seal:
    """The digital office destroys the key once all four parties have confirmed."""
    require_role(actor, Role.CITY_ADMIN, message="只有市数字办可以销毁电子印章")
    app, seal = _destroy_application(actor, application)
    done = selectors.confirmations(seal=seal)
    missing = [DestructionParty(p).label for p in ALL_PARTIES if p not in done]
    if missing:
        raise Conflict("以下各方尚未确认到场，不能销毁：" + "、".join(missing))
    seal.transition(Seal.Status.DESTROYED)
    overwritten = _wipe_key(seal)
    seal.destroyed_at = timezone.now()
    seal.save(update_fields=["status", "destroyed_at"])
    void_open_uses(seal=seal)
    app.transition(SealApplication.Status.DONE)
    app.handled_by, app.handled_at = actor, seal.destroyed_at
    app.save(update_fields=["status", "handled_by", "handled_at"])
    audit_record(
        actor=actor,
        action="seal.destroyed",
        target=seal,
        unit=seal.unit,
        details={
            "application_id": app.pk,
            "es_id": seal.es_id,
            "key_bytes_overwritten": overwritten,
            "parties": {p: done[p].person.display_name for p in ALL_PARTIES},
        },
    )
    people = unit_people(seal.unit_id, Role.UNIT_ADMIN, Role.UNIT_LEADER)
    notify(
        people,
        title="电子印章已销毁",
        body=f"{seal.name}（{seal.es_id}）已销毁",
        link=seal_link(seal.pk),
    )
    return seal


def suspend_seal(*, seal: Seal, actor: User | None, reason: str) -> None:
    """Stop a seal at once (caller holds the row lock): no use may sign from now on."""
    seal.transition(Seal.Status.SUSPENDED)
    seal.suspended_at, seal.suspend_reason = timezone.now(), reason[:300]
    seal.save(update_fields=["status", "suspended_at", "suspend_reason"])
    voided = void_open_uses(seal=seal)
    audit_record(
        actor=actor,
        action="seal.suspended",
        target=seal,
        unit=seal.unit,
        details={"es_id": seal.es_id, "reason": seal.suspend_reason, "uses_voided": voided},
    )


@transaction.atomic
def seal_report_loss(*, actor: User, seal: Seal, reason: str) -> Seal:
    """A custodian, or the unit's administrator or head, reports the seal lost: suspended now."""
    locked = selectors.seal_get(viewer=actor, pk=seal.pk, lock=True)
    if actor.unit_id != locked.unit_id:
        raise Forbidden("只有印章所属单位的保管人或管理员可以挂失")
    if actor.pk not in active_custodian_ids(locked) and not actor.has_role(
        Role.UNIT_ADMIN, Role.UNIT_LEADER
    ):
        raise Forbidden("只有该印章的保管人、单位系统管理员或单位负责人可以挂失")
    if not reason.strip():
        raise DomainError("请填写挂失原因")
    suspend_seal(seal=locked, actor=actor, reason="挂失：" + reason.strip())
    notify_holders(
        Role.CITY_ADMIN,
        title="电子印章挂失",
        body=f"{locked.unit.full_name}挂失了{locked.name}（{locked.es_id}）",
        link=seal_link(locked.pk),
    )
    notify(
        unit_people(locked.unit_id, Role.UNIT_LEADER, Role.UNIT_ADMIN),
        title="本单位电子印章已挂失停用",
        body=f"{locked.name}（{locked.es_id}）：{reason.strip()[:100]}",
        link=seal_link(locked.pk),
    )
    return locked


def seals_flag_unit_deregistered(*, unit: Unit, actor: Any) -> None:
    """Org's deregistration hook: every live seal of the unit is suspended and a destruction
    application opened, already approved (the deregistration itself was approved, and the
    unit's people can no longer sign anything). Runs inside org's transaction.

    All rows are locked before the first audit write (the audit chain head is locked last)."""
    seals = list(
        Seal.objects.select_for_update(of=("self",))
        .filter(unit=unit)
        .exclude(status=Seal.Status.DESTROYED)
    )
    open_apps = list(
        SealApplication.objects.select_for_update().filter(
            old_seal__in=seals, status__in=OPEN_APPLICATION_STATUSES
        )
    )
    flagged = 0
    for seal in seals:
        if seal.status == Seal.Status.IN_USE:
            suspend_seal(seal=seal, actor=actor, reason="单位注销")
        if not _cancel_open_applications([a for a in open_apps if a.old_seal_id == seal.pk], actor):
            continue  # its destruction is already approved and waiting for the four parties
        app = SealApplication.objects.create(
            unit=unit,
            kind=SealApplication.Kind.DESTROY,
            old_seal=seal,
            reason="单位注销，印章须销毁",
            status=SealApplication.Status.APPROVED,
            requested_by=None,
            approved_at=timezone.now(),
            approver_opinion="单位注销已获批准，系统自动发起印章销毁",
        )
        audit_record(
            actor=actor,
            action="seal.flagged_for_destruction",
            target=seal,
            unit=unit,
            details={"es_id": seal.es_id, "application_id": app.pk},
        )
        flagged += 1
    if flagged:
        notify_holders(
            Role.CITY_ADMIN,
            title="注销单位的电子印章待销毁",
            body=f"{unit.full_name}已注销，其 {flagged} 枚电子印章待四方到场销毁",
        )


def _cancel_open_applications(apps: list[SealApplication], actor: Any) -> bool:
    """Cancel what can no longer happen; False if an approved destruction is already open."""
    if any(
        a.kind == SealApplication.Kind.DESTROY and a.status == SealApplication.Status.APPROVED
        for a in apps
    ):
        return False
    for app in apps:
        app.transition(SealApplication.Status.CANCELLED)
        app.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action="seal.application_cancelled",
            target=app,
            unit=app.unit,
            details={"reason": "单位注销"},
        )
    return True
