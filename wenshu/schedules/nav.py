"""Navigation (协同办公 → 日程安排)."""

from __future__ import annotations

from wenshu.web.registry import NavItem, register_nav

register_nav(NavItem("协同办公", "日程安排", "schedules:week", order=35))
