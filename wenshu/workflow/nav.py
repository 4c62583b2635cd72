"""Navigation (工作台: 我的待办; 系统管理: 流程定义) and the workbench counter 待办."""

from __future__ import annotations

from typing import Any

from wenshu.accounts.roles import Role
from wenshu.web.registry import Counter, NavItem, register_counter, register_nav
from wenshu.workflow import selectors


def _city_admin(user: Any) -> bool:
    return user.has_role(Role.CITY_ADMIN)


register_nav(NavItem("工作台", "我的待办", "workflow:todo", order=10))
register_nav(NavItem("系统管理", "流程定义", "workflow:definitions", order=60, visible=_city_admin))
register_counter(
    Counter("待办", "workflow:todo", lambda user: selectors.todo_count(viewer=user), order=1)
)
