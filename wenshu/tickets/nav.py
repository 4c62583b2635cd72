"""Navigation (section 协同办公) and the workbench counter of the tickets app."""

from __future__ import annotations

from typing import Any

from wenshu.tickets import selectors
from wenshu.web.registry import Counter, NavItem, register_counter, register_nav

SECTION = "协同办公"


def _handler(user: Any) -> bool:
    return selectors.is_unit_admin(user) or selectors.is_city_admin(user)


register_nav(NavItem(SECTION, "故障报修", "tickets:list", order=80))
register_nav(
    NavItem(SECTION, "故障统计", "tickets:stats", order=81, visible=selectors.may_see_stats)
)
register_nav(
    NavItem(
        SECTION, "故障升级报告", "tickets:breached", order=82, visible=selectors.is_gov_approver
    )
)
register_counter(
    Counter(
        "待处理故障",
        "tickets:queue",
        lambda user: selectors.queue_count(viewer=user),
        order=80,
        visible=_handler,
    )
)
