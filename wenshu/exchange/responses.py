"""The package download response, shared by the page and the API route."""

from __future__ import annotations

from django.http import HttpResponse

from wenshu.documents.models import Document


def package_response(data: bytes, document: Document) -> HttpResponse:
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="wenshu-document-{document.pk}.zip"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
