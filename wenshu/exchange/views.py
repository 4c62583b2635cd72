"""Pages of the exchange: 待分发, the send page, 已发公文, the tracking page with 催办, and the
recipient's view of a delivery. Each view fetches through a selector (404 for another
unit's data) and changes things only through a service; a refusal shows its message on the
same page with what was typed kept."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from wenshu.accounts.roles import Role
from wenshu.documents.models import Document
from wenshu.documents.selectors import package_bytes
from wenshu.exchange import selectors, services
from wenshu.exchange.forms import SendForm, SentFilterForm, TrackingFilterForm
from wenshu.exchange.models import Dispatch
from wenshu.exchange.responses import package_response
from wenshu.lib.errors import DomainError
from wenshu.org.selectors import groups as unit_groups
from wenshu.org.selectors import units_in_directory

if TYPE_CHECKING:
    from wenshu.accounts.models import User

    class AuthedRequest(HttpRequest):
        user: User
else:
    AuthedRequest = HttpRequest

PAGE_SIZE = 50
TRACKING_PAGE_SIZE = 100


# --- 待分发 and sending ----------------------------------------------------------------------


@login_required
def to_dispatch(request: AuthedRequest) -> HttpResponse:
    rows = selectors.documents_to_dispatch(viewer=request.user)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "exchange/pages/to_dispatch.html", {"page": page})


def _send_form(request: AuthedRequest, data: Any = None) -> SendForm:
    viewer = request.user
    return SendForm(
        data,
        initial={
            "idempotency_key": uuid.uuid4().hex,
            "print_default": services.DEFAULT_PRINT_COPIES,
        },
        units=units_in_directory(viewer=viewer).exclude(pk=viewer.unit_id),
        groups=unit_groups(viewer=viewer),
    )


def _preview(request: AuthedRequest, form: SendForm) -> list[dict[str, Any]]:
    """The expanded recipients with their copies as typed (or the default)."""
    data = form.cleaned_data
    plan = services.recipients_resolve(
        actor=request.user,
        sender_unit=request.user.unit,
        main_units=data["main_units"],
        copy_units=data["copy_units"],
        groups=data["main_groups"],
        copy_groups=data["copy_groups"],
    )
    typed = form.print_overrides()
    return [
        {"r": r, "copies": typed.get(r.unit.pk, data["print_default"])} for r in plan.recipients
    ]


def _send(request: AuthedRequest, document: Document, form: SendForm) -> list[Any]:
    data = form.cleaned_data
    return services.document_send(
        actor=request.user,
        document=document,
        main_units=data["main_units"],
        copy_units=data["copy_units"],
        groups=data["main_groups"],
        copy_groups=data["copy_groups"],
        print_allowed=form.print_overrides(),
        print_default=data["print_default"],
        idempotency_key=data["idempotency_key"],
    )


@login_required
def send(request: AuthedRequest, document_id: int) -> HttpResponse:
    document = selectors.document_of_unit(viewer=request.user, document_id=document_id)
    if document.status == Document.Status.SENT and request.method == "GET":
        return redirect("exchange:tracking", document_id=document.pk)
    form = _send_form(request, request.POST or None)
    preview: list[dict[str, Any]] | None = None
    status = 200
    if request.method == "POST" and not form.is_valid():
        status = 400
    elif request.method == "POST":
        try:
            if request.POST.get("action") == "send":
                deliveries = _send(request, document, form)
                messages.success(request, _sent_message(deliveries))
                return redirect("exchange:tracking", document_id=document.pk)
            preview = _preview(request, form)
        except DomainError as exc:
            form.add_error(None, exc.message)
            status = exc.status
            preview = _preview_or_none(request, form)
    context = {
        "document": document,
        "form": form,
        "preview": preview,
        "may_send": selectors.may_send(viewer=request.user, document=document),
        "document_link": _document_link(request),
    }
    return render(request, "exchange/pages/send.html", context, status=status)


def _document_link(request: AuthedRequest) -> bool:
    """The documents app shows a unit's documents to its clerks and leaders (not to its
    system administrator), so the link is offered to them only."""
    return request.user.has_role(Role.CLERK, Role.UNIT_LEADER)


def _preview_or_none(request: AuthedRequest, form: SendForm) -> list[dict[str, Any]] | None:
    try:
        return _preview(request, form)
    except DomainError:
        return None


def _sent_message(deliveries: list[Any]) -> str:
    main = sum(1 for d in deliveries if d.kind == "main")
    when = timezone.localtime(deliveries[0].delivered_at) if deliveries else timezone.localtime()
    return (
        f"公文已发出：共 {len(deliveries)} 个单位（主送 {main}，抄送 {len(deliveries) - main}），"
        f"发送时间 {when:%Y-%m-%d %H:%M:%S}。"
    )


# --- 已发公文 and tracking -------------------------------------------------------------------


@login_required
def sent(request: AuthedRequest) -> HttpResponse:
    form = SentFilterForm(request.GET or None)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    rows = selectors.sent_dispatches(viewer=request.user, q=q)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "exchange/pages/sent.html", {"form": form, "page": page})


def _tracking_context(request: AuthedRequest, dispatch: Dispatch, **extra: Any) -> dict[str, Any]:
    form = TrackingFilterForm(request.GET or None)
    filters: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    rows = selectors.deliveries_of_dispatch(
        viewer=request.user,
        dispatch=dispatch,
        status=filters.get("status", ""),
        kind=filters.get("kind", ""),
        q=filters.get("q", ""),
    )
    return {
        "dispatch": dispatch,
        "document": dispatch.document,
        "form": form,
        "page": Paginator(rows, TRACKING_PAGE_SIZE).get_page(request.GET.get("page")),
        "summary": selectors.tracking_summary(viewer=request.user, dispatch=dispatch),
        "document_link": _document_link(request),
        **extra,
    }


@login_required
def tracking(request: AuthedRequest, document_id: int) -> HttpResponse:
    dispatch = selectors.dispatch_for_document(viewer=request.user, document_id=document_id)
    return render(request, "exchange/pages/tracking.html", _tracking_context(request, dispatch))


def _refused(request: AuthedRequest, dispatch: Dispatch, exc: DomainError) -> HttpResponse:
    context = _tracking_context(request, dispatch, error=exc.message)
    return render(request, "exchange/pages/tracking.html", context, status=exc.status)


@login_required
@require_POST
def remind(request: AuthedRequest, delivery_id: int) -> HttpResponse:
    delivery = selectors.delivery_for_sender(viewer=request.user, delivery_id=delivery_id)
    try:
        services.delivery_remind(actor=request.user, delivery=delivery)
    except DomainError as exc:
        return _refused(request, delivery.dispatch, exc)
    messages.success(request, f"已催办{delivery.recipient_name}（站内通知和短信）。")
    return redirect("exchange:tracking", document_id=delivery.document_id)


@login_required
@require_POST
def remind_all(request: AuthedRequest, document_id: int) -> HttpResponse:
    dispatch = selectors.dispatch_for_document(viewer=request.user, document_id=document_id)
    try:
        result = services.deliveries_remind_laggards(actor=request.user, document=dispatch.document)
    except DomainError as exc:
        return _refused(request, dispatch, exc)
    text = f"已催办 {len(result.reminded)} 个未签收单位（站内通知和短信）。"
    if result.throttled:
        text += f"另有 {len(result.throttled)} 个单位一小时内已催办过，本次未再催办。"
    messages.success(request, text)
    return redirect("exchange:tracking", document_id=document_id)


# --- the recipient's side ------------------------------------------------------------------


@login_required
def received_package(request: AuthedRequest, delivery_id: int) -> HttpResponse:
    delivery = selectors.delivery_for_recipient(viewer=request.user, delivery_id=delivery_id)
    data = package_bytes(document=delivery.document)
    return package_response(data, delivery.document)
