"""The internal 发文 flow on wenshu.workflow (bpmn/fawen.bpmn): 拟稿 → 核稿 → 会签 → 签发 →
用印 → 分发.

Document services start the process and complete its steps through the workflow services;
the handlers below (registered in AppConfig.ready) keep the document in step with the flow
whichever page completes a step — this app's pages, the workflow's generic step page or the
API — inside the same transaction:

  拟稿 completed      → 审批中 (the draft must be complete: title, body, seal, 机关代字)
  拟稿 ready again    → 拟稿 (returned to the drafter, or the drafter withdrew it): editable
  签发 approved       → 已签发: numbered, 成文日期 and 签发人 set, content frozen
  用印 ready          → the package is prepared and a seal use request made (sealing.py)
  用印 completed      → refused unless the document is sealed (only sealing completes it)
  分发 completed      → refused unless the document was sent (exchange completes it)
  process cancelled  → 已作废, its number voided
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from wenshu.accounts.models import User
from wenshu.accounts.roles import Role
from wenshu.audit.services import audit_record
from wenshu.documents import selectors
from wenshu.documents.models import PROCESS_KEY, SUBJECT_TYPE, Document
from wenshu.documents.services import numbering, sealing
from wenshu.documents.services._common import NOT_FOUND, lock
from wenshu.lib.errors import Conflict, DomainError, Forbidden, NotFound
from wenshu.org.models import Department, Unit
from wenshu.seals.models import Seal, SealCustodian
from wenshu.workflow import registry
from wenshu.workflow import selectors as wf_selectors
from wenshu.workflow.engine import TaskMeta
from wenshu.workflow.models import ProcessInstance, WorkItem
from wenshu.workflow.services import (
    process_cancel,
    process_start,
    work_item_complete,
    work_item_withdraw,
)

# Steps that have their own services (not document_act): 送审, 用印 and 分发 (exchange).
OWN_SERVICE_STEPS = {"draft": "送审", "seal": "用印", "dispatch": "分发（发送）"}


@dataclass
class FlowPlan:
    """Who takes the flow's steps; empty values fall back to the step's role in the unit
    (核稿: the unit's clerks; 签发: its leaders; 分发: its clerks)."""

    reviewer_id: int | None = None
    countersign_departments: list[int] = field(default_factory=list)
    countersign_units: list[int] = field(default_factory=list)
    signer_id: int | None = None
    dispatcher_id: int | None = None


def _person(unit: Unit, person_id: int | None, role: Role | None, what: str) -> int | None:
    if person_id in (None, ""):
        return None
    people = User.objects.filter(pk=person_id, unit=unit, status=User.Status.ACTIVE)
    if role is not None:
        people = people.filter(role_grants__role=role.value)
    if not people.exists():
        who = role.label if role else "人员"
        raise DomainError(f"所选{what}不是本单位在岗的{who}，请重新选择。")
    return int(person_id)


def plan_data(actor: User, unit: Unit, plan: FlowPlan) -> dict[str, Any]:
    """The process data the BPMN's steps are assigned from (see workflow/assignment.py)."""
    departments = list(dict.fromkeys(plan.countersign_departments))
    units = list(dict.fromkeys(plan.countersign_units))
    found = Department.objects.filter(pk__in=departments, unit=unit, is_active=True).count()
    if found != len(departments):
        raise DomainError("会签部门须为本单位在用的部门，请重新选择。")
    registered = Unit.objects.filter(pk__in=units, status=Unit.Status.REGISTERED)
    if registered.exclude(pk=unit.pk).count() != len(units):
        raise DomainError("会签单位须为已注册的其他单位，请重新选择。")
    data: dict[str, Any] = {
        "drafter": actor.pk,
        "countersign": [{"department": d} for d in departments] + [{"unit": u} for u in units],
    }
    for key, value in (
        ("reviewer", _person(unit, plan.reviewer_id, None, "核稿人")),
        ("signer", _person(unit, plan.signer_id, Role.UNIT_LEADER, "签发人")),
        ("dispatcher", _person(unit, plan.dispatcher_id, Role.CLERK, "分发人")),
    ):
        if value is not None:
            data[key] = value
    return data


def check_ready(doc: Document) -> None:
    """What a draft needs before it can go to 核稿 (refused with what is missing)."""
    if not doc.title.strip():
        raise DomainError("请先填写公文标题。")
    if not doc.body:
        raise DomainError("请先填写正文，或上传正文 Word 文件。")
    if doc.seal_id is None:
        raise DomainError("请在公文稿中选择用印的电子印章。")
    if not Seal.objects.filter(pk=doc.seal_id, status=Seal.Status.IN_USE).exists():
        raise DomainError("所选印章已不在使用中，请重新选择印章。")
    numbering.agency_code(doc)  # a missing 机关代字 is found now, not at 签发


def _open_item(doc: Document, task: str, actor: User) -> WorkItem | None:
    if doc.process_id is None:
        return None
    items = WorkItem.objects.filter(
        instance_id=doc.process_id, task_spec_id=task, status=WorkItem.Status.OPEN
    ).select_related("instance")
    return next((i for i in items if wf_selectors.acting_for(viewer=actor, item=i)), None)


def document_submit(
    *, actor: User, document: Document, plan: FlowPlan | None = None, opinion: str = ""
) -> Document:
    """The drafter sends the draft to 核稿 (starting the flow, or again after a return)."""
    with transaction.atomic():
        doc = lock(document)
        if doc.unit_id != actor.unit_id or (doc.drafter_id != actor.pk and doc.process_id is None):
            raise NotFound(NOT_FOUND)
        if doc.drafter_id != actor.pk:
            raise Forbidden("只有拟稿人可以送审。")
        if doc.status == Document.Status.CANCELLED:
            raise Conflict("该公文已作废，不能送审。")
        if doc.status != Document.Status.DRAFT:
            raise Conflict(f"该公文已送审（{doc.get_status_display()}），请勿重复提交。")
        check_ready(doc)
        data = plan_data(actor, doc.unit, plan) if plan is not None else None
        if doc.process_id is None:
            doc.process = process_start(
                actor=actor,
                key=PROCESS_KEY,
                unit=doc.unit,
                subject_type=SUBJECT_TYPE,
                subject_id=doc.pk,
                data=data or plan_data(actor, doc.unit, FlowPlan()),
                title=doc.title,
            )
            doc.save(update_fields=["process", "updated_at"])
            data = None  # already the process data
        item = _open_item(doc, "draft", actor)
        if item is None:
            raise Conflict("该公文当前没有待送审的拟稿环节，请刷新页面。")
        work_item_complete(
            actor=actor, item=item, opinion=opinion.strip() or "拟稿完成，请核稿。", data=data
        )
        audit_record(
            actor=actor,
            action="documents.submitted",
            target=doc,
            unit=doc.unit,
            details={"process_id": doc.process_id, "item_id": item.pk},
        )
    return _reload(doc.pk)


def _reload(pk: int) -> Document:
    """The document as committed, without a lock (what the caller gets back)."""
    return Document.objects.select_related("unit", "drafter", "seal", "process").get(pk=pk)


def _document_item(actor: User, document: Document, item_id: int) -> tuple[Document, WorkItem]:
    doc = selectors.document_for_reader(viewer=actor, document_id=document.pk)
    item = (
        WorkItem.objects.select_related("instance")
        .filter(pk=item_id, instance_id=doc.process_id)
        .first()
        if doc.process_id
        else None
    )
    if item is None:
        raise NotFound("找不到该公文的这一办理环节，或您无权查看。")
    return doc, item


def document_act(
    *, actor: User, document: Document, item_id: int, decision: str = "approve", opinion: str = ""
) -> WorkItem:
    """核稿, 会签 or 签发 (or a unit's own step): agree, or return to the drafter, with an
    opinion. The person the step is offered to acts; anyone else is refused."""
    doc, item = _document_item(actor, document, item_id)
    if item.task_spec_id in OWN_SERVICE_STEPS:
        raise DomainError(f"“{item.name}”环节请通过“{OWN_SERVICE_STEPS[item.task_spec_id]}”办理。")
    with transaction.atomic():
        done = work_item_complete(actor=actor, item=item, decision=decision, opinion=opinion)
        audit_record(
            actor=actor,
            action="documents.step_done",
            target=doc,
            unit=doc.unit,
            details={"item_id": item.pk, "task": item.task_spec_id, "decision": decision},
        )
    return done


def document_withdraw(*, actor: User, document: Document, item_id: int) -> WorkItem:
    """Take back one's step while the next person has not acted (送审, 核稿, 会签, 签发)."""
    doc, item = _document_item(actor, document, item_id)
    if item.task_spec_id in ("seal", "dispatch"):
        raise Conflict(f"“{item.name}”已办理，不能撤回。")
    with transaction.atomic():
        done = work_item_withdraw(actor=actor, item=item)
        audit_record(
            actor=actor,
            action="documents.step_withdrawn",
            target=doc,
            unit=doc.unit,
            details={"item_id": item.pk, "task": item.task_spec_id},
        )
    return done


def document_cancel(*, actor: User, document: Document, reason: str) -> Document:
    """Stop a document for good (作废): the flow ends and its number, if any, is voided.

    A running flow is stopped by its starter (the drafter), the unit's leader or its system
    administrator (workflow's rule); an unsubmitted draft by its drafter."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写作废的原因。")
    with transaction.atomic():
        doc = lock(selectors.document_for_viewer(viewer=actor, document_id=document.pk))
        if doc.status in (Document.Status.SENT, Document.Status.CANCELLED):
            raise Conflict(f"该公文{doc.get_status_display()}，不能作废。")
        instance = doc.process
        if instance is not None and instance.status == ProcessInstance.Status.RUNNING:
            process_cancel(actor=actor, instance=instance, reason=reason)  # → on_cancelled
        elif doc.drafter_id == actor.pk and doc.process_id is None:
            _cancel(doc, actor=actor, reason=reason)
        else:
            raise Forbidden("只有拟稿人、本单位负责人或系统管理员可以作废公文。")
        audit_record(
            actor=actor,
            action="documents.cancelled",
            target=doc,
            unit=doc.unit,
            details={"reason": reason[:500], "doc_number": doc.doc_number},
        )
    return _reload(doc.pk)


def _cancel(doc: Document, *, actor: User | None, reason: str) -> None:
    doc.move_to(Document.Status.CANCELLED)
    doc.cancelled_at, doc.cancel_reason = timezone.now(), reason[:500]
    numbering.document_number_void(document=doc, actor=actor, reason=reason)
    sealing.close_attempts(doc, actor=actor, reason=reason)
    doc.save()


# --- handlers: keep the document in step with its flow -------------------------------------


def _lock_subject(subject_id: str) -> None:
    """The workflow locks the document before its process: the order of this app's services."""
    lock(int(subject_id))


def _subject(instance: ProcessInstance) -> Document | None:
    """The locked document of a 发文 process, or None for another kind of subject."""
    if instance.subject_type != SUBJECT_TYPE:
        return None
    return lock(int(instance.subject_id))


def on_task_ready(
    *,
    instance: ProcessInstance,
    task_spec_id: str,
    work_item: WorkItem | None,
    data: dict[str, Any],
) -> None:
    doc = _subject(instance)
    if doc is None:
        return
    if task_spec_id == "draft":
        if doc.status == Document.Status.IN_FLOW:  # returned, or the submission withdrawn
            doc.move_to(Document.Status.DRAFT)
            doc.save(update_fields=["status", "updated_at"])
        return
    if task_spec_id == "seal":
        signer = work_item.previous.completed_by if work_item and work_item.previous else None
        sealing.prepare(doc, data=data, actor=signer)
        return
    if task_spec_id != "dispatch" and doc.status in (
        Document.Status.DRAFT,
        Document.Status.APPROVED,
    ):
        # a return or a sign-off withdrawn: the flow is back before 签发
        doc.move_to(Document.Status.IN_FLOW)
        doc.save(update_fields=["status", "updated_at"])


def _approve(doc: Document, signer: User) -> None:
    doc.move_to(Document.Status.APPROVED)
    today = timezone.localdate()
    numbering.document_number_assign(doc, on=today)
    doc.issue_date, doc.approved_at = today, timezone.now()
    doc.signed_by, doc.signer_name = signer, signer.real_name
    doc.save()


def on_task_completed(
    *,
    instance: ProcessInstance,
    task_spec_id: str,
    work_item: WorkItem | None,
    data: dict[str, Any],
) -> None:
    doc = _subject(instance)
    if doc is None or work_item is None:
        return
    if task_spec_id == "draft":
        check_ready(doc)
        doc.move_to(Document.Status.IN_FLOW)
        doc.submitted_at = timezone.now()
        doc.save(update_fields=["status", "submitted_at", "updated_at"])
    elif task_spec_id == "sign" and work_item.decision == "approve":
        signer = work_item.on_behalf_of or work_item.completed_by
        if signer is None:  # a completed step always names who completed it
            raise DomainError("签发环节缺少签发人，无法签发。")
        _approve(doc, signer)
    elif task_spec_id == "seal" and doc.sealed_at is None:
        raise Conflict("用印须经印章保管人同意并完成电子签章，请在公文的“用印”页面办理。")
    elif task_spec_id == "dispatch" and doc.status != Document.Status.SENT:
        raise Conflict("“分发”须通过“发送”办理：公文发出后此环节自动办结。")


def on_task_withdrawn(
    *,
    instance: ProcessInstance,
    task_spec_id: str,
    work_item: WorkItem | None,
    data: dict[str, Any],
) -> None:
    doc = _subject(instance)
    if doc is None:
        return
    if doc.sealed_at is not None:
        raise Conflict("公文已用印，不能撤回。")
    if task_spec_id == "sign" and doc.status == Document.Status.APPROVED:
        actor = work_item.completed_by if work_item else None
        if actor is None:  # a completed step always names who completed it
            raise DomainError("签发环节缺少办理人，无法撤回。")
        sealing.withdraw_attempts(doc, actor=actor)


def on_process_cancelled(*, instance: ProcessInstance, **_: Any) -> None:
    doc = _subject(instance)
    if doc is not None and doc.status != Document.Status.CANCELLED:
        _cancel(doc, actor=instance.cancelled_by, reason=instance.cancel_reason)


def resolve_assignment(
    *, instance: ProcessInstance, task: TaskMeta, data: dict[str, Any]
) -> list[int] | None:
    """用印 goes to the custodians of the document's seal, one item each."""
    if getattr(instance, "subject_type", None) != SUBJECT_TYPE or task.id != "seal":
        return None
    seal_id = Document.objects.filter(pk=int(instance.subject_id)).values_list("seal_id", flat=True)
    custodians = list(
        SealCustodian.objects.filter(
            seal_id__in=seal_id, active=True, person__status=User.Status.ACTIVE
        )
        .order_by("id")
        .values_list("person_id", flat=True)
    )
    return custodians or None


def item_url(item: WorkItem) -> str:
    name = "documents:seal" if item.task_spec_id == "seal" else "documents:detail"
    return reverse(name, args=[int(item.instance.subject_id)])


def register() -> None:
    """Called from DocumentsConfig.ready()."""
    registry.register_subject(SUBJECT_TYPE, label="公文", item_url=item_url, lock=_lock_subject)
    registry.register_assignment_resolver(PROCESS_KEY, resolve_assignment)
    registry.register_handler(PROCESS_KEY, "task_ready", on_task_ready)
    registry.register_handler(PROCESS_KEY, "task_completed", on_task_completed)
    registry.register_handler(PROCESS_KEY, "task_withdrawn", on_task_withdrawn)
    registry.register_handler(PROCESS_KEY, "process_cancelled", on_process_cancelled)
