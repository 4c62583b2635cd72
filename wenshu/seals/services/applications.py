"""Applications (article 20): a unit applies → its head signs → the government office approves.

Production (new, change) and destruction carry an approved application to its end; they live
in `production.py` and `destruction.py`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from wenshu.accounts.models import User
from wenshu.accounts.roles import Role
from wenshu.audit.services import audit_record
from wenshu.lib.errors import Conflict, DomainError, Forbidden, NotFound
from wenshu.seals import selectors
from wenshu.seals.models import OPEN_APPLICATION_STATUSES, Seal, SealApplication, SealType
from wenshu.seals.services._common import (
    application_link,
    notify,
    notify_holders,
    require_role,
    unit_people,
)

Kind = SealApplication.Kind
Status = SealApplication.Status
MAX_REASON = 2000
MAX_OPINION = 500


@dataclass
class ApplicationInput:
    """What a unit fills in. Custodians and k are for new and changed seals only."""

    kind: str
    reason: str
    seal_type: str = ""
    change_reason: str = ""
    old_seal: Seal | None = None
    custodians: Sequence[User] = field(default_factory=list)
    threshold_k: int | None = None


def check_custodians(*, unit_id: int, custodians: Sequence[User], k: int | None) -> list[User]:
    """Custodians are active people of the unit holding the custodian role; 1 ≤ k ≤ n."""
    people = list({p.pk: p for p in custodians}.values())
    if not people:
        raise DomainError("请至少指定一名印章保管人")
    for person in people:
        if person.unit_id != unit_id or person.status != User.Status.ACTIVE:
            raise DomainError(f"{person.display_name}不是本单位在职人员，不能保管本单位印章")
        if not person.has_role(Role.SEAL_CUSTODIAN):
            raise DomainError(
                f"{person.display_name}没有“印章保管人”角色，请先由单位系统管理员授予"
            )
    if k is None or not 1 <= k <= len(people):
        raise DomainError(f"用印所需保管人同意数须在 1 到 {len(people)}（保管人人数）之间")
    return people


def _check_old_seal(unit_id: int, data: ApplicationInput) -> Seal:
    if data.old_seal is None:
        raise DomainError("请选择要变更或销毁的原印章")
    seal = (
        Seal.objects.select_for_update(of=("self",)).select_related("unit").get(pk=data.old_seal.pk)
    )
    # A merged unit's seals are handed in by the unit that took it over.
    if seal.unit_id != unit_id and seal.unit.merged_into_id != unit_id:
        raise NotFound("找不到该印章，或它不属于本单位。")
    if seal.status == Seal.Status.DESTROYED:
        raise Conflict("该印章已销毁，不能再申请变更或销毁")
    if data.kind == Kind.CHANGE and seal.status == Seal.Status.RETIRED:
        raise Conflict("该印章已交回停用，不能再申请变更")
    if seal.applications.filter(status__in=OPEN_APPLICATION_STATUSES).exists():
        raise Conflict("该印章已有正在办理的申请，请勿重复提交")
    return seal


def _validate(actor: User, data: ApplicationInput) -> tuple[Seal | None, list[User]]:
    if data.kind not in Kind.values:
        raise DomainError("申请类别不正确")
    if not data.reason.strip():
        raise DomainError("请填写申请理由")
    if len(data.reason) > MAX_REASON:
        raise DomainError(f"申请理由不能超过 {MAX_REASON} 字")
    if data.kind == Kind.CHANGE and data.change_reason not in SealApplication.ChangeReason.values:
        raise DomainError("请选择变更原因（名称变更、合并、损坏或遗失）")
    old = None if data.kind == Kind.NEW else _check_old_seal(actor.unit_id, data)
    if data.kind == Kind.NEW and data.old_seal is not None:
        raise DomainError("新制印章不能关联原印章；变更请选择“变更”")
    if data.kind == Kind.DESTROY:
        return old, []
    seal_type = data.seal_type or (old.seal_type if old else "")
    if seal_type not in SealType.values:
        raise DomainError("请选择印章类型")
    data.seal_type = seal_type
    return old, check_custodians(
        unit_id=actor.unit_id, custodians=data.custodians, k=data.threshold_k
    )


@transaction.atomic
def seal_application_submit(*, actor: User, data: ApplicationInput) -> SealApplication:
    """A unit's clerk or system administrator files an application in the unit's name."""
    require_role(
        actor, Role.CLERK, Role.UNIT_ADMIN, message="只有本单位文书或单位系统管理员可以提出印章申请"
    )
    if not actor.unit.is_registered:
        raise Forbidden("本单位未在系统中注册，不能申请电子印章")
    old, custodians = _validate(actor, data)
    app = SealApplication.objects.create(
        unit_id=actor.unit_id,
        kind=data.kind,
        change_reason=data.change_reason if old else "",
        old_seal=old,
        seal_type="" if data.kind == Kind.DESTROY else data.seal_type,
        reason=data.reason.strip(),
        requested_by=actor,
        threshold_k=data.threshold_k if custodians else None,
    )
    app.custodians.set(custodians)
    audit_record(
        actor=actor,
        action="seal.application_submitted",
        target=app,
        details={
            "kind": app.kind,
            "change_reason": app.change_reason,
            "old_seal_id": old.pk if old else None,
            "seal_type": app.seal_type,
            "custodian_ids": [p.pk for p in custodians],
            "threshold_k": app.threshold_k,
        },
    )
    notify(
        unit_people(actor.unit_id, Role.UNIT_LEADER),
        title="有印章申请待您签字",
        body=f"{actor.display_name}提交了{app.get_kind_display()}印章申请",
        link=application_link(app.pk),
    )
    return app


def lock_application(
    actor: User, application: SealApplication
) -> tuple[SealApplication, Seal | None]:
    """Lock an application the actor may see, and the seal it names.

    Lock order, everywhere in this app: a seal, then its applications, then its use requests
    (the deregistration hook, loss and destruction take them in this order too)."""
    found = selectors.application_get(viewer=actor, pk=application.pk)
    seal = None
    if found.old_seal_id is not None:
        seal = (
            Seal.objects.select_for_update(of=("self",))
            .select_related("unit")
            .get(pk=found.old_seal_id)
        )
    return selectors.application_get(viewer=actor, pk=found.pk, lock=True), seal


def _locked(actor: User, application: SealApplication) -> SealApplication:
    app = selectors.application_get(viewer=actor, pk=application.pk, lock=True)
    return app


def _opinion(text: str) -> str:
    if len(text) > MAX_OPINION:
        raise DomainError(f"意见不能超过 {MAX_OPINION} 字")
    return text.strip()


@transaction.atomic
def seal_application_sign_off(
    *, actor: User, application: SealApplication, approve: bool, opinion: str = ""
) -> SealApplication:
    """The unit head (单位负责人) agrees and signs, or refuses (article 20)."""
    app = _locked(actor, application)
    if actor.unit_id != app.unit_id or not actor.has_role(Role.UNIT_LEADER):
        raise Forbidden("只有申请单位的负责人可以签字同意")
    if not approve and not opinion.strip():
        raise DomainError("不同意时请填写意见")
    app.transition(Status.SIGNED if approve else Status.REJECTED)
    app.leader, app.leader_at, app.leader_opinion = actor, timezone.now(), _opinion(opinion)
    app.save(update_fields=["status", "leader", "leader_at", "leader_opinion"])
    audit_record(
        actor=actor,
        action="seal.application_signed" if approve else "seal.application_rejected",
        target=app,
        details={"step": "unit_leader", "approve": approve, "opinion": app.leader_opinion},
    )
    if approve:
        notify_holders(
            Role.GOV_APPROVER,
            title="有印章申请待审批",
            body=f"{app.unit.full_name}的{app.get_kind_display()}印章申请已由单位负责人签字",
            link=application_link(app.pk),
        )
    else:
        _tell_requester(app, "您的印章申请单位负责人未同意")
    return app


@transaction.atomic
def seal_application_decide(
    *, actor: User, application: SealApplication, approve: bool, opinion: str = ""
) -> SealApplication:
    """The city government office approver approves or refuses (article 20)."""
    require_role(actor, Role.GOV_APPROVER, message="只有市政府办公室审批人可以审批印章申请")
    app = _locked(actor, application)
    if not approve and not opinion.strip():
        raise DomainError("不同意时请填写审批意见")
    app.transition(Status.APPROVED if approve else Status.REJECTED)
    app.approver, app.approved_at, app.approver_opinion = actor, timezone.now(), _opinion(opinion)
    app.save(update_fields=["status", "approver", "approved_at", "approver_opinion"])
    audit_record(
        actor=actor,
        action="seal.application_approved" if approve else "seal.application_rejected",
        target=app,
        details={"step": "gov_approver", "approve": approve, "opinion": app.approver_opinion},
    )
    if approve:
        what = "销毁" if app.kind == Kind.DESTROY else "制作"
        notify_holders(
            Role.CITY_ADMIN,
            title=f"有印章待{what}",
            body=f"{app.unit.full_name}的{app.get_kind_display()}印章申请已获市政府批准",
            link=application_link(app.pk),
        )
        _tell_requester(app, "您的印章申请已获市政府批准")
    else:
        _tell_requester(app, "您的印章申请市政府办公室未同意")
    return app


@transaction.atomic
def seal_application_withdraw(*, actor: User, application: SealApplication) -> SealApplication:
    """The applicant takes the application back before the unit head has signed."""
    app = _locked(actor, application)
    if app.requested_by_id != actor.pk:
        raise Forbidden("只有申请人本人可以撤回申请")
    app.transition(Status.WITHDRAWN)
    app.save(update_fields=["status"])
    audit_record(actor=actor, action="seal.application_withdrawn", target=app)
    return app


def _tell_requester(app: SealApplication, title: str) -> None:
    if app.requested_by is not None:
        notify([app.requested_by], title=title, body=str(app), link=application_link(app.pk))


def seals_unit_renamed(*, unit: object, old_name: str, new_name: str, actor: object) -> None:
    """Org's rename hook: the unit's live seals still carry the old name (article 23 asks for a
    change). Remind the unit; the change itself goes through the usual application."""
    unit_id = getattr(unit, "pk", None)
    if unit_id is None:
        return
    live = Seal.objects.filter(
        unit_id=unit_id, status__in=[Seal.Status.IN_USE, Seal.Status.SUSPENDED]
    )
    if not live.exists():
        return
    notify(
        unit_people(unit_id, Role.UNIT_ADMIN, Role.CLERK, Role.UNIT_LEADER),
        title="单位名称已变更，请申请变更电子印章",
        body=f"本单位已由“{old_name}”更名为“{new_name}”，现有电子印章仍为原名称，请提出变更申请",
    )
