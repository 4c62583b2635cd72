"""Addressing groups (市直各部门, 各县区, 四套班子 …) kept by the digital office. Only
registered units are members; a deregistered unit leaves every group (see end_unit)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction

from wenshu.audit.services import audit_record
from wenshu.lib.errors import Conflict, DomainError
from wenshu.org.models import Unit, UnitGroup
from wenshu.org.services._base import User, require_city_admin, text


def _registered(units: Iterable[Unit]) -> list[Unit]:
    ids = {u.pk for u in units}
    found = list(Unit.objects.filter(pk__in=ids, status=Unit.Status.REGISTERED))
    if len(found) != len(ids):
        raise DomainError("只能把已注册的单位加入分组，请刷新后重新选择。")
    return found


def _save_unique(group: UnitGroup) -> None:
    try:
        with transaction.atomic():
            group.save()
    except IntegrityError as exc:
        raise Conflict(f"已有名为“{group.name}”的分组。") from exc


def _check_order(order: int) -> int:
    if not isinstance(order, int) or isinstance(order, bool) or not 0 <= order <= 9999:
        raise DomainError("排序须为 0 到 9999 之间的整数。")
    return order


@transaction.atomic
def group_create(
    *, actor: User, name: str, description: str = "", order: int = 0, units: Iterable[Unit] = ()
) -> UnitGroup:
    require_city_admin(actor, "管理单位分组")
    group = UnitGroup(
        name=text(name, "分组名称", max_length=100),
        description=text(description, "说明", max_length=300, required=False),
        order=_check_order(order),
    )
    members = _registered(units)
    _save_unique(group)
    group.units.set(members)
    audit_record(
        actor=actor,
        action="org.group_created",
        target=group,
        details={"units": sorted(u.pk for u in members)},
    )
    return group


@transaction.atomic
def group_update(
    *,
    actor: User,
    group: UnitGroup,
    name: str | None = None,
    description: str | None = None,
    order: int | None = None,
) -> UnitGroup:
    require_city_admin(actor, "管理单位分组")
    group = UnitGroup.objects.select_for_update().get(pk=group.pk)
    before = group.name
    if name is not None:
        group.name = text(name, "分组名称", max_length=100)
    if description is not None:
        group.description = text(description, "说明", max_length=300, required=False)
    if order is not None:
        group.order = _check_order(order)
    _save_unique(group)
    audit_record(
        actor=actor,
        action="org.group_updated",
        target=group,
        details={"name_before": before, "name": group.name},
    )
    return group


def _change_members(
    actor: User,
    group: UnitGroup,
    *,
    add: Iterable[Unit] = (),
    remove: Iterable[Unit] = (),
    replace: bool = False,
) -> UnitGroup:
    require_city_admin(actor, "管理单位分组")
    group = UnitGroup.objects.select_for_update().get(pk=group.pk)
    before = set(group.units.values_list("pk", flat=True))
    adding = {u.pk for u in _registered(add)}
    after = adding if replace else (before | adding) - {u.pk for u in remove}
    group.units.set(after)
    audit_record(
        actor=actor,
        action="org.group_members_changed",
        target=group,
        details={
            "added": sorted(after - before),
            "removed": sorted(before - after),
        },
    )
    return group


@transaction.atomic
def group_set_members(*, actor: User, group: UnitGroup, units: Iterable[Unit]) -> UnitGroup:
    return _change_members(actor, group, add=units, replace=True)


@transaction.atomic
def group_add_members(*, actor: User, group: UnitGroup, units: Iterable[Unit]) -> UnitGroup:
    return _change_members(actor, group, add=units)


@transaction.atomic
def group_remove_members(*, actor: User, group: UnitGroup, units: Iterable[Unit]) -> UnitGroup:
    return _change_members(actor, group, remove=units)


@transaction.atomic
def group_delete(*, actor: User, group: UnitGroup) -> None:
    require_city_admin(actor, "管理单位分组")
    group = UnitGroup.objects.select_for_update().get(pk=group.pk)
    members = sorted(group.units.values_list("pk", flat=True))
    # Deleted before the audit event (the chain head is locked last, see audit_record); a
    # queryset delete keeps `group.pk` for the event's target.
    UnitGroup.objects.filter(pk=group.pk).delete()
    audit_record(actor=actor, action="org.group_deleted", target=group, details={"units": members})
