"""`manage.py load_demo_city [--if-empty]`: the demo city of 白银市 (see wenshu/ops/demo.py)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from wenshu.lib.errors import DomainError
from wenshu.ops import demo
from wenshu.org.models import Unit


class Command(BaseCommand):
    help = "载入白银市演示数据（单位、部门、分组和演示账号）；重复运行只补齐缺少的部分"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="库中已有任何单位时什么也不做（make run 使用）"
        )
        parser.add_argument(
            "--accounts-table", action="store_true", help="只输出 README 用的演示账号表，不写库"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["accounts_table"]:
            self.stdout.write(demo.accounts_markdown())
            return
        if options["if_empty"] and Unit.objects.exists():
            self.stdout.write("库中已有单位数据，未载入演示数据。")
            return
        try:
            result = demo.load_demo_city()
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        if result.nothing_new:
            self.stdout.write("演示数据已齐全，无需载入。")
            return
        self.stdout.write(
            f"已载入演示数据：单位 {result.units} 个，部门 {result.departments} 个，"
            f"账号 {result.people} 个。演示账号密码均为 {demo.DEMO_PASSWORD}"
            "（如 czj_clerk 为市财政局文书）。"
        )
