"""Navigation for the three separated administrators' consoles (三员分立)."""

from typing import Any

from wenshu.audit.permissions import AUDIT_ADMIN, SECURITY_ADMIN, SYSTEM_ADMIN, holds
from wenshu.audit.selectors import open_alert_count
from wenshu.web.registry import Counter, NavItem, register_counter, register_nav


def _audit_admin(user: Any) -> bool:
    return holds(user, AUDIT_ADMIN)


def _security_admin(user: Any) -> bool:
    return holds(user, SECURITY_ADMIN)


def _system_admin(user: Any) -> bool:
    return holds(user, SYSTEM_ADMIN)


def _open_alerts(user: Any) -> int:
    return open_alert_count(viewer=user)


register_nav(NavItem("安全审计", "审计日志", "audit:events", order=10, visible=_audit_admin))
register_nav(NavItem("安全管理", "安全告警", "audit:alerts", order=10, visible=_security_admin))
register_nav(
    NavItem("系统管理", "系统控制台", "web:system_console", order=10, visible=_system_admin)
)
register_counter(
    Counter("未处理安全告警", "audit:alerts", count=_open_alerts, order=50, visible=_security_admin)
)
