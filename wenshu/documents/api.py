"""/api/v1/documents/: the same operations as the pages, through the same services.

Refusals come back as {"error": code, "message": 中文说明}; another unit's document is 404.
Uploads are multipart (`file`); they are scanned (ClamAV) and checked before the service runs.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, cast

from django.http import HttpRequest, HttpResponse
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from wenshu.accounts.models import User
from wenshu.documents import rendering, selectors, services
from wenshu.documents.models import Document, DocumentAttachment
from wenshu.documents.views._base import file_response
from wenshu.documents.views.files import safe_name
from wenshu.files.services import file_ingest

router = Router(tags=["公文"])


def _me(request: HttpRequest) -> User:
    return cast(User, request.auth)  # type: ignore[attr-defined]  # the API's global auth


class Paragraph(Schema):
    kind: str
    text: str


class DocumentIn(Schema):
    doc_type: str
    title: str
    series: str = "file"
    urgency: str = ""
    secrecy: str = "非密"
    secrecy_period: str = ""
    issuer_mark: str = ""
    main_recipients: str = ""
    body: list[Paragraph] | None = None
    body_text: str | None = None
    issuer_signature: str = ""
    note: str = ""
    cc: str = ""
    printer: str = ""
    seal_id: int | None = None

    def draft_input(self) -> services.DraftInput:
        values = self.dict(exclude={"body"})
        body = [p.dict() for p in self.body] if self.body is not None else None
        return services.DraftInput(**values, body=body)


class AttachmentOut(Schema):
    id: int
    position: int
    title: str
    paper_only: bool
    description: str
    name: str
    size: int | None
    sm3: str


class DocumentOut(Schema):
    id: int
    unit_id: int
    unit_name: str
    status: str
    status_label: str
    doc_type: str
    series: str
    doc_number: str
    title: str
    urgency: str
    secrecy: str
    issuer_mark: str
    signer_name: str
    main_recipients: str
    body: list[Paragraph]
    body_source: str
    issuer_signature: str
    issue_date: date | None
    seal_id: int | None
    note: str
    cc: str
    printer: str
    print_date: date | None
    drafter_id: int
    drafter_name: str
    process_id: int | None
    submitted_at: datetime | None
    approved_at: datetime | None
    sealed_at: datetime | None
    sent_at: datetime | None
    cancelled_at: datetime | None
    cancel_reason: str
    sender_name_at_sealing: str
    attachments: list[AttachmentOut]


def _attachment_out(a: DocumentAttachment) -> AttachmentOut:
    upload = a.upload
    return AttachmentOut(
        id=a.pk,
        position=a.position,
        title=a.title,
        paper_only=a.paper_only,
        description=a.description,
        name=upload.name if upload else "",
        size=upload.stored_file.size if upload else None,
        sm3=upload.stored_file.sm3 if upload else "",
    )


def _out(doc: Document) -> DocumentOut:
    fields = {
        name: getattr(doc, name)
        for name in (
            "unit_id",
            "status",
            "doc_type",
            "series",
            "doc_number",
            "title",
            "urgency",
            "secrecy",
            "issuer_mark",
            "signer_name",
            "main_recipients",
            "body",
            "body_source",
            "issuer_signature",
            "issue_date",
            "seal_id",
            "note",
            "cc",
            "printer",
            "print_date",
            "drafter_id",
            "process_id",
            "submitted_at",
            "approved_at",
            "sealed_at",
            "sent_at",
            "cancelled_at",
            "cancel_reason",
            "sender_name_at_sealing",
        )
    }
    attachments = doc.attachments.select_related("upload__stored_file").order_by("position")
    return DocumentOut(
        id=doc.pk,
        unit_name=doc.unit.full_name,
        status_label=doc.get_status_display(),
        drafter_name=doc.drafter.display_name,
        attachments=[_attachment_out(a) for a in attachments],
        **fields,
    )


def _fresh(request: HttpRequest, pk: int) -> DocumentOut:
    return _out(selectors.document_for_reader(viewer=_me(request), document_id=pk))


class Summary(Schema):
    id: int
    doc_number: str
    title: str
    doc_type: str
    status: str
    status_label: str
    drafter_name: str
    updated_at: datetime


@router.get("/", response=list[Summary], summary="我的发文（或本单位可见的公文）")
def list_documents(
    request: HttpRequest, status: str = "", q: str = "", mine: bool = False
) -> list[Summary]:
    docs = selectors.documents_list(viewer=_me(request), status=status, q=q, mine=mine)[:500]
    return [
        Summary(
            id=d.pk,
            doc_number=d.doc_number,
            title=d.title,
            doc_type=d.doc_type,
            status=d.status,
            status_label=d.get_status_display(),
            drafter_name=d.drafter.display_name,
            updated_at=d.updated_at,
        )
        for d in docs
    ]


@router.post("/", response={201: DocumentOut}, summary="拟稿")
def create_document(request: HttpRequest, payload: DocumentIn) -> Status[DocumentOut]:
    doc = services.document_create(actor=_me(request), data=payload.draft_input())
    return Status(201, _fresh(request, doc.pk))


@router.get("/{int:pk}", response=DocumentOut, summary="公文详情")
def get_document(request: HttpRequest, pk: int) -> DocumentOut:
    return _fresh(request, pk)


@router.put("/{int:pk}", response=DocumentOut, summary="修改公文稿（拟稿人，拟稿状态）")
def update_document(request: HttpRequest, pk: int, payload: DocumentIn) -> DocumentOut:
    doc = selectors.document_for_viewer(viewer=_me(request), document_id=pk)
    services.document_update(actor=_me(request), document=doc, data=payload.draft_input())
    return _fresh(request, pk)


@router.post("/{int:pk}/body/docx", response=DocumentOut, summary="上传正文 Word 文件")
def upload_body(request: HttpRequest, pk: int, file: File[UploadedFile]) -> DocumentOut:
    me = _me(request)
    doc = selectors.document_for_viewer(viewer=me, document_id=pk)
    upload = file_ingest(
        actor=me,
        name=file.name or "正文.docx",
        data_or_fileobj=file,
        allowed_types=["docx"],
        purpose="documents.body",
    )
    services.document_body_from_docx(actor=me, document=doc, upload=upload)
    return _fresh(request, pk)


@router.post("/{int:pk}/attachments", response={201: DocumentOut}, summary="上传附件")
def add_attachment(
    request: HttpRequest, pk: int, file: File[UploadedFile], title: Form[str] = ""
) -> Status[DocumentOut]:
    me = _me(request)
    doc = selectors.document_for_viewer(viewer=me, document_id=pk)
    upload = file_ingest(
        actor=me, name=file.name or "附件", data_or_fileobj=file, purpose="documents.attachment"
    )
    services.attachment_add(actor=me, document=doc, upload=upload, title=title)
    return Status(201, _fresh(request, pk))


class PaperIn(Schema):
    title: str
    description: str


@router.post("/{int:pk}/attachments/paper", response={201: DocumentOut}, summary="登记纸质附件")
def add_paper_attachment(request: HttpRequest, pk: int, payload: PaperIn) -> Status[DocumentOut]:
    doc = selectors.document_for_viewer(viewer=_me(request), document_id=pk)
    services.attachment_add_paper(
        actor=_me(request), document=doc, title=payload.title, description=payload.description
    )
    return Status(201, _fresh(request, pk))


@router.delete(
    "/{int:pk}/attachments/{int:attachment_id}", response=DocumentOut, summary="删除附件"
)
def remove_attachment(request: HttpRequest, pk: int, attachment_id: int) -> DocumentOut:
    doc = selectors.document_for_viewer(viewer=_me(request), document_id=pk)
    services.attachment_remove(actor=_me(request), document=doc, attachment_id=attachment_id)
    return _fresh(request, pk)


class SubmitIn(Schema):
    reviewer_id: int | None = None
    countersign_departments: list[int] = Field(default_factory=list)
    countersign_units: list[int] = Field(default_factory=list)
    signer_id: int | None = None
    dispatcher_id: int | None = None
    opinion: str = ""


@router.post("/{int:pk}/submit", response=DocumentOut, summary="送审（首次送审时指定流程人员）")
def submit_document(request: HttpRequest, pk: int, payload: SubmitIn) -> DocumentOut:
    doc = selectors.document_for_viewer(viewer=_me(request), document_id=pk)
    plan = services.FlowPlan(**payload.dict(exclude={"opinion"}))
    services.document_submit(actor=_me(request), document=doc, plan=plan, opinion=payload.opinion)
    return _fresh(request, pk)


class StepIn(Schema):
    decision: str = "approve"
    opinion: str = ""


class StepOut(Schema):
    id: int
    task: str
    name: str
    status: str
    decision: str
    opinion: str
    person_id: int | None
    person_name: str
    unit_name: str
    completed_at: datetime | None


@router.post(
    "/{int:pk}/steps/{int:item_id}",
    response=DocumentOut,
    summary="办理核稿、会签或签发（同意 / 退回）",
)
def act(request: HttpRequest, pk: int, item_id: int, payload: StepIn) -> DocumentOut:
    doc = selectors.document_for_reader(viewer=_me(request), document_id=pk)
    services.document_act(
        actor=_me(request),
        document=doc,
        item_id=item_id,
        decision=payload.decision,
        opinion=payload.opinion,
    )
    return _fresh(request, pk)


@router.post(
    "/{int:pk}/steps/{int:item_id}/withdraw",
    response=DocumentOut,
    summary="撤回本人办理的环节（下一步尚未办理）",
)
def withdraw(request: HttpRequest, pk: int, item_id: int) -> DocumentOut:
    doc = selectors.document_for_reader(viewer=_me(request), document_id=pk)
    services.document_withdraw(actor=_me(request), document=doc, item_id=item_id)
    return _fresh(request, pk)


@router.get("/{int:pk}/sheet", response=list[StepOut], summary="发文稿纸（办理记录）")
def sheet(request: HttpRequest, pk: int) -> list[StepOut]:
    me = _me(request)
    doc = selectors.document_for_reader(viewer=me, document_id=pk)
    rows = selectors.approval_sheet(viewer=me, document=doc)
    return [
        StepOut(
            id=e.pk,
            task=e.task_spec_id,
            name=row.label,
            status=e.status,
            decision=e.decision,
            opinion=e.opinion,
            person_id=e.completed_by_id,
            person_name=e.completed_by.display_name if e.completed_by else "",
            unit_name=e.unit.short_name,
            completed_at=e.completed_at,
        )
        for row in rows
        for e in row.entries
    ]


class OpenStepOut(Schema):
    id: int
    task: str
    name: str
    offered_to: str
    mine: bool
    decisions: list[str]


@router.get("/{int:pk}/steps", response=list[OpenStepOut], summary="当前待办环节")
def open_steps(request: HttpRequest, pk: int) -> list[OpenStepOut]:
    me = _me(request)
    doc = selectors.document_for_reader(viewer=me, document_id=pk)
    mine = {s.item.pk: s for s in selectors.my_steps(viewer=me, document=doc)}
    return [
        OpenStepOut(
            id=i.pk,
            task=i.task_spec_id,
            name=i.name,
            offered_to=i.offered_to_label,
            mine=i.pk in mine,
            decisions=list(mine[i.pk].decisions) if i.pk in mine else [],
        )
        for i in selectors.open_steps(viewer=me, document=doc)
    ]


class ReasonIn(Schema):
    reason: str


@router.post("/{int:pk}/cancel", response=DocumentOut, summary="作废公文")
def cancel(request: HttpRequest, pk: int, payload: ReasonIn) -> DocumentOut:
    doc = selectors.document_for_viewer(viewer=_me(request), document_id=pk)
    services.document_cancel(actor=_me(request), document=doc, reason=payload.reason)
    return _fresh(request, pk)


class SealDecisionIn(Schema):
    approve: bool
    opinion: str = ""


class SealStateOut(Schema):
    status: str
    request_status: str
    digest_hex: str
    threshold_k: int
    approvals: list[dict[str, Any]]
    may_decide: bool
    may_complete: bool
    may_rerequest: bool


@router.get("/{int:pk}/seal", response=SealStateOut, summary="用印状态")
def seal_state(request: HttpRequest, pk: int) -> SealStateOut:
    me = _me(request)
    doc = selectors.document_for_viewer(viewer=me, document_id=pk)
    state = selectors.seal_state(viewer=me, document=doc)
    return SealStateOut(
        status=state.attempt.status if state.attempt else "",
        request_status="expired"
        if state.expired
        else (state.request.status if state.request else ""),
        digest_hex=state.attempt.digest_hex if state.attempt else "",
        threshold_k=state.threshold_k,
        approvals=[
            {
                "custodian_id": a.custodian_id,
                "custodian_name": a.custodian.display_name,
                "approve": a.approve,
                "opinion": a.opinion,
                "decided_at": a.decided_at.isoformat(),
            }
            for a in state.approvals
        ],
        may_decide=state.may_decide,
        may_complete=state.may_complete,
        may_rerequest=state.may_rerequest,
    )


@router.post("/{int:pk}/seal/decide", response=DocumentOut, summary="印章保管人审批用印")
def seal_decide(request: HttpRequest, pk: int, payload: SealDecisionIn) -> DocumentOut:
    doc = selectors.document_for_viewer(viewer=_me(request), document_id=pk)
    services.document_seal_decide(
        actor=_me(request), document=doc, approve=payload.approve, opinion=payload.opinion
    )
    return _fresh(request, pk)


@router.post(
    "/{int:pk}/seal/complete", response=DocumentOut, summary="完成用印（保管人已在印章审批中同意）"
)
def seal_complete(request: HttpRequest, pk: int) -> DocumentOut:
    doc = selectors.document_for_viewer(viewer=_me(request), document_id=pk)
    services.document_seal_complete(actor=_me(request), document=doc)
    return _fresh(request, pk)


@router.post("/{int:pk}/seal/rerequest", response=DocumentOut, summary="重新申请用印")
def seal_rerequest(request: HttpRequest, pk: int) -> DocumentOut:
    doc = selectors.document_for_viewer(viewer=_me(request), document_id=pk)
    services.document_seal_rerequest(actor=_me(request), document=doc)
    return _fresh(request, pk)


@router.get("/{int:pk}/pdf", summary="版式文件（用印前为带“草稿”水印的预览）")
def pdf(request: HttpRequest, pk: int) -> HttpResponse:
    me = _me(request)
    doc = selectors.document_for_reader(viewer=me, document_id=pk)
    if doc.sealed_at is not None:
        doc = selectors.document_for_viewer(viewer=me, document_id=pk)
        return file_response(
            selectors.sealed_pdf(document=doc), safe_name(doc, ".pdf"), "application/pdf"
        )
    return file_response(rendering.draft_pdf(doc), safe_name(doc, "-草稿.pdf"), "application/pdf")


@router.get("/{int:pk}/package", summary="已用印公文的交换包（ZIP，发文单位）")
def package(request: HttpRequest, pk: int) -> HttpResponse:
    doc = selectors.document_for_viewer(viewer=_me(request), document_id=pk)
    return file_response(
        selectors.package_bytes(document=doc), safe_name(doc, ".zip"), "application/zip"
    )
