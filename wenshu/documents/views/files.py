"""The PDF (draft preview with "草稿", or the sealed one), the sealed package, the files."""

from __future__ import annotations

import re

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse

from wenshu.documents import rendering, selectors
from wenshu.documents.models import Document
from wenshu.documents.views._base import AuthedRequest, file_response
from wenshu.files.responses import download_response
from wenshu.lib.errors import NotFound

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def safe_name(document: Document, suffix: str) -> str:
    """A file name for the document: its number (or id) and title, safe on every system."""
    stem = _UNSAFE.sub("_", document.doc_number or f"公文{document.pk}").strip() or "公文"
    return f"{stem}{suffix}"


@login_required
def pdf(request: AuthedRequest, pk: int) -> HttpResponse:
    """The sealed PDF for the sender unit; before sealing, a preview marked 草稿."""
    document = selectors.document_for_reader(viewer=request.user, document_id=pk)
    if document.sealed_at is not None:
        document = selectors.document_for_viewer(viewer=request.user, document_id=pk)
        return file_response(
            selectors.sealed_pdf(document=document),
            safe_name(document, ".pdf"),
            "application/pdf",
            inline=True,
        )
    data = rendering.draft_pdf(document)
    return file_response(data, safe_name(document, "-草稿.pdf"), "application/pdf", inline=True)


@login_required
def package(request: AuthedRequest, pk: int) -> HttpResponse:
    document = selectors.document_for_viewer(viewer=request.user, document_id=pk)
    data = selectors.package_bytes(document=document)
    return file_response(data, safe_name(document, ".zip"), "application/zip")


@login_required
def original(request: AuthedRequest, pk: int) -> HttpResponse:
    document = selectors.document_for_reader(viewer=request.user, document_id=pk)
    original = document.body_original
    if original is None:
        raise NotFound("该公文的正文不是由 Word 文件上传的。")
    return download_response(upload=original)


@login_required
def attachment_download(request: AuthedRequest, pk: int, attachment_id: int) -> HttpResponse:
    document = selectors.document_for_reader(viewer=request.user, document_id=pk)
    attachment = (
        document.attachments.select_related("upload__stored_file")
        .filter(pk=attachment_id, paper_only=False)
        .first()
    )
    if attachment is None or attachment.upload is None:
        raise NotFound("找不到该附件，或它是纸质附件。")
    return download_response(upload=attachment.upload)
