"""python manage.py search_rebuild — empty the full-text index and index everything again."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from wenshu.search.services import search_rebuild


class Command(BaseCommand):
    help = "重建全文检索索引（清空后重新索引公文、邮件、通知公告和文档库）。"

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        counts = search_rebuild()
        parts = "，".join(f"{kind} {n} 条" for kind, n in counts.items()) or "没有可索引的内容"
        took = time.monotonic() - started
        self.stdout.write(f"全文检索索引已重建：{parts}（用时 {took:.1f} 秒）。")
