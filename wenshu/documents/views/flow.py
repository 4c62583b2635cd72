"""送审, the steps (同意 / 退回 with an opinion), 撤回, 作废, and the 用印 page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from wenshu.documents import selectors, services
from wenshu.documents.forms import ReasonForm, SealDecisionForm, StepForm, SubmitForm
from wenshu.documents.models import Document
from wenshu.documents.views._base import AuthedRequest
from wenshu.documents.views.drafts import detail_context
from wenshu.lib.errors import DomainError


def _detail_refused(
    request: AuthedRequest, pk: int, exc: DomainError, **extra: Any
) -> HttpResponse:
    document = selectors.document_for_reader(viewer=request.user, document_id=pk)
    context = detail_context(request, document, error=exc.message, **extra)
    return render(request, "documents/pages/detail.html", context, status=exc.status)


def _submit_page(
    request: AuthedRequest, document: Document, form: SubmitForm, status: int = 200
) -> HttpResponse:
    return render(
        request, "documents/pages/submit.html", {"document": document, "form": form}, status=status
    )


@login_required
def submit(request: AuthedRequest, pk: int) -> HttpResponse:
    document = selectors.document_for_viewer(viewer=request.user, document_id=pk)
    first = document.process_id is None
    if request.method != "POST":
        return _submit_page(request, document, SubmitForm(viewer=request.user, first=first))
    form = SubmitForm(request.POST, viewer=request.user, first=first)
    if not form.is_valid():
        return _submit_page(request, document, form, 400)
    try:
        services.document_submit(
            actor=request.user,
            document=document,
            plan=form.plan(),
            opinion=form.cleaned_data.get("opinion") or "",
        )
    except DomainError as exc:
        form.add_error(None, exc.message)
        return _submit_page(request, document, form, exc.status)
    messages.success(request, "公文已送审。")
    return redirect("documents:detail", pk=pk)


@login_required
@require_POST
def step(request: AuthedRequest, pk: int, item_id: int) -> HttpResponse:
    document = selectors.document_for_reader(viewer=request.user, document_id=pk)
    steps = {s.item.pk: s for s in selectors.my_steps(viewer=request.user, document=document)}
    decisions = steps[item_id].decisions if item_id in steps else ("approve", "return")
    form = StepForm(request.POST, decisions=decisions)
    if not form.is_valid():
        error = DomainError("；".join(str(e) for errs in form.errors.values() for e in errs))
        return _detail_refused(request, pk, error)
    try:
        item = services.document_act(
            actor=request.user,
            document=document,
            item_id=item_id,
            decision=form.cleaned_data["decision"],
            opinion=form.cleaned_data["opinion"],
        )
    except DomainError as exc:
        return _detail_refused(request, pk, exc)
    messages.success(request, f"“{item.name}”已办理。")
    return redirect("documents:detail", pk=pk)


@login_required
@require_POST
def withdraw(request: AuthedRequest, pk: int, item_id: int) -> HttpResponse:
    document = selectors.document_for_reader(viewer=request.user, document_id=pk)
    try:
        item = services.document_withdraw(actor=request.user, document=document, item_id=item_id)
    except DomainError as exc:
        return _detail_refused(request, pk, exc)
    messages.success(request, f"已撤回“{item.name}”。")
    return redirect("documents:detail", pk=pk)


@login_required
@require_POST
def cancel(request: AuthedRequest, pk: int) -> HttpResponse:
    document = selectors.document_for_viewer(viewer=request.user, document_id=pk)
    form = ReasonForm(request.POST)
    try:
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        services.document_cancel(actor=request.user, document=document, reason=reason)
    except DomainError as exc:
        return _detail_refused(request, pk, exc, reason_form=form)
    messages.success(request, "公文已作废。")
    return redirect("documents:detail", pk=pk)


# --- 用印 ----------------------------------------------------------------------------------


def _seal_page(
    request: AuthedRequest, document: Document, status: int = 200, **extra: Any
) -> HttpResponse:
    state = selectors.seal_state(viewer=request.user, document=document)
    return render(
        request,
        "documents/pages/seal.html",
        {
            "document": document,
            "state": state,
            "form": extra.pop("form", None) or SealDecisionForm(),
            **extra,
        },
        status=status,
    )


@login_required
def seal(request: AuthedRequest, pk: int) -> HttpResponse:
    document = selectors.document_for_viewer(viewer=request.user, document_id=pk)
    return _seal_page(request, document)


@login_required
@require_POST
def seal_decide(request: AuthedRequest, pk: int) -> HttpResponse:
    document = selectors.document_for_viewer(viewer=request.user, document_id=pk)
    form = SealDecisionForm(request.POST)
    approve = request.POST.get("decision") == "approve"
    try:
        opinion = form.cleaned_data["opinion"] if form.is_valid() else ""
        if not form.is_valid():
            raise DomainError("意见不能超过 300 字。")
        services.document_seal_decide(
            actor=request.user, document=document, approve=approve, opinion=opinion
        )
    except DomainError as exc:
        fresh = selectors.document_for_viewer(viewer=request.user, document_id=pk)
        return _seal_page(request, fresh, exc.status, error=exc.message, form=form)
    fresh = selectors.document_for_viewer(viewer=request.user, document_id=pk)
    if fresh.sealed_at:
        messages.success(request, "已同意用印：公文已完成电子签章，等待分发。")
    else:
        messages.success(request, "您的用印意见已记录。")
    return redirect("documents:seal", pk=pk)


@login_required
@require_POST
def seal_complete(request: AuthedRequest, pk: int) -> HttpResponse:
    document = selectors.document_for_viewer(viewer=request.user, document_id=pk)
    try:
        services.document_seal_complete(actor=request.user, document=document)
    except DomainError as exc:
        return _seal_page(request, document, exc.status, error=exc.message)
    messages.success(request, "公文已完成电子签章。")
    return redirect("documents:seal", pk=pk)


@login_required
@require_POST
def seal_rerequest(request: AuthedRequest, pk: int) -> HttpResponse:
    document = selectors.document_for_viewer(viewer=request.user, document_id=pk)
    try:
        services.document_seal_rerequest(actor=request.user, document=document)
    except DomainError as exc:
        return _seal_page(request, document, exc.status, error=exc.message)
    messages.success(request, "已重新申请用印，等待印章保管人审批。")
    return redirect("documents:seal", pk=pk)
