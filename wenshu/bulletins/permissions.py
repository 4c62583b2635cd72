"""Who does what in the bulletins app (one place, so pages, API and counters agree).

- 编辑 (editor): drafts notices and submits information reports for the unit — its clerks
  (文书), its system administrator (S2 art. 3: 各单位管理员负责本单位发布信息的操作) and the
  information officers of its departments (S4 art. 6, ``Department.info_officer``).
- 审核 (reviewer): a unit leader (单位负责人) of the same unit, never the notice's drafter.
- 信息接收单位的处理人: the editors of a unit flagged as a report receiver.
- 市数字办 (city admin): withdraws notices that break the rules, flags receivers, sees the
  statistics of every receiver.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef

from wenshu.accounts.grants import has_grant, register_grant
from wenshu.accounts.roles import Role
from wenshu.bulletins.models import ReceivingUnit
from wenshu.org.models import Department

# Read with the person's roles once per request (wenshu.accounts.grants).
INFO_OFFICER = "bulletins.info_officer"  # of an active department of their own unit
# Their unit is flagged as a report receiver now or was before (an unflagged one still
# handles what it has).
RECEIVER_UNIT = "bulletins.receiver_unit"
register_grant(
    INFO_OFFICER,
    lambda: Exists(
        Department.objects.filter(
            info_officer_id=OuterRef("pk"), unit_id=OuterRef("unit_id"), is_active=True
        )
    ),
)
register_grant(
    RECEIVER_UNIT, lambda: Exists(ReceivingUnit.objects.filter(unit_id=OuterRef("unit_id")))
)


def is_active_person(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.unit_id)


def is_info_officer(user: Any) -> bool:
    """An information officer of an active department of the person's own unit."""
    return is_active_person(user) and has_grant(user, INFO_OFFICER)


def is_editor(user: Any) -> bool:
    return is_active_person(user) and (
        user.has_role(Role.CLERK, Role.UNIT_ADMIN) or is_info_officer(user)
    )


def is_leader(user: Any) -> bool:
    return is_active_person(user) and user.has_role(Role.UNIT_LEADER)


def is_manager(user: Any) -> bool:
    """Sees the unit's notices in every state (editors and leaders)."""
    return is_editor(user) or is_leader(user)


def is_city_admin(user: Any) -> bool:
    return is_active_person(user) and user.has_role(Role.CITY_ADMIN)


def is_report_handler(user: Any) -> bool:
    """An editor of a unit that receives information reports."""
    return is_editor(user) and has_grant(user, RECEIVER_UNIT)


def may_see_report_stats(user: Any) -> bool:
    return is_city_admin(user) or is_report_handler(user)
