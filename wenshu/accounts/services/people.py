"""Opening and closing accounts (S1 art. 12: filed by the unit administrator, decided by
the digital office), and keeping a person's particulars."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from wenshu.accounts.models import REQUEST_TRANSITIONS, AccountRequest, User
from wenshu.accounts.roles import UNIT_ROLES, Role, check_combination
from wenshu.accounts.services.common import (
    USERNAME_RE,
    check_mobile,
    is_unit_admin_of,
    lock_person,
    move_status,
    person_in_reach,
    require_active,
    unit_has_admin,
)
from wenshu.accounts.services.grants import grant_requested_roles, parse_role
from wenshu.accounts.services.login import revoke_tokens, sessions_end
from wenshu.accounts.services.passwords import set_initial_password
from wenshu.accounts.signals import send_account_request_decided
from wenshu.audit.services import audit_record
from wenshu.lib.errors import Conflict, DomainError, Forbidden, NotFound


@dataclass
class OpeningFiling:
    """What a unit administrator files to open an account (S1 art. 12)."""

    username: str
    real_name: str
    department_id: int | None = None
    post: str = ""
    duties: str = ""
    mobile: str = ""
    roles: list[str] = field(default_factory=lambda: [Role.STAFF.value])
    reason: str = ""


@dataclass(frozen=True)
class Decision:
    """The outcome of a decided request; `initial_password` is set once, for an opening."""

    request: AccountRequest
    initial_password: str | None = None


def _may_file_for(actor: User, unit: Any) -> bool:
    """The unit's administrator files; the digital office does it for a unit without one."""
    if is_unit_admin_of(actor, unit.pk):
        return True
    return actor.has_role(Role.CITY_ADMIN) and not unit_has_admin(unit.pk)


def _resolve_unit(actor: User, unit_id: int | None) -> Any:
    from wenshu.org.models import Unit

    unit_id = unit_id or actor.unit_id
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None or (unit.pk != actor.unit_id and not actor.has_role(Role.CITY_ADMIN)):
        raise NotFound("找不到该单位，或您无权为其办理。")
    if not unit.is_registered:
        raise Conflict(f"{unit.full_name}当前状态为“{unit.get_status_display()}”，不能办理账号。")
    if not _may_file_for(actor, unit):
        if actor.has_role(Role.CITY_ADMIN):
            raise Forbidden(
                "该单位已确定系统管理员，开设或注销账号应由该单位系统管理员申报（《管理办法》第十二条）。"
            )
        raise Forbidden("只有本单位系统管理员可以申报开设或注销账号。")
    return unit


def _clean_roles(actor: User, roles: list[str]) -> list[Role]:
    if not roles:
        raise DomainError("请至少选择一个角色")
    chosen = sorted({parse_role(r) for r in roles})
    allowed = (
        set(UNIT_ROLES) if actor.has_role(Role.CITY_ADMIN) else set(UNIT_ROLES) - {Role.UNIT_ADMIN}
    )
    outside = [r for r in chosen if r not in allowed]
    if outside:
        names = "、".join(r.label for r in outside)
        raise Forbidden(
            f"不能在开设账号时申请“{names}”（单位系统管理员由市数字办指定，全市角色由安全保密管理员授予）"
        )
    check_combination(chosen)
    return chosen


def _check_username(username: str) -> str:
    username = username.strip()
    if not USERNAME_RE.match(username):
        raise DomainError("用户名须以字母开头，由 3–60 位字母、数字、“_”“.”“-”组成")
    if User.objects.filter(username__iexact=username).exists():
        raise Conflict(f"用户名“{username}”已被使用（全市唯一），请换一个")
    pending = AccountRequest.objects.filter(
        kind=AccountRequest.Kind.OPEN, status=AccountRequest.Status.PENDING
    )
    if pending.filter(username__iexact=username).exists():
        raise Conflict(f"用户名“{username}”已有待审批的开设申请，请换一个")
    return username


