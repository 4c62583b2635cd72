"""Navigation entries and workbench counters, registered by each app in AppConfig.ready().

`web` imports no app's models: apps register callables here, and the shell renders what
the viewer may see. Only modules that exist register, so there are no links to nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Visible = Callable[[Any], bool]


def _always(user: Any) -> bool:
    return True


@dataclass(frozen=True)
class NavItem:
    section: str
    label: str
    url_name: str
    order: int = 100
    visible: Visible = field(default=_always, compare=False)


@dataclass(frozen=True)
class Counter:
    label: str
    url_name: str
    count: Callable[[Any], int] = field(compare=False)
    order: int = 100
    visible: Visible = field(default=_always, compare=False)


SECTION_ORDER = [
    "工作台",
    "公文",
    "协同办公",
    "印章与密钥",
    "单位与人员",
    "系统管理",
    "安全管理",
    "安全审计",
    "个人",
]

_nav: list[NavItem] = []
_counters: list[Counter] = []


def register_nav(item: NavItem) -> None:
    if item not in _nav:
        _nav.append(item)


def register_counter(counter: Counter) -> None:
    if counter not in _counters:
        _counters.append(counter)


def nav_for(user: Any) -> list[tuple[str, list[NavItem]]]:
    visible = [item for item in _nav if item.visible(user)]
    sections: list[tuple[str, list[NavItem]]] = []
    for name in SECTION_ORDER + sorted({i.section for i in visible} - set(SECTION_ORDER)):
        items = sorted((i for i in visible if i.section == name), key=lambda i: (i.order, i.label))
        if items:
            sections.append((name, items))
    return sections


def counters_for(user: Any) -> list[tuple[Counter, int]]:
    shown = sorted((c for c in _counters if c.visible(user)), key=lambda c: (c.order, c.label))
    return [(c, c.count(user)) for c in shown]
