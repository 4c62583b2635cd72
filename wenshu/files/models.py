"""Uploaded files: the content once (content-addressed by SM3), each upload of it separately.

``StoredFile`` is the bytes in storage, named by their SM3 hash, stored once however many
times the same content is uploaded; it never changes after it is written (a mismatch on read is
tampering, see services.file_open_verified). ``Upload`` is one person's upload of it under a
file name; documents, mail and the library point at Uploads.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils import timezone


def storage_name_for(sm3: str) -> str:
    """sm3/ab/cd/<sm3>: two levels of folders keep any one folder small."""
    return f"sm3/{sm3[:2]}/{sm3[2:4]}/{sm3}"


class StoredFile(models.Model):
    sm3 = models.CharField("SM3 校验值", max_length=64, unique=True)
    size = models.BigIntegerField("大小（字节）")
    content_type = models.CharField("类型", max_length=120)  # sniffed from the bytes
    storage_name = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField("首次上传时间", default=timezone.now)
    # The latest virus scan of this content (a re-upload scans it again with newer signatures).
    scanned_at = models.DateTimeField("病毒扫描时间")
    scanner_version = models.CharField("病毒库版本", max_length=200, blank=True)
    # Extracted once per content (capped), for search and the classification guard.
    text = models.TextField("提取的文字", blank=True)

    class Meta:
        verbose_name = "文件内容"
        constraints = (
            models.CheckConstraint(condition=Q(size__gte=0), name="files_storedfile_size_gte_0"),
            models.CheckConstraint(
                condition=Exact(Length("sm3"), 64), name="files_storedfile_sm3_len"
            ),
        )

    def __str__(self) -> str:
        return self.sm3


class Upload(models.Model):
    name = models.CharField("文件名", max_length=255)  # cleaned (types.clean_filename)
    stored_file = models.ForeignKey(
        StoredFile, verbose_name="文件内容", on_delete=models.PROTECT, related_name="uploads"
    )
    uploaded_by = models.ForeignKey(
        "accounts.User", verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "org.Unit", verbose_name="所属单位", on_delete=models.PROTECT, related_name="+"
    )
    # What it was uploaded for ("documents.attachment", "messaging.mail", "library" …).
    purpose = models.CharField("用途", max_length=60, blank=True)
    created_at = models.DateTimeField("上传时间", default=timezone.now)

    class Meta:
        verbose_name = "上传记录"
        ordering = ("-created_at", "-id")
        indexes = (models.Index(fields=["uploaded_by", "-created_at"], name="files_upload_by"),)

    def __str__(self) -> str:
        return self.name

    @property
    def size(self) -> int:
        return self.stored_file.size

    @property
    def content_type(self) -> str:
        return self.stored_file.content_type
