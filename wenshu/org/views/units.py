"""Registry, directory, unit detail, registration application and its review."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from wenshu.accounts.roles import Role
from wenshu.lib.errors import Forbidden
from wenshu.org import selectors, services
from wenshu.org.forms import ApplicationForm, DirectoryFilterForm, RegistryFilterForm, ReviewForm
from wenshu.org.models import RequestStatus, Unit
from wenshu.org.views._common import AuthedRequest, User, attempt, form_page, page

PAGE_SIZE = 50


@login_required
def registry(request: AuthedRequest) -> HttpResponse:
    form = RegistryFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    units = selectors.unit_registry(
        viewer=request.user, status=data.get("status"), kind=data.get("kind"), q=data.get("q")
    )
    listing = Paginator(units, PAGE_SIZE).get_page(request.GET.get("page"))
    return page(request, "registry.html", {"form": form, "page": listing})


@login_required
def directory(request: AuthedRequest) -> HttpResponse:
    form = DirectoryFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    units = selectors.units_in_directory(
        viewer=request.user, kind=data.get("kind"), q=data.get("q")
    )
    listing = Paginator(units, PAGE_SIZE).get_page(request.GET.get("page"))
    return page(request, "directory.html", {"form": form, "page": listing})


@login_required
def my_unit(request: AuthedRequest) -> HttpResponse:
    return redirect("org:unit", pk=request.user.unit_id)


def _actions(viewer: User, unit: Unit) -> dict[str, bool]:
    city = selectors.is_city_admin(viewer)
    own_admin = viewer.unit_id == unit.pk and viewer.has_role(Role.UNIT_ADMIN)
    live = unit.is_registered and not unit.is_digital_office
    return {
        "can_rename": unit.is_registered and own_admin,
        "can_deregister": live and (city or own_admin),
        "is_city_admin": city,
    }


@login_required
def unit_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    viewer = request.user
    unit = selectors.unit_for_viewer(viewer=viewer, unit_id=pk)
    context = {
        "unit": unit,
        "names": selectors.unit_name_history(viewer=viewer, unit=unit),
        "application": selectors.applications(viewer=viewer).filter(unit=unit).first(),
        "renames": selectors.rename_requests(viewer=viewer).filter(unit=unit),
        "deregistrations": selectors.deregistrations(viewer=viewer).filter(unit=unit),
        "merges": selectors.merges(viewer=viewer)
        .filter(Q(sources=unit) | Q(target=unit))
        .distinct(),
        **_actions(viewer, unit),
    }
    return page(request, "unit_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def apply(request: AuthedRequest) -> HttpResponse:
    viewer = request.user
    if not viewer.has_role(Role.CITY_ADMIN, Role.UNIT_ADMIN):
        raise Forbidden("只有市数字办管理员或上级主管单位的系统管理员可以提交单位登记申请。")
    superiors = (
        selectors.units_in_directory(viewer=viewer) if viewer.has_role(Role.CITY_ADMIN) else None
    )
    form = ApplicationForm(request.POST or None, superiors=superiors)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        application = attempt(form, lambda: services.unit_apply(actor=viewer, **data))
        if application is not None:
            messages.success(
                request, f"已提交“{application.unit.full_name}”的登记申请，等待市数字办审核。"
            )
            return redirect("org:application", pk=application.pk)
    lead = (
        "录入单位的书面登记申请（须有上级主管部门签署的意见）。提交后须由市数字办另一位管理员审核。"
        if superiors is not None
        else f"为{viewer.unit.full_name}的下属单位提交登记申请。"
    )
    return form_page(
        request,
        title="单位登记申请",
        form=form,
        submit="提交申请",
        back=reverse("org:pending"),
        lead=lead,
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    viewer = request.user
    application = selectors.application_for_viewer(viewer=viewer, application_id=pk)
    unit = application.unit
    may_review = (
        selectors.is_city_admin(viewer)
        and unit.status == Unit.Status.APPLIED
        and application.filed_by_id != viewer.pk
    )
    form = ReviewForm(request.POST or None) if may_review else None
    if request.method == "POST":
        if form is None:
            raise Forbidden(
                "该申请已审核，或由您本人录入（四眼原则：须由另一位管理员审核），"
                "或您不是市数字办管理员。"
            )
        if form.is_valid():
            approve = form.cleaned_data["decision"] == "approve"
            done = attempt(
                form,
                lambda: services.unit_review(
                    actor=viewer, unit=unit, approve=approve, reason=form.cleaned_data["reason"]
                ),
            )
            if done is not None:
                messages.success(request, "已注册该单位。" if approve else "已退回该申请。")
                return redirect("org:application", pk=pk)
    return page(
        request, "application.html", {"application": application, "unit": unit, "form": form}, form
    )


@login_required
def pending(request: AuthedRequest) -> HttpResponse:
    viewer = request.user
    if not viewer.has_role(Role.CITY_ADMIN, Role.UNIT_ADMIN):
        raise Forbidden("此页面仅供市数字办管理员和单位系统管理员使用。")
    context = {
        "applications": selectors.pending_applications(viewer=viewer),
        "renames": selectors.rename_requests(viewer=viewer, status=RequestStatus.PENDING),
        "deregistrations": selectors.deregistrations(viewer=viewer, status=RequestStatus.PENDING),
        "is_city_admin": selectors.is_city_admin(viewer),
    }
    return page(request, "pending.html", context)
