"""SMS gateways: one small interface, chosen by `settings.SMS_GATEWAY`.

`"log"` (the default) hands the message to the Python log: no carrier is reachable from this
network, and the digital office reads the messages on the outbox page. A real carrier is a
class with the same `send` method, named by its dotted path in WENSHU_SMS_GATEWAY.
"""

from __future__ import annotations

import logging
import uuid
from typing import Protocol, runtime_checkable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from wenshu.notify.models import mask_phone

logger = logging.getLogger("wenshu.notify.sms")


class GatewayError(Exception):
    """The carrier did not accept the message; the outbox retries it later."""


@runtime_checkable
class SmsGateway(Protocol):
    def send(self, *, to: str, body: str) -> str:
        """Hand one SMS to the carrier; return its message id or raise GatewayError."""
        ...


class LogGateway:
    """Writes the SMS to the log and reports it sent."""

    def send(self, *, to: str, body: str) -> str:
        message_id = f"log-{uuid.uuid4().hex[:16]}"
        logger.info("短信（日志网关）%s → %s：%s", message_id, mask_phone(to), body)
        return message_id


BUILTIN: dict[str, type] = {"log": LogGateway}


def get_gateway() -> SmsGateway:
    name = settings.SMS_GATEWAY or "log"
    try:
        cls = BUILTIN.get(name) or import_string(name)
    except ImportError as exc:
        raise ImproperlyConfigured(
            f"WENSHU_SMS_GATEWAY={name!r}：找不到该短信网关（可用：log，或网关类的完整路径）。"
        ) from exc
    gateway = cls()
    if not isinstance(gateway, SmsGateway):
        raise ImproperlyConfigured(f"WENSHU_SMS_GATEWAY={name!r} 不是短信网关（缺少 send 方法）。")
    return gateway
