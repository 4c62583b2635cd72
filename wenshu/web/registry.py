"""Navigation entries and workbench counters, registered by each app in AppConfig.ready().

`web` imports no app's models: apps register callables here, and the shell renders what
the viewer may see. Only modules that exist register, so there are no links to nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

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


@dataclass(frozen=True)
class NavLink:
    """A navigation entry as the shell shows it."""

    label: str
    url_name: str
    href: str


_hrefs: dict[tuple[str, str, str], str] = {}


def _href(url_name: str) -> str:
    """The entry's address. Every page shows some forty entries and reversing them costs more
    than the rest of the shell, so each is reversed once per process: an address depends on
    the URL conf and the script prefix (both in the key), never on data or on the viewer."""
    key = (str(get_urlconf() or settings.ROOT_URLCONF), get_script_prefix(), url_name)
    if key not in _hrefs:
        _hrefs[key] = reverse(url_name)
    return _hrefs[key]


def nav_for(user: Any) -> list[tuple[str, list[NavLink]]]:
    """The sections and entries the viewer may see. The `visible` callables read the viewer's
    grants, which wenshu.accounts.grants reads once per request (one query for them all)."""
    visible = [item for item in _nav if item.visible(user)]
    sections: list[tuple[str, list[NavLink]]] = []
    for name in SECTION_ORDER + sorted({i.section for i in visible} - set(SECTION_ORDER)):
        items = sorted((i for i in visible if i.section == name), key=lambda i: (i.order, i.label))
        if items:
            sections.append(
                (name, [NavLink(i.label, i.url_name, _href(i.url_name)) for i in items])
            )
    return sections


def counters_for(user: Any) -> list[tuple[Counter, int]]:
    """The counters the viewer may see, each counted now (never kept: no stale numbers)."""
    shown = sorted((c for c in _counters if c.visible(user)), key=lambda c: (c.order, c.label))
    return [(c, c.count(user)) for c in shown]
