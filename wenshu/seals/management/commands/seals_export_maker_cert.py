from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wenshu.seals.selectors import maker_certificates_pem


class Command(BaseCommand):
    help = "导出制章机构证书（PEM），供 python -m wenshu.verify --trust 离线验证使用。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", help="输出文件路径，如 wenshu-seal-maker.pem")

    def handle(self, *args: Any, **options: Any) -> None:
        pem = maker_certificates_pem()
        if not pem:
            raise CommandError("制章机构尚未建立（先运行 seals_init_maker 或制作第一枚印章）。")
        Path(options["out"]).write_text(pem, encoding="ascii")
        self.stdout.write(f"已写出 {pem.count('BEGIN CERTIFICATE')} 张证书到 {options['out']}")
