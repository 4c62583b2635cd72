from __future__ import annotations

import time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from wenshu.accounts import selectors, services
from wenshu.accounts.forms import LoginForm, PasswordChangeForm
from wenshu.accounts.login_steps import PENDING_SESSION_KEY, second_factor_url
from wenshu.lib.errors import DomainError


def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("web:workbench")
    form = LoginForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            ok = services.login_password(
                request=request, username=form.cleaned_data["username"], password=form.cleaned_data["password"]
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


@login_required
def password_change_view(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(
                user=request.user, old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            from django.contrib.auth import update_session_auth_hash

            request.user.refresh_from_db()
            update_session_auth_hash(request, request.user)
            messages.success(request, "密码已修改。")
            return redirect("web:workbench")
    forced = request.user.must_change_password
    return render(request, "accounts/pages/password_change.html", {"form": form, "forced": forced},
                  status=400 if form.errors else 200)


@login_required
def profile_view(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/pages/profile.html", {"person": request.user})


@login_required
def login_history_view(request: HttpRequest) -> HttpResponse:
    attempts = selectors.login_history(viewer=request.user, person=request.user)[:100]
    return render(request, "accounts/pages/login_history.html", {"attempts": attempts})
