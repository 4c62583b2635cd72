"""Handing a library version to the browser or an API client, for pages and API alike.

The bytes are checked against the SM3 hash recorded at upload on every download
(wenshu.files.services.file_open_verified); a changed or missing file is refused with a
message that says what happened and what to do, and the files app raises a security alert.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse

from wenshu.files.responses import download_response
from wenshu.lib.errors import DomainError
from wenshu.library import services
from wenshu.library.models import Item, Version

REFUSED_DOWNLOAD = (
    "该版本的文件内容与上传时登记的 SM3 校验值不符，可能已在存储中被改动或损坏，"
    "系统已拒绝下载，并已通知安全保密管理员。请联系系统管理员从备份恢复；"
    "其他版本如未受影响仍可下载。"
)
MISSING_DOWNLOAD = (
    "该版本的文件在存储中找不到，系统已拒绝下载，并已通知安全保密管理员。"
    "请联系系统管理员从备份恢复。"
)


def verified_download(*, actor: Any, item: Item, version: Version) -> HttpResponse:
    """The caller fetched item and version through the selectors (the viewer may read them)."""
    try:
        response = download_response(upload=version.upload)
    except DomainError as exc:
        if exc.code == "file_tampered":
            raise DomainError(REFUSED_DOWNLOAD, code="file_tampered") from exc
        if exc.code == "file_missing":
            raise DomainError(MISSING_DOWNLOAD, code="file_missing") from exc
        raise
    services.library_download_record(actor=actor, item=item, version=version)
    return response
