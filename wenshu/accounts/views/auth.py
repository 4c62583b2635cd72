"""Login, logout and the password change (forced after an initial password)."""

from __future__ import annotations

import time

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from wenshu.accounts import services
from wenshu.accounts.forms import LoginForm, PasswordChangeForm
from wenshu.accounts.login_steps import PENDING_SESSION_KEY, second_factor_url
from wenshu.accounts.models import PasswordPolicy
from wenshu.accounts.views.common import viewer_of
from wenshu.lib.errors import DomainError


@never_cache
@sensitive_post_parameters("password")
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("web:workbench")
    form = LoginForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            ok = services.login_password(
                request=request,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
            status = exc.status if exc.status != 404 else 400
        else:
            next_url = second_factor_url(ok.user)
            if next_url:
                request.session.cycle_key()
                request.session[PENDING_SESSION_KEY] = {"user_id": ok.user.pk, "at": time.time()}
                return redirect(next_url)
            services.login_complete(request=request, user=ok.user)
            return redirect("web:workbench")
    elif request.method == "POST":
        status = 400
    return render(request, "accounts/pages/login.html", {"form": form}, status=status)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    services.session_logout(request=request)
    messages.info(request, "您已安全退出。")
    return redirect("accounts:login")


@never_cache
@sensitive_post_parameters("old_password", "new_password", "new_password2")
@login_required
def password_change_view(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    user = viewer_of(request)
    if request.method == "POST" and form.is_valid():
        old_key = request.session.session_key
        try:
            services.password_change(
                user=user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
                keep_session_key=old_key,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            user.refresh_from_db()
            update_session_auth_hash(request, user)  # stays logged in; the key is cycled
            services.session_rekey(old_key=old_key, new_key=request.session.session_key)
            messages.success(request, "密码已修改。")
            return redirect("web:workbench")
    context = {
        "form": form,
        "forced": user.must_change_password,
        "policy_rules": policy_rules(services.password_policy()),
        "due": services.password_change_due(user),
    }
    return render(
        request, "accounts/pages/password_change.html", context, status=400 if form.errors else 200
    )


def policy_rules(policy: PasswordPolicy) -> list[str]:
    """The current policy in plain words, shown next to the password form."""
    length = (
        f"{policy.min_length}–{policy.max_length} 位"
        if policy.max_length
        else f"至少 {policy.min_length} 位"
    )
    kinds = [
        name
        for flag, name in (
            (policy.require_letter, "字母"),
            (policy.require_digit, "数字"),
            (policy.require_symbol, "符号"),
        )
        if flag
    ]
    rules = [f"长度{length}"]
    if kinds:
        rules.append("须同时包含" + "、".join(kinds))
    if not policy.allow_symbols:
        rules.append("只能使用字母和数字")
    rules.append("不能与用户名相同")
    if policy.history_count:
        rules.append(f"不能与最近 {policy.history_count} 次用过的密码相同")
    return rules
