"""/api/v1/assets/: the equipment register and its requests, through the same services as the
pages. Another unit's asset, request or stock-take is a 404."""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import File, Query, Router, Status, UploadedFile

from wenshu.accounts.models import User
from wenshu.assets import selectors, services
from wenshu.assets.api import schemas as s
from wenshu.assets.services.excel import MAX_BYTES
from wenshu.lib.errors import DomainError, NotFound, TooLarge

router = Router(tags=["设备管理"])


def _me(request: HttpRequest) -> User:
    return cast(User, request.auth)  # type: ignore[attr-defined]  # the API's global auth


def _department(viewer: User, pk: int | None) -> Any:
    if pk is None:
        return None
    found = selectors.departments_for(viewer=viewer).filter(pk=pk).first()
    if found is None:
        raise DomainError("使用部门须为本单位启用中的部门")
    return found


def _person(viewer: User, pk: int | None, what: str = "保管人") -> Any:
    if pk is None:
        return None
    found = selectors.people_for(viewer=viewer).filter(pk=pk).first()
    if found is None:
        raise DomainError(f"{what}须为本单位在职人员")
    return found


def _fields(body: s.AssetIn) -> services.AssetFields:
    return services.AssetFields(
        asset_number=body.asset_number,
        category=body.category,
        model=body.model,
        serial_number=body.serial_number,
        purchase_date=body.purchase_date,
        purchase_value=body.purchase_value,
        is_oa_equipment=body.is_oa_equipment,
        note=body.note,
    )


def _asset(request: HttpRequest, asset_id: int) -> Any:
    return selectors.asset_get(viewer=_me(request), pk=asset_id)


# --- register ------------------------------------------------------------------------------


@router.get("/", response=s.AssetPage, summary="本单位设备台账")
def asset_list(request: HttpRequest, query: Query[s.AssetQuery]) -> s.AssetPage:
    rows = selectors.asset_list(
        viewer=_me(request),
        category=query.category,
        status=query.status,
        department_id=query.department_id,
        q=query.q,
    )
    page = rows[query.offset : query.offset + query.limit]
    return s.AssetPage(count=rows.count(), items=[s.asset_out(a) for a in page])


@router.post("/", response={201: s.AssetOut}, summary="登记设备（办公室）")
def asset_create(request: HttpRequest, body: s.AssetCreateIn) -> Status:
    me = _me(request)
    asset = services.asset_create(
        actor=me,
        fields=_fields(body),
        department=_department(me, body.department_id),
        custodian=_person(me, body.custodian_id),
        location=body.location,
    )
    return Status(201, s.asset_out(selectors.asset_get(viewer=me, pk=asset.pk)))


@router.get("/export.xlsx", summary="导出设备台账（Excel）")
def asset_export(request: HttpRequest) -> HttpResponse:
    data = services.register_export(viewer=_me(request))
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="assets-{timezone.localdate():%Y%m%d}.xlsx"'
    )
    return response


@router.post(
    "/import",
    response={200: s.ImportOut, 400: dict[str, Any]},
    summary="从 Excel 导入设备台账（办公室；任何一行有误则整个文件不导入）",
)
def asset_import(request: HttpRequest, file: File[UploadedFile]) -> Any:
    if file.size and file.size > MAX_BYTES:
        raise TooLarge(f"文件不能超过 {MAX_BYTES // 1024 // 1024} MB")
    try:
        result = services.register_import(actor=_me(request), data=file.read())
    except services.ImportRefused as exc:
        errors = [{"row": e.row, "column": e.column, "message": e.message} for e in exc.errors]
        return Status(400, {"error": exc.code, "message": exc.message, "errors": errors})
    return s.ImportOut(created=result.created, updated=result.updated, unchanged=result.unchanged)


@router.get("/{int:asset_id}", response=s.AssetOut, summary="设备详情")
def asset_detail(request: HttpRequest, asset_id: int) -> s.AssetOut:
    return s.asset_out(_asset(request, asset_id))


@router.put("/{int:asset_id}", response=s.AssetOut, summary="修改设备信息（办公室）")
def asset_update(request: HttpRequest, asset_id: int, body: s.AssetIn) -> s.AssetOut:
    asset = services.asset_update(
        actor=_me(request), asset=_asset(request, asset_id), fields=_fields(body)
    )
    return s.asset_out(_asset(request, asset.pk))


@router.get("/{int:asset_id}/history", response=list[s.MoveOut], summary="领用与调配记录")
def asset_history(request: HttpRequest, asset_id: int) -> list[s.MoveOut]:
    moves = selectors.asset_moves(viewer=_me(request), asset=_asset(request, asset_id))
    return [s.move_out(m) for m in moves]


