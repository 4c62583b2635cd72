"""Starting, advancing, withdrawing and cancelling processes.

Every service locks the subject's row (when its app registered a lock, see
registry.Subject.lock), then the process row (select_for_update), so two clicks on the same
step queue and the second finds the item already done, and a subject app that locks its
subject before acting on the process takes the same order. Handlers registered by subject
apps run inside the same transaction, after the workflow's own rows are written; the audit
event is the last write.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from wenshu.accounts.models import User
from wenshu.accounts.roles import Role
from wenshu.audit.services import audit_record
from wenshu.lib.errors import Conflict, DomainError, Forbidden, NotFound
from wenshu.org.models import Unit
from wenshu.workflow import engine, registry, selectors
from wenshu.workflow.models import ProcessInstance, WorkItem
from wenshu.workflow.services import _items
from wenshu.workflow.services.definitions import definition_for

MAX_OPINION_CHARS = 2000
MAX_DATA_BYTES = 64 * 1024
RESERVED_KEYS = frozenset({"decision"})


def _check_data(data: Any) -> dict[str, Any]:
    if data is None:
        return {}
    if not isinstance(data, dict) or not all(isinstance(k, str) for k in data):
        raise DomainError("流程数据应为以文字为键的对象")
    try:
        size = len(json.dumps(data, ensure_ascii=False).encode("utf-8"))
    except (TypeError, ValueError) as exc:
        raise DomainError("流程数据只能包含文字、数字、列表和对象") from exc
    if size > MAX_DATA_BYTES:
        raise DomainError(f"流程数据过大（不超过 {MAX_DATA_BYTES // 1024} KB）")
    reserved = sorted(RESERVED_KEYS & set(data))
    if reserved:
        raise DomainError(f"流程数据不能包含系统保留的键：{'、'.join(reserved)}")
    return json.loads(json.dumps(data))


def process_start(
    *,
    actor: User,
    key: str,
    unit: Unit,
    subject_type: str,
    subject_id: str | int,
    data: dict[str, Any] | None = None,
    title: str = "",
) -> ProcessInstance:
    """Start the unit's flow for a subject and create the first work items.

    One running process per subject: a second start (double submit) is refused with Conflict.
    """
    if actor.unit_id != unit.pk or not actor.is_active:
        raise Forbidden("只能为本单位发起流程。")
    if not subject_type or not str(subject_id):
        raise DomainError("流程必须关联一个办理对象")
    clean = _check_data(data)
    with transaction.atomic():
        definition = definition_for(key=key, unit=unit)
        wf = engine.new_workflow(definition.bpmn_xml, definition.process_id)
        engine.start(wf, clean)
        instance = ProcessInstance(
            definition=definition,
            key=key,
            subject_type=subject_type[:60],
            subject_id=str(subject_id)[:64],
            title=title[:300],
            unit=unit,
            state=engine.dump(wf),
            started_by=actor,
        )
        try:
            with transaction.atomic():
                instance.save()
        except IntegrityError as exc:
            raise Conflict("该事项已有正在办理的流程，不能重复发起。") from exc
        created = _items.sync(instance=instance, wf=wf, previous=None)
        if engine.is_completed(wf):
            _finish(instance, wf)
        _items.fire_ready(instance, created)
        audit_record(
            actor=actor,
            action="workflow.process_start",
            target=instance,
            unit=unit,
            details={
                "key": key,
                "definition_id": definition.pk,
                "version": definition.version,
                "subject_type": instance.subject_type,
                "subject_id": instance.subject_id,
            },
        )
    return instance


def _finish(instance: ProcessInstance, wf: Any) -> None:
    instance.move_to(ProcessInstance.Status.COMPLETED)
    instance.completed_at = timezone.now()
    _items.save_state(instance, wf, fields=("status", "completed_at"))


def _lock_subject(instance_id: int) -> None:
    found = (
        ProcessInstance.objects.filter(pk=instance_id).values("subject_type", "subject_id").first()
    )
    subject = registry.subject(found["subject_type"]) if found else None
    if found and subject is not None and subject.lock is not None:
        subject.lock(found["subject_id"])


def _lock(item: WorkItem) -> tuple[ProcessInstance, WorkItem]:
    _lock_subject(item.instance_id)
    instance = (
        ProcessInstance.objects.select_for_update()
        .select_related("definition", "unit")
        .filter(pk=item.instance_id)
        .first()
    )
    fresh = WorkItem.objects.select_for_update().filter(pk=item.pk).first()
    if instance is None or fresh is None:
        raise NotFound("找不到该待办，或您无权查看。")
    fresh.instance = instance
    return instance, fresh


def _acting_for(actor: User, item: WorkItem, instance: ProcessInstance) -> User:
    principal = selectors.acting_for(viewer=actor, item=item)
    if principal is not None:
        return principal
    if not selectors.may_see_instance(viewer=actor, instance=instance):
        raise NotFound("找不到该待办，或您无权查看。")
    raise Forbidden(f"“{item.name}”这一步不由您办理。")


def _check_step(
    item: WorkItem, instance: ProcessInstance, meta: engine.TaskMeta, decision: str, opinion: str
) -> None:
    if instance.status != ProcessInstance.Status.RUNNING:
        raise Conflict(f"该流程{instance.get_status_display()}，不能再办理。")
    if item.status != WorkItem.Status.OPEN:
        raise Conflict(f"该待办{item.get_status_display()}，请勿重复提交。请刷新页面查看最新状态。")
    if decision not in meta.decisions:
        allowed = "、".join(engine.DECISIONS[d] for d in meta.decisions)
        raise DomainError(f"“{meta.name}”只能选择：{allowed}")
    if len(opinion) > MAX_OPINION_CHARS:
        raise DomainError(f"意见不能超过 {MAX_OPINION_CHARS} 个字")
    if decision != "approve" and not opinion:
        raise DomainError(f"选择“{engine.DECISIONS[decision]}”时请填写意见，说明理由。")


def work_item_complete(
    *,
    actor: User,
    item: WorkItem,
    decision: str = "approve",
    opinion: str = "",
    data: dict[str, Any] | None = None,
) -> WorkItem:
    """Complete a step: the assignee (or a holder of its candidate role) decides and comments.

    Merges `data` into the task's data, runs the engine to the next user tasks, creates their
    items, cancels items of tasks no longer ready, then calls the task_completed, task_ready
    and process_completed handlers.
    """
    opinion = (opinion or "").strip()
    clean = _check_data(data)
    with transaction.atomic():
        instance, item = _lock(item)
        principal = _acting_for(actor, item, instance)
        meta = _items.meta_for(instance, item.task_spec_id)
        _check_step(item, instance, meta, decision, opinion)
        wf = engine.load(instance.state)
        task = engine.task_by_id(wf, item.spiff_task_id)
        if task is None or task not in engine.ready_user_tasks(wf):
            raise Conflict("该环节已不在办理中，请刷新页面查看最新状态。")
        snapshot = instance.state
        engine.complete(wf, task, decision=decision, data=clean)
        task_data = engine.task_data(task)
        _record_done(
            item,
            actor=actor,
            principal=principal,
            decision=decision,
            opinion=opinion,
            data=clean,
            snapshot=snapshot,
            version_after=instance.version + 1,
        )
        finished = engine.is_completed(wf)
        if finished:
            _finish(instance, wf)
        else:
            _items.save_state(instance, wf)
        created = _items.sync(instance=instance, wf=wf, previous=item)
        _items.fire(
            "task_completed",
            instance=instance,
            task_spec_id=item.task_spec_id,
            work_item=item,
            data=task_data,
        )
        _items.fire_ready(instance, created)
        if finished:
            _items.fire(
                "process_completed",
                instance=instance,
                task_spec_id=item.task_spec_id,
                work_item=item,
                data=task_data,
            )
        audit_record(
            actor=actor,
            action="workflow.item_complete",
            target=item,
            unit=instance.unit,
            on_behalf_of=principal if principal.pk != actor.pk else None,
            details={
                "instance_id": instance.pk,
                "task": item.task_spec_id,
                "decision": decision,
                "finished": finished,
            },
        )
    return item


def _record_done(
    item: WorkItem,
    *,
    actor: User,
    principal: User,
    decision: str,
    opinion: str,
    data: dict[str, Any],
    snapshot: str,
    version_after: int,
) -> None:
    item.move_to(WorkItem.Status.DONE)
    item.decision, item.opinion, item.data = decision, opinion, data
    item.completed_by = actor
    item.on_behalf_of = principal if principal.pk != actor.pk else None
    item.completed_at = timezone.now()
    item.snapshot, item.version_after = snapshot, version_after
    item.save()


def work_item_withdraw(*, actor: User, item: WorkItem) -> WorkItem:
    """The person who completed a step takes it back, while nothing has happened since.

    The workflow returns to the state before the completion; the items that completion made
    are withdrawn and the step is offered again (as a new item).
    """
    with transaction.atomic():
        instance, item = _lock(item)
        if not selectors.may_see_instance(viewer=actor, instance=instance):
            raise NotFound("找不到该待办，或您无权查看。")
        if item.completed_by_id != actor.pk:
            raise Forbidden("只有办理这一步的人才能撤回。")
        _check_withdrawable(item, instance)
        for follower in item.next_items.select_for_update().filter(status=WorkItem.Status.OPEN):
            follower.move_to(WorkItem.Status.WITHDRAWN)
            follower.save(update_fields=["status"])
        item.move_to(WorkItem.Status.WITHDRAWN)
        item.save(update_fields=["status"])
        wf = engine.load(item.snapshot)
        _items.save_state(instance, wf)
        created = _items.sync(instance=instance, wf=wf, previous=item.previous)
        _items.fire(
            "task_withdrawn",
            instance=instance,
            task_spec_id=item.task_spec_id,
            work_item=item,
            data=item.data,
        )
        _items.fire_ready(instance, created)
        audit_record(
            actor=actor,
            action="workflow.item_withdraw",
            target=item,
            unit=instance.unit,
            details={"instance_id": instance.pk, "task": item.task_spec_id},
        )
    return item


def _check_withdrawable(item: WorkItem, instance: ProcessInstance) -> None:
    if item.status != WorkItem.Status.DONE:
        raise Conflict(f"该步骤{item.get_status_display()}，不能撤回。")
    if instance.status != ProcessInstance.Status.RUNNING:
        raise Conflict(f"该流程{instance.get_status_display()}，不能撤回。")
    if not item.snapshot or instance.version != item.version_after:
        raise Conflict("您办理之后流程已有新的进展（下一步已有人办理），不能撤回。")


def process_cancel(*, actor: User, instance: ProcessInstance, reason: str) -> ProcessInstance:
    """Stop a running process (the starter, or the unit's leader or administrator)."""
    reason = (reason or "").strip()
    with transaction.atomic():
        _lock_subject(instance.pk)
        locked = (
            ProcessInstance.objects.select_for_update()
            .select_related("definition", "unit")
            .filter(pk=instance.pk)
            .first()
        )
        if locked is None or not selectors.may_see_instance(viewer=actor, instance=locked):
            raise NotFound("找不到该流程，或您无权查看。")
        own_unit = actor.unit_id == locked.unit_id
        if not (
            actor.pk == locked.started_by_id
            or (own_unit and actor.has_role(Role.UNIT_LEADER, Role.UNIT_ADMIN))
        ):
            raise Forbidden("只有流程发起人、本单位负责人或系统管理员可以终止流程。")
        if not reason:
            raise DomainError("请填写终止流程的原因。")
        locked.move_to(ProcessInstance.Status.CANCELLED)
        locked.cancelled_by, locked.cancel_reason = actor, reason[:2000]
        locked.completed_at = timezone.now()
        for item in locked.items.select_for_update().filter(status=WorkItem.Status.OPEN):
            item.move_to(WorkItem.Status.CANCELLED)
            item.save(update_fields=["status"])
        _items.save_state(
            locked,
            engine.load(locked.state),
            fields=("status", "cancelled_by", "cancel_reason", "completed_at"),
        )
        _items.fire("process_cancelled", instance=locked)
        audit_record(
            actor=actor,
            action="workflow.process_cancel",
            target=locked,
            unit=locked.unit,
            details={"reason": reason[:500]},
        )
    return locked
