"""Pages of the tickets app. Each view fetches through a selector (404 for another unit's
ticket) and changes things only through a service; a refused step shows its message on the
ticket page with what was typed kept."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from wenshu.audit.services import audit_refusal
from wenshu.files.forms import ingest_form_files
from wenshu.files.responses import download_response
from wenshu.lib.errors import DomainError, Forbidden
from wenshu.tickets import selectors, services, stats
from wenshu.tickets.forms import (
    FilterForm,
    NoteForm,
    ReopenForm,
    ReportForm,
    ResolveForm,
    SolutionForm,
    StatsForm,
    StepForm,
)
from wenshu.tickets.models import Ticket
from wenshu.tickets.services._common import UPLOAD_PURPOSE, reopen_days

if TYPE_CHECKING:
    from wenshu.accounts.models import User

    class AuthedRequest(HttpRequest):
        user: User
else:
    AuthedRequest = HttpRequest

PAGE_SIZE = 50


# --- lists -----------------------------------------------------------------------------------


@login_required
def ticket_list(request: AuthedRequest, scope: str = "") -> HttpResponse:
    user = request.user
    form = FilterForm(request.GET or None)
    filters: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    scope = scope or request.GET.get("scope", "")
    scopes = selectors.scopes_for(user)
    scope = scope if scope in dict(scopes) else selectors.default_scope(user)
    rows = selectors.tickets_list(
        viewer=user,
        scope=scope,
        status=filters.get("status", ""),
        category=filters.get("category", ""),
        urgency=filters.get("urgency", ""),
        q=filters.get("q", ""),
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query["scope"] = scope
    return render(
        request,
        "tickets/pages/list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "scope": scope,
            "scopes": scopes,
            "now": timezone.now(),
            "perms_stats": selectors.may_see_stats(user),
        },
    )


# --- reporting -------------------------------------------------------------------------------


def _may_send_to_office(user: Any) -> bool:
    return selectors.is_unit_admin(user) or selectors.is_city_admin(user)


@login_required
def ticket_new(request: AuthedRequest) -> HttpResponse:
    may_send = _may_send_to_office(request.user)
    form = ReportForm(request.POST or None, request.FILES or None, may_send_to_office=may_send)
    if request.method == "POST" and form.is_valid():
        ticket = _report(request, form)
        if ticket is not None:
            messages.success(request, f"报修已提交（故障单 #{ticket.pk}）。")
            return redirect("tickets:detail", pk=ticket.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "tickets/pages/new.html", {"form": form}, status=status)


def _report(request: AuthedRequest, form: ReportForm) -> Ticket | None:
    # The virus scan runs before the service's transaction (files.services.file_ingest).
    uploads = ingest_form_files(form, "attachments", actor=request.user, purpose=UPLOAD_PURPOSE)
    if uploads is None:
        return None
    data = form.cleaned_data
    report = services.ReportInput(
        category=data["category"],
        urgency=data["urgency"],
        summary=data["summary"],
        details=data["details"],
        affected=data["affected"],
        related_ref=data["related_ref"],
        to_office=bool(data.get("to_office")),
    )
    try:
        return services.ticket_report(actor=request.user, data=report, uploads=uploads)
    except DomainError as exc:
        form.add_error(None, exc.message)
        return None


# --- one ticket --------------------------------------------------------------------------------


def _forms(ticket: Ticket) -> dict[str, forms.Form]:
    return {
        "step": StepForm(),
        "note": NoteForm(),
        "resolve": ResolveForm(),
        "reopen": ReopenForm(),
        "solution": SolutionForm(ticket=ticket),
    }


def _detail(
    request: AuthedRequest,
    ticket: Ticket,
    *,
    status: int = 200,
    bound: tuple[str, forms.Form] | None = None,
    refusal: str = "",
) -> HttpResponse:
    user = request.user
    page_forms = _forms(ticket)
    if bound:
        page_forms[bound[0]] = bound[1]
    return render(
        request,
        "tickets/pages/detail.html",
        {
            "ticket": ticket,
            "events": selectors.ticket_events(ticket=ticket),
            "attachments": selectors.ticket_attachments(ticket=ticket),
            "notices": selectors.ticket_notices(ticket=ticket),
            "notice_units": ticket.notice_units.order_by("kind", "full_name"),
            "actions": selectors.available_actions(
                viewer=user, ticket=ticket, reopen_days=reopen_days()
            ),
            "forms": page_forms,
            "bound": bound[0] if bound else "",
            "now": timezone.now(),
            "reopen_days": reopen_days(),
            "refusal": refusal,
        },
        status=status,
    )


@login_required
def ticket_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.ticket_get(viewer=request.user, pk=pk))


@dataclass(frozen=True)
class Step:
    form: type[forms.Form]
    key: str  # which form on the page it re-renders into
    run: Callable[[Any, Ticket, dict[str, Any]], Any]
    done: str


def _note(user: Any, ticket: Ticket, data: dict[str, Any]) -> Any:
    return services.ticket_note(
        actor=user, ticket=ticket, text=data["text"], uploads=data.get("_uploads", [])
    )


STEPS: dict[str, Step] = {
    "take": Step(
        StepForm,
        "step",
        lambda u, t, d: services.ticket_take(actor=u, ticket=t, note=d["note"]),
        "已受理。",
    ),
    "escalate": Step(
        StepForm,
        "step",
        lambda u, t, d: services.ticket_escalate(actor=u, ticket=t, note=d["note"]),
        "已上报市数字办，24小时响应时限开始计算。",
    ),
    "withdraw": Step(
        StepForm,
        "step",
        lambda u, t, d: services.ticket_withdraw(actor=u, ticket=t, reason=d["note"]),
        "报修已撤回。",
    ),
    "acknowledge": Step(
        StepForm,
        "step",
        lambda u, t, d: services.ticket_acknowledge(actor=u, ticket=t, note=d["note"]),
        "已响应。",
    ),
    "start": Step(
        StepForm,
        "step",
        lambda u, t, d: services.ticket_start(actor=u, ticket=t, note=d["note"]),
        "已开始处理。",
    ),
    "close": Step(
        StepForm,
        "step",
        lambda u, t, d: services.ticket_close(actor=u, ticket=t, note=d["note"]),
        "故障单已关闭。",
    ),
    "resolve": Step(
        ResolveForm,
        "resolve",
        lambda u, t, d: services.ticket_resolve(actor=u, ticket=t, resolution=d["resolution"]),
        "已办结：故障已排除。",
    ),
    "reopen": Step(
        ReopenForm,
        "reopen",
        lambda u, t, d: services.ticket_reopen(actor=u, ticket=t, reason=d["reason"]),
        "故障单已重新打开。",
    ),
    "note": Step(NoteForm, "note", _note, "记录已添加。"),
    "solution": Step(
        SolutionForm,
        "solution",
        lambda u, t, d: services.ticket_record_solution(
            actor=u, ticket=t, solution=d["solution"], units=d["units"]
        ),
        "解决办法已记录，已报告市政府办公室，纸质通知已生成。",
    ),
}


def _bind(step: Step, request: AuthedRequest, ticket: Ticket) -> forms.Form:
    if step.form is SolutionForm:
        return SolutionForm(request.POST, ticket=ticket)
    return step.form(request.POST, request.FILES or None)


@login_required
@require_POST
def ticket_action(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    step = STEPS.get(action)
    if step is None:
        raise Http404
    ticket = selectors.ticket_get(viewer=request.user, pk=pk)
    form = _bind(step, request, ticket)
    if not form.is_valid():
        return _detail(request, ticket, status=400, bound=(step.key, form))
    data = dict(form.cleaned_data)
    if "attachments" in form.fields:
        uploads = ingest_form_files(form, "attachments", actor=request.user, purpose=UPLOAD_PURPOSE)
        if uploads is None:
            return _detail(request, ticket, status=400, bound=(step.key, form))
        data["_uploads"] = uploads
    try:
        step.run(request.user, ticket, data)
    except DomainError as exc:
        # The page is shown again as it is now (the step may have become impossible), with
        # the refusal on top and what was typed kept in the form.
        if exc.status != 404:
            audit_refusal(
                actor=request.user,
                action="tickets.refused",
                message=exc.message,
                target=ticket,
                details={"step": action},
            )
        ticket = selectors.ticket_get(viewer=request.user, pk=pk)
        return _detail(
            request, ticket, status=exc.status, bound=(step.key, form), refusal=exc.message
        )
    messages.success(request, step.done)
    return redirect("tickets:detail", pk=pk)


@login_required
def attachment_download(request: AuthedRequest, pk: int, attachment_pk: int) -> HttpResponse:
    found = selectors.attachment_get(viewer=request.user, ticket_pk=pk, attachment_pk=attachment_pk)
    return download_response(upload=found.upload, inline=request.GET.get("inline") == "1")


def _pdf(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def notice_pdf(request: AuthedRequest, pk: int, notice_pk: int) -> HttpResponse:
    notice = selectors.notice_get(viewer=request.user, ticket_pk=pk, notice_pk=notice_pk)
    return _pdf(bytes(notice.pdf), f"ticket-{pk}-notice-{notice.version}.pdf")


# --- statistics --------------------------------------------------------------------------------


def _stats_form(request: AuthedRequest) -> StatsForm:
    if not selectors.may_see_stats(request.user):
        raise Forbidden("只有市数字办管理员和单位系统管理员可以查看故障统计。")
    return StatsForm(request.GET or None, initial=StatsForm.defaults())


def _period(form: StatsForm) -> tuple[Any, Any] | None:
    if not form.is_bound:
        defaults = StatsForm.defaults()
        return defaults["start"], defaults["end"]
    if form.is_valid():
        return form.cleaned_data["start"], form.cleaned_data["end"]
    return None


@login_required
def stats_page(request: AuthedRequest) -> HttpResponse:
    form = _stats_form(request)
    period = _period(form)
    result = None
    if period is not None:
        try:
            result = stats.ticket_statistics(viewer=request.user, start=period[0], end=period[1])
        except DomainError as exc:
            form.add_error(None, exc.message)
    return render(
        request,
        "tickets/pages/stats.html",
        {
            "form": form,
            "stats": result,
            "query": request.GET.urlencode(),
        },
        status=200 if result is not None else 400,
    )


@login_required
def stats_export(request: AuthedRequest) -> HttpResponse:
    form = _stats_form(request)
    period = _period(form)
    if period is None:
        raise DomainError(
            "统计期间填写有误："
            + "；".join(str(e) for errors in form.errors.values() for e in errors)
        )
    result = stats.ticket_statistics(viewer=request.user, start=period[0], end=period[1])
    response = HttpResponse(
        stats.statistics_xlsx(result),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"tickets-{period[0]:%Y%m%d}-{period[1]:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response
