"""Console bootstrap: give a first administrator a TOTP key when nobody can log in yet.

With keys required, the first city administrators could never log in to produce each other's
keys. Whoever runs this has the server console (and so the database) already; the secret is
printed once and the issue is audited. Refused when the person already holds a live TOTP key.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wenshu.accounts.models import User
from wenshu.keys import services, totp
from wenshu.lib.errors import DomainError


class Command(BaseCommand):
    help = "为首批管理员在服务器控制台直接发放动态口令令牌（密钥只显示一次）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--reason", default="系统初始化：首批管理员", help="发放原因（记入审计日志）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.select_related("unit").filter(username=options["username"]).first()
        if user is None or not user.is_active:
            raise CommandError(f"没有可用的用户 {options['username']}。")
        secret = totp.new_secret()
        try:
            key = services.key_issue_direct_totp(
                holder=user, secret=secret, reason=options["reason"], is_demo=False
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"已为 {user.display_name} 发放动态口令令牌 {key.serial}。以下内容只显示一次："
        )
        self.stdout.write(f"密钥：{secret}")
        self.stdout.write(f"otpauth：{totp.provisioning_uri(secret, account=user.username)}")
