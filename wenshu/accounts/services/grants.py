"""Granting and revoking roles. Unit roles: the unit's own administrator (the unit
administrator role itself: the digital office). City roles, the three administrators
included: the security administrator. Nobody manages their own roles (三员分立)."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from wenshu.accounts.models import RoleGrant, User
from wenshu.accounts.roles import CITY_ROLES, Role, check_combination
from wenshu.accounts.services.common import is_unit_admin_of, lock_person, person_in_reach
from wenshu.audit.services import audit_record
from wenshu.lib.errors import Conflict, DomainError, Forbidden


def parse_role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise DomainError(f"没有“{value}”这个角色") from None


def may_manage_role(actor: User, person: User, role: Role) -> bool:
    """Whether `actor` is the right granter of `role` for `person` (not counting other rules)."""
    if not actor.is_active or actor.pk == person.pk:
        return False
    if role in CITY_ROLES:
        return actor.has_role(Role.SECURITY_ADMIN)
    if role == Role.UNIT_ADMIN:
        return actor.has_role(Role.CITY_ADMIN)
    return is_unit_admin_of(actor, person.unit_id)


def _check_granter(actor: User, person: User, role: Role) -> None:
    if actor.pk == person.pk:
        raise Forbidden("不能管理自己的角色（三员分立：任何人不能给自己授予或撤销角色）。")
    if may_manage_role(actor, person, role):
        return
    if role in CITY_ROLES:
        raise Forbidden(f"“{role.label}”是全市角色，只能由安全保密管理员授予或撤销。")
    if role == Role.UNIT_ADMIN:
        raise Forbidden("单位系统管理员只能由市数字办指定或撤销。")
    raise Forbidden(f"“{role.label}”只能由该单位的系统管理员授予或撤销。")


@transaction.atomic
def role_grant(*, actor: User, user: User, role: Role | str) -> RoleGrant:
    """Give `user` a role, refusing a wrong granter, a self-grant or a forbidden combination."""
    role = parse_role(str(role))
    person_in_reach(actor, user)
    person = lock_person(user.pk)
    _check_granter(actor, person, role)
    if person.status != User.Status.ACTIVE:
        raise Conflict(f"该账号状态为“{person.get_status_display()}”，不能授予角色。")
    held = person.role_set
    if role in held:
        raise Conflict(f"{person.display_name}已经是“{role.label}”。")
    check_combination(held | {role})
    try:
        with transaction.atomic():
            grant = RoleGrant.objects.create(user=person, role=role, granted_by=actor)
    except IntegrityError:
        raise Conflict(f"{person.display_name}已经是“{role.label}”。") from None
    audit_record(
        actor=actor,
        action="account.role_granted",
        target=person,
        unit=person.unit,
        details={"role": role.value},
    )
    user.forget_roles()
    return grant


@transaction.atomic
def role_revoke(*, actor: User, user: User, role: Role | str) -> None:
    role = parse_role(str(role))
    person_in_reach(actor, user)
    person = lock_person(user.pk)
    _check_granter(actor, person, role)
    deleted, _ = RoleGrant.objects.filter(user=person, role=role).delete()
    if not deleted:
        raise Conflict(f"{person.display_name}没有“{role.label}”这个角色。")
    audit_record(
        actor=actor,
        action="account.role_revoked",
        target=person,
        unit=person.unit,
        details={"role": role.value},
    )
    user.forget_roles()


def grant_requested_roles(*, actor: User, person: User, roles: list[Role]) -> None:
    """Roles filed with an account opening, made effective on approval (already checked)."""
    for role in roles:
        RoleGrant.objects.create(user=person, role=role, granted_by=actor)
        audit_record(
            actor=actor,
            action="account.role_granted",
            target=person,
            unit=person.unit,
            details={"role": role.value, "via": "account_request"},
        )
