"""/api/v1/workflow/: to-do list, completing and withdrawing steps, flow definitions.

The same services as the pages; refusals come back as {"error": code, "message": 中文说明}.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from wenshu.accounts.models import User
from wenshu.workflow import engine, selectors, services
from wenshu.workflow.models import ProcessDefinition, WorkItem

router = Router(tags=["流程与待办"])


def _me(request: HttpRequest) -> User:
    return cast(User, request.auth)  # type: ignore[attr-defined]  # the API's global auth


class WorkItemOut(Schema):
    id: int
    instance_id: int
    process_key: str
    process_name: str
    title: str
    subject_type: str
    subject_id: str
    unit_id: int
    task_spec_id: str
    name: str
    status: str
    status_label: str
    assignee_id: int | None
    candidate_role: str
    candidate_department_id: int | None
    offered_to: str
    decisions: list[str]
    created_at: datetime
    due_at: datetime | None
    url: str


class StepOut(Schema):
    id: int
    task_spec_id: str
    name: str
    status: str
    decision: str
    decision_label: str
    opinion: str
    completed_by_id: int | None
    completed_by_name: str
    on_behalf_of_id: int | None
    on_behalf_of_name: str
    completed_at: datetime | None


class WorkItemDetailOut(WorkItemOut):
    history: list[StepOut]
    may_withdraw: bool


class CompleteIn(Schema):
    decision: str = Field("approve", max_length=20)
    opinion: str = Field("", max_length=2000)
    data: dict[str, Any] | None = None


class DefinitionOut(Schema):
    id: int
    key: str
    unit_id: int | None
    unit_name: str
    version: int
    name: str
    process_id: str
    sm3: str
    filename: str
    active: bool
    tasks: list[dict[str, Any]]
    uploaded_by_id: int | None
    created_at: datetime


class DefinitionDetailOut(DefinitionOut):
    bpmn_xml: str


class DefinitionIn(Schema):
    key: str = Field(..., max_length=40)
    unit_id: int | None = Field(None, description="空为全市默认流程")
    bpmn_xml: str = Field(..., max_length=engine.MAX_XML_BYTES)
    filename: str = Field("", max_length=200)


def _decisions(item: WorkItem) -> list[str]:
    meta = item.instance.definition.task_meta(item.task_spec_id)
    return list(meta["decisions"]) if meta else ["approve"]


def _item_out(item: WorkItem) -> dict[str, Any]:
    instance = item.instance
    return {
        "id": item.pk,
        "instance_id": instance.pk,
        "process_key": instance.key,
        "process_name": instance.definition.name,
        "title": instance.title,
        "subject_type": instance.subject_type,
        "subject_id": instance.subject_id,
        "unit_id": instance.unit_id,
        "task_spec_id": item.task_spec_id,
        "name": item.name,
        "status": item.status,
        "status_label": item.get_status_display(),
        "assignee_id": item.assignee_id,
        "candidate_role": item.candidate_role,
        "candidate_department_id": item.candidate_department_id,
        "offered_to": item.offered_to_label,
        "decisions": _decisions(item),
        "created_at": item.created_at,
        "due_at": item.due_at,
        "url": selectors.item_url(item),
    }


def _step_out(item: WorkItem) -> dict[str, Any]:
    return {
        "id": item.pk,
        "task_spec_id": item.task_spec_id,
        "name": item.name,
        "status": item.status,
        "decision": item.decision,
        "decision_label": item.decision_label,
        "opinion": item.opinion,
        "completed_by_id": item.completed_by_id,
        "completed_by_name": item.completed_by.display_name if item.completed_by else "",
        "on_behalf_of_id": item.on_behalf_of_id,
        "on_behalf_of_name": item.on_behalf_of.display_name if item.on_behalf_of else "",
        "completed_at": item.completed_at,
    }


def _detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    item = selectors.work_item_get(viewer=_me(request), pk=pk)
    history = selectors.history_for(viewer=_me(request), instance=item.instance)
    return {
        **_item_out(item),
        "history": [_step_out(h) for h in history],
        "may_withdraw": selectors.may_withdraw(viewer=_me(request), item=item),
    }


@router.get("/todo", response=list[WorkItemOut], summary="我的待办")
def todo(
    request: HttpRequest, key: str = "", limit: int = 100, offset: int = 0
) -> list[dict[str, Any]]:
    """Open items, oldest first; `limit` at most 500."""
    limit, offset = max(1, min(limit, 500)), max(0, offset)
    items = selectors.todo_for(viewer=_me(request), key=key)[offset : offset + limit]
    return [_item_out(i) for i in items]


@router.get("/items/{item_id}", response=WorkItemDetailOut, summary="待办详情与办理记录")
def item_detail(request: HttpRequest, item_id: int) -> dict[str, Any]:
    return _detail(request, item_id)


@router.post(
    "/items/{item_id}/complete", response=WorkItemDetailOut, summary="办理（同意、退回等）"
)
def item_complete(request: HttpRequest, item_id: int, body: CompleteIn) -> dict[str, Any]:
    item = selectors.work_item_get(viewer=_me(request), pk=item_id)
    services.work_item_complete(
        actor=_me(request), item=item, decision=body.decision, opinion=body.opinion, data=body.data
    )
    return _detail(request, item_id)


@router.post("/items/{item_id}/withdraw", response=WorkItemDetailOut, summary="撤回已办理的步骤")
def item_withdraw(request: HttpRequest, item_id: int) -> dict[str, Any]:
    item = selectors.work_item_get(viewer=_me(request), pk=item_id)
    services.work_item_withdraw(actor=_me(request), item=item)
    return _detail(request, item_id)


def _definition_out(d: ProcessDefinition, *, xml: bool = False) -> dict[str, Any]:
    out = {
        "id": d.pk,
        "key": d.key,
        "unit_id": d.unit_id,
        "unit_name": d.unit.full_name if d.unit else "全市默认",
        "version": d.version,
        "name": d.name,
        "process_id": d.process_id,
        "sm3": d.sm3,
        "filename": d.filename,
        "active": d.active,
        "tasks": d.tasks,
        "uploaded_by_id": d.uploaded_by_id,
        "created_at": d.created_at,
    }
    if xml:
        out["bpmn_xml"] = d.bpmn_xml
    return out


@router.get("/definitions", response=list[DefinitionOut], summary="当前使用的流程定义（市数字办）")
def definitions(request: HttpRequest) -> list[dict[str, Any]]:
    return [_definition_out(d) for d in selectors.definitions_active(viewer=_me(request))]


@router.get(
    "/definitions/{definition_id}", response=DefinitionDetailOut, summary="流程定义（含 BPMN 文件）"
)
def definition_detail(request: HttpRequest, definition_id: int) -> dict[str, Any]:
    return _definition_out(
        selectors.definition_get(viewer=_me(request), pk=definition_id), xml=True
    )


@router.post(
    "/definitions",
    response={201: DefinitionDetailOut},
    summary="上传 BPMN 文件更换流程（市数字办）",
)
def definition_replace(request: HttpRequest, body: DefinitionIn) -> Status:
    selectors.require_definition_admin(_me(request))
    unit = selectors.unit_for_definition(viewer=_me(request), unit_id=body.unit_id)
    definition = services.definition_replace(
        actor=_me(request), key=body.key, unit=unit, bpmn_xml=body.bpmn_xml, filename=body.filename
    )
    return Status(201, _definition_out(definition, xml=True))
