"""What every documents page shares."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest, HttpResponse

if TYPE_CHECKING:
    from wenshu.accounts.models import User

    class AuthedRequest(HttpRequest):
        """A request behind login_required: `user` is a real person."""

        user: User
else:
    AuthedRequest = HttpRequest

PAGE_SIZE = 50


def file_response(
    data: bytes, filename: str, content_type: str, *, inline: bool = False
) -> HttpResponse:
    from django.utils.http import content_disposition_header

    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = (
        content_disposition_header(not inline, filename) or "attachment"
    )
    response["Content-Length"] = str(len(data))
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
