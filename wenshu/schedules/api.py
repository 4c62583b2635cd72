"""/api/v1/schedules/: events CRUD and a range query, through the same services and selectors
as the pages. Times without an offset are read as Beijing time."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import cast

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from wenshu.accounts.models import User
from wenshu.lib.errors import DomainError
from wenshu.schedules import selectors, services
from wenshu.schedules.models import Event

router = Router(tags=["日程安排"])
MAX_RANGE = timedelta(days=400)


def _me(request: HttpRequest) -> User:
    return cast(User, request.auth)  # type: ignore[attr-defined]  # the API's global auth


def _aware(moment: datetime) -> datetime:
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


class ItemOut(Schema):
    kind: str
    id: int = Field(alias="pk")
    title: str
    start: datetime
    end: datetime
    all_day: bool
    place: str
    link: str
    label: str
    uid: str


class EventIn(Schema):
    title: str = Field(max_length=200)
    start_at: datetime
    end_at: datetime
    all_day: bool = False
    place: str = Field("", max_length=200)
    note: str = Field("", max_length=5000)
    remind_minutes: int | None = None
    private: bool = False

    def to_input(self) -> services.EventInput:
        data = self.dict()
        data["start_at"], data["end_at"] = _aware(self.start_at), _aware(self.end_at)
        return services.EventInput(**data)


class EventOut(Schema):
    id: int
    calendar: str
    owner_id: int
    title: str
    start_at: datetime
    end_at: datetime
    all_day: bool
    place: str
    note: str
    remind_minutes: int | None
    private: bool
    editable: bool = False


class RangeQuery(Schema):
    start: datetime
    end: datetime
    leader_id: int | None = None


def _out(viewer: User, event: Event) -> EventOut:
    out = EventOut.from_orm(event)
    out.editable = selectors.may_edit(viewer, event)
    return out


@router.get("/items", response=list[ItemOut], summary="按时间段查询日程（含会议）")
def items(request: HttpRequest, q: Query[RangeQuery]) -> list[selectors.Item]:
    me = _me(request)
    start, end = _aware(q.start), _aware(q.end)
    if end <= start or end - start > MAX_RANGE:
        raise DomainError("查询时间段须结束晚于开始，且不超过400天。")
    if q.leader_id is None:
        return selectors.items_for_person(viewer=me, start=start, end=end)
    leader = selectors.leader_for_viewer(viewer=me, leader_id=q.leader_id)
    return selectors.items_for_leader(viewer=me, leader=leader, start=start, end=end)


@router.post("/events", response={201: EventOut}, summary="新建日程（leader_id：领导日程）")
def event_create(request: HttpRequest, payload: EventIn, leader_id: int | None = None) -> Status:
    me = _me(request)
    leader = (
        selectors.leader_for_viewer(viewer=me, leader_id=leader_id)
        if leader_id is not None
        else None
    )
    event = services.event_create(actor=me, data=payload.to_input(), leader=leader)
    return Status(201, _out(me, event))


@router.get("/events/{event_id}", response=EventOut, summary="查看日程")
def event_get(request: HttpRequest, event_id: int) -> EventOut:
    me = _me(request)
    return _out(me, selectors.event_for_viewer(viewer=me, event_id=event_id))


@router.put("/events/{event_id}", response=EventOut, summary="修改日程")
def event_put(request: HttpRequest, event_id: int, payload: EventIn) -> EventOut:
    me = _me(request)
    event = selectors.event_for_viewer(viewer=me, event_id=event_id)
    return _out(me, services.event_update(actor=me, event=event, data=payload.to_input()))


@router.delete("/events/{event_id}", response={204: None}, summary="删除日程")
def event_remove(request: HttpRequest, event_id: int) -> Status:
    me = _me(request)
    services.event_delete(actor=me, event=selectors.event_for_viewer(viewer=me, event_id=event_id))
    return Status(204, None)
