"""python manage.py audit_purge --before 2026-01-01 — delete audit rows older than a date.

For operators on the server (no page or API route does this). Refused for rows younger than
180 days (《网络安全法》第二十一条) and while the chain does not verify. The chain base moves
to the last deleted row, so audit_verify still passes; the purge itself is audited.
"""

from __future__ import annotations

import getpass
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from wenshu.audit.services import audit_purge, audit_refusal
from wenshu.lib.errors import DomainError


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(
            f"日期格式不正确：{value!r}，应为 YYYY-MM-DD，例如 2026-01-01。"
        ) from exc


class Command(BaseCommand):
    help = "清理某日期（北京时间零点）之前的审计记录；180 天内的记录不能清理。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--before", required=True, type=_date, help="清理此日期之前的记录（YYYY-MM-DD）"
        )
        parser.add_argument(
            "--operator", default="", help="操作人姓名，记入审计日志（默认为系统登录用户名）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        operator = (options["operator"] or _os_user())[:100]
        try:
            result = audit_purge(before=options["before"], operator=operator)
        except DomainError as exc:
            audit_refusal(
                actor=None,
                action="audit.purge_refused",
                message=exc.message,
                details={"before": options["before"].isoformat(), "operator": operator},
            )
            raise CommandError(exc.message) from exc
        day = f"{timezone.localtime(result.cutoff):%Y-%m-%d}"
        if result.deleted:
            self.stdout.write(
                self.style.SUCCESS(
                    f"已清理 {day} 之前的审计记录 {result.deleted} 条"
                    f"（序号 {result.from_seq}–{result.to_seq}），"
                    f"链起点移至第 {result.base_seq} 条之后。"
                )
            )
        else:
            self.stdout.write(f"{day} 之前没有可清理的审计记录。")


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
