"""单位与人员: the unit administrator's (and digital office's) people pages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from wenshu.accounts import selectors, services
from wenshu.accounts.forms import CloseForm, FilingForm, PeopleFilterForm
from wenshu.accounts.models import User
from wenshu.accounts.roles import ROLE_LABELS, UNIT_ROLES, Role
from wenshu.accounts.views.common import page_of, render_secret, viewer_of
from wenshu.lib.errors import DomainError, Forbidden


def _person(request: HttpRequest, person_id: int) -> User:
    """A person the viewer manages on these pages (unit administrator, digital office)."""
    viewer = viewer_of(request)
    if not viewer.has_role(Role.UNIT_ADMIN, Role.CITY_ADMIN):
        raise Forbidden("人员管理由单位系统管理员和市数字办办理，您无权进入。")
    return selectors.person_for(viewer=viewer, pk=person_id)


def _registered_units() -> Any:
    from wenshu.org.models import Unit

    return Unit.objects.filter(status=Unit.Status.REGISTERED).order_by("id")


@login_required
def people_view(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    if not viewer.has_role(Role.UNIT_ADMIN, Role.CITY_ADMIN):
        raise Forbidden("人员管理由单位系统管理员和市数字办办理，您无权进入。")
    city = viewer.has_role(Role.CITY_ADMIN)
    form = PeopleFilterForm(
        request.GET or None,
        units=_registered_units() if city else None,
        status_choices=User.Status.choices,
    )
    filters: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    people = selectors.people_for(
        viewer=viewer,
        q=filters.get("q", ""),
        status=filters.get("status", ""),
        unit_id=getattr(filters.get("unit"), "pk", None),
    )
    return render(
        request, "accounts/pages/people.html", {"form": form, "page": page_of(request, people)}
    )


def _role_rows(viewer: Any, person: User) -> list[dict[str, Any]]:
    """Every role the viewer may grant or revoke for this person, with whether it is held."""
    rows = []
    for role in Role:
        if role not in UNIT_ROLES and role not in person.role_set:
            continue
        rows.append(
            {
                "role": role.value,
                "label": ROLE_LABELS[role],
                "held": role in person.role_set,
                "manageable": services.may_manage_role(viewer, person, role),
            }
        )
    return rows


def _person_context(
    request: HttpRequest, person: User, form: FilingForm | None = None
) -> dict[str, Any]:
    viewer = viewer_of(request)
    departments = person.unit.departments.filter(is_active=True)
    initial = {
        "real_name": person.real_name,
        "department": person.department,
        "post": person.post,
        "duties": person.duties,
        "mobile": person.mobile,
    }
    return {
        "person": person,
        "form": form or FilingForm(initial=initial, departments=departments),
        "roles": _role_rows(viewer, person),
        "close_form": CloseForm(),
        "is_self": viewer.pk == person.pk,
    }


@login_required
def person_view(request: HttpRequest, person_id: int) -> HttpResponse:
    person = _person(request, person_id)
    form = None
    if request.method == "POST":
        form = FilingForm(request.POST, departments=person.unit.departments.filter(is_active=True))
        if form.is_valid():
            data = form.cleaned_data
            filing = services.Filing(
                real_name=data["real_name"],
                department_id=getattr(data["department"], "pk", None),
                post=data["post"],
                duties=data["duties"],
                mobile=data["mobile"],
            )
            try:
                services.person_update(actor=viewer_of(request), person=person, filing=filing)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "备案信息已保存。")
                return redirect("accounts:person", person_id=person.pk)
    context = _person_context(request, person, form)
    return render(
        request, "accounts/pages/person.html", context, status=400 if form and form.errors else 200
    )


@require_POST
@login_required
def person_role_view(request: HttpRequest, person_id: int) -> HttpResponse:
    person = _person(request, person_id)
    role, action = request.POST.get("role", ""), request.POST.get("action", "")
    if action == "grant":
        services.role_grant(actor=viewer_of(request), user=person, role=role)
        messages.success(request, f"已授予“{ROLE_LABELS[Role(role)]}”。")
    elif action == "revoke":
        services.role_revoke(actor=viewer_of(request), user=person, role=role)
        messages.success(request, f"已撤销“{ROLE_LABELS[Role(role)]}”。")
    else:
        raise DomainError("请求不完整：请选择授予或撤销。")
    return redirect("accounts:person", person_id=person.pk)


@require_POST
@login_required
def person_reset_view(request: HttpRequest, person_id: int) -> HttpResponse:
    person = _person(request, person_id)
    raw = services.password_reset(actor=viewer_of(request), user=person)
    return render_secret(
        request,
        {
            "title": "已恢复初始密码",
            "secret": raw,
            "back_url": "accounts:person",
            "back_id": person.pk,
            "lead": f"{person.real_name}（{person.username}）的初始密码如下，只显示这一次。"
            "请当面或以机要方式交给本人；本人登录后必须立即修改。",
            "hint": "该人员原有的登录会话已全部结束。",
        },
    )


@require_POST
@login_required
def person_close_view(request: HttpRequest, person_id: int) -> HttpResponse:
    person = _person(request, person_id)
    form = CloseForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    decision = services.account_request_close(
        actor=viewer_of(request), person=person, reason=reason
    )
    if decision.request.status == decision.request.Status.APPROVED:
        messages.success(request, "账号已注销。")
    else:
        messages.success(request, "注销申请已提交，待市数字办审批。")
    return redirect("accounts:request", request_id=decision.request.pk)