@router.post("/{int:asset_id}/assign", response=s.AssetOut, summary="领用或在部门间调配（办公室）")
def asset_assign(request: HttpRequest, asset_id: int, body: s.AssignIn) -> s.AssetOut:
    me = _me(request)
    services.asset_assign(
        actor=me,
        asset=_asset(request, asset_id),
        department=_department(me, body.department_id),
        custodian=_person(me, body.custodian_id),
        location=body.location,
        reason=body.reason,
    )
    return s.asset_out(_asset(request, asset_id))


@router.post("/{int:asset_id}/stock", response=s.AssetOut, summary="收回入库（办公室）")
def asset_stock(request: HttpRequest, asset_id: int, body: s.StockIn) -> s.AssetOut:
    services.asset_return_to_stock(
        actor=_me(request),
        asset=_asset(request, asset_id),
        location=body.location,
        reason=body.reason,
    )
    return s.asset_out(_asset(request, asset_id))


@router.post("/{int:asset_id}/retire", response=s.AssetOut, summary="报废（办公室）")
def asset_retire(request: HttpRequest, asset_id: int, body: s.ReasonIn) -> s.AssetOut:
    services.asset_retire(actor=_me(request), asset=_asset(request, asset_id), reason=body.reason)
    return s.asset_out(_asset(request, asset_id))


@router.post("/{int:asset_id}/antivirus", response=s.AssetOut, summary="登记杀毒软件升级（办公室）")
def asset_antivirus(request: HttpRequest, asset_id: int, body: s.AntivirusIn) -> s.AssetOut:
    services.internet_antivirus_update(
        actor=_me(request),
        asset=_asset(request, asset_id),
        product=body.product,
        version=body.version,
    )
    return s.asset_out(_asset(request, asset_id))


# --- repairs -------------------------------------------------------------------------------


@router.post("/{int:asset_id}/repairs", response={201: s.RepairOut}, summary="报修（向办公室）")
def repair_request(request: HttpRequest, asset_id: int, body: s.RepairIn) -> Status:
    repair = services.repair_request(
        actor=_me(request), asset=_asset(request, asset_id), fault=body.fault, cause=body.cause
    )
    return Status(201, s.repair_out(selectors.repair_get(viewer=_me(request), pk=repair.pk)))


@router.post(
    "/{int:asset_id}/repairs/direct",
    response={201: s.RepairOut},
    summary="登记办公室组织的维修（仅办公室；各部门不得擅自维修）",
)
def repair_direct(request: HttpRequest, asset_id: int, body: s.DirectRepairIn) -> Status:
    repair = services.repair_record_direct(
        actor=_me(request),
        asset=_asset(request, asset_id),
        fault=body.fault,
        vendor=body.vendor,
        work_done=body.work_done,
        cost=body.cost,
        repaired_on=body.repaired_on,
    )
    return Status(201, s.repair_out(selectors.repair_get(viewer=_me(request), pk=repair.pk)))


def _repair(request: HttpRequest, repair_id: int) -> Any:
    return selectors.repair_get(viewer=_me(request), pk=repair_id)


@router.get("/repairs/{repair_id}", response=s.RepairOut, summary="报修单")
def repair_detail(request: HttpRequest, repair_id: int) -> s.RepairOut:
    return s.repair_out(_repair(request, repair_id))


@router.post("/repairs/{repair_id}/decide", response=s.RepairOut, summary="办公室审批报修")
def repair_decide(request: HttpRequest, repair_id: int, body: s.DecisionIn) -> s.RepairOut:
    services.repair_decide(
        actor=_me(request), repair=_repair(request, repair_id), approve=body.approve, note=body.note
    )
    return s.repair_out(_repair(request, repair_id))


@router.post(
    "/repairs/{repair_id}/complete", response=s.RepairOut, summary="登记维修结果（办公室）"
)
def repair_complete(request: HttpRequest, repair_id: int, body: s.RepairRecordIn) -> s.RepairOut:
    services.repair_complete(
        actor=_me(request),
        repair=_repair(request, repair_id),
        vendor=body.vendor,
        work_done=body.work_done,
        cost=body.cost,
        repaired_on=body.repaired_on,
    )
    return s.repair_out(_repair(request, repair_id))


@router.post("/repairs/{repair_id}/withdraw", response=s.RepairOut, summary="撤回报修")
def repair_withdraw(request: HttpRequest, repair_id: int) -> s.RepairOut:
    services.repair_withdraw(actor=_me(request), repair=_repair(request, repair_id))
    return s.repair_out(_repair(request, repair_id))


# --- loans ---------------------------------------------------------------------------------


