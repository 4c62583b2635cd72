"""Navigation entries and workbench counters of the keys app."""

from __future__ import annotations

from typing import Any

from wenshu.accounts.roles import Role
from wenshu.keys import selectors
from wenshu.web.registry import Counter, NavItem, register_counter, register_nav

SECTION = "印章与密钥"


def _role(*roles: Role) -> Any:
    return lambda user: user.has_role(*roles)


register_nav(NavItem(SECTION, "我的密钥", "keys:mine", order=10))
register_nav(NavItem(SECTION, "密钥申请", "keys:applications", order=20))
register_nav(
    NavItem(SECTION, "密钥审批", "keys:approvals", order=30, visible=_role(Role.GOV_APPROVER))
)
register_nav(
    NavItem(SECTION, "密钥制作与发放", "keys:office", order=40, visible=_role(Role.CITY_ADMIN))
)
register_nav(
    NavItem(
        SECTION,
        "密钥登记簿",
        "keys:registry",
        order=50,
        visible=_role(Role.CITY_ADMIN, Role.GOV_APPROVER, Role.SECURITY_ADMIN, Role.UNIT_ADMIN),
    )
)
register_nav(
    NavItem(
        SECTION,
        "密钥挂失",
        "keys:losses",
        order=60,
        visible=_role(Role.CITY_ADMIN, Role.UNIT_ADMIN, Role.UNIT_LEADER, Role.SECURITY_ADMIN),
    )
)
register_nav(
    NavItem(SECTION, "密钥策略", "keys:policy", order=70, visible=_role(Role.SECURITY_ADMIN))
)
register_nav(
    NavItem(
        SECTION,
        "暂停的密钥",
        "keys:suspended",
        order=80,
        visible=_role(Role.SECURITY_ADMIN, Role.CITY_ADMIN),
    )
)

register_counter(
    Counter(
        "待审批密钥申请",
        "keys:approvals",
        count=selectors.pending_approval_count,
        order=40,
        visible=_role(Role.GOV_APPROVER),
    )
)
register_counter(
    Counter(
        "待制作密钥",
        "keys:office",
        count=selectors.pending_production_count,
        order=41,
        visible=_role(Role.CITY_ADMIN),
    )
)
register_counter(
    Counter(
        "暂停的密钥",
        "keys:suspended",
        count=selectors.suspended_count,
        order=42,
        visible=_role(Role.SECURITY_ADMIN),
    )
)
