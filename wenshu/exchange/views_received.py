"""Pages of the receiving side: the unit's inbox (收文), a delivery (verified on opening,
签收登记, 打印, 退回, 上报故障, 申请) and, for the sender, the requests to decide. Each view
fetches through a selector (another unit's delivery is a 404) and acts through a service;
a refusal shows its message on the same page with what was typed kept."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from django import forms as dj_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from wenshu.accounts.roles import Role
from wenshu.exchange import selectors, services
from wenshu.exchange.forms import (
    DecideForm,
    InboxFilterForm,
    RegisterForm,
    RequestForm,
    ReturnForm,
)
from wenshu.exchange.models import Delivery
from wenshu.lib.errors import DomainError

if TYPE_CHECKING:
    from wenshu.accounts.models import User

    class AuthedRequest(HttpRequest):
        user: User
else:
    AuthedRequest = HttpRequest

PAGE_SIZE = 50
_PAGE = "exchange/pages/received.html"


@login_required
def inbox(request: AuthedRequest) -> HttpResponse:
    tab = request.GET.get("tab", "awaiting")
    tab = tab if tab in selectors.INBOX_TABS else "awaiting"
    form = InboxFilterForm(request.GET or None)
    filters: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    rows = selectors.inbox(
        viewer=request.user, tab=tab, q=filters.get("q", ""), sender=filters.get("sender", "")
    )
    context = {
        "form": form,
        "tab": tab,
        "counts": selectors.inbox_counts(viewer=request.user),
        "tabs": [(k, label) for k, (label, _s) in selectors.INBOX_TABS.items()],
        "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
    }
    return render(request, "exchange/pages/inbox.html", context)


def _register_initial(delivery: Delivery) -> dict[str, Any]:
    data = services.registration_defaults(delivery=delivery)
    return {
        "sender_name": data.sender_name,
        "doc_number": data.doc_number,
        "title": data.title,
        "copies": data.copies,
        "urgency": data.urgency,
        "received_on": data.received_on,
    }


def _page(
    request: AuthedRequest,
    delivery: Delivery,
    *,
    error: str = "",
    status: int = 200,
    **forms: dj_forms.Form,
) -> HttpResponse:
    verification = services.delivery_verify(actor=request.user, delivery=delivery)
    context = {
        "delivery": delivery,
        "document": delivery.document,
        "verification": verification,
        "events": selectors.delivery_events(delivery=delivery),
        "requests": selectors.delivery_requests(delivery=delivery),
        "registration": selectors.delivery_registration(delivery=delivery),
        "register_form": forms.get("register") or RegisterForm(initial=_register_initial(delivery)),
        "return_form": forms.get("return_") or ReturnForm(),
        "request_form": forms.get("request_") or RequestForm(),
        "is_clerk": request.user.has_role(Role.CLERK),
        "used_up": delivery.print_allowed and delivery.printed_count >= delivery.print_allowed,
        "error": error,
    }
    return render(request, _PAGE, context, status=status)


@login_required
def received(request: AuthedRequest, document_id: int) -> HttpResponse:
    delivery = selectors.received_delivery(viewer=request.user, document_id=document_id)
    return _page(request, delivery)


def _delivery(request: AuthedRequest, delivery_id: int) -> Delivery:
    return selectors.delivery_for_recipient(viewer=request.user, delivery_id=delivery_id)


def _back(delivery: Delivery) -> HttpResponse:
    return redirect("exchange:received", document_id=delivery.document_id)


@login_required
@require_POST
def sign(request: AuthedRequest, delivery_id: int) -> HttpResponse:
    delivery = _delivery(request, delivery_id)
    form = RegisterForm(request.POST)
    if not form.is_valid():
        return _page(request, delivery, status=400, register=form)
    data = form.cleaned_data
    try:
        entry = services.RegistrationInput(
            sender_name=data["sender_name"],
            doc_number=data["doc_number"],
            title=data["title"],
            copies=data["copies"],
            urgency=data["urgency"],
            received_on=data["received_on"],
        )
        reg = services.delivery_sign(actor=request.user, delivery=delivery, data=entry)
    except DomainError as exc:
        form.add_error(None, exc.message)
        return _page(request, delivery, status=exc.status, register=form)
    messages.success(request, f"已签收并登记，收文登记号 {reg.label}。")
    return _back(delivery)


@login_required
@require_POST
def return_(request: AuthedRequest, delivery_id: int) -> HttpResponse:
    delivery = _delivery(request, delivery_id)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        return _page(request, delivery, status=400, return_=form)
    try:
        services.delivery_return(
            actor=request.user, delivery=delivery, reason=form.cleaned_data["reason"]
        )
    except DomainError as exc:
        form.add_error(None, exc.message)
        return _page(request, delivery, status=exc.status, return_=form)
    messages.success(request, "已退回发文单位，发文单位已收到通知。")
    return _back(delivery)


@login_required
@require_POST
def fault(request: AuthedRequest, delivery_id: int) -> HttpResponse:
    delivery = _delivery(request, delivery_id)
    try:
        ticket_id = services.delivery_report_fault(actor=request.user, delivery=delivery)
    except DomainError as exc:
        return _page(request, delivery, error=exc.message, status=exc.status)
    messages.success(request, f"已向市数字办上报故障（故障单 #{ticket_id}）。")
    return _back(delivery)


def pdf_response(printed: services.PrintedPdf, delivery: Delivery) -> HttpResponse:
    response = HttpResponse(printed.pdf, content_type="application/pdf")
    name = f"{delivery.document.title[:40]}-份号{printed.copy_number}.pdf"
    ascii_name = f"wenshu-{delivery.pk}-{printed.copy_number}.pdf"
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def print_(request: AuthedRequest, delivery_id: int) -> HttpResponse:
    delivery = _delivery(request, delivery_id)
    try:
        printed = services.delivery_print(actor=request.user, delivery=delivery)
    except DomainError as exc:
        delivery.refresh_from_db()
        return _page(request, delivery, error=exc.message, status=exc.status)
    return pdf_response(printed, delivery)


@login_required
@require_POST
def request_(request: AuthedRequest, delivery_id: int) -> HttpResponse:
    delivery = _delivery(request, delivery_id)
    form = RequestForm(request.POST)
    if not form.is_valid():
        return _page(request, delivery, status=400, request_=form)
    data = form.cleaned_data
    try:
        req = services.delivery_request(
            actor=request.user,
            delivery=delivery,
            kind=data["kind"],
            count=data["count"] or 0,
            reason=data["reason"],
        )
    except DomainError as exc:
        form.add_error(None, exc.message)
        return _page(request, delivery, status=exc.status, request_=form)
    messages.success(request, f"已向发文单位提出申请（{req.get_kind_display()}），请等待处理。")
    return _back(delivery)


@login_required
def seal_picture(request: AuthedRequest, delivery_id: int) -> HttpResponse:
    """The picture of the seal on the received document (for the verification panel)."""
    delivery = _delivery(request, delivery_id)
    sealed = getattr(delivery.document, "sealed", None)
    if sealed is None:
        return HttpResponse(status=404)
    response = HttpResponse(bytes(sealed.seal.picture_png), content_type="image/png")
    response["Cache-Control"] = "private, max-age=3600"
    return response


# --- the sender's side: requests to decide ------------------------------------------------


@login_required
def requests(request: AuthedRequest) -> HttpResponse:
    show_all = request.GET.get("all") == "1"
    rows = selectors.requests_to_decide(viewer=request.user, pending_only=not show_all)
    context = {
        "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
        "show_all": show_all,
        "form": DecideForm(),
    }
    return render(request, "exchange/pages/requests.html", context)


@login_required
@require_POST
def decide(request: AuthedRequest, request_id: int) -> HttpResponse:
    req = selectors.request_for_sender(viewer=request.user, request_id=request_id)
    form = DecideForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    approve = request.POST.get("decision") == "approve"
    try:
        services.delivery_request_decide(
            actor=request.user, request=req, approve=approve, note=note
        )
    except DomainError as exc:
        rows = selectors.requests_to_decide(viewer=request.user)
        context = {
            "page": Paginator(rows, PAGE_SIZE).get_page(1),
            "show_all": False,
            "form": form,
            "error": exc.message,
        }
        return render(request, "exchange/pages/requests.html", context, status=exc.status)
    verdict = "同意" if approve else "不同意"
    messages.success(request, f"已{verdict}{req.delivery.recipient_name}的申请，对方已收到通知。")
    return redirect("exchange:requests")
