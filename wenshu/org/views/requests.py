"""Rename, deregistration and merge pages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from wenshu.accounts.roles import Role
from wenshu.lib.errors import Forbidden
from wenshu.org import selectors, services
from wenshu.org.forms import DeregisterForm, MergeForm, RejectForm, RenameForm
from wenshu.org.models import RequestStatus, UnitMerge
from wenshu.org.views._common import AuthedRequest, attempt, form_page, page


def _own_unit_admin(viewer: Any, unit: Any, doing: str) -> None:
    if not (viewer.unit_id == unit.pk and viewer.has_role(Role.UNIT_ADMIN)):
        raise Forbidden(f"只有本单位系统管理员可以{doing}。")


@login_required
@require_http_methods(["GET", "POST"])
def rename_new(request: AuthedRequest, pk: int) -> HttpResponse:
    viewer = request.user
    unit = selectors.unit_for_viewer(viewer=viewer, unit_id=pk)
    _own_unit_admin(viewer, unit, "提交名称变更申请")
    people = selectors.unit_people(viewer=viewer, unit=unit, include_pending=True)
    admins = selectors.unit_people(viewer=viewer, unit=unit)
    form = RenameForm(
        request.POST or None,
        admins=admins,
        people=people,
        initial={"kept_people": list(people), "new_admin": viewer.pk},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = attempt(form, lambda: services.unit_rename_request(actor=viewer, unit=unit, **data))
        if done is not None:
            messages.success(request, "名称变更申请已提交，等待市数字办办理。")
            return redirect("org:rename", pk=done.pk)
    return form_page(
        request,
        title=f"名称变更申请：{unit.full_name}",
        form=form,
        submit="提交申请",
        back=reverse("org:unit", args=[unit.pk]),
        lead="按本单位来函填写新名称、新的系统管理员和保留账号的人员名单。",
    )


@login_required
@require_http_methods(["GET", "POST"])
def rename_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    viewer = request.user
    rename = selectors.rename_request_for_viewer(viewer=viewer, request_id=pk)
    is_city = selectors.is_city_admin(viewer)
    form = (
        RejectForm(request.POST or None)
        if is_city and rename.status == RequestStatus.PENDING
        else None
    )
    if request.method == "POST":
        action = request.POST.get("action")
        form = form or RejectForm(request.POST)
        calls = {
            "approve": lambda: services.unit_rename_approve(actor=viewer, request=rename),
            "reject": lambda: services.unit_rename_reject(
                actor=viewer, request=rename, reason=request.POST.get("reason", "")
            ),
            "withdraw": lambda: services.unit_rename_withdraw(actor=viewer, request=rename),
        }
        if action not in calls:
            form.add_error(None, "请选择要执行的操作。")
        elif attempt(form, calls[action]) is not None:
            messages.success(
                request,
                {
                    "approve": "已办理名称变更。",
                    "reject": "已退回该申请。",
                    "withdraw": "已撤回该申请。",
                }[action],
            )
            return redirect("org:rename", pk=pk)
    context = {
        "rename": rename,
        "form": form,
        "is_city_admin": is_city,
        "kept": rename.kept_people.order_by("id"),
        "closing": selectors.rename_closing_list(viewer=viewer, request=rename),
        "may_withdraw": rename.status == RequestStatus.PENDING and viewer.unit_id == rename.unit_id,
    }
    return page(request, "rename.html", context, form)


@login_required
@require_http_methods(["GET", "POST"])
def deregister_new(request: AuthedRequest, pk: int) -> HttpResponse:
    viewer = request.user
    unit = selectors.unit_for_viewer(viewer=viewer, unit_id=pk)
    if not selectors.is_city_admin(viewer):
        _own_unit_admin(viewer, unit, "申请注销本单位")
    form = DeregisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = attempt(
            form, lambda: services.unit_deregister_request(actor=viewer, unit=unit, **data)
        )
        if done is not None:
            messages.success(request, "注销申请已登记，由市数字办办理。")
            return redirect("org:deregistration", pk=done.pk)
    return form_page(
        request,
        title=f"注销：{unit.full_name}",
        form=form,
        submit="提交注销申请",
        back=reverse("org:unit", args=[unit.pk]),
        lead="注销办理后，该单位从交换目录中删除，电子印章列入销毁，人员账号停用，"
        "系统中的文件按下面选择的方式处理。",
    )


@login_required
@require_http_methods(["GET", "POST"])
def deregistration_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    viewer = request.user
    dereg = selectors.deregistration_for_viewer(viewer=viewer, request_id=pk)
    is_city = selectors.is_city_admin(viewer)
    form = (
        RejectForm(request.POST or None)
        if is_city and dereg.status == RequestStatus.PENDING
        else None
    )
    if request.method == "POST":
        action = request.POST.get("action")
        form = form or RejectForm(request.POST)
        calls = {
            "execute": lambda: services.unit_deregister(actor=viewer, request=dereg),
            "reject": lambda: services.unit_deregister_reject(
                actor=viewer, request=dereg, reason=request.POST.get("reason", "")
            ),
            "withdraw": lambda: services.unit_deregister_withdraw(actor=viewer, request=dereg),
        }
        if action not in calls:
            form.add_error(None, "请选择要执行的操作。")
        elif attempt(form, calls[action]) is not None:
            messages.success(
                request,
                {
                    "execute": "已办理注销。",
                    "reject": "已退回该申请。",
                    "withdraw": "已撤回该申请。",
                }[action],
            )
            return redirect("org:deregistration", pk=pk)
    context = {
        "dereg": dereg,
        "form": form,
        "is_city_admin": is_city,
        "is_pending": dereg.status == RequestStatus.PENDING,
    }
    return page(request, "deregistration.html", context, form)


def _person_actions(form: MergeForm, viewer: Any, sources: list[Any]) -> dict[int, str] | None:
    """The exceptions list (usernames) turned into per-person choices, or None if refused."""
    names = form.exception_usernames()
    if not names:
        return {}
    people = selectors.merge_candidates(viewer=viewer, unit_ids=[u.pk for u in sources])
    found = {p.username: p.pk for p in people.filter(username__in=names)}
    unknown = [n for n in names if n not in found]
    if unknown:
        form.add_error(
            "exceptions", f"以下用户名不属于被合并单位或账号已不可用：{'、'.join(unknown)}"
        )
        return None
    default = form.cleaned_data["people_action"]
    actions = UnitMerge.PeopleAction
    opposite = actions.DISABLE if default == actions.MOVE else actions.MOVE
    return {pk: opposite for pk in found.values()}


def _run_merge(form: MergeForm, viewer: Any) -> UnitMerge | None:
    data = form.cleaned_data
    sources = list(data["sources"])
    choices = _person_actions(form, viewer, sources)
    if choices is None:
        return None
    new_unit = None
    if data["new_full_name"] or data["new_short_name"]:
        new_unit = services.NewUnit(
            full_name=data["new_full_name"],
            short_name=data["new_short_name"],
            agency_code=data["new_agency_code"],
            kind=data["new_kind"],
        )
    return attempt(
        form,
        lambda: services.unit_merge(
            actor=viewer,
            sources=sources,
            target=data["target"],
            new_unit=new_unit,
            people_action=data["people_action"],
            person_actions=choices,
            note=data["note"],
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def merge_new(request: AuthedRequest) -> HttpResponse:
    viewer = request.user
    units = selectors.units_in_directory(viewer=viewer).exclude(is_digital_office=True)
    if not selectors.is_city_admin(viewer):
        raise Forbidden("只有市数字办管理员可以办理单位合并。")
    form = MergeForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        merge = _run_merge(form, viewer)
        if merge is not None:
            messages.success(request, f"已办理合并，合并后单位：{merge.target.full_name}。")
            return redirect("org:merge", pk=merge.pk)
    return form_page(
        request,
        title="单位合并",
        form=form,
        submit="办理合并",
        back=reverse("org:registry"),
        lead="沿用其中一个单位名称时，选择“合并后保留的单位”；启用新名称时，填写新单位名称（将直接注册）。"
        "被合并单位将被注销，其未办结的工作转交合并后单位。",
        extra={"confirm": "合并将注销被合并单位，且不能撤销。确定办理吗？"},
    )


@login_required
def merge_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    viewer = request.user
    merge = selectors.merge_for_viewer(viewer=viewer, merge_id=pk)
    people = selectors.merge_people(viewer=viewer, merge=merge)
    return page(request, "merge.html", {"merge": merge, **people})
