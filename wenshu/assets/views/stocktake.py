"""Stock-take pages (盘点): open one, record found assets by number, close it, read the
differences, mark the missing ones."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from wenshu.assets import selectors, services
from wenshu.assets.forms import MarkMissingForm, StockTakeOpenForm, StockTakeRecordForm
from wenshu.assets.models import Asset, StockTake
from wenshu.assets.views._common import AuthedRequest
from wenshu.lib.errors import DomainError, NotFound


def _list_page(request: AuthedRequest, form: StockTakeOpenForm, status: int = 200) -> HttpResponse:
    return render(
        request,
        "assets/pages/stocktakes.html",
        {
            "stocktakes": selectors.stocktakes(viewer=request.user),
            "form": form,
            "office": selectors.viewer_is_office(request.user),
        },
        status=status,
    )


@login_required
def stocktakes(request: AuthedRequest) -> HttpResponse:
    form = StockTakeOpenForm(request.POST or None)
    if request.method != "POST":
        return _list_page(request, form)
    if not form.is_valid():
        return _list_page(request, form, 400)
    try:
        found = services.stocktake_open(actor=request.user, title=form.cleaned_data["title"])
    except DomainError as exc:
        form.add_error(None, exc.message)
        return _list_page(request, form, exc.status)
    messages.success(request, "盘点已开始：请逐台扫码或输入资产编号登记。")
    return redirect("assets:stocktake", pk=found.pk)


def _missing_choices(request: AuthedRequest, stocktake: StockTake) -> Any:
    ids = (stocktake.result or {}).get("missing", [])
    return selectors.assets_of_unit(viewer=request.user).filter(
        pk__in=ids, status__in=(Asset.Status.IN_USE, Asset.Status.IN_STOCK)
    )


def _page(
    request: AuthedRequest, pk: int, forms: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    user = request.user
    stocktake = selectors.stocktake_get(viewer=user, pk=pk)
    closed = stocktake.status == StockTake.Status.CLOSED
    context: dict[str, Any] = {
        "stocktake": stocktake,
        "office": selectors.viewer_is_office(user),
        "entries": selectors.stocktake_entries(viewer=user, stocktake=stocktake)[:500],
        "record_form": StockTakeRecordForm(),
        "report": None,
        "missing_form": None,
    }
    if closed:
        context["report"] = selectors.stocktake_report(viewer=user, stocktake=stocktake)
        context["missing_form"] = MarkMissingForm(choices=_missing_choices(request, stocktake))
    context.update(forms or {})
    return render(request, "assets/pages/stocktake.html", context, status=status)


@login_required
def stocktake(request: AuthedRequest, pk: int) -> HttpResponse:
    """GET shows the stock-take; POST records one found asset (the scan field keeps focus)."""
    if request.method != "POST":
        return _page(request, pk)
    found = selectors.stocktake_get(viewer=request.user, pk=pk)
    form = StockTakeRecordForm(request.POST)
    if not form.is_valid():
        return _page(request, pk, {"record_form": form}, 400)
    data = form.cleaned_data
    try:
        entry, created = services.stocktake_record(
            actor=request.user,
            stocktake=found,
            code=data["code"],
            location=data["location"],
            condition=data["condition"],
            note=data["note"],
        )
    except DomainError as exc:
        form.add_error(None, exc.message)
        return _page(request, pk, {"record_form": form}, exc.status)
    what = "已登记" if created else "已登记过，已更新"
    tail = "" if entry.asset_id else "（台账中没有该编号，将列为账外设备）"
    messages.success(request, f"{entry.code} {what}{tail}")
    return redirect("assets:stocktake", pk=pk)


@login_required
@require_POST
def stocktake_close(request: AuthedRequest, pk: int) -> HttpResponse:
    found = selectors.stocktake_get(viewer=request.user, pk=pk)
    services.stocktake_close(actor=request.user, stocktake=found)
    messages.success(request, "盘点已结束，盘点结果如下。")
    return redirect("assets:stocktake", pk=pk)


@login_required
@require_POST
def stocktake_missing(request: AuthedRequest, pk: int) -> HttpResponse:
    found = selectors.stocktake_get(viewer=request.user, pk=pk)
    if found.status != StockTake.Status.CLOSED:
        raise NotFound()
    form = MarkMissingForm(request.POST, choices=_missing_choices(request, found))
    if not form.is_valid():
        return _page(request, pk, {"missing_form": form}, 400)
    try:
        count = services.stocktake_mark_missing(
            actor=request.user,
            stocktake=found,
            asset_ids=[a.pk for a in form.cleaned_data["assets"]],
        )
    except DomainError as exc:
        form.add_error(None, exc.message)
        return _page(request, pk, {"missing_form": form}, exc.status)
    messages.success(request, f"已将 {count} 台设备标记为盘亏。")
    return redirect("assets:stocktake", pk=pk)
