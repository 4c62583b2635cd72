"""/api/v1/seals/: the same seal operations as the pages, through the same services.

Binary values (SES_Seal, SES_Signature, certificates, uploaded pictures) travel as base64.
No response ever carries a private key, wrapped or not.
"""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import cast

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status

from wenshu.accounts.models import User
from wenshu.lib.errors import DomainError, NotFound
from wenshu.seals import selectors, services
from wenshu.seals.models import DestructionParty, Seal, SealApplication, SealUseRequest

router = Router(tags=["电子印章"])


def _me(request: HttpRequest) -> User:
    return cast(User, request.auth)  # type: ignore[attr-defined]  # the API's global auth


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise DomainError(f"{what}不是有效的 Base64 编码") from exc


# --- schemas -------------------------------------------------------------------------------


class SealOut(Schema):
    id: int
    es_id: str
    name: str
    unit_id: int
    unit_name: str
    seal_type: str
    seal_type_label: str
    status: str
    status_label: str
    threshold_k: int
    valid_start: datetime
    valid_end: datetime
    produced_at: datetime
    suspended_at: datetime | None
    retired_at: datetime | None
    destroyed_at: datetime | None


def _seal_out(seal: Seal) -> SealOut:
    return SealOut(
        id=seal.pk,
        es_id=seal.es_id,
        name=seal.name,
        unit_id=seal.unit_id,
        unit_name=seal.unit.full_name,
        seal_type=seal.seal_type,
        seal_type_label=seal.get_seal_type_display(),
        status=seal.status,
        status_label=seal.get_status_display(),
        threshold_k=seal.threshold_k,
        valid_start=seal.valid_start,
        valid_end=seal.valid_end,
        produced_at=seal.produced_at,
        suspended_at=seal.suspended_at,
        retired_at=seal.retired_at,
        destroyed_at=seal.destroyed_at,
    )


class SealDetailOut(SealOut):
    custodian_ids: list[int]
    custodian_names: list[str]


class SealFilesOut(Schema):
    es_id: str
    seal_der_b64: str
    signer_cert_der_b64: str


class SealQuery(Schema):
    unit_id: int | None = None
    status: str = ""
    seal_type: str = ""
    q: str = Field("", max_length=100)
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0)


class SealPage(Schema):
    count: int
    items: list[SealOut]


class ReasonIn(Schema):
    reason: str = Field(..., max_length=300)


class ApplicationIn(Schema):
    kind: SealApplication.Kind
    reason: str = Field(..., max_length=2000)
    seal_type: str = ""
    change_reason: str = ""
    old_seal_id: int | None = None
    custodian_ids: list[int] = Field(default_factory=list, max_length=50)
    threshold_k: int | None = None


class ApplicationOut(Schema):
    id: int
    unit_id: int
    unit_name: str
    kind: str
    change_reason: str
    old_seal_id: int | None
    new_seal_id: int | None
    seal_type: str
    reason: str
    status: str
    status_label: str
    custodian_ids: list[int]
    threshold_k: int | None
    requested_by_id: int | None
    created_at: datetime
    leader_opinion: str
    approver_opinion: str
    confirmed_parties: list[str]


def _app_out(app: SealApplication) -> ApplicationOut:
    seal = app.old_seal if app.kind == SealApplication.Kind.DESTROY else None
    confirmed = sorted(selectors.confirmations(seal=seal)) if seal is not None else []
    return ApplicationOut(
        id=app.pk,
        unit_id=app.unit_id,
        unit_name=app.unit.full_name,
        kind=app.kind,
        change_reason=app.change_reason,
        old_seal_id=app.old_seal_id,
        new_seal_id=app.new_seal_id,
        seal_type=app.seal_type,
        reason=app.reason,
        status=app.status,
        status_label=app.get_status_display(),
        custodian_ids=[p.pk for p in app.custodians.all()],
        threshold_k=app.threshold_k,
        requested_by_id=app.requested_by_id,
        created_at=app.created_at,
        leader_opinion=app.leader_opinion,
        approver_opinion=app.approver_opinion,
        confirmed_parties=confirmed,
    )


class DecisionIn(Schema):
    approve: bool
    opinion: str = Field("", max_length=500)


class CancelIn(Schema):
    reason: str = Field(..., min_length=1, max_length=300, description="撤销原因")


class ProductionIn(Schema):
    picture_png_b64: str | None = Field(None, description="上传的 PNG 扫描件；不传则自动生成")
    diameter_mm: int = 42
    valid_years: int = 5


