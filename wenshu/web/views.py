from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from wenshu.web import health
from wenshu.web.registry import counters_for


def index(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("web:workbench")
    return redirect("accounts:login")


@login_required
def workbench(request: HttpRequest) -> HttpResponse:
    return render(request, "web/pages/workbench.html", {"counters": counters_for(request.user)})


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    healthy, checks = health.run_checks(health.DEFAULT_CHECKS)
    body = {"status": "ok" if healthy else "unavailable", "checks": checks}
    return JsonResponse(body, status=200 if healthy else 503)


STATUS_MESSAGES = {
    400: "请求格式不正确，请返回上一页重试。",
    403: "您没有权限进行此操作。如页面已过期，请刷新后重试。",
    404: "找不到该页面或记录，或您无权查看。",
    405: "该接口不支持此请求方法。",
    413: "提交的内容过大。",
    500: "系统内部错误，已记录。请稍后重试，或联系市数字办。",
}


def api_error_for_status(status: int, message: str = "") -> JsonResponse:
    """The API's JSON error body for an HTTP status, with its Chinese message."""
    if not message:
        fallback = "服务暂时不可用，请稍后重试。" if status >= 500 else "请求无法处理。"
        message = STATUS_MESSAGES.get(status, fallback)
    body = {"error": str(status), "message": message, "detail": message}
    return JsonResponse(body, status=status)


def _error(request: HttpRequest, status: int, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return api_error_for_status(status, message)
    return render(
        request, "web/pages/error.html", {"status": status, "message": message}, status=status
    )


def bad_request(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return _error(request, 400, STATUS_MESSAGES[400])


def forbidden(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return _error(request, 403, STATUS_MESSAGES[403])


def not_found(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return _error(request, 404, STATUS_MESSAGES[404])


def server_error(request: HttpRequest) -> HttpResponse:
    return _error(request, 500, STATUS_MESSAGES[500])


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _error(request, 403, "页面已过期或来源不正确，请刷新页面后重新提交。")
