"""The search page: a box, filters, and a page of highlighted results."""

from __future__ import annotations

from typing import cast

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from wenshu.accounts.models import User
from wenshu.org.selectors import units_in_directory
from wenshu.search import selectors
from wenshu.search.forms import SearchForm


def _page_number(raw: str | None) -> int:
    return int(raw) if raw and raw.isdigit() else 1


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    viewer = cast(User, request.user)  # login_required: never anonymous here
    form = SearchForm(request.GET or None, units=units_in_directory(viewer=viewer))
    result = None
    if form.is_valid() and form.cleaned_data.get("q", "").strip():
        data = form.cleaned_data
        result = selectors.search(
            viewer=viewer,
            q=data["q"],
            kind=data.get("kind") or "",
            unit_id=getattr(data.get("unit"), "pk", None),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            page=_page_number(request.GET.get("page")),
        )
    return render(request, "search/pages/index.html", {"form": form, "result": result})