class ConfirmIn(Schema):
    party: DestructionParty
    attendee_name: str = Field("", max_length=100)


class UseRequestIn(Schema):
    seal_id: int
    digest_hex: str = Field(..., max_length=64)
    purpose: str = Field(..., max_length=300)


class UseRequestOut(Schema):
    id: int
    seal_id: int
    es_id: str
    purpose: str
    digest_hex: str
    status: str
    status_label: str
    requested_by_id: int
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None
    approvals: int
    threshold_k: int
    cancelled_at: datetime | None = None
    cancel_reason: str = ""


def _use_out(req: SealUseRequest) -> UseRequestOut:
    return UseRequestOut(
        id=req.pk,
        seal_id=req.seal_id,
        es_id=req.seal.es_id,
        purpose=req.purpose,
        digest_hex=req.digest_hex,
        status=req.status,
        status_label=req.get_status_display(),
        requested_by_id=req.requested_by_id,
        created_at=req.created_at,
        expires_at=req.expires_at,
        used_at=req.used_at,
        approvals=req.approvals.filter(approve=True).count(),
        threshold_k=req.seal.threshold_k,
        cancelled_at=req.cancelled_at,
        cancel_reason=req.cancel_reason,
    )


class SignedOut(Schema):
    request_id: int
    es_id: str
    signed_at: datetime
    signature_der_b64: str
    seal_der_b64: str
    signer_cert_der_b64: str


class VerifyIn(Schema):
    signature_der_b64: str
    digest_hex: str = Field(..., max_length=64)


class VerdictOut(Schema):
    ok: bool
    reasons: list[str]
    details: list[str]
    note: str
    es_id: str | None
    seal_id: int | None
    seal_name: str | None
    unit_name: str | None
    signing_time: datetime | None
    seal_status: str | None


class RulesIn(Schema):
    text: str = Field(..., max_length=20000)


class RulesOut(Schema):
    unit_id: int
    text: str
    updated_at: datetime | None


# --- seals ---------------------------------------------------------------------------------


@router.get("/seals", response=SealPage, summary="电子印章（市级角色：全市登记；其他人：本单位）")
def seals_list(request: HttpRequest, query: Query[SealQuery]) -> SealPage:
    viewer = _me(request)
    if selectors.is_city_viewer(viewer):
        qs = selectors.seal_registry(
            viewer=viewer,
            unit_id=query.unit_id,
            status=query.status,
            seal_type=query.seal_type,
            q=query.q,
        )
    else:
        qs = selectors.seals_of_unit(viewer=viewer)
    rows = qs[query.offset : query.offset + query.limit]
    return SealPage(count=qs.count(), items=[_seal_out(s) for s in rows])


@router.get("/seals/{seal_id}", response=SealDetailOut, summary="印章详情")
def seal_detail(request: HttpRequest, seal_id: int) -> SealDetailOut:
    seal = selectors.seal_get(viewer=_me(request), pk=seal_id)
    keepers = list(selectors.seal_custodians(seal=seal))
    return SealDetailOut(
        **_seal_out(seal).model_dump(),
        custodian_ids=[c.person_id for c in keepers],
        custodian_names=[c.person.display_name for c in keepers],
    )


@router.get("/seals/{seal_id}/picture", summary="印章图片（PNG）")
def seal_picture(request: HttpRequest, seal_id: int) -> HttpResponse:
    png = selectors.seal_picture(viewer=_me(request), pk=seal_id)
    return HttpResponse(png, content_type="image/png")


@router.get(
    "/seals/{seal_id}/files", response=SealFilesOut, summary="印章数据与签章人证书（公开部分）"
)
def seal_files(request: HttpRequest, seal_id: int) -> SealFilesOut:
    seal = selectors.seal_get(viewer=_me(request), pk=seal_id, full=True)
    return SealFilesOut(
        es_id=seal.es_id,
        seal_der_b64=_b64(bytes(seal.seal_der)),
        signer_cert_der_b64=_b64(bytes(seal.signer_cert_der)),
    )


@router.post("/seals/{seal_id}/report-loss", response=SealOut, summary="挂失（立即停用）")
def seal_report_loss(request: HttpRequest, seal_id: int, body: ReasonIn) -> SealOut:
    seal = selectors.seal_get(viewer=_me(request), pk=seal_id)
    return _seal_out(services.seal_report_loss(actor=_me(request), seal=seal, reason=body.reason))


