"""Helpers shared by the account pages: console guards, paging, secrets shown once."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from wenshu.accounts.models import User
from wenshu.accounts.roles import Role
from wenshu.lib.errors import Forbidden

View = Callable[..., HttpResponse]

CONSOLE_NAMES = {
    Role.SECURITY_ADMIN: "安全保密管理员",
    Role.AUDIT_ADMIN: "安全审计员",
}


def viewer_of(request: HttpRequest) -> User:
    """The logged-in person (every view using this is behind login_required)."""
    return cast(User, request.user)


def console(role: Role) -> Callable[[View], View]:
    """Each separated administrator works only in their own console (三员分立)."""

    def decorate(view: View) -> View:
        @login_required
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not viewer_of(request).has_role(role):
                raise Forbidden(f"这是{CONSOLE_NAMES[role]}的控制台，您无权进入（三员分立）。")
            return view(request, *args, **kwargs)

        return guarded

    return decorate


def page_of(request: HttpRequest, items: QuerySet[Any], per_page: int = 50) -> Page:
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def render_secret(request: HttpRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    """A page that carries a one-time secret: never cached, never stored."""
    response = render(request, "accounts/pages/once_secret.html", context, status=status)
    add_never_cache_headers(response)
    return response
