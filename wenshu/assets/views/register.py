"""Register pages: the list, one asset, entering and editing, assignment and reallocation,
return to stock, retirement, Excel export and import, and the equipment managers."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from wenshu.accounts.roles import Role
from wenshu.assets import selectors, services
from wenshu.assets.forms import (
    AntivirusForm,
    AssetCreateForm,
    AssetFilterForm,
    AssetForm,
    AssignForm,
    ImportForm,
    ManagerForm,
    ReasonForm,
    StockForm,
)
from wenshu.assets.models import Asset
from wenshu.assets.services.excel import MAX_BYTES
from wenshu.assets.views._common import PAGE_SIZE, AuthedRequest, form_page
from wenshu.lib.errors import DomainError, NotFound, TooLarge


def _office_only(request: AuthedRequest) -> None:
    # The office's pages are not even shown to others: a plain 404 like any unknown page.
    if not selectors.viewer_is_office(request.user):
        raise NotFound("此页面仅供办公室（单位系统管理员或设备管理员）使用。")


@login_required
def register(request: AuthedRequest) -> HttpResponse:
    user = request.user
    form = AssetFilterForm(request.GET or None, departments=selectors.departments_for(viewer=user))
    filters: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    department = filters.get("department")
    assets = selectors.asset_list(
        viewer=user,
        category=filters.get("category", ""),
        status=filters.get("status", ""),
        department_id=department.pk if department else None,
        q=filters.get("q", ""),
    )
    page = Paginator(assets, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "assets/pages/register.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "office": selectors.viewer_is_office(user),
        },
    )


def _fields(data: dict[str, Any]) -> services.AssetFields:
    return services.AssetFields(
        asset_number=data["asset_number"],
        category=data["category"],
        model=data["model"],
        serial_number=data["serial_number"],
        purchase_date=data["purchase_date"],
        purchase_value=data["purchase_value"],
        is_oa_equipment=data["is_oa_equipment"],
        note=data["note"],
    )


@login_required
def asset_new(request: AuthedRequest) -> HttpResponse:
    _office_only(request)
    user = request.user
    form = AssetCreateForm(
        request.POST or None,
        departments=selectors.departments_for(viewer=user),
        people=selectors.people_for(viewer=user),
    )

    def run(data: dict[str, Any]) -> Asset:
        return services.asset_create(
            actor=user,
            fields=_fields(data),
            department=data["department"],
            custodian=data["custodian"],
            location=data["location"],
        )

    return form_page(
        request,
        form=form,
        title="登记设备",
        run=run,
        done="设备已登记入账。",
        next_url=lambda a: reverse("assets:detail", args=[a.pk]),
        back=reverse("assets:register"),
        submit="登记",
    )


@login_required
def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    asset = selectors.asset_get(viewer=user, pk=pk)
    office = selectors.viewer_is_office(user)
    live = asset.status != Asset.Status.RETIRED
    return render(
        request,
        "assets/pages/detail.html",
        {
            "asset": asset,
            "office": office,
            "moves": selectors.asset_moves(viewer=user, asset=asset),
            **selectors.asset_requests(viewer=user, asset=asset),
            "may_move": office
            and asset.status in (Asset.Status.IN_USE, Asset.Status.IN_STOCK, Asset.Status.MISSING),
            "may_request": live and asset.status in (Asset.Status.IN_USE, Asset.Status.IN_STOCK),
            "may_internet": live and asset.is_computer and not asset.internet_approved,
            "may_retire": office and live and asset.status != Asset.Status.ON_LOAN,
        },
    )


@login_required
def asset_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    _office_only(request)
    asset = selectors.asset_get(viewer=request.user, pk=pk)
    initial = {k: getattr(asset, k) for k in AssetForm.base_fields}
    form = AssetForm(request.POST or None, initial=initial)

    def run(data: dict[str, Any]) -> Asset:
        return services.asset_update(actor=request.user, asset=asset, fields=_fields(data))

    return form_page(
        request,
        form=form,
        title="修改设备信息",
        run=run,
        done="设备信息已保存。",
        next_url=lambda a: reverse("assets:detail", args=[a.pk]),
        back=reverse("assets:detail", args=[pk]),
        asset=asset,
        submit="保存",
    )


@login_required
def assign(request: AuthedRequest, pk: int) -> HttpResponse:
    _office_only(request)
    user = request.user
    asset = selectors.asset_get(viewer=user, pk=pk)
    form = AssignForm(
        request.POST or None,
        departments=selectors.departments_for(viewer=user),
        people=selectors.people_for(viewer=user),
        initial={
            "department": asset.department_id,
            "custodian": asset.custodian_id,
            "location": asset.location,
        },
    )

    def run(data: dict[str, Any]) -> Any:
        return services.asset_assign(
            actor=user,
            asset=asset,
            department=data["department"],
            custodian=data["custodian"],
            location=data["location"],
            reason=data["reason"],
        )

    return form_page(
        request,
        form=form,
        title="领用 / 调配",
        run=run,
        done="调配已登记。",
        next_url=lambda _: reverse("assets:detail", args=[pk]),
        back=reverse("assets:detail", args=[pk]),
        asset=asset,
        intro="设备管理办法第五条：部门之间在设备使用上要相互支援，由办公室统一调度。",
    )


@login_required
def stock(request: AuthedRequest, pk: int) -> HttpResponse:
    _office_only(request)
    asset = selectors.asset_get(viewer=request.user, pk=pk)
    form = StockForm(request.POST or None)

    def run(data: dict[str, Any]) -> Any:
        return services.asset_return_to_stock(
            actor=request.user, asset=asset, location=data["location"], reason=data["reason"]
        )

    return form_page(
        request,
        form=form,
        title="收回入库",
        run=run,
        done="设备已收回入库。",
        next_url=lambda _: reverse("assets:detail", args=[pk]),
        back=reverse("assets:detail", args=[pk]),
        asset=asset,
    )


@login_required
def retire(request: AuthedRequest, pk: int) -> HttpResponse:
    _office_only(request)
    asset = selectors.asset_get(viewer=request.user, pk=pk)
    form = ReasonForm(request.POST or None)
    form.fields["reason"].label = "报废原因"

    def run(data: dict[str, Any]) -> Any:
        return services.asset_retire(actor=request.user, asset=asset, reason=data["reason"])

    return form_page(
        request,
        form=form,
        title="设备报废",
        run=run,
        done="设备已报废。",
        next_url=lambda _: reverse("assets:detail", args=[pk]),
        back=reverse("assets:detail", args=[pk]),
        asset=asset,
        submit="确认报废",
        intro="报废后不能再调配、外借或维修，未办结的申请一并作废。",
    )


@login_required
def antivirus(request: AuthedRequest, pk: int) -> HttpResponse:
    _office_only(request)
    asset = selectors.asset_get(viewer=request.user, pk=pk)
    form = AntivirusForm(
        request.POST or None,
        initial={"product": asset.antivirus_product, "version": asset.antivirus_version},
    )

    def run(data: dict[str, Any]) -> Any:
        return services.internet_antivirus_update(
            actor=request.user, asset=asset, product=data["product"], version=data["version"]
        )

    return form_page(
        request,
        form=form,
        title="登记杀毒软件升级",
        run=run,
        done="杀毒软件信息已更新。",
        asset=asset,
        next_url=lambda _: reverse("assets:detail", args=[pk]),
        back=reverse("assets:detail", args=[pk]),
    )


@login_required
def export(request: AuthedRequest) -> HttpResponse:
    data = services.register_export(viewer=request.user)
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = f"assets-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def import_register(request: AuthedRequest) -> HttpResponse:
    _office_only(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[Any] = []
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                if upload.size > MAX_BYTES:
                    raise TooLarge(f"文件不能超过 {MAX_BYTES // 1024 // 1024} MB")
                result = services.register_import(actor=request.user, data=upload.read())
            except services.ImportRefused as exc:
                form.add_error(None, exc.message)
                errors, status = exc.errors, exc.status
            except DomainError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                messages.success(
                    request,
                    f"导入完成：新增 {result.created} 台，更新 "
                    f"{result.updated} 台，未变 {result.unchanged} 台。",
                )
                return redirect("assets:register")
    return render(
        request, "assets/pages/import.html", {"form": form, "errors": errors}, status=status
    )


@login_required
def borrowed(request: AuthedRequest) -> HttpResponse:
    loans = selectors.loans_borrowed(viewer=request.user)
    return render(request, "assets/pages/borrowed.html", {"loans": loans})


# --- equipment managers ----------------------------------------------------------------


def _managers_page(request: AuthedRequest, form: ManagerForm, status: int = 200) -> HttpResponse:
    return render(
        request,
        "assets/pages/managers.html",
        {"managers": selectors.managers(viewer=request.user), "form": form},
        status=status,
    )


@login_required
def managers(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if not user.has_role(Role.UNIT_ADMIN):
        raise NotFound("此页面仅供单位系统管理员使用。")
    form = ManagerForm(request.POST or None, people=selectors.people_for(viewer=user))
    if request.method != "POST":
        return _managers_page(request, form)
    if not form.is_valid():
        return _managers_page(request, form, 400)
    try:
        services.asset_manager_appoint(actor=user, person=form.cleaned_data["person"])
    except DomainError as exc:
        form.add_error(None, exc.message)
        return _managers_page(request, form, exc.status)
    messages.success(request, "已指定设备管理员。")
    return redirect("assets:managers")


@login_required
@require_POST
def manager_remove(request: AuthedRequest, pk: int) -> HttpResponse:
    manager = selectors.manager_get(viewer=request.user, pk=pk)
    services.asset_manager_remove(actor=request.user, manager=manager)
    messages.success(request, "已取消该设备管理员。")
    return redirect("assets:managers")
