"""One JSON error shape for the whole API: {"error": code, "message": 中文说明, ...}."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from wenshu.audit.services import audit_refusal
from wenshu.lib.errors import DomainError


def _json(
    api: NinjaAPI, request: HttpRequest, status: int, code: str, message: str, **extra: Any
) -> HttpResponse:
    return api.create_response(request, {"error": code, "message": message, **extra}, status=status)


def install(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        user = getattr(request, "auth", None)
        if exc.status != 404:
            audit_refusal(
                actor=user if getattr(user, "pk", None) else None,
                action="api.refused",
                message=exc.message,
                details={"path": request.path[:200], "method": request.method or ""},
            )
        return _json(api, request, exc.status, exc.code, exc.message)

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return _json(api, request, 422, "validation", "请求数据不符合要求", detail=exc.errors)

    @api.exception_handler(DjangoValidationError)
    def django_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        return _json(api, request, 400, "invalid", "；".join(exc.messages))

    @api.exception_handler(AuthenticationError)
    def auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return _json(api, request, 401, "unauthenticated", "请先登录，或提供有效的 API 令牌。")

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return _json(api, request, 404, "not_found", "找不到该记录，或您无权查看。")

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return _json(api, request, 403, "forbidden", "您没有权限进行此操作。")

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        messages = {
            400: "请求格式不正确（例如 JSON 无法解析）。",
            403: "请求被拒绝：缺少有效的 CSRF 令牌（浏览器会话调用须带 X-CSRFToken），或无权操作。",
            405: "该接口不支持此请求方法。",
        }
        message = messages.get(exc.status_code, str(exc))
        return _json(api, request, exc.status_code, "http_error", message)
