"""Keeping work items in step with the engine, saving state, notifying people, firing handlers.

Callers hold the instance's row lock (select_for_update) for the whole transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow

from wenshu.accounts.models import User
from wenshu.lib.errors import Conflict
from wenshu.notify.services import notify_send
from wenshu.workflow import assignment, engine, registry, selectors
from wenshu.workflow.models import ProcessInstance, WorkItem

NOTIFY_KIND = "workflow"


@dataclass(frozen=True)
class Ready:
    """A task that became ready, with its new items and its data (for task_ready handlers)."""

    task_spec_id: str
    items: list[WorkItem]
    data: dict[str, Any]


def meta_for(instance: ProcessInstance, task_spec_id: str) -> engine.TaskMeta:
    raw = instance.definition.task_meta(task_spec_id)
    if raw is None:
        raise engine.EngineError(f"流程定义中没有环节“{task_spec_id}”的办理人设置")
    return engine.TaskMeta.from_dict(raw)


def save_state(
    instance: ProcessInstance, wf: BpmnWorkflow, *, fields: tuple[str, ...] = ()
) -> None:
    """Write the workflow state with the next version; it must still be the version we read."""
    expected = instance.version
    instance.state = engine.dump(wf)
    values = {
        "state": instance.state,
        "version": expected + 1,
        **{name: getattr(instance, name) for name in fields},
    }
    changed = ProcessInstance.objects.filter(pk=instance.pk, version=expected).update(**values)
    if changed != 1:
        raise Conflict("该流程刚被他人更新，请刷新页面后重试。")
    instance.version = expected + 1


def sync(*, instance: ProcessInstance, wf: BpmnWorkflow, previous: WorkItem | None) -> list[Ready]:
    """Cancel open items whose task is no longer ready; create items for newly ready tasks."""
    ready = {str(t.id): t for t in engine.ready_user_tasks(wf)}
    open_items = list(instance.items.select_for_update().filter(status=WorkItem.Status.OPEN))
    for item in open_items:
        if item.spiff_task_id not in ready:
            item.move_to(WorkItem.Status.CANCELLED)
            item.save(update_fields=["status"])
    covered = {i.spiff_task_id for i in open_items if i.spiff_task_id in ready}
    created: list[Ready] = []
    for task_id, task in ready.items():
        if task_id in covered:
            continue
        spec_id = engine.spec_id(task)
        meta = meta_for(instance, spec_id)
        data = engine.task_data(task)
        items = [
            _create(instance, task_id, meta, a, previous)
            for a in assignment.resolve(instance=instance, meta=meta, data=data)
        ]
        created.append(Ready(task_spec_id=spec_id, items=items, data=data))
    return created


def _create(
    instance: ProcessInstance,
    task_id: str,
    meta: engine.TaskMeta,
    a: assignment.Assignment,
    previous: WorkItem | None,
) -> WorkItem:
    item = WorkItem.objects.create(
        instance=instance,
        spiff_task_id=task_id,
        task_spec_id=meta.id,
        name=meta.name[:200],
        unit_id=a.unit_id,
        assignee_id=a.person_id,
        candidate_role=a.role,
        candidate_department_id=a.department_id,
        due_at=a.due_at,
        previous=previous,
    )
    _notify(item)
    return item


def recipients(item: WorkItem) -> list[User]:
    if item.assignee is not None:
        return [item.assignee]
    people = User.objects.filter(unit_id=item.unit_id, status=User.Status.ACTIVE)
    if item.candidate_department_id:
        people = people.filter(department_id=item.candidate_department_id)
    if item.candidate_role:
        people = people.filter(Q(role_grants__role=item.candidate_role))
    return list(people.distinct().order_by("id")[:200])


def _notify(item: WorkItem) -> None:
    instance = item.instance
    title = f"待办：{item.name}"
    body = f"{instance.title or instance.definition.name}，请及时办理。"
    if item.due_at:
        body += f"办理期限：{timezone.localtime(item.due_at):%Y-%m-%d %H:%M}。"
    notify_send(
        recipients=recipients(item),
        title=title,
        body=body,
        link=selectors.item_url(item),
        kind=NOTIFY_KIND,
    )


def fire(
    event: str,
    *,
    instance: ProcessInstance,
    task_spec_id: str = "",
    work_item: WorkItem | None = None,
    data: dict[str, Any] | None = None,
) -> None:
    for handler in registry.handlers_for(instance.key, event):
        handler(
            instance=instance, task_spec_id=task_spec_id, work_item=work_item, data=dict(data or {})
        )


def fire_ready(instance: ProcessInstance, created: list[Ready]) -> None:
    for ready in created:
        fire(
            "task_ready",
            instance=instance,
            task_spec_id=ready.task_spec_id,
            work_item=ready.items[0] if ready.items else None,
            data=ready.data,
        )
