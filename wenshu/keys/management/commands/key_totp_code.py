"""Development only: print the current TOTP code of a person's demo key (the demo city)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from wenshu.accounts.models import User
from wenshu.keys import totp
from wenshu.keys.models import KeyKind, LoginKey


class Command(BaseCommand):
    help = "打印演示人员的演示动态口令令牌的当前口令（仅开发模式）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("生产模式下不能查看动态口令。")
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"没有用户 {options['username']}。")
        key = LoginKey.objects.filter(
            holder=user, kind=KeyKind.TOTP, status=LoginKey.Status.ACTIVE, is_demo=True
        ).first()
        if key is None:
            raise CommandError(
                f"{user.display_name} 没有可用的演示令牌（只有演示密钥可以这样查看）。"
            )
        secret = totp.unwrap_secret(bytes(key.totp_secret_wrapped or b""), serial=key.serial)
        self.stdout.write(totp.code_at_step(secret, totp.current_step()))
