from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from wenshu.lib.errors import DomainError

if TYPE_CHECKING:
    from wenshu.accounts.models import User

    class AuthedRequest(HttpRequest):
        """A request behind login_required: `user` is a real person, not AnonymousUser."""

        user: User
else:
    AuthedRequest = HttpRequest
    User = Any


def attempt(form: forms.Form, call: Callable[[], Any]) -> Any:
    """Run a service; a refusal becomes the form's message (what was typed stays).
    Returns the service's result, or None when it was refused."""
    try:
        return call()
    except DomainError as exc:
        form.add_error(None, exc.message)
        return None


def page(
    request: HttpRequest, template: str, context: dict[str, Any], *forms_: forms.Form | None
) -> HttpResponse:
    """Render with 400 when a submitted form carries errors (tests and scripts can tell)."""
    refused = request.method == "POST" and any(f is not None and f.errors for f in forms_)
    return render(request, f"org/pages/{template}", context, status=400 if refused else 200)


def form_page(
    request: HttpRequest,
    *,
    title: str,
    form: forms.Form,
    submit: str,
    back: str,
    lead: str = "",
    extra: dict[str, Any] | None = None,
    template: str = "form.html",
) -> HttpResponse:
    context = {
        "title": title,
        "form": form,
        "submit": submit,
        "back": back,
        "lead": lead,
        **(extra or {}),
    }
    return page(request, template, context, form)
