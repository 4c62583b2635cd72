"""`manage.py files_verify`: check every stored file against its recorded SM3 hash.

For the system administrator after a restore, a storage migration, or on a schedule. Each
missing or changed file is listed and raises a security alert (the same as a refused
download); the command exits non-zero when any file failed.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from wenshu.files.models import StoredFile
from wenshu.files.services import file_open_verified
from wenshu.lib.errors import DomainError


class Command(BaseCommand):
    help = "逐个核对已存储文件的 SM3 校验值，列出丢失或被改动的文件。"

    def handle(self, *args: Any, **options: Any) -> None:
        checked, failed = 0, []
        for stored in StoredFile.objects.order_by("pk").iterator(chunk_size=500):
            checked += 1
            try:
                file_open_verified(stored_file=stored)
            except DomainError as exc:
                failed.append(f"{stored.storage_name}：{exc.message}")
        for line in failed:
            self.stderr.write(line)
        summary = f"共核对 {checked} 个文件，{len(failed)} 个有问题。"
        if failed:
            raise CommandError(summary + "已向安全保密管理员发出告警，请从备份恢复这些文件。")
        self.stdout.write(self.style.SUCCESS(summary))
