"""Handing a stored upload to the browser, after the caller checked the viewer may have it."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header

from wenshu.files.models import Upload
from wenshu.files.services import file_open_verified

# Only these may open in the browser; everything else is offered as a download.
INLINE_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg", "image/gif"})


def download_response(*, upload: Upload, inline: bool = False) -> HttpResponse:
    """The file's bytes (SM3 checked: a changed file is refused with a DomainError)."""
    data = file_open_verified(stored_file=upload.stored_file)
    content_type = upload.stored_file.content_type
    response = HttpResponse(data, content_type=content_type)
    as_attachment = not (inline and content_type in INLINE_TYPES)
    response["Content-Disposition"] = (
        content_disposition_header(as_attachment, upload.name) or "attachment"
    )
    response["Content-Length"] = str(len(data))
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
