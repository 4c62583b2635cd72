"""/api/v1/bulletins/reports and /receivers: information reports, statistics, receivers."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from ninja import Query, Router, Status

from wenshu.bulletins import selectors, services
from wenshu.bulletins.api.notices import own_uploads
from wenshu.bulletins.api.schemas import (
    AdoptIn,
    OpinionIn,
    ReceiverIn,
    ReceiverOut,
    ReportDetailOut,
    ReportIn,
    ReportPage,
    ReportQuery,
    ResubmitIn,
    StatsOut,
    StatsQuery,
    UnitFiguresOut,
    attachment_out,
    me,
    report_out,
)
from wenshu.bulletins.models import InfoReport
from wenshu.bulletins.permissions import is_city_admin
from wenshu.bulletins.selectors import UnitFigures
from wenshu.files.responses import download_response
from wenshu.lib.errors import DomainError
from wenshu.org import selectors as org_selectors

router = Router(tags=["信息上报"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _page(qs: Any, query: ReportQuery) -> ReportPage:
    rows = qs[query.offset : query.offset + query.limit]
    return ReportPage(count=qs.count(), items=[report_out(r) for r in rows])


def _detail(report: InfoReport) -> ReportDetailOut:
    return ReportDetailOut(
        **report_out(report).model_dump(),
        body=report.body,
        version_ids=[v.pk for v in selectors.report_versions(report=report)],
        attachments=[attachment_out(a) for a in selectors.report_attachments(report=report)],
    )


@router.get("/reports", response=ReportPage, summary="本单位报送的信息（各版本）")
def reports(request: HttpRequest, query: Query[ReportQuery]) -> ReportPage:
    return _page(
        selectors.reports_sent(
            viewer=me(request), status=query.status, category=query.category, q=query.q
        ),
        query,
    )


@router.get("/reports/received", response=ReportPage, summary="报送给本单位的信息（接收单位）")
def reports_received(request: HttpRequest, query: Query[ReportQuery]) -> ReportPage:
    return _page(
        selectors.reports_received(
            viewer=me(request), status=query.status, category=query.category, q=query.q
        ),
        query,
    )


@router.post("/reports", response={201: ReportDetailOut}, summary="报送信息")
def report_submit(request: HttpRequest, body: ReportIn) -> Status[ReportDetailOut]:
    receiver = (
        org_selectors.units_in_directory(viewer=me(request)).filter(pk=body.receiver_id).first()
    )
    if receiver is None:
        raise DomainError("请选择信息接收单位。")
    report = services.report_submit(
        actor=me(request),
        data=services.ReportInput(
            title=body.title,
            body=body.body,
            category=body.category,
            receiver=receiver,
            attachments=own_uploads(request, body.attachment_ids),
        ),
    )
    return Status(201, _detail(selectors.report_get(viewer=me(request), pk=report.pk)))


def _figures(row: UnitFigures) -> UnitFiguresOut:
    rate = round(float(row.rate), 4) if row.rate is not None else None
    return UnitFiguresOut(
        rank=row.rank,
        unit_id=row.unit_id,
        unit_name=row.unit_name,
        submitted=row.submitted,
        adopted=row.adopted,
        adoption_rate=rate,
        returned=row.returned,
        declined=row.declined,
        pending=row.pending,
    )


@router.get("/reports/stats", response=StatsOut, summary="信息采用统计（按首次报送日期归期）")
def report_stats(request: HttpRequest, query: Query[StatsQuery]) -> StatsOut:
    stats = selectors.report_stats(
        viewer=me(request),
        date_from=query.date_from,
        date_to=query.date_to,
        receiver_id=query.receiver_id,
    )
    return StatsOut(
        date_from=stats.date_from,
        date_to=stats.date_to,
        receiver_id=stats.receiver.pk if stats.receiver else None,
        rows=[_figures(r) for r in stats.rows],
        total=_figures(stats.total),
        rule=stats.rule,
    )


@router.get("/reports/stats.xlsx", summary="信息采用统计导出 Excel")
def report_stats_xlsx(request: HttpRequest, query: Query[StatsQuery]) -> HttpResponse:
    data, filename = services.report_stats_export(
        actor=me(request),
        date_from=query.date_from,
        date_to=query.date_to,
        receiver_id=query.receiver_id,
    )
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    return response


@router.get("/reports/{report_id}", response=ReportDetailOut, summary="信息详情")
def report_detail(request: HttpRequest, report_id: int) -> ReportDetailOut:
    return _detail(selectors.report_get(viewer=me(request), pk=report_id))


def _act(request: HttpRequest, report_id: int, service: Any, **kwargs: Any) -> ReportDetailOut:
    report = selectors.report_get(viewer=me(request), pk=report_id)
    done = service(actor=me(request), report=report, **kwargs)
    return _detail(selectors.report_get(viewer=me(request), pk=done.pk))


@router.post("/reports/{report_id}/adopt", response=ReportDetailOut, summary="采用")
def report_adopt(request: HttpRequest, report_id: int, body: AdoptIn) -> ReportDetailOut:
    return _act(request, report_id, services.report_adopt, **body.model_dump())


@router.post("/reports/{report_id}/return", response=ReportDetailOut, summary="退回修改")
def report_return(request: HttpRequest, report_id: int, body: OpinionIn) -> ReportDetailOut:
    return _act(request, report_id, services.report_return, opinion=body.opinion)


@router.post("/reports/{report_id}/decline", response=ReportDetailOut, summary="不采用")
def report_decline(request: HttpRequest, report_id: int, body: OpinionIn) -> ReportDetailOut:
    return _act(request, report_id, services.report_decline, opinion=body.opinion)


@router.post("/reports/{report_id}/withdraw", response=ReportDetailOut, summary="撤回（未处理前）")
def report_withdraw(request: HttpRequest, report_id: int) -> ReportDetailOut:
    return _act(request, report_id, services.report_withdraw)


@router.post(
    "/reports/{report_id}/resubmit",
    response={201: ReportDetailOut},
    summary="退回的信息修改后重报（新版本）",
)
def report_resubmit(
    request: HttpRequest, report_id: int, body: ResubmitIn
) -> Status[ReportDetailOut]:
    data = services.ReportInput(
        title=body.title,
        body=body.body,
        category=body.category,
        attachments=own_uploads(request, body.attachment_ids),
        drop_attachment_ids=body.drop_attachment_ids,
    )
    return Status(201, _act(request, report_id, services.report_resubmit, data=data))


@router.get("/reports/{report_id}/attachments/{attachment_id}", summary="下载附件")
def report_attachment(request: HttpRequest, report_id: int, attachment_id: int) -> HttpResponse:
    found = selectors.report_attachment_get(
        viewer=me(request), report_pk=report_id, attachment_pk=attachment_id
    )
    return download_response(upload=found.upload)


# --- receivers -------------------------------------------------------------------------


@router.get(
    "/receivers",
    response=list[ReceiverOut],
    summary="信息接收单位（市数字办：全部设置；其他人：可报送的单位）",
)
def receivers(request: HttpRequest) -> list[ReceiverOut]:
    viewer = me(request)
    if is_city_admin(viewer):
        return [
            ReceiverOut(unit_id=r.unit_id, unit_name=r.unit.full_name, active=r.active, note=r.note)
            for r in selectors.receivers_all(viewer=viewer)
        ]
    return [
        ReceiverOut(unit_id=u.pk, unit_name=u.full_name, active=True, note="")
        for u in selectors.receivers_open(viewer=viewer)
    ]


@router.put("/receivers/{unit_id}", response=ReceiverOut, summary="设置信息接收单位（市数字办）")
def receiver_set(request: HttpRequest, unit_id: int, body: ReceiverIn) -> ReceiverOut:
    viewer = me(request)
    selectors.receivers_all(viewer=viewer)  # refuses everyone but the digital office first
    unit = org_selectors.unit_for_viewer(viewer=viewer, unit_id=unit_id)
    row = services.receiver_set(actor=viewer, unit=unit, active=body.active, note=body.note)
    return ReceiverOut(unit_id=unit.pk, unit_name=unit.full_name, active=row.active, note=row.note)
