"""Navigation (协同办公 → 会议通知) and the workbench counter 待回复会议."""

from __future__ import annotations

from wenshu.meetings import selectors
from wenshu.web.registry import Counter, NavItem, register_counter, register_nav

SECTION = "协同办公"

register_nav(NavItem(SECTION, "会议通知", "meetings:list", order=30))
register_counter(
    Counter(
        "待回复会议",
        "meetings:list",
        count=lambda user: selectors.pending_reply_count(viewer=user),
        order=30,
    )
)