@router.post("/{int:asset_id}/loans", response={201: s.LoanOut}, summary="外借申请")
def loan_request(request: HttpRequest, asset_id: int, body: s.LoanIn) -> Status:
    me, asset = _me(request), _asset(request, asset_id)
    unit = selectors.borrower_units(viewer=me).filter(pk=body.borrower_unit_id).first()
    if unit is None:
        raise DomainError("借用单位须为其他已注册的使用单位")
    loan = services.loan_request(
        actor=me,
        asset=asset,
        borrower_unit=unit,
        borrower_contact=body.borrower_contact,
        purpose=body.purpose,
        due_date=body.due_date,
    )
    return Status(201, s.loan_out(selectors.loan_get(viewer=me, pk=loan.pk)))


def _loan(request: HttpRequest, loan_id: int) -> Any:
    return selectors.loan_get(viewer=_me(request), pk=loan_id)


def _own_loan(request: HttpRequest, loan_id: int) -> Any:
    loan = _loan(request, loan_id)
    if loan.asset.unit_id != _me(request).unit_id:  # the borrower reads, never acts
        raise NotFound("找不到该外借申请，或您无权查看。")
    return loan


@router.get("/loans/{loan_id}", response=s.LoanOut, summary="外借申请（出借单位和借用单位可查看）")
def loan_detail(request: HttpRequest, loan_id: int) -> s.LoanOut:
    return s.loan_out(_loan(request, loan_id))


@router.post("/loans/{loan_id}/decide", response=s.LoanOut, summary="办公室审批外借")
def loan_decide(request: HttpRequest, loan_id: int, body: s.DecisionIn) -> s.LoanOut:
    services.loan_decide(
        actor=_me(request), loan=_own_loan(request, loan_id), approve=body.approve, note=body.note
    )
    return s.loan_out(_loan(request, loan_id))


@router.post("/loans/{loan_id}/start", response=s.LoanOut, summary="交付借出（须经办公室同意）")
def loan_start(request: HttpRequest, loan_id: int) -> s.LoanOut:
    services.loan_start(actor=_me(request), loan=_own_loan(request, loan_id))
    return s.loan_out(_loan(request, loan_id))


@router.post("/loans/{loan_id}/return", response=s.LoanOut, summary="登记归还（办公室）")
def loan_return(request: HttpRequest, loan_id: int, body: s.ReturnIn) -> s.LoanOut:
    services.loan_return(actor=_me(request), loan=_own_loan(request, loan_id), note=body.note)
    return s.loan_out(_loan(request, loan_id))


@router.post("/loans/{loan_id}/withdraw", response=s.LoanOut, summary="撤回外借申请")
def loan_withdraw(request: HttpRequest, loan_id: int) -> s.LoanOut:
    services.loan_withdraw(actor=_me(request), loan=_own_loan(request, loan_id))
    return s.loan_out(_loan(request, loan_id))


# --- internet ------------------------------------------------------------------------------


@router.post(
    "/{int:asset_id}/internet", response={201: s.InternetOut}, summary="电脑接入互联网申请"
)
def internet_request(request: HttpRequest, asset_id: int, body: s.InternetIn) -> Status:
    req = services.internet_request(
        actor=_me(request), asset=_asset(request, asset_id), justification=body.justification
    )
    return Status(201, s.internet_out(selectors.internet_get(viewer=_me(request), pk=req.pk)))


def _internet(request: HttpRequest, req_id: int) -> Any:
    return selectors.internet_get(viewer=_me(request), pk=req_id)


@router.get("/internet/{req_id}", response=s.InternetOut, summary="联网申请")
def internet_detail(request: HttpRequest, req_id: int) -> s.InternetOut:
    return s.internet_out(_internet(request, req_id))


@router.post(
    "/internet/{req_id}/decide",
    response=s.InternetOut,
    summary="办公室审批联网（批准时须填写杀毒软件及版本）",
)
def internet_decide(request: HttpRequest, req_id: int, body: s.InternetDecisionIn) -> s.InternetOut:
    services.internet_decide(
        actor=_me(request),
        request=_internet(request, req_id),
        approve=body.approve,
        note=body.note,
        antivirus_product=body.antivirus_product,
        antivirus_version=body.antivirus_version,
    )
    return s.internet_out(_internet(request, req_id))


@router.post("/internet/{req_id}/revoke", response=s.InternetOut, summary="撤销联网批准")
def internet_revoke(request: HttpRequest, req_id: int, body: s.ReasonIn) -> s.InternetOut:
    services.internet_revoke(
        actor=_me(request), request=_internet(request, req_id), reason=body.reason
    )
    return s.internet_out(_internet(request, req_id))


@router.post("/internet/{req_id}/withdraw", response=s.InternetOut, summary="撤回联网申请")
def internet_withdraw(request: HttpRequest, req_id: int) -> s.InternetOut:
    services.internet_withdraw(actor=_me(request), request=_internet(request, req_id))
    return s.internet_out(_internet(request, req_id))


