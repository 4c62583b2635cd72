"""The audit console (安全审计员: GET only, it changes nothing) and the security alerts page
(安全保密管理员)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from wenshu.audit import selectors, services
from wenshu.audit.chain import chain_hash
from wenshu.audit.export import csv_lines
from wenshu.audit.forms import AcknowledgeForm, EventFilterForm
from wenshu.audit.permissions import require_audit_admin, require_security_admin
from wenshu.audit.selectors import EventFilter
from wenshu.lib.errors import DomainError

PER_PAGE = 50


def _filters(request: HttpRequest) -> tuple[EventFilterForm, EventFilter | None]:
    """The bound filter form and its filter, or None when the form refused the input."""
    params = request.GET.copy()
    params.pop("page", None)
    form = EventFilterForm(params or None)
    if not params:
        return form, EventFilter()
    return form, form.to_filter() if form.is_valid() else None


@require_GET
@login_required
def events(request: HttpRequest) -> HttpResponse:
    require_audit_admin(request.user)  # before looking at the input
    form, filters = _filters(request)
    verification = selectors.verification_latest(viewer=request.user)
    context: dict[str, Any] = {"form": form, "page": None, "verification": verification}
    if filters is None:
        return render(request, "audit/pages/events.html", context, status=400)
    items = selectors.audit_events(viewer=request.user, filters=filters)
    context["page"] = Paginator(items, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "audit/pages/events.html", context)


@require_GET
@login_required
def events_csv(request: HttpRequest) -> HttpResponseBase:
    require_audit_admin(request.user)
    form, filters = _filters(request)
    if filters is None:
        context = {
            "form": form,
            "page": None,
            "verification": selectors.verification_latest(viewer=request.user),
        }
        return render(request, "audit/pages/events.html", context, status=400)
    items = selectors.audit_events(viewer=request.user, filters=filters)
    services.audit_export_record(
        actor=request.user, filters=filters.as_details(), rows=items.count()
    )
    response = StreamingHttpResponse(
        csv_lines(items.iterator(chunk_size=2000)), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    return response


@require_GET
@login_required
def event_detail(request: HttpRequest, seq: int) -> HttpResponse:
    event = selectors.audit_event_get(viewer=request.user, seq=seq)
    own_hash_ok = event.hash == chain_hash(event.prev_hash, event)
    context = {"event": event, "own_hash_ok": own_hash_ok}
    return render(request, "audit/pages/event_detail.html", context)


def _alerts_page(request: HttpRequest, *, error: str = "", status: int = 200) -> HttpResponse:
    state = request.GET.get("state", "open")
    state = state if state in {"open", "done", "all"} else "open"
    items = selectors.security_alerts(viewer=request.user, state=state)
    page = Paginator(items, PER_PAGE).get_page(request.GET.get("page"))
    rows = [(alert, AcknowledgeForm(auto_id=f"ack{alert.pk}_%s")) for alert in page]
    context = {"page": page, "rows": rows, "state": state, "error": error}
    return render(request, "audit/pages/alerts.html", context, status=status)


@require_GET
@login_required
def alerts(request: HttpRequest) -> HttpResponse:
    return _alerts_page(request)


@require_POST
@login_required
def alert_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    require_security_admin(request.user)
    alert = selectors.security_alert_get(viewer=request.user, alert_id=pk)
    form = AcknowledgeForm(request.POST)
    if not form.is_valid():
        return _alerts_page(
            request, error="；".join(str(e) for e in form.errors.get("note", [])), status=400
        )
    try:
        services.security_alert_acknowledge(
            actor=request.user, alert=alert, note=form.cleaned_data["note"]
        )
    except DomainError as exc:
        return _alerts_page(request, error=exc.message, status=exc.status)
    messages.success(request, f"告警 #{alert.pk} 已确认处理。")
    return redirect("audit:alerts")
