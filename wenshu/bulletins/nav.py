"""Navigation (section 协同办公) and workbench counters of the bulletins app."""

from __future__ import annotations

from wenshu.bulletins import selectors
from wenshu.bulletins.permissions import (
    is_active_person,
    is_city_admin,
    is_leader,
    is_manager,
    is_report_handler,
    may_see_report_stats,
)
from wenshu.web.registry import Counter, NavItem, register_counter, register_nav

SECTION = "协同办公"

register_nav(NavItem(SECTION, "通知公告", "bulletins:notices", order=30, visible=is_active_person))
register_nav(
    NavItem(SECTION, "本单位通知管理", "bulletins:notices_manage", order=31, visible=is_manager)
)
register_nav(
    NavItem(SECTION, "待审核通知", "bulletins:notices_pending", order=32, visible=is_leader)
)
register_nav(
    NavItem(SECTION, "全市通知监管", "bulletins:notices_city", order=33, visible=is_city_admin)
)
register_nav(NavItem(SECTION, "信息上报", "bulletins:reports", order=40, visible=is_manager))
register_nav(
    NavItem(SECTION, "待处理信息", "bulletins:reports_inbox", order=41, visible=is_report_handler)
)
register_nav(
    NavItem(
        SECTION, "信息采用统计", "bulletins:report_stats", order=42, visible=may_see_report_stats
    )
)
register_nav(
    NavItem(SECTION, "信息接收单位设置", "bulletins:receivers", order=43, visible=is_city_admin)
)

register_counter(
    Counter(
        "未读通知公告",
        "bulletins:notices_unread",
        lambda user: selectors.notices_unread_count(viewer=user),
        order=30,
        visible=is_active_person,
    )
)
register_counter(
    Counter(
        "待审核通知",
        "bulletins:notices_pending",
        lambda user: selectors.notices_pending_count(viewer=user),
        order=31,
        visible=is_leader,
    )
)
register_counter(
    Counter(
        "待处理信息",
        "bulletins:reports_inbox",
        lambda user: selectors.reports_pending_count(viewer=user),
        order=32,
        visible=is_report_handler,
    )
)
