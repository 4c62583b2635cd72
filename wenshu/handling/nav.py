"""Navigation of 收文办理 (section 公文), the 代办人 / 签收情况通报 pages and the workbench
counter 待办收文 (handlings with a step waiting for the viewer)."""

from __future__ import annotations

from typing import Any

from wenshu.accounts.roles import Role
from wenshu.handling import selectors
from wenshu.web.registry import Counter, NavItem, register_counter, register_nav

SECTION = "公文"


def _unit_people(user: Any) -> bool:
    return bool(user.has_role(Role.CLERK, Role.UNIT_LEADER, Role.UNIT_ADMIN, Role.STAFF))


def _report(user: Any) -> bool:
    return bool(user.has_role(Role.CITY_ADMIN, Role.CLERK, Role.UNIT_LEADER, Role.UNIT_ADMIN))


register_nav(NavItem(SECTION, "收文办理", "handling:index", order=55, visible=_unit_people))
register_nav(NavItem(SECTION, "代办人", "handling:delegations", order=90))
register_nav(NavItem(SECTION, "签收情况通报", "handling:compliance", order=95, visible=_report))
register_counter(
    Counter(
        "待办收文",
        "handling:index",
        lambda user: selectors.awaiting_me_count(viewer=user),
        order=15,
        visible=_unit_people,
    )
)
