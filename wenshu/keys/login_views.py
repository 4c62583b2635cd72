"""The second login step page and its WebAuthn JSON endpoints (static/keys/webauthn.js)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from wenshu.keys import login
from wenshu.keys.forms import TotpCodeForm
from wenshu.keys.login import SecondFactorRefused
from wenshu.keys.views import _json_body
from wenshu.lib.errors import DomainError


def _restart(request: HttpRequest, exc: SecondFactorRefused) -> HttpResponse:
    messages.error(request, exc.message)
    return redirect("accounts:login")


@never_cache
def login_step(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("web:workbench")
    try:
        choice = login.login_choice(request)
    except SecondFactorRefused as exc:
        return _restart(request, exc)
    if choice.blocked_message:
        login.refuse_blocked(request, choice)
        return render(
            request,
            "keys/pages/login_blocked.html",
            {"message": choice.blocked_message},
            status=403,
        )
    form, error, status = TotpCodeForm(), "", 200
    if request.method == "POST":
        try:
            return redirect(login.totp_finish(request=request, code=request.POST.get("code", "")))
        except SecondFactorRefused as exc:
            if exc.restart:
                return _restart(request, exc)
            error, status = exc.message, exc.status
    return render(
        request,
        "keys/pages/login_step.html",
        {"choice": choice, "form": form, "error": error},
        status=status,
    )


def _json_refusal(exc: DomainError) -> JsonResponse:
    restart = isinstance(exc, SecondFactorRefused) and exc.restart
    body = {"error": exc.code, "message": exc.message, "restart": restart}
    if restart:
        body["redirect"] = reverse("accounts:login")
    return JsonResponse(body, status=exc.status)


@require_POST
def login_webauthn_options(request: HttpRequest) -> JsonResponse:
    try:
        return JsonResponse(login.webauthn_begin(request=request))
    except DomainError as exc:
        return _json_refusal(exc)


@require_POST
def login_webauthn_verify(request: HttpRequest) -> JsonResponse:
    try:
        body = _json_body(request)
        url = login.webauthn_finish(request=request, credential=body.get("credential"))
    except DomainError as exc:
        return _json_refusal(exc)
    return JsonResponse({"ok": True, "redirect": url})
