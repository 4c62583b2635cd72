"""Helpers every equipment page shares: the typed request, and the form-page round trip that
shows a refused rule on the same page with what was typed kept."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from wenshu.lib.errors import DomainError

if TYPE_CHECKING:
    from wenshu.accounts.models import User

    class AuthedRequest(HttpRequest):
        """A request behind login_required: `user` is a real person."""

        user: User
else:
    AuthedRequest = HttpRequest

PAGE_SIZE = 50


def form_page(
    request: AuthedRequest,
    *,
    form: forms.Form,
    title: str,
    run: Callable[[dict[str, Any]], Any],
    done: str,
    next_url: Callable[[Any], str],
    back: str,
    asset: Any = None,
    intro: str = "",
    submit: str = "提交",
    multipart: bool = False,
) -> HttpResponse:
    """GET shows the form; POST runs the service with the cleaned data and redirects, or shows
    the form again with the refusal and what was typed."""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                result = run(form.cleaned_data)
            except DomainError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                messages.success(request, done)
                return redirect(next_url(result))
        else:
            status = 400
    context = {
        "form": form,
        "title": title,
        "back": back,
        "asset": asset,
        "intro": intro,
        "submit": submit,
        "multipart": multipart,
    }
    return render(request, "assets/pages/form.html", context, status=status)


def post_or_page(
    request: AuthedRequest,
    *,
    form: forms.Form,
    run: Callable[[dict[str, Any]], Any],
    done: str,
    next_url: str,
    page: Callable[[dict[str, Any], int], HttpResponse],
    key: str,
) -> HttpResponse:
    """A form that sits on a detail page: success redirects back, a refusal re-renders the
    page with this form (under `key`) holding the message and the typed values."""
    status = 400
    if form.is_valid():
        try:
            run(form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
            status = exc.status
        else:
            messages.success(request, done)
            return redirect(next_url)
    return page({key: form}, status)


def decision(request: HttpRequest) -> bool | None:
    """The decision button pressed: approve, reject, or None when neither was sent."""
    value = request.POST.get("decision", "")
    return {"approve": True, "reject": False}.get(value)
