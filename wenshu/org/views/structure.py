"""Departments (the unit administrator's) and addressing groups (the digital office's)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from wenshu.accounts.roles import Role
from wenshu.lib.errors import DomainError, Forbidden
from wenshu.org import selectors, services
from wenshu.org.forms import DepartmentForm, GroupForm, GroupMembersForm
from wenshu.org.models import UnitGroup
from wenshu.org.views._common import AuthedRequest, attempt, form_page, page


def _require_unit_admin(request: AuthedRequest) -> None:
    if not request.user.has_role(Role.UNIT_ADMIN):
        raise Forbidden("部门管理仅供单位系统管理员使用。")


@login_required
@require_http_methods(["GET", "POST"])
def departments(request: AuthedRequest) -> HttpResponse:
    _require_unit_admin(request)
    viewer = request.user
    unit = viewer.unit
    people = selectors.unit_people(viewer=viewer, unit=unit)
    form = DepartmentForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if attempt(form, lambda: services.department_create(actor=viewer, unit=unit, **data)):
            messages.success(request, f"已新建部门“{data['name']}”。")
            return redirect("org:departments")
    listing = selectors.departments(viewer=viewer, unit=unit, include_inactive=True)
    return page(
        request, "departments.html", {"unit": unit, "departments": listing, "form": form}, form
    )


@login_required
@require_http_methods(["GET", "POST"])
def department_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    viewer = request.user
    department = selectors.department_for_viewer(viewer=viewer, department_id=pk)
    people = selectors.unit_people(viewer=viewer, unit=department.unit)
    initial = {
        "name": department.name,
        "phone": department.phone,
        "order": department.order,
        "info_officer": department.info_officer_id,
    }
    form = DepartmentForm(request.POST or None, people=people, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if attempt(
            form, lambda: services.department_update(actor=viewer, department=department, **data)
        ):
            messages.success(request, "部门信息已保存。")
            return redirect("org:departments")
    return form_page(
        request,
        title=f"编辑部门：{department.name}",
        form=form,
        submit="保存",
        back=reverse("org:departments"),
        extra={"department": department},
        template="department_edit.html",
    )


@login_required
@require_POST
def department_toggle(request: AuthedRequest, pk: int) -> HttpResponse:
    viewer = request.user
    department = selectors.department_for_viewer(viewer=viewer, department_id=pk)
    change = (
        services.department_deactivate if department.is_active else services.department_activate
    )
    try:
        change(actor=viewer, department=department)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("org:department_edit", pk=pk)
    messages.success(request, "部门已停用。" if department.is_active else "部门已启用。")
    return redirect("org:departments")


@login_required
@require_http_methods(["GET", "POST"])
def groups(request: AuthedRequest) -> HttpResponse:
    viewer = request.user
    is_city = selectors.is_city_admin(viewer)
    form = GroupForm(request.POST or None) if is_city else None
    if request.method == "POST":
        if form is None:
            raise Forbidden("只有市数字办管理员可以管理单位分组。")
        if form.is_valid():
            group = attempt(form, lambda: services.group_create(actor=viewer, **form.cleaned_data))
            if group is not None:
                messages.success(request, f"已新建分组“{group.name}”，请选择成员单位。")
                return redirect("org:group", pk=group.pk)
    context = {"groups": selectors.groups(viewer=viewer), "form": form, "is_city_admin": is_city}
    return page(request, "groups.html", context, form)


def _group_post(
    request: AuthedRequest, group: UnitGroup, edit: GroupForm, members: GroupMembersForm
) -> bool:
    viewer = request.user
    action = request.POST.get("action")
    if action == "edit" and edit.is_valid():
        data = edit.cleaned_data
        done = attempt(edit, lambda: services.group_update(actor=viewer, group=group, **data))
        return done is not None
    if action == "members" and members.is_valid():
        units = members.cleaned_data["units"]
        done = attempt(
            members, lambda: services.group_set_members(actor=viewer, group=group, units=units)
        )
        return done is not None
    if action == "delete":
        services.group_delete(actor=viewer, group=group)
        return True
    if action not in ("edit", "members"):
        edit.add_error(None, "请选择要执行的操作。")
    return False


@login_required
@require_http_methods(["GET", "POST"])
def group_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    viewer = request.user
    group = selectors.group_for_viewer(viewer=viewer, group_id=pk)
    is_city = selectors.is_city_admin(viewer)
    if request.method == "POST" and not is_city:
        raise Forbidden("只有市数字办管理员可以管理单位分组。")
    post = request.POST if request.method == "POST" else None
    edit = GroupForm(
        post if post and post.get("action") != "members" else None,
        initial={"name": group.name, "description": group.description, "order": group.order},
    )
    units = selectors.units_in_directory(viewer=viewer)
    members = GroupMembersForm(
        post if post and post.get("action") == "members" else None,
        units=units,
        initial={"units": [u.pk for u in group.units.all()]},
    )
    if post is not None and _group_post(request, group, edit, members):
        if post.get("action") == "delete":
            messages.success(request, "已删除分组。")
            return redirect("org:groups")
        messages.success(request, "分组已保存。")
        return redirect("org:group", pk=pk)
    context = {"group": group, "edit": edit, "members": members, "is_city_admin": is_city}
    return page(request, "group.html", context, edit, members)
