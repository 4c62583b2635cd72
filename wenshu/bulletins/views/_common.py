"""Helpers the bulletins pages share: the typed request, paging, downloads."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse

from wenshu.files.responses import download_response

if TYPE_CHECKING:
    from wenshu.accounts.models import User

    class AuthedRequest(HttpRequest):
        """A request behind login_required: `user` is a real person, not AnonymousUser."""

        user: User
else:
    AuthedRequest = HttpRequest

PAGE_SIZE = 30


def paged(request: HttpRequest, rows: Any) -> dict[str, Any]:
    """{"page": the requested page, "query": the other GET parameters} for the pager."""
    query = request.GET.copy()
    query.pop("page", None)
    page: Page[Any] = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return {"page": page, "query": query.urlencode()}


def attachment_response(attachment: Any) -> HttpResponse:
    return download_response(upload=attachment.upload, inline=True)
