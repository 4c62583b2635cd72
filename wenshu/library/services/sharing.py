"""Sharing (共享) with people or units, and the publishing scope (发布范围) of unit documents.

A share names one person or one unit (meaning its people), read-only or read-write. The owner
shares within the unit; a unit document leaves the unit — by a share or by its publishing
scope — only by the document administrator's decision (S1 art. 44).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from wenshu.audit.services import audit_record
from wenshu.lib.errors import DomainError, Forbidden, NotFound
from wenshu.library import access
from wenshu.library.models import Access, Item, Scope, Share
from wenshu.library.services._common import lock_item, require_level, require_live
from wenshu.notify.services import notify_send

if TYPE_CHECKING:
    from wenshu.accounts.models import User
    from wenshu.org.models import Department, Unit
else:
    User = Department = Unit = Any

NO_MANAGE = "只有文档上传人和本单位文档管理员可以共享该文档。"


def _check_target(actor: User, item: Item, person: User | None, unit: Unit | None) -> int:
    """The target's unit id, after checking the target may receive a share."""
    if (person is None) == (unit is None):
        raise DomainError("请选择共享给一位人员或一个单位（只选其一）。")
    if person is not None:
        if person.status != "active":
            raise DomainError(f"{person.display_name}的账号当前不可用，不能共享给其本人。")
        if person.pk == item.owner_id:
            raise DomainError("文档上传人本来就可以查看和编辑该文档，无需共享。")
        return int(person.unit_id)
    assert unit is not None
    if unit.status != "registered" or not unit.in_directory:
        raise DomainError(f"“{unit.full_name}”不是交换目录中的已注册单位，不能共享给该单位。")
    return int(unit.pk)


def _bump(item: Item) -> None:
    # Visibility changed: an index that keeps access lists re-reads the item.
    item.updated_at = timezone.now()
    item.save(update_fields=["updated_at"])


def library_share_set(
    *,
    actor: User,
    item: Item,
    access_level: str,
    person: User | None = None,
    unit: Unit | None = None,
) -> Share:
    """Share with a person or a unit (or change an existing share's access)."""
    if access_level not in Access.values:
        raise DomainError("请选择共享权限：只读或可编辑。")
    require_level(actor, item, access.Level.MANAGE, NO_MANAGE)
    target_unit_id = _check_target(actor, item, person, unit)
    if target_unit_id != item.unit_id and not access.may_share_outside_unit(actor, item):
        raise Forbidden(
            "本单位文档共享到外单位须由本单位文档管理员决定"
            "（文档管理员对发布范围负责），请联系文档管理员办理。"
        )
    with transaction.atomic():
        locked = lock_item(item)
        require_live(locked)
        target = {"person": person} if person is not None else {"unit": unit}
        share, created = Share.objects.update_or_create(
            item=locked, **target, defaults={"access": access_level, "created_by": actor}
        )
        _bump(locked)
        audit_record(
            actor=actor,
            action="library.shared",
            target=locked,
            unit=locked.unit,
            details={
                "share": share.pk,
                "person": getattr(person, "pk", None),
                "unit": getattr(unit, "pk", None),
                "access": access_level,
                "created": created,
            },
        )
        if person is not None:
            notify_send(
                recipients=[person],
                title="有文档共享给您",
                body=f"{actor.display_name}把《{locked.title}》共享给您"
                f"（{Access(access_level).label}）。",
                link=reverse("library:item", args=[locked.pk]),
                sms=False,
                kind="library.share",
            )
    return share


def library_share_remove(*, actor: User, share: Share) -> None:
    item = share.item
    require_level(actor, item, access.Level.MANAGE, NO_MANAGE)
    with transaction.atomic():
        locked = lock_item(item)
        deleted, _ = Share.objects.filter(pk=share.pk).delete()
        if not deleted:
            return  # removed a moment ago (a double click): nothing more to do
        _bump(locked)
        audit_record(
            actor=actor,
            action="library.share_removed",
            target=locked,
            unit=locked.unit,
            details={"person": share.person_id, "unit": share.unit_id, "access": share.access},
        )


def _check_scope(
    item: Item, scope: str, department: Department | None, units: Sequence[Unit]
) -> Department | None:
    if scope not in Scope.values:
        raise DomainError("请选择发布范围。")
    if scope == Scope.DEPARTMENT:
        department = department or item.department
        if department is None:
            raise DomainError("发布范围为“本部门”时，请选择部门。")
        if department.unit_id != item.unit_id or not department.is_active:
            raise DomainError("只能选择本单位在用的部门。")
        return department
    if scope == Scope.UNITS:
        if not units:
            raise DomainError("发布范围为“指定单位”时，请至少选择一个单位。")
        bad = [u.full_name for u in units if u.status != "registered" or not u.in_directory]
        if bad:
            raise DomainError(f"以下单位不在交换目录中：{'、'.join(bad)}。")
    return item.department


def library_scope_set(
    *,
    actor: User,
    item: Item,
    scope: str,
    department: Department | None = None,
    units: Sequence[Unit] = (),
) -> Item:
    """Set a unit document's publishing scope: its document administrators only."""
    if access.item_level(actor, item) == access.Level.NONE:
        raise NotFound("找不到该文档，或您无权查看。")
    if item.is_personal:
        raise DomainError("个人文档没有发布范围：只有本人可见，可通过共享给他人查看。")
    if not access.may_set_scope(actor, item):
        raise Forbidden("发布范围由本单位文档管理员设定（文档管理员对发布范围负责）。")
    department = _check_scope(item, scope, department, units)
    with transaction.atomic():
        locked = lock_item(item)
        require_live(locked)
        before = {
            "scope": locked.scope,
            "department": locked.department_id,
            "units": sorted(locked.scope_units.values_list("pk", flat=True)),
        }
        locked.scope, locked.department = scope, department
        locked.scope_set_by, locked.scope_set_at = actor, timezone.now()
        locked.updated_at = locked.scope_set_at
        locked.save(
            update_fields=["scope", "department", "scope_set_by", "scope_set_at", "updated_at"]
        )
        locked.scope_units.set(units if scope == Scope.UNITS else [])
        audit_record(
            actor=actor,
            action="library.scope_set",
            target=locked,
            unit=locked.unit,
            details={
                "before": before,
                "scope": scope,
                "department": getattr(department, "pk", None),
                "units": sorted(u.pk for u in units) if scope == Scope.UNITS else [],
            },
        )
    return locked
