"""Naming a unit's document administrators (文档管理员, S1 art. 44): the unit's system
administrator assigns and removes them; they keep the unit's folders and set publishing
scopes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.urls import reverse

from wenshu.audit.services import audit_record
from wenshu.lib.errors import Conflict, DomainError, Forbidden, NotFound
from wenshu.library import access
from wenshu.library.models import LibraryAdmin
from wenshu.notify.services import notify_send

if TYPE_CHECKING:
    from wenshu.accounts.models import User
else:
    User = Any

DUTY = (
    "文档管理员对本单位文档资料的保密性、正确性、完整性和发布范围负责，"
    "不得将涉密信息、带毒文档录入系统（《办公自动化管理办法》第四十四条）。"
)


def _require_unit_admin(actor: User) -> None:
    if not access.is_unit_admin(actor, actor.unit_id):
        raise Forbidden("只有单位系统管理员可以指定或撤销文档管理员。")


def library_admin_assign(*, actor: User, person: User) -> LibraryAdmin:
    _require_unit_admin(actor)
    if person.unit_id != actor.unit_id:
        raise NotFound("找不到该人员，或其不属于本单位。")
    if person.status != "active":
        raise DomainError(f"{person.display_name}的账号当前不可用，不能担任文档管理员。")
    if LibraryAdmin.objects.filter(unit_id=actor.unit_id, person=person).exists():
        raise Conflict(f"{person.display_name}已是本单位文档管理员。")
    try:
        with transaction.atomic():
            assignment = LibraryAdmin.objects.create(
                unit_id=actor.unit_id, person=person, assigned_by=actor
            )
            audit_record(
                actor=actor,
                action="library.admin_assigned",
                target=person,
                unit=actor.unit,
                details={"person": person.pk},
            )
            notify_send(
                recipients=[person],
                title="您已被指定为本单位文档管理员",
                body=f"{actor.display_name}指定您为{actor.unit.short_name}的文档管理员。" + DUTY,
                link=reverse("library:home"),
                sms=False,
                kind="library.admin",
            )
    except IntegrityError:
        raise Conflict(f"{person.display_name}已是本单位文档管理员。") from None
    access.forget(person)
    return assignment


def library_admin_remove(*, actor: User, assignment: LibraryAdmin) -> None:
    _require_unit_admin(actor)
    if assignment.unit_id != actor.unit_id:
        raise NotFound("找不到该文档管理员任命。")
    person = assignment.person
    with transaction.atomic():
        deleted, _ = LibraryAdmin.objects.filter(pk=assignment.pk).delete()
        if not deleted:
            return  # removed a moment ago
        audit_record(
            actor=actor,
            action="library.admin_removed",
            target=person,
            unit=actor.unit,
            details={"person": person.pk},
        )
        notify_send(
            recipients=[person],
            title="您的文档管理员职责已撤销",
            body=f"{actor.display_name}撤销了您在{actor.unit.short_name}的文档管理员职责。",
            link=reverse("library:home"),
            sms=False,
            kind="library.admin",
        )
    access.forget(person)
