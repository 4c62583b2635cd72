"""Audit API: the log and the chain status (read only), and the security alerts."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.core.paginator import Paginator
from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from wenshu.audit import selectors, services
from wenshu.audit.models import AuditVerification, SecurityAlert
from wenshu.audit.selectors import EventFilter

router = Router(tags=["审计"])


def _viewer(request: HttpRequest) -> Any:
    # request.auth is set by the API's authentication (token or session).
    return request.auth  # type: ignore[attr-defined]


class EventQuery(Schema):
    date_from: date | None = Field(None, description="起始日期（含），北京时间")
    date_to: date | None = Field(None, description="截止日期（含），北京时间")
    person: str = Field("", max_length=60, description="操作人或被代办人：姓名片段或人员编号")
    unit: str = Field("", max_length=100, description="单位：名称片段或单位编号")
    action: str = Field("", max_length=80, description="操作代码片段，如 account.")
    result: Literal["", "ok", "refused", "failed"] = Field("", description="结果")
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=200)


class EventOut(Schema):
    seq: int
    created_at: datetime
    actor_id: int | None
    actor_name: str
    on_behalf_of_id: int | None
    on_behalf_of_name: str
    unit_id: int | None
    unit_name: str
    action: str
    target_type: str
    target_id: str
    target_repr: str
    ip: str
    result: str
    details: dict[str, Any]
    prev_hash: str
    hash: str


class EventPage(Schema):
    count: int
    page: int
    pages: int
    page_size: int
    items: list[EventOut]


class VerificationOut(Schema):
    status: Literal["never", "ok", "broken"]
    ran_at: datetime | None = None
    rows_checked: int = 0
    kind: str = ""
    first_bad_seq: int | None = None
    finding: str = ""
    head_seq: int = 0
    base_seq: int = 0


class AlertOut(Schema):
    id: int
    kind: str
    severity: str
    message: str
    details: dict[str, Any]
    unit_id: int | None
    unit_name: str
    created_at: datetime
    acknowledged_by_id: int | None
    acknowledged_by_name: str
    acknowledged_at: datetime | None
    acknowledge_note: str


class AcknowledgeIn(Schema):
    note: str = Field("", max_length=500)


@router.get("/events", response=EventPage, summary="审计日志（仅安全审计员）")
def list_events(request: HttpRequest, query: Query[EventQuery]) -> dict[str, Any]:
    filters = EventFilter(
        date_from=query.date_from,
        date_to=query.date_to,
        person=query.person,
        unit=query.unit,
        action=query.action,
        result=query.result,
    )
    items = selectors.audit_events(viewer=_viewer(request), filters=filters)
    paginator = Paginator(items, query.page_size)
    page = paginator.get_page(query.page)
    return {
        "count": paginator.count,
        "page": page.number,
        "pages": paginator.num_pages,
        "page_size": query.page_size,
        "items": list(page),
    }


def _verification(v: AuditVerification | None) -> dict[str, Any]:
    if v is None:
        return {"status": "never"}
    return {
        "status": "ok" if v.ok else "broken",
        "ran_at": v.ran_at,
        "rows_checked": v.rows_checked,
        "kind": v.kind,
        "first_bad_seq": v.first_bad_seq,
        "finding": v.finding,
        "head_seq": v.head_seq,
        "base_seq": v.base_seq,
    }


@router.get("/verification", response=VerificationOut, summary="审计链最近一次校验结果（三员可查）")
def latest_verification(request: HttpRequest) -> dict[str, Any]:
    return _verification(selectors.verification_latest(viewer=_viewer(request)))


@router.get("/alerts", response=list[AlertOut], summary="安全告警（仅安全保密管理员）")
def list_alerts(
    request: HttpRequest,
    state: Literal["open", "done", "all"] = "open",
) -> list[SecurityAlert]:
    return list(selectors.security_alerts(viewer=_viewer(request), state=state)[:200])


@router.post("/alerts/{alert_id}/acknowledge", response=AlertOut, summary="确认处理安全告警")
def acknowledge_alert(request: HttpRequest, alert_id: int, payload: AcknowledgeIn) -> SecurityAlert:
    viewer = _viewer(request)
    alert = selectors.security_alert_get(viewer=viewer, alert_id=alert_id)
    return services.security_alert_acknowledge(actor=viewer, alert=alert, note=payload.note)
