"""Navigation of full-text search (section 工作台)."""

from __future__ import annotations

from wenshu.web.registry import NavItem, register_nav

register_nav(NavItem("工作台", "全文检索", "search:index", order=90))
