"""The security administrator's console (安全保密管理员): password policy, city roles,
locked accounts. The audit administrator's login-history search sits here too, behind
its own console guard. Every other person is refused (三员分立)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from wenshu.accounts import selectors, services
from wenshu.accounts.forms import CityRoleForm, LoginSearchForm, PolicyForm
from wenshu.accounts.roles import CITY_ROLES, ROLE_LABELS, Role
from wenshu.accounts.views.common import console, page_of, viewer_of
from wenshu.lib.errors import DomainError


@console(Role.SECURITY_ADMIN)
def security_index_view(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    context = {
        "policy": services.password_policy(),
        "locked_count": selectors.locked_accounts(viewer=viewer, now=timezone.now()).count(),
        "holders_count": selectors.city_role_holders(viewer=viewer).count(),
    }
    return render(request, "accounts/pages/security_index.html", context)


@console(Role.SECURITY_ADMIN)
def security_policy_view(request: HttpRequest) -> HttpResponse:
    policy = services.password_policy()
    form = PolicyForm(request.POST or None, instance=policy)
    if request.method == "POST" and form.is_valid():
        values = {f: form.cleaned_data[f] for f in services.POLICY_FIELDS}
        try:
            services.password_policy_update(actor=viewer_of(request), values=values)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "密码策略已保存，自下次设置或修改密码时起执行。")
            return redirect("accounts:security_policy")
    return render(
        request,
        "accounts/pages/security_policy.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@console(Role.SECURITY_ADMIN)
def security_roles_view(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    form = CityRoleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = selectors.person_by_username(
                viewer=viewer, username=form.cleaned_data["username"]
            )
            services.role_grant(actor=viewer, user=person, role=form.cleaned_data["role"])
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                f"已授予{person.display_name}“{ROLE_LABELS[Role(form.cleaned_data['role'])]}”。",
            )
            return redirect("accounts:security_roles")
    holders = selectors.city_role_holders(viewer=viewer)
    rows = [
        (p, sorted((r for r in p.role_set if r in CITY_ROLES), key=list(Role).index))
        for p in holders
    ]
    return render(
        request,
        "accounts/pages/security_roles.html",
        {"form": form, "rows": rows},
        status=400 if form.errors else 200,
    )


@console(Role.SECURITY_ADMIN)
@require_POST
def security_role_revoke_view(request: HttpRequest, person_id: int) -> HttpResponse:
    person = selectors.person_for(viewer=viewer_of(request), pk=person_id)
    role = request.POST.get("role", "")
    services.role_revoke(actor=viewer_of(request), user=person, role=role)
    messages.success(request, f"已撤销{person.display_name}的“{ROLE_LABELS[Role(role)]}”。")
    return redirect("accounts:security_roles")


@console(Role.SECURITY_ADMIN)
def security_locked_view(request: HttpRequest) -> HttpResponse:
    locked = selectors.locked_accounts(viewer=viewer_of(request), now=timezone.now())
    return render(
        request, "accounts/pages/security_locked.html", {"page": page_of(request, locked)}
    )


@console(Role.SECURITY_ADMIN)
@require_POST
def security_unlock_view(request: HttpRequest, person_id: int) -> HttpResponse:
    person = selectors.person_for(viewer=viewer_of(request), pk=person_id)
    services.account_unlock(actor=viewer_of(request), user=person)
    messages.success(request, f"已解锁{person.display_name}的账号。")
    return redirect("accounts:security_locked")


def _day_start(day: Any) -> datetime | None:
    return timezone.make_aware(datetime.combine(day, time.min)) if day else None


@console(Role.AUDIT_ADMIN)
def audit_login_history_view(request: HttpRequest) -> HttpResponse:
    form = LoginSearchForm(request.GET or None)
    data: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    until = _day_start(data.get("until"))
    attempts = selectors.login_attempts_search(
        viewer=viewer_of(request),
        username=data.get("username", ""),
        ip=data.get("ip", ""),
        result=data.get("result", ""),
        since=_day_start(data.get("since")),
        until=until + timedelta(days=1) if until else None,
    )
    return render(
        request,
        "accounts/pages/audit_login_history.html",
        {"form": form, "page": page_of(request, attempts)},
    )