# --- applications ----------------------------------------------------------------------------


@router.get("/applications", response=list[ApplicationOut], summary="印章申请")
def applications_list(
    request: HttpRequest, status: str = "", kind: str = ""
) -> list[ApplicationOut]:
    rows = selectors.applications_list(viewer=_me(request), status=status, kind=kind)[:200]
    return [_app_out(a) for a in rows]


@router.get(
    "/queues/{which}",
    response=list[ApplicationOut],
    summary="待办：leader 待签字 / gov 待审批 / production 待制作 / destruction 待确认销毁",
)
def queue(request: HttpRequest, which: str) -> list[ApplicationOut]:
    if which not in selectors.QUEUES:
        raise NotFound()
    return [_app_out(a) for a in selectors.application_queue(viewer=_me(request), which=which)]


def _input(request: HttpRequest, body: ApplicationIn) -> services.ApplicationInput:
    viewer = _me(request)
    old = None
    if body.old_seal_id is not None:
        old = selectors.changeable_seals(viewer=viewer).filter(pk=body.old_seal_id).first()
        if old is None:
            raise NotFound("找不到该印章，或它不属于本单位。")
    people = list(selectors.custodian_candidates(viewer=viewer).filter(pk__in=body.custodian_ids))
    if len(people) != len(set(body.custodian_ids)):
        raise DomainError("所选保管人须为本单位具有“印章保管人”角色的在职人员")
    return services.ApplicationInput(
        kind=body.kind,
        reason=body.reason,
        seal_type=body.seal_type,
        change_reason=body.change_reason,
        old_seal=old,
        custodians=people,
        threshold_k=body.threshold_k,
    )


@router.post(
    "/applications", response={201: ApplicationOut}, summary="提出申请（新制、变更、销毁）"
)
def application_submit(request: HttpRequest, body: ApplicationIn) -> Status:
    app = services.seal_application_submit(actor=_me(request), data=_input(request, body))
    return Status(201, _app_out(app))


def _app(request: HttpRequest, app_id: int) -> SealApplication:
    return selectors.application_get(viewer=_me(request), pk=app_id)


@router.get("/applications/{app_id}", response=ApplicationOut, summary="申请详情")
def application_detail(request: HttpRequest, app_id: int) -> ApplicationOut:
    return _app_out(_app(request, app_id))


@router.post(
    "/applications/{app_id}/sign-off",
    response=ApplicationOut,
    summary="单位负责人签字（同意/不同意）",
)
def application_sign_off(request: HttpRequest, app_id: int, body: DecisionIn) -> ApplicationOut:
    app = services.seal_application_sign_off(
        actor=_me(request),
        application=_app(request, app_id),
        approve=body.approve,
        opinion=body.opinion,
    )
    return _app_out(app)


@router.post("/applications/{app_id}/decide", response=ApplicationOut, summary="市政府办公室审批")
def application_decide(request: HttpRequest, app_id: int, body: DecisionIn) -> ApplicationOut:
    app = services.seal_application_decide(
        actor=_me(request),
        application=_app(request, app_id),
        approve=body.approve,
        opinion=body.opinion,
    )
    return _app_out(app)


@router.post("/applications/{app_id}/withdraw", response=ApplicationOut, summary="撤回申请")
def application_withdraw(request: HttpRequest, app_id: int) -> ApplicationOut:
    app = services.seal_application_withdraw(actor=_me(request), application=_app(request, app_id))
    return _app_out(app)


@router.post("/applications/{app_id}/produce", response={201: SealOut}, summary="市数字办制作印章")
def application_produce(request: HttpRequest, app_id: int, body: ProductionIn) -> Status:
    picture = _unb64(body.picture_png_b64, "印章图片") if body.picture_png_b64 else None
    data = services.ProductionInput(
        picture_png=picture, diameter_mm=body.diameter_mm, valid_years=body.valid_years
    )
    seal = services.seal_produce(actor=_me(request), application=_app(request, app_id), data=data)
    return Status(201, _seal_out(seal))


@router.post("/applications/{app_id}/confirm", response=ApplicationOut, summary="销毁到场确认")
def destruction_confirm(request: HttpRequest, app_id: int, body: ConfirmIn) -> ApplicationOut:
    app = _app(request, app_id)
    services.seal_destruction_confirm(
        actor=_me(request), application=app, party=body.party, attendee_name=body.attendee_name
    )
    return _app_out(_app(request, app_id))


