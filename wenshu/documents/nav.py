"""Navigation (公文: 新建公文 (拟稿), 我的发文) and workbench counters (草稿, 待用印)."""

from __future__ import annotations

from typing import Any

from wenshu.accounts.roles import Role
from wenshu.documents import selectors
from wenshu.documents.services._common import DRAFTING_ROLES
from wenshu.web.registry import Counter, NavItem, register_counter, register_nav


def _drafts(user: Any) -> bool:
    return bool(user.is_authenticated and user.has_role(*DRAFTING_ROLES))


def _custodian(user: Any) -> bool:
    return bool(user.is_authenticated and user.has_role(Role.SEAL_CUSTODIAN))


register_nav(NavItem("公文", "新建公文", "documents:new", order=10, visible=_drafts))
register_nav(NavItem("公文", "我的发文", "documents:list", order=20, visible=_drafts))
register_counter(
    Counter(
        "草稿",
        "documents:list",
        lambda u: selectors.drafts_count(viewer=u),
        order=5,
        visible=_drafts,
    )
)
register_counter(
    Counter(
        "待用印",
        "workflow:todo",
        lambda u: selectors.seal_todo_count(viewer=u),
        order=6,
        visible=_custodian,
    )
)
