"""Navigation (section 协同办公 → 设备管理) and the office's workbench counter."""

from __future__ import annotations

from typing import Any

from wenshu.accounts.roles import Role
from wenshu.assets import selectors
from wenshu.web.registry import Counter, NavItem, register_counter, register_nav

SECTION = "协同办公"


def _member(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active)


def _office(user: Any) -> bool:
    return selectors.viewer_is_office(user)


def _unit_admin(user: Any) -> bool:
    return _member(user) and user.has_role(Role.UNIT_ADMIN)


register_nav(NavItem(SECTION, "设备管理", "assets:register", order=60, visible=_member))
register_nav(NavItem(SECTION, "设备申请", "assets:requests", order=61, visible=_member))
register_nav(NavItem(SECTION, "设备盘点", "assets:stocktakes", order=62, visible=_office))
register_nav(NavItem(SECTION, "设备管理员", "assets:managers", order=63, visible=_unit_admin))

register_counter(
    Counter(
        "待审批设备申请",
        "assets:requests",
        lambda user: selectors.pending_count(viewer=user),
        order=60,
        visible=_office,
    )
)
