"""Navigation (section 印章与密钥) and workbench counters of the seals app."""

from __future__ import annotations

from typing import Any

from wenshu.accounts.roles import Role
from wenshu.seals import selectors
from wenshu.web.registry import Counter, NavItem, register_counter, register_nav

SECTION = "印章与密钥"
_UNIT_SIDE = (Role.CLERK, Role.UNIT_ADMIN, Role.UNIT_LEADER, Role.SEAL_CUSTODIAN)


def _has(*roles: Role) -> Any:
    return lambda user: user.has_role(*roles)


def _custodian(user: Any) -> bool:
    return user.has_role(Role.SEAL_CUSTODIAN)


def _destruction_party(user: Any) -> bool:
    return user.has_role(
        Role.GOV_APPROVER,
        Role.SECRECY_OFFICER,
        Role.CITY_ADMIN,
        Role.UNIT_LEADER,
        Role.UNIT_ADMIN,
        Role.SEAL_CUSTODIAN,
    )


def _queue(which: str) -> Any:
    return lambda user: selectors.count_queue(viewer=user, which=which)


register_nav(
    NavItem(
        SECTION,
        "电子印章登记",
        "seals:registry",
        order=10,
        visible=lambda u: selectors.is_city_viewer(u),
    )
)
register_nav(
    NavItem(SECTION, "本单位电子印章", "seals:unit_seals", order=20, visible=_has(*_UNIT_SIDE))
)
register_nav(
    NavItem(
        SECTION,
        "印章申请",
        "seals:applications",
        order=30,
        visible=_has(*_UNIT_SIDE, Role.CITY_ADMIN, Role.GOV_APPROVER),
    )
)
register_nav(
    NavItem(
        SECTION, "待签字印章申请", "seals:queue_leader", order=40, visible=_has(Role.UNIT_LEADER)
    )
)
register_nav(
    NavItem(SECTION, "待审批印章申请", "seals:queue_gov", order=41, visible=_has(Role.GOV_APPROVER))
)
register_nav(
    NavItem(
        SECTION, "待制作印章", "seals:queue_production", order=42, visible=_has(Role.CITY_ADMIN)
    )
)
register_nav(
    NavItem(
        SECTION, "印章销毁到场确认", "seals:queue_destruction", order=43, visible=_destruction_party
    )
)
register_nav(NavItem(SECTION, "待用印审批", "seals:use_queue", order=50, visible=_custodian))
register_nav(
    NavItem(SECTION, "本单位印章管理办法", "seals:rules", order=60, visible=_has(*_UNIT_SIDE))
)
register_nav(NavItem(SECTION, "验证电子签章", "seals:verify", order=70))

register_counter(
    Counter(
        "待签发印章申请",
        "seals:queue_leader",
        _queue("leader"),
        order=40,
        visible=_has(Role.UNIT_LEADER),
    )
)
register_counter(
    Counter(
        "待审批印章申请",
        "seals:queue_gov",
        _queue("gov"),
        order=41,
        visible=_has(Role.GOV_APPROVER),
    )
)
register_counter(
    Counter(
        "待制作印章",
        "seals:queue_production",
        _queue("production"),
        order=42,
        visible=_has(Role.CITY_ADMIN),
    )
)
register_counter(
    Counter("待用印审批", "seals:use_queue", _queue("use"), order=43, visible=_custodian)
)
register_counter(
    Counter(
        "待确认销毁",
        "seals:queue_destruction",
        _queue("destruction"),
        order=44,
        visible=_destruction_party,
    )
)
