"""Navigation entries and workbench counters of the accounts app, by role."""

from __future__ import annotations

from typing import Any

from wenshu.accounts.roles import Role
from wenshu.web.registry import Counter, NavItem, register_counter, register_nav


def _has(*roles: Role) -> Any:
    def visible(user: Any) -> bool:
        return bool(user.has_role(*roles))

    return visible


def _pending_requests(user: Any) -> int:
    from wenshu.accounts.selectors import pending_requests_count

    return pending_requests_count(viewer=user)


_people_managers = _has(Role.UNIT_ADMIN, Role.CITY_ADMIN)

register_nav(NavItem("工作台", "工作台", "web:workbench", order=0))
register_nav(
    NavItem("单位与人员", "人员管理", "accounts:people", order=10, visible=_people_managers)
)
register_nav(
    NavItem("单位与人员", "账号申请", "accounts:requests", order=20, visible=_people_managers)
)
register_nav(
    NavItem(
        "安全管理", "安全控制台", "accounts:security", order=10, visible=_has(Role.SECURITY_ADMIN)
    )
)
register_nav(
    NavItem(
        "安全管理",
        "密码策略",
        "accounts:security_policy",
        order=20,
        visible=_has(Role.SECURITY_ADMIN),
    )
)
register_nav(
    NavItem(
        "安全管理",
        "全市角色",
        "accounts:security_roles",
        order=30,
        visible=_has(Role.SECURITY_ADMIN),
    )
)
register_nav(
    NavItem(
        "安全管理",
        "账号解锁",
        "accounts:security_locked",
        order=40,
        visible=_has(Role.SECURITY_ADMIN),
    )
)
register_nav(
    NavItem(
        "安全审计",
        "登录记录查询",
        "accounts:audit_login_history",
        order=50,
        visible=_has(Role.AUDIT_ADMIN),
    )
)
register_nav(NavItem("个人", "个人资料", "accounts:profile", order=10))
register_nav(NavItem("个人", "修改密码", "accounts:password_change", order=20))
register_nav(NavItem("个人", "登录记录", "accounts:login_history", order=30))
register_nav(NavItem("个人", "API 令牌", "accounts:tokens", order=40))

register_counter(
    Counter(
        "待审批账号",
        "accounts:requests",
        _pending_requests,
        order=50,
        visible=_has(Role.CITY_ADMIN),
    )
)
register_counter(
    Counter(
        "账号申请",
        "accounts:requests",
        _pending_requests,
        order=50,
        visible=lambda u: u.has_role(Role.UNIT_ADMIN) and not u.has_role(Role.CITY_ADMIN),
    )
)
