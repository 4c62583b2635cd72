"""One JSON error shape for the whole API: {"error": code, "message": 中文说明, "detail": ...}.

`detail` is what ninja and most API clients look for: the message again, or for a request
that does not match the schema the list of pydantic errors. Every class of bad input has a
handler here, so a malformed request is a 4xx and never a 500 (the API fuzz test,
wenshu/web/tests/test_api_fuzz.py, holds every operation to that).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.signals import got_request_exception
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.http.multipartparser import MultiPartParserError
from django.urls import URLPattern, URLResolver
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from wenshu.audit.services import audit_refusal
from wenshu.lib.errors import DomainError

logger = logging.getLogger("django.request")

HTTP_MESSAGES = {
    400: "请求格式不正确（例如 JSON 无法解析）。",
    403: "请求被拒绝：缺少有效的 CSRF 令牌（浏览器会话调用须带 X-CSRFToken），或无权操作。",
    405: "该接口不支持此请求方法。",
}
INVALID_VALUE = "请求中有超出允许范围或含非法字符的值。"


def _json(
    api: NinjaAPI, request: HttpRequest, status: int, code: str, message: str, **extra: Any
) -> HttpResponse:
    body = {"error": code, "message": message, "detail": message, **extra}
    return api.create_response(request, body, status=status)


def _validation_detail(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # pydantic's `ctx` may hold objects JSON cannot carry (exceptions, dates, patterns): text.
    detail = []
    for error in errors:
        item = dict(error)
        if isinstance(item.get("ctx"), dict):
            item["ctx"] = {key: _plain(value) for key, value in item["ctx"].items()}
        detail.append(item)
    return detail


def _plain(value: Any) -> Any:
    return value if isinstance(value, str | int | float | bool) or value is None else str(value)


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
        detail = _validation_detail(list(exc.errors))
        return _json(api, request, 422, "validation", "请求数据不符合要求", detail=detail)

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
        message = HTTP_MESSAGES.get(exc.status_code, str(exc))
        return _json(api, request, exc.status_code, "http_error", message)

    @api.exception_handler(MultiPartParserError)
    def multipart_error(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
        message = "上传数据无法解析：请以 multipart/form-data 提交，并带上正确的 boundary。"
        return _json(api, request, 400, "bad_upload", message)

    @api.exception_handler(SuspiciousOperation)
    def suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
        # Django's own request limits (body too large, too many fields or files).
        if isinstance(exc, RequestDataTooBig):
            return _json(api, request, 413, "too_large", "请求数据过大。")
        return _json(api, request, 400, "bad_request", "请求格式不正确。")

    @api.exception_handler(DataError)
    def data_error(request: HttpRequest, exc: DataError) -> HttpResponse:
        # The database refused a value the schema let through (a number out of the column's
        # range, a NUL character in text): the request is wrong, not the server.
        return _json(api, request, 400, "invalid_value", INVALID_VALUE)

    @api.exception_handler(OverflowError)
    def overflow(request: HttpRequest, exc: OverflowError) -> HttpResponse:
        # SQLite's driver refuses integers past 64 bits before the query runs (a foreign-key
        # lookup such as document_id=2**64 is not range-checked by Django).
        return _json(api, request, 400, "invalid_value", INVALID_VALUE)

    @api.exception_handler(Exception)
    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        # Still a bug: logged (and re-raised by Django's test client through the signal),
        # but the caller gets the same JSON shape as for every other error.
        logger.error(
            "Internal Server Error: %s", request.path, exc_info=exc, extra={"request": request}
        )
        got_request_exception.send(sender=None, request=request)
        message = "系统内部错误，已记录。请稍后重试，或联系市数字办。"
        return _json(api, request, 500, "server_error", message)


def json_not_allowed(
    api: NinjaAPI, patterns: list[URLPattern | URLResolver]
) -> list[URLPattern | URLResolver]:
    """Ninja answers a method a path does not have with a plain-text 405 of its own, outside
    every exception handler: give those the JSON shape too (the Allow header is kept)."""
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = _json_405(api, pattern.callback)
    return patterns


def _json_405(api: NinjaAPI, view: Callable[..., HttpResponseBase]) -> Callable[..., Any]:
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        if response.status_code != 405 or response.get("Content-Type", "").startswith(
            "application/json"
        ):
            return response
        refused = _json(api, request, 405, "method_not_allowed", HTTP_MESSAGES[405])
        refused["Allow"] = response.get("Allow", "")
        return refused

    return wrapped
