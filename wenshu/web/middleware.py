"""Cross-cutting request handling: security headers, the audit context, domain errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from wenshu.audit.context import audit_context
from wenshu.audit.services import audit_refusal
from wenshu.lib.errors import DomainError, NotFound
from wenshu.web.fields import is_id_out_of_range

NUL_MESSAGE = "提交的内容含有不可见的控制字符（NUL），请删除后重新提交。"


def client_ip(request: HttpRequest) -> str:
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()[:64]
    return str(request.META.get("REMOTE_ADDR", ""))[:64]


class ContentSecurityPolicyMiddleware:
    """Adds the CSP header (no inline script anywhere) and sets the audit context."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with audit_context(ip=client_ip(request)):
            response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response


def _has_nul(request: HttpRequest) -> bool:
    """A NUL byte anywhere a view could read text: path, query, form fields, file names.

    No person types one; PostgreSQL refuses it in text and the database error would be a 500.
    """
    if "\x00" in request.path:
        return True
    # Only a form's body is parsed here: a JSON body stays unread for the view that wants it.
    form = request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data")
    for data in (request.GET, request.POST) if form else (request.GET,):
        for key, values in data.lists():
            if "\x00" in key or any("\x00" in v for v in values if isinstance(v, str)):
                return True
    return form and any("\x00" in str(getattr(f, "name", "")) for f in request.FILES.values())


def _error_page(request: HttpRequest, exc: DomainError) -> HttpResponse:
    template = (
        "web/partials/error.html" if getattr(request, "htmx", False) else "web/pages/error.html"
    )
    response = TemplateResponse(
        request, template, {"message": exc.message, "status": exc.status}, status=exc.status
    )
    return response.render()


class DomainErrorMiddleware:
    """A refused business rule becomes a page with its message and a 4xx, and is audited.

    Before a page's view runs, a malformed request is refused the same way: an id in the URL
    beyond any database integer is a 404, a NUL byte in the input a 400. (The API validates
    its input itself, see web/api_errors.py.)
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        if request.path.startswith("/api/"):
            return None
        # An id in the URL beyond any database integer names no record (and would be an
        # OverflowError in the database).
        values = [*view_args, *view_kwargs.values()]
        if any(isinstance(v, int) and is_id_out_of_range(v) for v in values):
            return _error_page(request, NotFound())
        if _has_nul(request):
            return _error_page(request, DomainError(NUL_MESSAGE))
        return None

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if not isinstance(exc, DomainError):
            return None
        user = request.user if request.user.is_authenticated else None
        if exc.status != 404:
            audit_refusal(
                actor=user,
                action="request.refused",
                message=exc.message,
                details={"path": request.path[:200], "method": request.method or ""},
            )
        return _error_page(request, exc)


class ApiJsonErrorsMiddleware:
    """Every error under /api/ is JSON with a Chinese message, whatever produced it.

    Ninja's own errors are JSON already (web/api_errors.py). This catches what answers
    before or around it: an address that matches no route, Django's debug pages when
    WENSHU_DEBUG is on, a refusal from a middleware. The status is kept.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code >= 400
            and request.path.startswith("/api/")
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            from wenshu.web.views import api_error_for_status

            json_response = api_error_for_status(response.status_code)
            if response.has_header("Allow"):
                json_response["Allow"] = response["Allow"]
            return json_response
        return response