@router.post(
    "/applications/{app_id}/destroy", response=SealOut, summary="销毁印章密钥（四方确认后）"
)
def destroy(request: HttpRequest, app_id: int) -> SealOut:
    return _seal_out(services.seal_destroy(actor=_me(request), application=_app(request, app_id)))


# --- use -------------------------------------------------------------------------------------


@router.get("/use-requests", response=list[UseRequestOut], summary="待我审批的用印申请")
def use_queue(request: HttpRequest) -> list[UseRequestOut]:
    return [_use_out(r) for r in selectors.custodian_queue(viewer=_me(request))[:200]]


@router.post("/use-requests", response={201: UseRequestOut}, summary="申请用印")
def use_request(request: HttpRequest, body: UseRequestIn) -> Status:
    seal = selectors.seal_get(viewer=_me(request), pk=body.seal_id)
    req = services.seal_use_request(
        actor=_me(request), seal=seal, digest_hex=body.digest_hex, purpose=body.purpose
    )
    return Status(201, _use_out(req))


@router.get("/use-requests/{req_id}", response=UseRequestOut, summary="用印申请详情")
def use_detail(request: HttpRequest, req_id: int) -> UseRequestOut:
    return _use_out(selectors.use_request_get(viewer=_me(request), pk=req_id))


@router.post("/use-requests/{req_id}/decide", response=UseRequestOut, summary="保管人审批用印")
def use_decide(request: HttpRequest, req_id: int, body: DecisionIn) -> UseRequestOut:
    req = selectors.use_request_get(viewer=_me(request), pk=req_id)
    services.seal_use_decide(
        actor=_me(request), request=req, approve=body.approve, opinion=body.opinion
    )
    return _use_out(selectors.use_request_get(viewer=_me(request), pk=req_id))


@router.post(
    "/use-requests/{req_id}/cancel", response=UseRequestOut, summary="撤销用印申请（申请人或文书）"
)
def use_cancel(request: HttpRequest, req_id: int, body: CancelIn) -> UseRequestOut:
    req = selectors.use_request_get(viewer=_me(request), pk=req_id)
    services.seal_use_cancel(actor=_me(request), request=req, reason=body.reason)
    return _use_out(selectors.use_request_get(viewer=_me(request), pk=req_id))


@router.post("/use-requests/{req_id}/sign", response=SignedOut, summary="用印（生成电子签章）")
def use_sign(request: HttpRequest, req_id: int) -> SignedOut:
    req = selectors.use_request_get(viewer=_me(request), pk=req_id)
    signed = services.seal_sign(actor=_me(request), request=req)
    return SignedOut(
        request_id=signed.request_id,
        es_id=signed.es_id,
        signed_at=signed.signed_at,
        signature_der_b64=_b64(signed.signature_der),
        seal_der_b64=_b64(signed.seal_der),
        signer_cert_der_b64=_b64(signed.signer_cert_der),
    )


@router.post("/verify", response=VerdictOut, summary="验证电子签章")
def verify(request: HttpRequest, body: VerifyIn) -> VerdictOut:
    verdict = services.seal_verify(
        signature_der=_unb64(body.signature_der_b64, "电子签章"), digest_hex=body.digest_hex
    )
    return VerdictOut(
        ok=verdict.ok,
        reasons=verdict.reasons,
        details=verdict.details,
        note=verdict.note,
        es_id=verdict.es_id,
        seal_id=verdict.seal_id,
        seal_name=verdict.seal_name,
        unit_name=verdict.unit_name,
        signing_time=verdict.signing_time,
        seal_status=verdict.seal_status,
    )


# --- rules -----------------------------------------------------------------------------------


@router.get("/rules", response=RulesOut, summary="本单位电子印章管理办法")
def rules_get(request: HttpRequest) -> RulesOut:
    rules = selectors.rules_of_unit(viewer=_me(request))
    return RulesOut(
        unit_id=_me(request).unit_id,
        text=rules.text if rules else "",
        updated_at=rules.updated_at if rules else None,
    )


@router.put("/rules", response=RulesOut, summary="修改本单位电子印章管理办法")
def rules_put(request: HttpRequest, body: RulesIn) -> RulesOut:
    rules = services.seal_rules_update(actor=_me(request), text=body.text)
    return RulesOut(unit_id=rules.unit_id, text=rules.text, updated_at=rules.updated_at)