def _filing_fields(actor: User, unit: Any, filing: OpeningFiling) -> dict[str, Any]:
    real_name = filing.real_name.strip()
    if not real_name or len(real_name) > 60:
        raise DomainError("请填写姓名（不超过 60 个字）")
    department = None
    if filing.department_id:
        department = unit.departments.filter(pk=filing.department_id, is_active=True).first()
        if department is None:
            raise DomainError("所选部门不属于该单位")
    return {
        "username": _check_username(filing.username),
        "real_name": real_name,
        "department": department,
        "post": filing.post.strip()[:60],
        "duties": filing.duties.strip()[:4000],
        "mobile": check_mobile(filing.mobile),
        "roles": [r.value for r in _clean_roles(actor, filing.roles)],
        "reason": filing.reason.strip()[:300],
    }


@transaction.atomic
def account_request_open(
    *, actor: User, filing: OpeningFiling, unit_id: int | None = None
) -> Decision:
    """File an account opening. With ACCOUNT_AUTO_APPROVE it is approved at once and the
    initial password comes back in the Decision (show it once)."""
    require_active(actor)
    unit = _resolve_unit(actor, unit_id)
    values = _filing_fields(actor, unit, filing)
    try:
        with transaction.atomic():
            request = AccountRequest.objects.create(
                kind=AccountRequest.Kind.OPEN, unit=unit, requested_by=actor, **values
            )
    except IntegrityError:
        raise Conflict(f"用户名“{values['username']}”已有待审批的开设申请，请换一个") from None
    audit_record(
        actor=actor,
        action="account.open_requested",
        target=request,
        unit=unit,
        details={"username": request.username, "roles": request.roles},
    )
    if settings.ACCOUNT_AUTO_APPROVE:
        return _approve(actor, request, note="自动批准（系统设置）")
    return Decision(request=request)


@transaction.atomic
def account_request_close(*, actor: User, person: User, reason: str = "") -> Decision:
    """File the closing of an account (e.g. the person left the unit)."""
    require_active(actor)
    person_in_reach(actor, person)
    target = lock_person(person.pk)
    if target.pk == actor.pk:
        raise Forbidden("不能申请注销自己的账号，请由本单位其他系统管理员或市数字办办理。")
    unit = _resolve_unit(actor, target.unit_id)
    if target.status not in (User.Status.ACTIVE, User.Status.DISABLED):
        raise Conflict(f"该账号状态为“{target.get_status_display()}”，不能申请注销。")
    if AccountRequest.objects.filter(
        person=target, kind=AccountRequest.Kind.CLOSE, status=AccountRequest.Status.PENDING
    ).exists():
        raise Conflict("该账号已有待审批的注销申请。")
    request = AccountRequest.objects.create(
        kind=AccountRequest.Kind.CLOSE,
        unit=unit,
        requested_by=actor,
        person=target,
        username=target.username,
        real_name=target.real_name,
        department=target.department,
        post=target.post,
        roles=sorted(r.value for r in target.role_set),
        reason=reason.strip()[:300],
    )
    audit_record(
        actor=actor,
        action="account.close_requested",
        target=request,
        unit=unit,
        details={"username": target.username},
    )
    if settings.ACCOUNT_AUTO_APPROVE:
        return _approve(actor, request, note="自动批准（系统设置）")
    return Decision(request=request)