@router.get(
    "/requests",
    response=s.RequestLists,
    summary="设备申请：pending 待办公室审批、mine 我提交的、all 本单位全部",
)
def request_lists(request: HttpRequest, which: str = "mine") -> s.RequestLists:
    lists = selectors.requests_list(viewer=_me(request), which=which)
    return s.RequestLists(
        repairs=[s.repair_out(r) for r in lists["repairs"][:500]],
        loans=[s.loan_out(r) for r in lists["loans"][:500]],
        internet=[s.internet_out(r) for r in lists["internet"][:500]],
    )


# --- stock-takes -----------------------------------------------------------------------------


def _stocktake(request: HttpRequest, stocktake_id: int) -> Any:
    return selectors.stocktake_get(viewer=_me(request), pk=stocktake_id)


@router.get("/stocktakes", response=list[s.StockTakeOut], summary="本单位的盘点")
def stocktake_list(request: HttpRequest) -> list[s.StockTakeOut]:
    return [s.stocktake_out(t) for t in selectors.stocktakes(viewer=_me(request))[:200]]


@router.post("/stocktakes", response={201: s.StockTakeOut}, summary="开始盘点（办公室）")
def stocktake_open(request: HttpRequest, body: s.StockTakeIn) -> Status:
    found = services.stocktake_open(actor=_me(request), title=body.title)
    return Status(201, s.stocktake_out(_stocktake(request, found.pk)))


@router.get(
    "/stocktakes/{stocktake_id}",
    response=s.StockTakeOut,
    summary="盘点（结束后 result 列出已找到、未找到、外借或维修中、账外设备）",
)
def stocktake_detail(request: HttpRequest, stocktake_id: int) -> s.StockTakeOut:
    return s.stocktake_out(_stocktake(request, stocktake_id))


@router.get("/stocktakes/{stocktake_id}/entries", response=list[s.EntryOut], summary="盘点登记明细")
def stocktake_entries(request: HttpRequest, stocktake_id: int) -> list[s.EntryOut]:
    found = _stocktake(request, stocktake_id)
    entries = selectors.stocktake_entries(viewer=_me(request), stocktake=found)
    return [s.entry_out(e) for e in entries]


@router.post(
    "/stocktakes/{stocktake_id}/entries",
    response=s.EntryOut,
    summary="登记找到的设备（按资产编号；重复登记只更新）",
)
def stocktake_record(request: HttpRequest, stocktake_id: int, body: s.EntryIn) -> s.EntryOut:
    entry, created = services.stocktake_record(
        actor=_me(request),
        stocktake=_stocktake(request, stocktake_id),
        code=body.code,
        location=body.location,
        condition=body.condition,
        note=body.note,
    )
    return s.entry_out(entry, created)


@router.post(
    "/stocktakes/{stocktake_id}/close", response=s.StockTakeOut, summary="结束盘点（办公室）"
)
def stocktake_close(request: HttpRequest, stocktake_id: int) -> s.StockTakeOut:
    found = services.stocktake_close(
        actor=_me(request), stocktake=_stocktake(request, stocktake_id)
    )
    return s.stocktake_out(found)


@router.post(
    "/stocktakes/{stocktake_id}/mark-missing",
    response=s.CountOut,
    summary="将未找到的设备标记为盘亏（办公室）",
)
def stocktake_mark_missing(
    request: HttpRequest, stocktake_id: int, body: s.MissingIn
) -> s.CountOut:
    count = services.stocktake_mark_missing(
        actor=_me(request), stocktake=_stocktake(request, stocktake_id), asset_ids=body.asset_ids
    )
    return s.CountOut(count=count)


# --- equipment managers ------------------------------------------------------------------


@router.get("/managers", response=list[s.ManagerOut], summary="本单位设备管理员")
def manager_list(request: HttpRequest) -> list[s.ManagerOut]:
    return [s.manager_out(m) for m in selectors.managers(viewer=_me(request))]


@router.post("/managers", response={201: s.ManagerOut}, summary="指定设备管理员（单位系统管理员）")
def manager_appoint(request: HttpRequest, body: s.ManagerIn) -> Status:
    me = _me(request)
    person = selectors.people_for(viewer=me).filter(pk=body.person_id).first()
    if person is None:
        raise NotFound("找不到该人员，或其不属于本单位。")
    manager = services.asset_manager_appoint(actor=me, person=person)
    return Status(201, s.manager_out(selectors.manager_get(viewer=me, pk=manager.pk)))


@router.delete("/managers/{manager_id}", response={204: None}, summary="取消设备管理员")
def manager_remove(request: HttpRequest, manager_id: int) -> Status:
    me = _me(request)
    services.asset_manager_remove(actor=me, manager=selectors.manager_get(viewer=me, pk=manager_id))
    return Status(204, None)
