"""Cross-cutting request handling: security headers, the audit context, domain errors."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from wenshu.audit.context import audit_context
from wenshu.audit.services import audit_refusal
from wenshu.lib.errors import DomainError


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


class DomainErrorMiddleware:
    """A refused business rule becomes a page with its message and a 4xx, and is audited."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

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
        template = (
            "web/partials/error.html" if getattr(request, "htmx", False) else "web/pages/error.html"
        )
        response = TemplateResponse(
            request, template, {"message": exc.message, "status": exc.status}, status=exc.status
        )
        return response.render()
