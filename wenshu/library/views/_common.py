"""Helpers of the library pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from wenshu.files.models import Upload
from wenshu.lib.errors import DomainError

if TYPE_CHECKING:
    from wenshu.accounts.models import User

    class AuthedRequest(HttpRequest):
        user: User
else:
    AuthedRequest = HttpRequest

PAGE_SIZE = 30


def attempt(form: forms.Form, call: Callable[[], Any]) -> Any:
    """Run a service; a refusal becomes the form's message (what was typed stays)."""
    try:
        return call()
    except DomainError as exc:
        form.add_error(None, exc.message)
        return None


def page(
    request: HttpRequest, template: str, context: dict[str, Any], *forms_: forms.Form | None
) -> HttpResponse:
    """Render; 400 when a submitted form carries errors (tests and scripts can tell)."""
    refused = request.method == "POST" and any(f is not None and f.errors for f in forms_)
    return render(request, f"library/pages/{template}", context, status=400 if refused else 200)


def paginate(request: HttpRequest, rows: Any) -> Page:
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def ingest(form: forms.Form, *, actor: Any) -> Upload | None:
    """The form's file through the files pipeline (virus scan, type, size, 密级标志), before
    any library transaction. None when no file was chosen or it was refused (the refusal is
    on the form)."""
    from wenshu.files.forms import ingest_form_files

    uploads = ingest_form_files(form, "file", actor=actor, purpose="library")
    return uploads[0] if uploads else None
