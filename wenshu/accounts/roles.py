"""Roles, where they apply, and which combinations are forbidden (三员分立)."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from wenshu.lib.errors import DomainError


class Role(StrEnum):
    CITY_ADMIN = "city_admin"  # 市数字办管理员: registers units, approves accounts
    SYSTEM_ADMIN = "system_admin"  # 系统管理员 (三员): system configuration console
    SECURITY_ADMIN = "security_admin"  # 安全保密管理员 (三员): policies, city roles, unlocks
    AUDIT_ADMIN = "audit_admin"  # 安全审计员 (三员): reads the audit log, changes nothing
    GOV_APPROVER = "gov_approver"  # 市政府办公室审批人: seals and login keys
    SECRECY_OFFICER = "secrecy_officer"  # 市保密局: witnesses seal destruction
    UNIT_ADMIN = "unit_admin"  # 单位系统管理员
    UNIT_LEADER = "unit_leader"  # 单位负责人
    CLERK = "clerk"  # 文书 / 公文管理员
    SEAL_CUSTODIAN = "seal_custodian"  # 印章保管人
    STAFF = "staff"  # 普通工作人员

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS: dict[Role, str] = {
    Role.CITY_ADMIN: "市数字办管理员",
    Role.SYSTEM_ADMIN: "系统管理员",
    Role.SECURITY_ADMIN: "安全保密管理员",
    Role.AUDIT_ADMIN: "安全审计员",
    Role.GOV_APPROVER: "市政府办公室审批人",
    Role.SECRECY_OFFICER: "市保密局工作人员",
    Role.UNIT_ADMIN: "单位系统管理员",
    Role.UNIT_LEADER: "单位负责人",
    Role.CLERK: "文书",
    Role.SEAL_CUSTODIAN: "印章保管人",
    Role.STAFF: "工作人员",
}
ROLE_CHOICES = [(r.value, ROLE_LABELS[r]) for r in Role]

# The three separated administrators hold no other role and none of each other's.
THREE_ADMINS = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
# Roles granted city-wide by the security administrator (the rest are a unit's own).
CITY_ROLES = frozenset({Role.CITY_ADMIN, Role.GOV_APPROVER, Role.SECRECY_OFFICER} | THREE_ADMINS)
UNIT_ROLES = frozenset(Role) - CITY_ROLES
ADMIN_ROLES = frozenset({Role.CITY_ADMIN, Role.UNIT_ADMIN} | THREE_ADMINS)

# Pairs no one person may hold together, with the reason shown when refused.
FORBIDDEN_PAIRS: dict[frozenset[Role], str] = {
    frozenset(
        {Role.CITY_ADMIN, Role.GOV_APPROVER}
    ): "市数字办管理员不能兼任市政府办公室审批人（申请的审批与办理须分离）",
    frozenset(
        {Role.UNIT_LEADER, Role.SEAL_CUSTODIAN}
    ): "单位负责人不能兼任印章保管人（签发与用印须分离）",
}


def check_combination(roles: Iterable[Role | str]) -> None:
    """Raise DomainError if this set of roles may not be held by one person."""
    held = {Role(r) for r in roles}
    admins = held & THREE_ADMINS
    if admins and len(held) > 1:
        names = "、".join(ROLE_LABELS[r] for r in sorted(admins))
        raise DomainError(f"三员分立：{names}只能单独担任，不能与其他角色兼任")
    for pair, reason in FORBIDDEN_PAIRS.items():
        if pair <= held:
            raise DomainError(reason)
