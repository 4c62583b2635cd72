"""Navigation (section 协同办公) of the document library."""

from __future__ import annotations

from typing import Any

from wenshu.accounts.roles import Role
from wenshu.web.registry import NavItem, register_nav

SECTION = "协同办公"


def _in_a_unit(user: Any) -> bool:
    return bool(getattr(user, "unit_id", None))


def _lock_manager(user: Any) -> bool:
    from wenshu.library import access  # models are not ready at import time

    return bool(user.has_role(Role.UNIT_ADMIN) or access.is_doc_admin(user, user.unit_id))


register_nav(NavItem(SECTION, "单位文档", "library:home", order=30, visible=_in_a_unit))
register_nav(NavItem(SECTION, "我的文档", "library:mine", order=31, visible=_in_a_unit))
register_nav(NavItem(SECTION, "共享给我的文档", "library:shared", order=32, visible=_in_a_unit))
register_nav(NavItem(SECTION, "文档回收站", "library:trash", order=33, visible=_in_a_unit))
register_nav(NavItem(SECTION, "文档签出管理", "library:locks", order=34, visible=_lock_manager))
register_nav(NavItem(SECTION, "文档管理员", "library:admins", order=35, visible=_lock_manager))