def _lock_request(request_id: int) -> AccountRequest:
    found = (
        AccountRequest.objects.select_for_update(of=("self",))
        .select_related("unit")
        .filter(pk=request_id)
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def _move(request: AccountRequest, new: str) -> None:
    if new not in REQUEST_TRANSITIONS[request.status]:
        raise Conflict(
            f"该申请已{request.get_status_display()}，不能再办理（页面可能已过期，请刷新）。"
        )
    request.status = new


def _require_digital_office(actor: User) -> None:
    if not (actor.is_active and actor.has_role(Role.CITY_ADMIN)):
        raise Forbidden("账号的开设和注销由市数字办审批，您无权审批。")


@transaction.atomic
def account_request_approve(*, actor: User, request: AccountRequest, note: str = "") -> Decision:
    """The digital office approves: an opening creates the active account with a one-time
    initial password (returned once); a closing closes it and ends its sessions."""
    _require_digital_office(actor)
    return _approve(actor, _lock_request(request.pk), note=note)


def _approve(actor: User, request: AccountRequest, *, note: str) -> Decision:
    _move(request, AccountRequest.Status.APPROVED)
    request.decided_by, request.decided_at, request.decision_note = (
        actor,
        timezone.now(),
        note.strip()[:300],
    )
    raw = _open_account(actor, request) if request.kind == AccountRequest.Kind.OPEN else None
    if request.kind == AccountRequest.Kind.CLOSE:
        _close_account(actor, request)
    request.save()
    send_account_request_decided(
        request=request, actor=actor, approved=True, reason=request.decision_note
    )
    return Decision(request=request, initial_password=raw)


def _open_account(actor: User, request: AccountRequest) -> str:
    if not request.unit.is_registered:
        raise Conflict("该单位已不在注册状态，不能开设账号。")
    if User.objects.filter(username__iexact=request.username).exists():
        raise Conflict(f"用户名“{request.username}”已被使用，请驳回该申请并重新申报。")
    person = User.objects.create(
        username=request.username,
        real_name=request.real_name,
        unit=request.unit,
        department=request.department,
        post=request.post,
        duties=request.duties,
        mobile=request.mobile,
        status=User.Status.ACTIVE,
        must_change_password=True,
    )
    raw = set_initial_password(person)
    grant_requested_roles(
        actor=request.requested_by, person=person, roles=[Role(r) for r in request.roles]
    )
    request.person = person
    audit_record(
        actor=actor,
        action="account.opened",
        target=person,
        unit=request.unit,
        details={"request_id": request.pk, "roles": request.roles},
    )
    return raw


def _close_account(actor: User, request: AccountRequest) -> None:
    assert request.person_id is not None
    person = lock_person(request.person_id)
    move_status(person, User.Status.CLOSED)
    person.save(update_fields=["status"])
    sessions_end(user=person, reason="account_closed")
    revoke_tokens(person)
    audit_record(
        actor=actor,
        action="account.closed",
        target=person,
        unit=request.unit,
        details={"request_id": request.pk},
    )


@transaction.atomic
def account_request_reject(*, actor: User, request: AccountRequest, reason: str) -> AccountRequest:
    _require_digital_office(actor)
    reason = reason.strip()
    if not reason:
        raise DomainError("驳回时请填写理由，以便申报单位修改后重新申报")
    found = _lock_request(request.pk)
    _move(found, AccountRequest.Status.REJECTED)
    found.decided_by, found.decided_at, found.decision_note = actor, timezone.now(), reason[:300]
    found.save()
    audit_record(
        actor=actor,
        action="account.request_rejected",
        target=found,
        unit=found.unit,
        details={"reason": found.decision_note},
    )
    send_account_request_decided(
        request=found, actor=actor, approved=False, reason=found.decision_note
    )
    return found


@transaction.atomic
def account_request_withdraw(*, actor: User, request: AccountRequest) -> AccountRequest:
    """The filing unit takes a pending request back."""
    found = _lock_request(request.pk)
    if found.unit_id != actor.unit_id and found.requested_by_id != actor.pk:
        raise NotFound()
    if not (is_unit_admin_of(actor, found.unit_id) or found.requested_by_id == actor.pk):
        raise Forbidden("只有申报单位的系统管理员可以撤回该申请。")
    _move(found, AccountRequest.Status.WITHDRAWN)
    found.decided_at = timezone.now()
    found.save()
    audit_record(actor=actor, action="account.request_withdrawn", target=found, unit=found.unit)
    return found
