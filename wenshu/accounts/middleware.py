"""Per-request account rules: a forced password change blocks everything else."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect

# Paths a person who must change the password can still reach (pages and their API twins).
_ALLOWED_PREFIXES = (
    "/accounts/password/",
    "/accounts/logout/",
    "/static/",
    "/healthz",
    "/api/v1/accounts/password",
    "/api/v1/accounts/logout",
    "/api/v1/accounts/me",
)


class AccountStateMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and getattr(user, "must_change_password", False)
            and not request.path.startswith(_ALLOWED_PREFIXES)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {
                        "error": "password_change_required",
                        "message": "请先修改初始密码后再使用系统。",
                    },
                    status=403,
                )
            return redirect("accounts:password_change")
        return self.get_response(request)
