"""Reads of the workflow app, always scoped to the viewer.

Who sees what:
- a work item may be acted on by its assignee, or — when it is offered to a role — by any
  active holder of that role in the item's unit (and department, when one is set); a delegate
  acts for them through the principals resolver (registry.register_principals_resolver);
- a process, its items and its history are visible to the people of the process's unit and
  to everyone who took part in it (a countersigning unit sees the flow it signed); anyone else
  gets a 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse

from wenshu.accounts.models import User
from wenshu.accounts.roles import Role
from wenshu.lib.errors import Forbidden, NotFound
from wenshu.org.models import Unit
from wenshu.workflow import registry
from wenshu.workflow.models import ProcessDefinition, ProcessInstance, WorkItem

_ITEM_RELATED = (
    "instance",
    "instance__unit",
    "instance__definition",
    "unit",
    "assignee",
    "candidate_department",
    "completed_by",
    "on_behalf_of",
)


def _offered_to_q(person: User, prefix: str = "") -> Q:
    """Items offered to this person: by name, or to a role they hold where they work."""
    roles = [r.value for r in person.role_set]
    by_role = (
        Q(**{f"{prefix}assignee__isnull": True, f"{prefix}unit_id": person.unit_id})
        & (Q(**{f"{prefix}candidate_role": ""}) | Q(**{f"{prefix}candidate_role__in": roles}))
        & (
            Q(**{f"{prefix}candidate_department__isnull": True})
            | Q(**{f"{prefix}candidate_department_id": person.department_id})
        )
    )
    return Q(**{f"{prefix}assignee": person}) | by_role


def _people(viewer: User) -> list[User]:
    return [viewer, *registry.principals_of(viewer)]


def offered_to(person: User, item: WorkItem) -> bool:
    """Whether the item is offered to this person (by name or by role), ignoring delegation."""
    if not person.is_active:
        return False
    if item.assignee_id is not None:
        return item.assignee_id == person.pk
    if person.unit_id != item.unit_id:
        return False
    if item.candidate_department_id and person.department_id != item.candidate_department_id:
        return False
    return not item.candidate_role or person.has_role(Role(item.candidate_role))


def acting_for(*, viewer: User, item: WorkItem) -> User | None:
    """The person the viewer acts for on this item: themselves, a principal, or None."""
    return next((p for p in _people(viewer) if offered_to(p, item)), None)


def todo_for(*, viewer: User, key: str = "") -> QuerySet[WorkItem]:
    """Open items the viewer (or someone they stand in for) may act on, oldest first."""
    scope = Q()
    for person in _people(viewer):
        scope |= _offered_to_q(person)
    qs = WorkItem.objects.filter(
        scope, status=WorkItem.Status.OPEN, instance__status=ProcessInstance.Status.RUNNING
    )
    if key:
        qs = qs.filter(instance__key=key)
    return qs.select_related(*_ITEM_RELATED).order_by("created_at", "id")


def todo_count(*, viewer: User) -> int:
    return todo_for(viewer=viewer).count()


def may_see_instance(*, viewer: User, instance: ProcessInstance) -> bool:
    """People of the process's unit, and everyone offered or acting on one of its items."""
    if not viewer.is_active:
        return False
    people = _people(viewer)
    if any(p.unit_id == instance.unit_id for p in people):
        return True
    scope = Q()
    for person in people:
        scope |= _offered_to_q(person) | Q(completed_by=person)
    return instance.items.filter(scope).exists()


def instance_get(*, viewer: User, pk: int) -> ProcessInstance:
    instance = ProcessInstance.objects.select_related("definition", "unit").filter(pk=pk).first()
    if instance is None or not may_see_instance(viewer=viewer, instance=instance):
        raise NotFound("找不到该流程，或您无权查看。")
    return instance


def work_item_get(*, viewer: User, pk: int) -> WorkItem:
    item = WorkItem.objects.select_related(*_ITEM_RELATED).filter(pk=pk).first()
    if item is None:
        raise NotFound("找不到该待办，或您无权查看。")
    if acting_for(viewer=viewer, item=item) is None and not may_see_instance(
        viewer=viewer, instance=item.instance
    ):
        raise NotFound("找不到该待办，或您无权查看。")
    return item


