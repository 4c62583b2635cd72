"""Navigation entries and the workbench counter of the unit pages."""

from __future__ import annotations

from typing import Any

from wenshu.accounts.roles import Role
from wenshu.web.registry import Counter, NavItem, register_counter, register_nav

SECTION = "单位与人员"


def _city_admin(user: Any) -> bool:
    return bool(user.has_role(Role.CITY_ADMIN))


def _unit_admin(user: Any) -> bool:
    return bool(user.has_role(Role.UNIT_ADMIN))


def _reviewer(user: Any) -> bool:
    return bool(user.has_role(Role.CITY_ADMIN, Role.UNIT_ADMIN))


def _unit_manager(user: Any) -> bool:
    return bool(user.has_role(Role.UNIT_ADMIN, Role.UNIT_LEADER))


def _pending_count(user: Any) -> int:
    from wenshu.org.selectors import pending_count  # models are not ready at import time

    return pending_count(viewer=user)


register_nav(NavItem(SECTION, "单位注册管理", "org:registry", order=10, visible=_city_admin))
register_nav(NavItem(SECTION, "单位申请与变更", "org:pending", order=20, visible=_reviewer))
register_nav(NavItem(SECTION, "本单位信息", "org:my_unit", order=30, visible=_unit_manager))
register_nav(NavItem(SECTION, "部门管理", "org:departments", order=40, visible=_unit_admin))
register_nav(NavItem(SECTION, "单位目录", "org:directory", order=50))
register_nav(NavItem(SECTION, "单位分组", "org:groups", order=60))
register_counter(
    Counter("待审核单位申请", "org:pending", count=_pending_count, order=40, visible=_city_admin)
)
