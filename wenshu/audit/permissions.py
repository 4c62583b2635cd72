"""三员分立 for the consoles: each of the three administrators has one console, and only one.

The audit app sits below accounts in the import graph, so roles are compared by their values
(the same strings as wenshu.accounts.roles.Role; a test keeps them equal).
"""

from __future__ import annotations

from typing import Any

from wenshu.lib.errors import Forbidden

SYSTEM_ADMIN = "system_admin"
SECURITY_ADMIN = "security_admin"
AUDIT_ADMIN = "audit_admin"

AUDIT_ONLY = (
    "三员分立：审计日志只有安全审计员可以查看；系统管理员、安全保密管理员及其他人员均无权查看。"
)
SECURITY_ONLY = (
    "三员分立：安全告警由安全保密管理员查看和处理；系统管理员、安全审计员及其他人员均无权操作。"
)
SYSTEM_ONLY = (
    "三员分立：系统管理控制台只有系统管理员可以进入；"
    "安全保密管理员、安全审计员及其他人员均无权进入。"
)
CHAIN_STATUS_ROLES = (SYSTEM_ADMIN, SECURITY_ADMIN, AUDIT_ADMIN)


def holds(user: Any, *roles: str) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(user.has_role(*roles))


def _require(user: Any, role: str, message: str) -> None:
    if not holds(user, role):
        raise Forbidden(message)


def require_audit_admin(user: Any) -> None:
    _require(user, AUDIT_ADMIN, AUDIT_ONLY)


def require_security_admin(user: Any) -> None:
    _require(user, SECURITY_ADMIN, SECURITY_ONLY)


def require_system_admin(user: Any) -> None:
    _require(user, SYSTEM_ADMIN, SYSTEM_ONLY)


def require_chain_status_reader(user: Any) -> None:
    if not holds(user, *CHAIN_STATUS_ROLES):
        raise Forbidden("三员分立：审计链状态只有系统管理员、安全保密管理员和安全审计员可以查看。")
