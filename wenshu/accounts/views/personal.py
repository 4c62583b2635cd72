"""Pages every person has: profile, login history, personal API tokens."""

from __future__ import annotations

from datetime import date, datetime, time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from wenshu.accounts import selectors, services
from wenshu.accounts.forms import ProfileForm, TokenForm
from wenshu.accounts.views.common import page_of, render_secret, viewer_of
from wenshu.lib.errors import DomainError


@login_required
def profile_view(request: HttpRequest) -> HttpResponse:
    person = viewer_of(request)
    initial = {
        f: getattr(person, f)
        for f in ("mobile", "office_phone", "share_mobile", "notify_sms", "notify_inapp")
    }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_update(
                actor=person, choices=services.ProfileChoices(**form.cleaned_data)
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "个人资料已保存。")
            return redirect("accounts:profile")
    context = {"person": person, "form": form, "due": services.password_change_due(person)}
    return render(
        request, "accounts/pages/profile.html", context, status=400 if form.errors else 200
    )


@login_required
def login_history_view(request: HttpRequest) -> HttpResponse:
    attempts = selectors.login_history(viewer=viewer_of(request), person=viewer_of(request))
    return render(
        request, "accounts/pages/login_history.html", {"page": page_of(request, attempts)}
    )


def _end_of_day(day: date | None) -> datetime | None:
    if day is None:
        return None
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))


@login_required
def tokens_view(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = services.api_token_create(
                actor=viewer_of(request),
                name=form.cleaned_data["name"],
                expires_at=_end_of_day(form.cleaned_data["expires_on"]),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return render_secret(
                request,
                {
                    "title": "API 令牌已创建",
                    "secret": raw,
                    "back_url": "accounts:tokens",
                    "lead": f"令牌“{token.name}”已创建。请立即复制保存：离开本页后将无法再次查看。",
                    "hint": "调用接口时在请求头中携带：Authorization: Bearer <令牌>",
                },
                status=201,
            )
    tokens = selectors.api_tokens_for(viewer=viewer_of(request))
    context = {"form": form, "tokens": tokens, "now": timezone.now()}
    return render(
        request, "accounts/pages/tokens.html", context, status=400 if form.errors else 200
    )


@require_POST
@login_required
def token_revoke_view(request: HttpRequest, token_id: int) -> HttpResponse:
    services.api_token_revoke(actor=viewer_of(request), token_id=token_id)
    messages.success(request, "令牌已吊销。")
    return redirect("accounts:tokens")
