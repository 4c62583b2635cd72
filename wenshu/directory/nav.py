"""Navigation of the address book (section 协同办公)."""

from __future__ import annotations

from wenshu.web.registry import NavItem, register_nav

register_nav(NavItem("协同办公", "通讯录", "directory:index", order=40))
