"""我的发文, 拟稿 / 修改稿件 (with a server-rendered preview), the document page, 附件."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from wenshu.accounts.roles import Role
from wenshu.documents import body as body_text
from wenshu.documents import selectors, services
from wenshu.documents.forms import (
    AttachmentForm,
    DraftForm,
    PaperAttachmentForm,
    ReasonForm,
    StepForm,
)
from wenshu.documents.models import Document
from wenshu.documents.services._common import check_editable, require_drafter_role
from wenshu.documents.views._base import PAGE_SIZE, AuthedRequest
from wenshu.files.forms import ingest_form_files
from wenshu.lib.errors import DomainError, Forbidden


@login_required
def document_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    unit_wide = user.has_role(Role.CLERK, Role.UNIT_LEADER)
    scope = request.GET.get("scope", "mine" if not unit_wide else "unit")
    status = request.GET.get("status", "")
    q = request.GET.get("q", "")
    docs = selectors.documents_list(
        viewer=user, status=status, q=q, mine=scope == "mine" or not unit_wide
    )
    page = Paginator(docs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in (("scope", scope), ("status", status), ("q", q)) if v})
    return render(
        request,
        "documents/pages/list.html",
        {
            "page": page,
            "query": query,
            "scope": scope,
            "status": status,
            "q": q,
            "unit_wide": unit_wide,
            "statuses": Document.Status.choices,
        },
    )


def _preview(form: DraftForm) -> list[dict[str, Any]] | None:
    try:
        return body_text.preview(body_text.parse_text(form.data.get("body_text", "")))
    except DomainError as exc:
        form.add_error("body_text", exc.message)
        return None


def _form_page(
    request: AuthedRequest,
    form: DraftForm,
    document: Document | None,
    status: int = 200,
    preview: Any = None,
) -> HttpResponse:
    return render(
        request,
        "documents/pages/form.html",
        {"form": form, "document": document, "preview": preview},
        status=status,
    )


def _save(request: AuthedRequest, form: DraftForm, document: Document | None) -> Document | None:
    """Ingest the .docx (outside any transaction), then create or update; None if refused."""
    uploads = ingest_form_files(form, "body_docx", actor=request.user, purpose="documents.body")
    if uploads is None:
        return None
    data = form.draft_input()
    data.body_upload = uploads[0] if uploads else None
    try:
        if document is None:
            return services.document_create(actor=request.user, data=data)
        return services.document_update(actor=request.user, document=document, data=data)
    except DomainError as exc:
        form.add_error(None, exc.message)
        return None


def _draft_form_view(request: AuthedRequest, document: Document | None) -> HttpResponse:
    if request.method != "POST":
        initial = DraftForm.initial_for(document) if document else {}
        return _form_page(request, DraftForm(viewer=request.user, initial=initial), document)
    form = DraftForm(request.POST, request.FILES, viewer=request.user)
    if "preview" in request.POST:
        form.is_valid()  # shows field errors beside the preview, nothing is saved
        return _form_page(request, form, document, preview=_preview(form))
    if not form.is_valid():
        return _form_page(request, form, document, status=400)
    saved = _save(request, form, document)
    if saved is None:
        return _form_page(request, form, document, status=400)
    messages.success(request, "公文稿已保存。")
    return redirect("documents:detail", pk=saved.pk)


@login_required
def document_new(request: AuthedRequest) -> HttpResponse:
    require_drafter_role(request.user)
    return _draft_form_view(request, None)


@login_required
def document_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    document = selectors.document_for_viewer(viewer=request.user, document_id=pk)
    if document.drafter_id != request.user.pk:
        raise Forbidden("只有拟稿人可以修改公文稿。")
    check_editable(document)
    return _draft_form_view(request, document)


def _exchange_url(name: str, document: Document) -> str:
    try:  # the exchange app's pages (sending, tracking), when it is installed
        return reverse(f"exchange:{name}", args=[document.pk])
    except NoReverseMatch:
        return ""


def detail_context(request: AuthedRequest, document: Document, **extra: Any) -> dict[str, Any]:
    user = request.user
    steps = selectors.my_steps(viewer=user, document=document)
    forms = {s.item.pk: StepForm(decisions=s.decisions) for s in steps if s.kind == "act"}
    own_unit = document.unit_id == user.unit_id
    return {
        "document": document,
        "preview": body_text.preview(document.body),
        "attachments": document.attachments.select_related("upload__stored_file"),
        "sheet": selectors.approval_sheet(viewer=user, document=document),
        "steps": [(s, forms.get(s.item.pk)) for s in steps],
        "current": selectors.open_steps(viewer=user, document=document),
        "withdrawable": selectors.withdrawable(viewer=user, document=document),
        "may_edit": document.drafter_id == user.pk and document.status == Document.Status.DRAFT,
        "may_submit": document.drafter_id == user.pk
        and document.status == Document.Status.DRAFT
        and (document.process_id is None or any(s.kind == "submit" for s in steps)),
        "may_cancel": own_unit
        and document.status not in (Document.Status.SENT, Document.Status.CANCELLED),
        "own_unit": own_unit,
        "send_url": _exchange_url("send", document)
        if document.status == Document.Status.SEALED and own_unit
        else "",
        "tracking_url": _exchange_url("tracking", document)
        if document.status == Document.Status.SENT and own_unit
        else "",
        "reason_form": ReasonForm(),
        **extra,
    }


@login_required
def document_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    document = selectors.document_for_reader(viewer=request.user, document_id=pk)
    return render(request, "documents/pages/detail.html", detail_context(request, document))


def _attachments_page(
    request: AuthedRequest, document: Document, status: int = 200, **forms: Any
) -> HttpResponse:
    return render(
        request,
        "documents/pages/attachments.html",
        {
            "document": document,
            "attachments": document.attachments.select_related("upload__stored_file"),
            "file_form": forms.get("file_form") or AttachmentForm(),
            "paper_form": forms.get("paper_form") or PaperAttachmentForm(),
            "error": forms.get("error", ""),
            "may_edit": document.drafter_id == request.user.pk
            and document.status == Document.Status.DRAFT,
        },
        status=status,
    )


@login_required
def attachments(request: AuthedRequest, pk: int) -> HttpResponse:
    document = selectors.document_for_reader(viewer=request.user, document_id=pk)
    return _attachments_page(request, document)


@login_required
@require_POST
def attachment_add(request: AuthedRequest, pk: int) -> HttpResponse:
    document = selectors.document_for_viewer(viewer=request.user, document_id=pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        return _attachments_page(request, document, 400, file_form=form)
    uploads = ingest_form_files(form, "file", actor=request.user, purpose="documents.attachment")
    if not uploads:
        return _attachments_page(request, document, 400, file_form=form)
    try:
        services.attachment_add(
            actor=request.user,
            document=document,
            upload=uploads[0],
            title=form.cleaned_data.get("title") or "",
        )
    except DomainError as exc:
        form.add_error(None, exc.message)
        return _attachments_page(request, document, exc.status, file_form=form)
    messages.success(request, "附件已添加。")
    return redirect("documents:attachments", pk=pk)


@login_required
@require_POST
def attachment_add_paper(request: AuthedRequest, pk: int) -> HttpResponse:
    document = selectors.document_for_viewer(viewer=request.user, document_id=pk)
    form = PaperAttachmentForm(request.POST)
    if not form.is_valid():
        return _attachments_page(request, document, 400, paper_form=form)
    try:
        services.attachment_add_paper(
            actor=request.user,
            document=document,
            title=form.cleaned_data["title"],
            description=form.cleaned_data["description"],
        )
    except DomainError as exc:
        form.add_error(None, exc.message)
        return _attachments_page(request, document, exc.status, paper_form=form)
    messages.success(request, "纸质附件已登记。")
    return redirect("documents:attachments", pk=pk)


@login_required
@require_POST
def attachment_remove(request: AuthedRequest, pk: int, attachment_id: int) -> HttpResponse:
    document = selectors.document_for_viewer(viewer=request.user, document_id=pk)
    try:
        services.attachment_remove(
            actor=request.user, document=document, attachment_id=attachment_id
        )
    except DomainError as exc:
        return _attachments_page(request, document, exc.status, error=exc.message)
    messages.success(request, "附件已删除。")
    return redirect("documents:attachments", pk=pk)
