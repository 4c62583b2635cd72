"""/api/v1/bulletins/notices: the same notice operations as the pages, through the same services."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile

from wenshu.bulletins import selectors, services
from wenshu.bulletins.api.schemas import (
    ManagedQuery,
    NoticeDetailOut,
    NoticeIn,
    NoticePage,
    NoticeQuery,
    OpinionIn,
    OversightQuery,
    Paging,
    ReaderOut,
    ReadStatsOut,
    ReasonIn,
    UnitReadsOut,
    UploadOut,
    attachment_out,
    me,
    notice_out,
)
from wenshu.bulletins.models import Notice
from wenshu.files.models import Upload
from wenshu.files.responses import download_response
from wenshu.files.selectors import upload_get_own
from wenshu.files.services import file_ingest
from wenshu.lib.errors import DomainError
from wenshu.org import selectors as org_selectors
from wenshu.org.models import Unit, UnitGroup

router = Router(tags=["通知公告"])


def _page(qs: Any, paging: Paging) -> NoticePage:
    rows = qs[paging.offset : paging.offset + paging.limit]
    return NoticePage(count=qs.count(), items=[notice_out(n) for n in rows])


def _detail(notice: Notice) -> NoticeDetailOut:
    return NoticeDetailOut(
        **notice_out(notice).model_dump(),
        body=notice.body,
        audience_unit_ids=sorted(notice.audience_units.values_list("pk", flat=True)),
        audience_group_ids=sorted(notice.audience_groups.values_list("pk", flat=True)),
        submitted_at=notice.submitted_at,
        reviewed_by_id=notice.reviewed_by_id,
        review_opinion=notice.review_opinion,
        withdrawn_at=notice.withdrawn_at,
        withdraw_reason=notice.withdraw_reason,
        archived_at=notice.archived_at,
        attachments=[attachment_out(a) for a in selectors.notice_attachments(notice=notice)],
    )


def _units(request: HttpRequest, ids: list[int]) -> list[Unit]:
    found = list(org_selectors.units_in_directory(viewer=me(request)).filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise DomainError("所选单位中有不存在或未注册的单位，请重新选择。")
    return found


def _groups(request: HttpRequest, ids: list[int]) -> list[UnitGroup]:
    found = list(org_selectors.groups(viewer=me(request)).filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise DomainError("所选单位分组不存在，请重新选择。")
    return found


def own_uploads(request: HttpRequest, ids: list[int]) -> list[Upload]:
    return [upload_get_own(viewer=me(request), upload_id=i) for i in dict.fromkeys(ids)]


def _input(request: HttpRequest, body: NoticeIn) -> services.NoticeInput:
    return services.NoticeInput(
        title=body.title,
        body=body.body,
        expires_on=body.expires_on,
        kind=body.kind,
        audience=body.audience,
        units=_units(request, body.unit_ids),
        groups=_groups(request, body.group_ids),
        pinned=body.pinned,
        pinned_until=body.pinned_until,
        attachments=own_uploads(request, body.attachment_ids),
        drop_attachment_ids=body.drop_attachment_ids,
    )


@router.post("/uploads", response={201: UploadOut}, summary="上传附件（病毒扫描、密级标志检查）")
def upload(request: HttpRequest, file: File[UploadedFile]) -> Status[UploadOut]:
    made = file_ingest(
        actor=me(request), name=file.name or "", data_or_fileobj=file, purpose="bulletins"
    )
    return Status(
        201, UploadOut(id=made.pk, name=made.name, size=made.size, sm3=made.stored_file.sm3)
    )


@router.get("/notices", response=NoticePage, summary="通知公告（发给本单位、在有效期内）")
def notices(request: HttpRequest, query: Query[NoticeQuery]) -> NoticePage:
    qs = selectors.notices_for_reading(
        viewer=me(request), q=query.q, unit_id=query.unit_id, kind=query.kind, unread=query.unread
    )
    return _page(qs, query)


@router.get("/notices/managed", response=NoticePage, summary="本单位通知管理（各状态）")
def notices_managed(request: HttpRequest, query: Query[ManagedQuery]) -> NoticePage:
    qs = selectors.notices_of_unit(viewer=me(request), status=query.status, q=query.q)
    return _page(qs.select_related("unit"), query)


@router.get("/notices/pending", response=NoticePage, summary="待审核通知（单位负责人）")
def notices_pending(request: HttpRequest, query: Query[Paging]) -> NoticePage:
    return _page(selectors.notices_pending_review(viewer=me(request)).select_related("unit"), query)


@router.get("/notices/oversight", response=NoticePage, summary="全市通知监管（市数字办）")
def notices_oversight(request: HttpRequest, query: Query[OversightQuery]) -> NoticePage:
    qs = selectors.notices_city(
        viewer=me(request), status=query.status, unit_id=query.unit_id, q=query.q
    )
    return _page(qs, query)


@router.post("/notices", response={201: NoticeDetailOut}, summary="拟写通知（保存为草稿）")
def notice_create(request: HttpRequest, body: NoticeIn) -> Status[NoticeDetailOut]:
    notice = services.notice_create(actor=me(request), data=_input(request, body))
    return Status(201, _detail(selectors.notice_get(viewer=me(request), pk=notice.pk)))


@router.get("/notices/{notice_id}", response=NoticeDetailOut, summary="通知详情（记为已读）")
def notice_detail(request: HttpRequest, notice_id: int) -> NoticeDetailOut:
    notice = selectors.notice_get(viewer=me(request), pk=notice_id)
    services.notice_mark_read(viewer=me(request), notice=notice)
    return _detail(notice)


@router.put("/notices/{notice_id}", response=NoticeDetailOut, summary="修改草稿或退回的通知")
def notice_update(request: HttpRequest, notice_id: int, body: NoticeIn) -> NoticeDetailOut:
    notice = selectors.notice_get(viewer=me(request), pk=notice_id)
    services.notice_update(actor=me(request), notice=notice, data=_input(request, body))
    return _detail(selectors.notice_get(viewer=me(request), pk=notice_id))


def _act(request: HttpRequest, notice_id: int, service: Any, **kwargs: Any) -> NoticeDetailOut:
    notice = selectors.notice_get(viewer=me(request), pk=notice_id)
    service(actor=me(request), notice=notice, **kwargs)
    return _detail(selectors.notice_get(viewer=me(request), pk=notice_id))


@router.post("/notices/{notice_id}/submit", response=NoticeDetailOut, summary="送审")
def notice_submit(request: HttpRequest, notice_id: int) -> NoticeDetailOut:
    return _act(request, notice_id, services.notice_submit)


@router.post("/notices/{notice_id}/recall", response=NoticeDetailOut, summary="撤回为草稿")
def notice_recall(request: HttpRequest, notice_id: int) -> NoticeDetailOut:
    return _act(request, notice_id, services.notice_recall)


@router.post("/notices/{notice_id}/approve", response=NoticeDetailOut, summary="单位负责人同意发布")
def notice_approve(request: HttpRequest, notice_id: int, body: OpinionIn) -> NoticeDetailOut:
    return _act(request, notice_id, services.notice_approve, opinion=body.opinion)


@router.post(
    "/notices/{notice_id}/return",
    response=NoticeDetailOut,
    summary="单位负责人退回修改（须填写意见）",
)
def notice_return(request: HttpRequest, notice_id: int, body: OpinionIn) -> NoticeDetailOut:
    return _act(request, notice_id, services.notice_return, opinion=body.opinion)


@router.post(
    "/notices/{notice_id}/withdraw", response=NoticeDetailOut, summary="市数字办撤下违规信息"
)
def notice_withdraw(request: HttpRequest, notice_id: int, body: ReasonIn) -> NoticeDetailOut:
    return _act(request, notice_id, services.notice_withdraw, reason=body.reason)


@router.get("/notices/{notice_id}/reads", response=ReadStatsOut, summary="阅读情况")
def notice_reads(request: HttpRequest, notice_id: int) -> ReadStatsOut:
    notice = selectors.notice_get(viewer=me(request), pk=notice_id)
    stats = selectors.notice_read_stats(viewer=me(request), notice=notice)
    return ReadStatsOut(
        total_readers=stats.total_readers,
        units=[UnitReadsOut(**r.__dict__) for r in stats.units],
        own_unit_readers=[
            ReaderOut(user_id=r.reader_id, name=r.reader.display_name, read_at=r.read_at)
            for r in stats.own_unit_readers
        ],
    )


@router.get("/notices/{notice_id}/attachments/{attachment_id}", summary="下载附件")
def notice_attachment(request: HttpRequest, notice_id: int, attachment_id: int) -> HttpResponse:
    found = selectors.notice_attachment_get(
        viewer=me(request), notice_pk=notice_id, attachment_pk=attachment_id
    )
    return download_response(upload=found.upload)
