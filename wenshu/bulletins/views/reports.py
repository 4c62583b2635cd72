"""Pages of information reports (信息上报), their statistics and the receivers' settings."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from wenshu.bulletins import selectors, services
from wenshu.bulletins.forms import (
    AdoptForm,
    DeclineForm,
    ReceiverForm,
    ReportFilterForm,
    ReportForm,
    ReturnForm,
    StatsForm,
)
from wenshu.bulletins.models import InfoReport
from wenshu.bulletins.permissions import is_city_admin, is_editor
from wenshu.bulletins.views._common import AuthedRequest, attachment_response, paged
from wenshu.files.forms import ingest_form_files
from wenshu.lib.errors import DomainError, Forbidden

Status = InfoReport.Status
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _clean(form: Any) -> dict[str, Any]:
    return form.cleaned_data if form.is_valid() else {}


@login_required
def reports(request: AuthedRequest) -> HttpResponse:
    form = ReportFilterForm(request.GET or None)
    f = _clean(form)
    rows = selectors.reports_sent(
        viewer=request.user,
        status=f.get("status", ""),
        category=f.get("category", ""),
        q=f.get("q", ""),
    )
    return render(
        request,
        "bulletins/pages/reports.html",
        {"form": form, "may_submit": is_editor(request.user), **paged(request, rows)},
    )


@login_required
def reports_inbox(request: AuthedRequest) -> HttpResponse:
    # Without filters the page opens on what waits for handling.
    form = ReportFilterForm(request.GET or {"status": Status.SUBMITTED})
    f = _clean(form)
    rows = selectors.reports_received(
        viewer=request.user,
        status=f.get("status", ""),
        category=f.get("category", ""),
        q=f.get("q", ""),
    )
    return render(
        request, "bulletins/pages/reports_inbox.html", {"form": form, **paged(request, rows)}
    )


def _report_input(form: ReportForm, uploads: list[Any]) -> services.ReportInput:
    d = form.cleaned_data
    return services.ReportInput(
        title=d["title"],
        body=d["body"],
        category=d["category"],
        receiver=d.get("receiver"),
        attachments=uploads,
        drop_attachment_ids=[int(i) for i in d.get("drop_attachments", [])],
    )


def _send(request: AuthedRequest, form: ReportForm, service: Any, **kwargs: Any) -> Any:
    """The saved report, or the HTTP status to re-render the form with (errors on it)."""
    if not form.is_valid():
        return 400
    uploads = ingest_form_files(form, "attachments", actor=request.user, purpose="bulletins.report")
    if uploads is None:
        return 400
    try:
        return service(actor=request.user, data=_report_input(form, uploads), **kwargs)
    except DomainError as exc:
        form.add_error(None, exc.message)
        return exc.status


@login_required
def report_new(request: AuthedRequest) -> HttpResponse:
    if not is_editor(request.user):
        raise Forbidden(services.reports.EDITOR_ONLY)
    receivers = selectors.receivers_open(viewer=request.user)
    post = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    form = ReportForm(*post, receivers=receivers)
    status = 200
    if request.method == "POST":
        saved = _send(request, form, services.report_submit)
        if isinstance(saved, InfoReport):
            messages.success(request, "信息已报送，等待接收单位处理。")
            return redirect("bulletins:report", pk=saved.pk)
        status = saved
    return render(
        request,
        "bulletins/pages/report_form.html",
        {"form": form, "no_receivers": not receivers.exists()},
        status=status,
    )


@login_required
def report_resubmit(request: AuthedRequest, pk: int) -> HttpResponse:
    old = selectors.report_get(viewer=request.user, pk=pk)
    services.report_check_resubmit(actor=request.user, report=old)
    existing = list(selectors.report_attachments(report=old))
    initial = {"category": old.category, "title": old.title, "body": old.body}
    post = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    form = ReportForm(*post, initial=initial, existing=existing)
    status = 200
    if request.method == "POST":
        saved = _send(request, form, services.report_resubmit, report=old)
        if isinstance(saved, InfoReport):
            messages.success(request, "修改后的信息已重新报送。")
            return redirect("bulletins:report", pk=saved.pk)
        status = saved
    return render(
        request, "bulletins/pages/report_form.html", {"form": form, "previous": old}, status=status
    )


def _detail_context(request: AuthedRequest, report: InfoReport, **extra: Any) -> dict[str, Any]:
    user = request.user
    sender = report.unit_id == user.unit_id and is_editor(user)
    return {
        "report": report,
        "versions": selectors.report_versions(report=report),
        "attachments": selectors.report_attachments(report=report),
        "may_handle": report.receiver_id == user.unit_id
        and is_editor(user)
        and report.status == Status.SUBMITTED,
        "may_withdraw": sender and report.status == Status.SUBMITTED,
        "may_resubmit": sender and report.status == Status.RETURNED,
        "adopt_form": extra.pop("adopt_form", None) or AdoptForm(),
        "return_form": extra.pop("return_form", None) or ReturnForm(),
        "decline_form": extra.pop("decline_form", None) or DeclineForm(),
        **extra,
    }


@login_required
def report_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    report = selectors.report_get(viewer=request.user, pk=pk)
    return render(request, "bulletins/pages/report_detail.html", _detail_context(request, report))


def _decision(
    request: AuthedRequest, pk: int, form_class: Any, key: str, service: Any, done: str
) -> HttpResponse:
    report = selectors.report_get(viewer=request.user, pk=pk)
    form = form_class(request.POST)
    try:
        if not form.is_valid():
            raise DomainError(
                "请按提示填写："
                + "；".join(str(e) for errors in form.errors.values() for e in errors)
            )
        service(actor=request.user, report=report, **form.cleaned_data)
    except DomainError as exc:
        report = selectors.report_get(viewer=request.user, pk=pk)
        context = _detail_context(request, report, error=exc.message, **{key: form})
        return render(request, "bulletins/pages/report_detail.html", context, status=exc.status)
    messages.success(request, done)
    return redirect("bulletins:report", pk=pk)


@login_required
@require_POST
def report_adopt(request: AuthedRequest, pk: int) -> HttpResponse:
    return _decision(request, pk, AdoptForm, "adopt_form", services.report_adopt, "已采用。")


@login_required
@require_POST
def report_return(request: AuthedRequest, pk: int) -> HttpResponse:
    return _decision(
        request, pk, ReturnForm, "return_form", services.report_return, "已退回报送单位修改。"
    )


@login_required
@require_POST
def report_decline(request: AuthedRequest, pk: int) -> HttpResponse:
    return _decision(
        request, pk, DeclineForm, "decline_form", services.report_decline, "已标记为不采用。"
    )


@login_required
@require_POST
def report_withdraw(request: AuthedRequest, pk: int) -> HttpResponse:
    report = selectors.report_get(viewer=request.user, pk=pk)
    try:
        services.report_withdraw(actor=request.user, report=report)
    except DomainError as exc:
        report = selectors.report_get(viewer=request.user, pk=pk)
        context = _detail_context(request, report, error=exc.message)
        return render(request, "bulletins/pages/report_detail.html", context, status=exc.status)
    messages.success(request, "信息已撤回。")
    return redirect("bulletins:report", pk=pk)


@login_required
def report_attachment(request: AuthedRequest, pk: int, attachment_pk: int) -> HttpResponse:
    found = selectors.report_attachment_get(
        viewer=request.user, report_pk=pk, attachment_pk=attachment_pk
    )
    return attachment_response(found)


# --- statistics and receivers --------------------------------------------------------------


def _stats_form(request: AuthedRequest) -> StatsForm:
    receivers = selectors.receivers_for_stats(viewer=request.user)  # refuses others first
    today = selectors.today()
    defaults = {"date_from": date(today.year, 1, 1).isoformat(), "date_to": today.isoformat()}
    data = {**defaults, **request.GET.dict()} if request.GET else defaults
    return StatsForm(data, receivers=receivers, single=not is_city_admin(request.user))


def _stats_args(form: StatsForm) -> dict[str, Any]:
    if not form.is_valid():
        raise DomainError("请填写正确的开始日期和结束日期（格式：2026-01-31）。")
    d = form.cleaned_data
    return {
        "date_from": d["date_from"],
        "date_to": d["date_to"],
        "receiver_id": getattr(d.get("receiver"), "pk", None),
    }


@login_required
def report_stats(request: AuthedRequest) -> HttpResponse:
    form = _stats_form(request)
    stats, error, status = None, "", 200
    try:
        stats = selectors.report_stats(viewer=request.user, **_stats_args(form))
    except DomainError as exc:
        if exc.status not in (400, 409):
            raise
        error, status = exc.message, exc.status
    query = request.GET.urlencode()
    return render(
        request,
        "bulletins/pages/report_stats.html",
        {"form": form, "stats": stats, "error": error, "query": query},
        status=status,
    )


@login_required
def report_stats_xlsx(request: AuthedRequest) -> HttpResponse:
    form = _stats_form(request)
    data, filename = services.report_stats_export(actor=request.user, **_stats_args(form))
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def receivers(request: AuthedRequest) -> HttpResponse:
    rows = selectors.receivers_all(viewer=request.user)  # refuses everyone but the office
    units = selectors.receiver_candidates(viewer=request.user)
    form = ReceiverForm(request.POST or None, units=units)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.receiver_set(
                    actor=request.user, unit=d["unit"], active=d["active"], note=d["note"]
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                messages.success(request, f"已更新：{d['unit'].full_name}。")
                return redirect("bulletins:receivers")
        else:
            status = 400
    return render(
        request, "bulletins/pages/receivers.html", {"form": form, "rows": rows}, status=status
    )
