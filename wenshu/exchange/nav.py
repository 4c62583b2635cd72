"""Navigation (section 公文) and the 待分发 workbench counter of the exchange app."""

from __future__ import annotations

from typing import Any

from wenshu.accounts.roles import Role
from wenshu.exchange import selectors
from wenshu.web.registry import Counter, NavItem, register_counter, register_nav

SECTION = "公文"


def _clerk(user: Any) -> bool:
    return bool(user.has_role(Role.CLERK))


register_nav(NavItem(SECTION, "待分发", "exchange:to_dispatch", order=40, visible=_clerk))
register_nav(NavItem(SECTION, "已发公文", "exchange:sent", order=45, visible=selectors.may_track))
register_counter(
    Counter(
        "待分发",
        "exchange:to_dispatch",
        lambda user: selectors.to_dispatch_count(viewer=user),
        order=20,
        visible=_clerk,
    )
)


def _clerk_or_tracker(user: Any) -> bool:
    return selectors.may_track(user)


register_nav(NavItem(SECTION, "收文", "exchange:inbox", order=30, visible=_clerk_or_tracker))
register_nav(NavItem(SECTION, "收文单位申请", "exchange:requests", order=46, visible=_clerk))
register_counter(
    Counter(
        "待签收",
        "exchange:inbox",
        lambda user: selectors.awaiting_count(viewer=user),
        order=10,
        visible=_clerk_or_tracker,
    )
)
register_counter(
    Counter(
        "收文申请",
        "exchange:requests",
        lambda user: selectors.pending_requests_count(viewer=user),
        order=25,
        visible=_clerk,
    )
)
