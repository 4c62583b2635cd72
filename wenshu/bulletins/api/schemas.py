"""Schemas of /api/v1/bulletins/ and the small helpers that fill them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, cast

from django.http import HttpRequest
from ninja import Field, Schema

from wenshu.accounts.models import User
from wenshu.bulletins.models import InfoReport, Notice


def me(request: HttpRequest) -> User:
    return cast(User, request.auth)  # type: ignore[attr-defined]  # the API's global auth


class Paging(Schema):
    limit: int = Field(30, ge=1, le=200)
    offset: int = Field(0, ge=0)


class AttachmentOut(Schema):
    id: int
    name: str
    size: int
    content_type: str


def attachment_out(a: Any) -> AttachmentOut:
    return AttachmentOut(
        id=a.pk, name=a.upload.name, size=a.upload.size, content_type=a.upload.content_type
    )


class UploadOut(Schema):
    id: int
    name: str
    size: int
    sm3: str


class OpinionIn(Schema):
    opinion: str = Field("", max_length=1000)


class ReasonIn(Schema):
    reason: str = Field(..., max_length=1000)


# --- notices ---------------------------------------------------------------------------


class NoticeIn(Schema):
    title: str = Field(..., max_length=200)
    body: str = Field(..., max_length=50_000)
    expires_on: date | None = Field(None, description="有效期至（必填，最长一年）")
    kind: Notice.Kind = Notice.Kind.NOTICE
    audience: Notice.Audience = Notice.Audience.OWN
    unit_ids: list[int] = Field(default_factory=list, max_length=500)
    group_ids: list[int] = Field(default_factory=list, max_length=100)
    pinned: bool = False
    pinned_until: date | None = None
    attachment_ids: list[int] = Field(
        default_factory=list, max_length=20, description="先经 POST /uploads 上传得到的编号"
    )
    drop_attachment_ids: list[int] = Field(default_factory=list, max_length=20)


class NoticeQuery(Paging):
    q: str = Field("", max_length=100)
    unit_id: int | None = None
    kind: str = ""
    unread: bool = False


class ManagedQuery(Paging):
    status: str = ""
    q: str = Field("", max_length=100)


class OversightQuery(ManagedQuery):
    unit_id: int | None = None


class NoticeOut(Schema):
    id: int
    unit_id: int
    unit_name: str
    kind: str
    kind_label: str
    title: str
    audience: str
    status: str
    status_label: str
    pinned: bool
    pinned_until: date | None
    expires_on: date
    published_at: datetime | None
    drafted_by_id: int
    is_read: bool | None = None


class NoticeDetailOut(NoticeOut):
    body: str
    audience_unit_ids: list[int]
    audience_group_ids: list[int]
    submitted_at: datetime | None
    reviewed_by_id: int | None
    review_opinion: str
    withdrawn_at: datetime | None
    withdraw_reason: str
    archived_at: datetime | None
    attachments: list[AttachmentOut]


class NoticePage(Schema):
    count: int
    items: list[NoticeOut]


def notice_out(n: Notice) -> NoticeOut:
    return NoticeOut(
        id=n.pk,
        unit_id=n.unit_id,
        unit_name=n.unit.full_name,
        kind=n.kind,
        kind_label=n.get_kind_display(),
        title=n.title,
        audience=n.audience,
        status=n.status,
        status_label=n.get_status_display(),
        pinned=n.pinned,
        pinned_until=n.pinned_until,
        expires_on=n.expires_on,
        published_at=n.published_at,
        drafted_by_id=n.drafted_by_id,
        is_read=getattr(n, "is_read", None),
    )


class UnitReadsOut(Schema):
    unit_id: int
    unit_name: str
    readers: int
    people: int


class ReaderOut(Schema):
    user_id: int
    name: str
    read_at: datetime


class ReadStatsOut(Schema):
    total_readers: int
    units: list[UnitReadsOut]
    own_unit_readers: list[ReaderOut]


# --- reports ---------------------------------------------------------------------------


class ReportIn(Schema):
    receiver_id: int
    category: InfoReport.Category
    title: str = Field(..., max_length=200)
    body: str = Field(..., max_length=50_000)
    attachment_ids: list[int] = Field(default_factory=list, max_length=20)


class ResubmitIn(Schema):
    category: InfoReport.Category
    title: str = Field(..., max_length=200)
    body: str = Field(..., max_length=50_000)
    attachment_ids: list[int] = Field(default_factory=list, max_length=20)
    drop_attachment_ids: list[int] = Field(
        default_factory=list, max_length=20, description="不再附带的上一版本附件编号"
    )


class AdoptIn(Schema):
    used_in: InfoReport.UsedIn
    journal_name: str = Field("", max_length=100)
    journal_issue: str = Field("", max_length=40)
    used_note: str = Field("", max_length=300)


class ReportQuery(Paging):
    status: str = ""
    category: str = ""
    q: str = Field("", max_length=100)


class ReportOut(Schema):
    id: int
    unit_id: int
    unit_name: str
    receiver_id: int
    receiver_name: str
    category: str
    category_label: str
    title: str
    status: str
    status_label: str
    version: int
    previous_id: int | None
    submitted_by_id: int
    submitted_at: datetime
    first_submitted_at: datetime
    handled_by_id: int | None
    handled_at: datetime | None
    opinion: str
    used_in: str
    journal_name: str
    journal_issue: str
    used_note: str


class ReportDetailOut(ReportOut):
    body: str
    version_ids: list[int]
    attachments: list[AttachmentOut]


class ReportPage(Schema):
    count: int
    items: list[ReportOut]


def report_out(r: InfoReport) -> ReportOut:
    return ReportOut(
        id=r.pk,
        unit_id=r.unit_id,
        unit_name=r.unit.full_name,
        receiver_id=r.receiver_id,
        receiver_name=r.receiver.full_name,
        category=r.category,
        category_label=r.get_category_display(),
        title=r.title,
        status=r.status,
        status_label=r.get_status_display(),
        version=r.version,
        previous_id=r.previous_id,
        submitted_by_id=r.submitted_by_id,
        submitted_at=r.submitted_at,
        first_submitted_at=r.first_submitted_at,
        handled_by_id=r.handled_by_id,
        handled_at=r.handled_at,
        opinion=r.opinion,
        used_in=r.used_in,
        journal_name=r.journal_name,
        journal_issue=r.journal_issue,
        used_note=r.used_note,
    )


class StatsQuery(Schema):
    date_from: date
    date_to: date
    receiver_id: int | None = None


class UnitFiguresOut(Schema):
    rank: int
    unit_id: int
    unit_name: str
    submitted: int
    adopted: int
    adoption_rate: float | None
    returned: int
    declined: int
    pending: int


class StatsOut(Schema):
    date_from: date
    date_to: date
    receiver_id: int | None
    rows: list[UnitFiguresOut]
    total: UnitFiguresOut
    rule: str


class ReceiverOut(Schema):
    unit_id: int
    unit_name: str
    active: bool
    note: str


class ReceiverIn(Schema):
    active: bool
    note: str = Field("", max_length=200)
