"""Reads of uploads, always for a viewer.

Who may open an attachment is decided by the module that holds it (a mail, a document, a
library folder): that module checks access to its own object and then calls
services.file_open_verified. Here are only the reads that belong to the uploader, e.g. an API
client that uploads first and then names the upload when it creates a mail.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from wenshu.files.models import Upload
from wenshu.lib.errors import NotFound


def uploads_of(*, viewer: Any) -> QuerySet[Upload]:
    """The viewer's own uploads, newest first."""
    return Upload.objects.filter(uploaded_by_id=viewer.pk).select_related("stored_file")


def upload_get_own(*, viewer: Any, upload_id: int) -> Upload:
    """One of the viewer's own uploads; anybody else's (or none) is a 404."""
    upload = uploads_of(viewer=viewer).filter(pk=upload_id).first()
    if upload is None:
        raise NotFound("找不到该上传文件，或它不是您上传的。")
    return upload
