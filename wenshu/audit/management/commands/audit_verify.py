"""python manage.py audit_verify — walk the audit chain end to end.

Exit 0 when intact, 1 when broken. The last line is machine-readable:
    AUDIT_CHAIN OK rows_checked=N base_seq=B head_seq=H
    AUDIT_CHAIN BROKEN kind=changed|deleted|inserted|reordered seq=S id=I rows_checked=N head_seq=H
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from wenshu.audit.services import chain_verification_run
from wenshu.audit.verify import chain_verify, report_of


class Command(BaseCommand):
    help = "校验审计日志哈希链，指出第一条被修改、删除、插入或调换顺序的记录。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-record",
            action="store_true",
            help="只校验：不保存校验结果，也不告警（默认保存结果，失败时向安全保密管理员告警）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["no_record"]:
            report = chain_verify()
        else:
            report = report_of(chain_verification_run(actor=None))
        style = self.style.SUCCESS if report.ok else self.style.ERROR
        self.stdout.write(style(report.summary()))
        self.stdout.write(report.machine_line())
        if not report.ok:
            raise SystemExit(1)