def history_for(*, viewer: User, instance: ProcessInstance) -> list[WorkItem]:
    """Every step acted on so far, in order: who, when, decision and opinion (for 发文稿纸).

    Withdrawn completions are included (status "withdrawn" with completed_at set) so the
    record stays honest; a subject app that prints only the standing steps filters on status.
    """
    if not may_see_instance(viewer=viewer, instance=instance):
        raise NotFound("找不到该流程，或您无权查看。")
    return list(
        instance.items.filter(completed_at__isnull=False)
        .select_related("completed_by", "on_behalf_of", "unit", "candidate_department")
        .order_by("completed_at", "id")
    )


def open_items(*, viewer: User, instance: ProcessInstance) -> list[WorkItem]:
    if not may_see_instance(viewer=viewer, instance=instance):
        raise NotFound("找不到该流程，或您无权查看。")
    return list(
        instance.items.filter(status=WorkItem.Status.OPEN).select_related(
            "assignee", "unit", "candidate_department"
        )
    )


def instance_for_subject(*, subject_type: str, subject_id: str | int) -> ProcessInstance | None:
    """The subject's process: the running one, else the latest. The caller has already checked
    that its viewer may see the subject (the subject app's own selector)."""
    qs = ProcessInstance.objects.select_related("definition", "unit").filter(
        subject_type=subject_type, subject_id=str(subject_id)
    )
    return (
        qs.filter(status=ProcessInstance.Status.RUNNING).first()
        or qs.order_by("-started_at", "-id").first()
    )


def may_withdraw(*, viewer: User, item: WorkItem) -> bool:
    """A hint for pages; the service decides."""
    return (
        item.status == WorkItem.Status.DONE
        and item.completed_by_id == viewer.pk
        and item.instance.status == ProcessInstance.Status.RUNNING
        and item.version_after == item.instance.version
    )


def may_cancel(*, viewer: User, instance: ProcessInstance) -> bool:
    """A hint for pages; the service decides."""
    if instance.status != ProcessInstance.Status.RUNNING:
        return False
    return viewer.pk == instance.started_by_id or (
        viewer.unit_id == instance.unit_id and viewer.has_role(Role.UNIT_LEADER, Role.UNIT_ADMIN)
    )


def item_url(item: WorkItem) -> str:
    """The subject app's page for this item when it registered one, else the generic page."""
    subject = registry.subject(item.instance.subject_type)
    if subject is not None and subject.item_url is not None:
        return subject.item_url(item)
    return reverse("workflow:item", args=[item.pk])


# --- definitions (the digital office) -----------------------------------------------------


def require_definition_admin(viewer: Any) -> None:
    if not viewer.has_role(Role.CITY_ADMIN):
        raise Forbidden("只有市数字办管理员可以管理流程定义。")


def definitions_active(*, viewer: User) -> QuerySet[ProcessDefinition]:
    require_definition_admin(viewer)
    return (
        ProcessDefinition.objects.filter(active=True)
        .select_related("unit", "uploaded_by")
        .order_by("key", "unit_id")
    )


def definition_versions(
    *, viewer: User, key: str, unit_id: int | None
) -> QuerySet[ProcessDefinition]:
    require_definition_admin(viewer)
    return (
        ProcessDefinition.objects.filter(key=key)
        .filter(Q(unit__isnull=True) if unit_id is None else Q(unit_id=unit_id))
        .select_related("unit", "uploaded_by")
        .order_by("-version")
    )


def definition_get(*, viewer: User, pk: int) -> ProcessDefinition:
    require_definition_admin(viewer)
    definition = (
        ProcessDefinition.objects.select_related("unit", "uploaded_by").filter(pk=pk).first()
    )
    if definition is None:
        raise NotFound("找不到该流程定义。")
    return definition


def unit_for_definition(*, viewer: User, unit_id: int | None) -> Unit | None:
    """The unit a flow is set for (None: the city default)."""
    require_definition_admin(viewer)
    if unit_id is None:
        return None
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise NotFound("找不到该单位。")
    return unit
