"""Create the city seal-making authority (制章机构) if there is none yet."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from wenshu.lib import gm, sm2cert
from wenshu.seals.services import seal_maker_init


class Command(BaseCommand):
    help = "创建市数字办的电子印章制作机构（SM2 根证书与加密保存的私钥）；已存在时不重复创建。"

    def handle(self, *args: Any, **options: Any) -> None:
        maker, created = seal_maker_init(actor=None)
        info = sm2cert.read_cert(bytes(maker.cert_der))
        verb = "已创建" if created else "已存在"
        self.stdout.write(f"制章机构{verb}：{maker.common_name}（{maker.organization}）")
        self.stdout.write(
            f"证书序列号 {info.serial:x}，有效期 {info.not_before:%Y-%m-%d} 至 "
            f"{info.not_after:%Y-%m-%d}，证书 SM3 {gm.sm3_hex(bytes(maker.cert_der))}"
        )
