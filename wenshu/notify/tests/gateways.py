"""Stand-in SMS carriers for tests (no carrier is reachable here). They implement the same
SmsGateway interface and are chosen through settings.SMS_GATEWAY like a real one."""

from __future__ import annotations

import threading
from collections import Counter

from wenshu.notify.gateways import GatewayError

_lock = threading.Lock()
sent: list[tuple[str, str]] = []  # every (to, body) a test gateway accepted
calls: Counter[str] = Counter()  # attempts per gateway class name


def reset() -> None:
    with _lock:
        sent.clear()
        calls.clear()


def _accept(name: str, to: str, body: str) -> str:
    with _lock:
        calls[name] += 1
        sent.append((to, body))
        return f"{name}-{len(sent)}"


class RecordingGateway:
    """Accepts everything and remembers it."""

    def send(self, *, to: str, body: str) -> str:
        return _accept("recording", to, body)


class FailingGateway:
    """The carrier is down: every attempt fails."""

    def send(self, *, to: str, body: str) -> str:
        with _lock:
            calls["failing"] += 1
        raise GatewayError("运营商网关无响应（测试）")


class FlakyGateway:
    """Fails the first two attempts across all instances, then accepts."""

    failures_left = 2

    def send(self, *, to: str, body: str) -> str:
        with _lock:
            calls["flaky"] += 1
            if FlakyGateway.failures_left > 0:
                FlakyGateway.failures_left -= 1
                raise GatewayError("临时故障（测试）")
        return _accept("flaky", to, body)


class BuggyGateway:
    """An adapter with a bug: raises something that is not a GatewayError."""

    def send(self, *, to: str, body: str) -> str:
        raise KeyError("oops")


class NotAGateway:
    pass
