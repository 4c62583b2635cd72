"""Shared pieces of the org services: who may act, input checks, and the people of a unit.

Org sits beside accounts in the layering and must not import its models (accounts imports
org). People and role grants are reached through the app registry; the role names come from
`wenshu.accounts.roles`, a plain module without models.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from wenshu.accounts.roles import CITY_ROLES, Role, check_combination
from wenshu.lib.errors import Conflict, DomainError, Forbidden, NotFound
from wenshu.org.models import Unit
from wenshu.org.people import LIVE_PEOPLE, role_grant_model, user_model

if TYPE_CHECKING:  # typing only: a runtime import would make org depend on accounts
    from wenshu.accounts.models import User
else:
    User = Any

LIVE_UNITS = (Unit.Status.APPLIED, Unit.Status.REGISTERED)
DIGITAL_OFFICE_REFUSAL = "市数字办是系统的管理单位，不能被合并或注销。"


def require_active(actor: User) -> None:
    if not getattr(actor, "is_active", False):
        raise Forbidden("您的账号不可用，不能办理此事项。")


def require_city_admin(actor: User, doing: str) -> None:
    require_active(actor)
    if not actor.has_role(Role.CITY_ADMIN):
        raise Forbidden(f"只有市数字办管理员可以{doing}。")


def is_unit_admin_of(actor: User, unit: Unit) -> bool:
    return actor.unit_id == unit.pk and actor.has_role(Role.UNIT_ADMIN)


def require_unit_admin_of(actor: User, unit: Unit, doing: str) -> None:
    """Another unit's administrator gets a 404 (the unit's affairs are not theirs to see)."""
    require_active(actor)
    if actor.unit_id != unit.pk:
        raise NotFound()
    if not actor.has_role(Role.UNIT_ADMIN):
        raise Forbidden(f"只有本单位系统管理员可以{doing}。")


def text(value: str | None, label: str, *, max_length: int, required: bool = True) -> str:
    cleaned = (value or "").strip()
    if required and not cleaned:
        raise DomainError(f"请填写{label}。")
    if len(cleaned) > max_length:
        raise DomainError(f"{label}不能超过 {max_length} 个字。")
    return cleaned


def check_names_free(
    *, full_name: str, short_name: str, agency_code: str, exclude: Unit | None = None
) -> None:
    """Names and agency codes address documents: no two live units may share one."""
    live = Unit.objects.filter(status__in=LIVE_UNITS)
    if exclude is not None:
        live = live.exclude(pk=exclude.pk)
    if live.filter(full_name=full_name).exists():
        raise Conflict(f"已有名为“{full_name}”的单位（已注册或申请中），不能重名。")
    if live.filter(short_name=short_name).exists():
        raise Conflict(f"单位简称“{short_name}”已被其他单位使用。")
    if agency_code and live.filter(agency_code=agency_code).exists():
        raise Conflict(f"机关代字“{agency_code}”已被其他单位使用，发文字号会混淆。")


def locked_units(units: Iterable[Unit]) -> dict[int, Unit]:
    """Lock the rows in id order (two merges never deadlock) and return them fresh."""
    ids = sorted({u.pk for u in units})
    return {u.pk: u for u in Unit.objects.select_for_update().filter(pk__in=ids).order_by("pk")}


def live_people(unit: Unit) -> QuerySet[Any]:
    return unit.people.filter(status__in=LIVE_PEOPLE)


def disable_people(people: QuerySet[Any]) -> list[int]:
    """Set every still-usable account in `people` to disabled; returns their ids.

    Their sessions and API tokens stop working at once: the login backend and the token
    check both refuse a person who is not active. Formal account closing stays with accounts.
    """
    ids = list(people.filter(status__in=LIVE_PEOPLE).values_list("pk", flat=True))
    user_model().objects.filter(pk__in=ids).update(status=user_model().Status.DISABLED)
    return ids


def move_people(ids: list[int], *, target: Unit, actor: User) -> None:
    """Move people into `target`. Their roles inside the old unit (leader, clerk, custodian,
    administrator …) do not carry over: they arrive as staff and the target's administrator
    grants roles again. City-wide roles are untouched."""
    if not ids:
        return
    user_model().objects.filter(pk__in=ids).update(unit=target, department=None)
    unit_scoped = [r.value for r in Role if r not in CITY_ROLES and r is not Role.STAFF]
    grants = role_grant_model().objects
    grants.filter(user_id__in=ids, role__in=unit_scoped).delete()
    have_roles = set(grants.filter(user_id__in=ids).values_list("user_id", flat=True))
    grants.bulk_create(
        [
            role_grant_model()(user_id=pk, role=Role.STAFF.value, granted_by=actor)
            for pk in ids
            if pk not in have_roles
        ]
    )


def transfer_unit_admin(*, unit: Unit, new_admin: User, actor: User) -> list[int]:
    """Make `new_admin` the unit's system administrator; returns the ids who lost the role."""
    check_combination(set(new_admin.role_set) | {Role.UNIT_ADMIN})
    grants = role_grant_model().objects
    previous = grants.filter(user__unit=unit, role=Role.UNIT_ADMIN.value).exclude(user=new_admin)
    removed = list(previous.values_list("user_id", flat=True))
    previous.delete()
    grants.get_or_create(user=new_admin, role=Role.UNIT_ADMIN.value, defaults={"granted_by": actor})
    new_admin.forget_roles()
    return removed


def person_of_unit(unit: Unit, person_id: int | None, label: str) -> Any:
    """A live person of `unit` by id, or a DomainError naming the field."""
    if person_id is None:
        return None
    person = live_people(unit).filter(pk=person_id).first()
    if person is None or person.status != "active":
        raise DomainError(f"{label}须为本单位在职人员。")
    return person
