"""Delivering the SMS outbox: claim, send, record — safe with any number of workers.

A worker claims a row with a conditional UPDATE that must change exactly one row (the
healthchecks `sendalerts` pattern): of two workers racing for the same row, one changes it
and the other changes nothing and moves on. The carrier is called outside any transaction.
Delivery is at-least-once: a worker that dies after the carrier accepted a message but before
recording it leaves a `sending` row, which is reclaimed after STUCK_AFTER and sent again.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections import Counter
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from wenshu.audit.services import audit_record
from wenshu.notify.gateways import SmsGateway, get_gateway
from wenshu.notify.models import OutboxMessage, sources_for

logger = logging.getLogger("wenshu.notify.delivery")
S = OutboxMessage.Status

MAX_ATTEMPTS = 6
STUCK_AFTER = timedelta(minutes=10)
SWEEP_BATCH = 200
STUCK_REASON = "发送超时：发送进程未回报结果，已回收重发"


def backoff(attempts: int) -> timedelta:
    """Wait after the n-th failed attempt: 1, 2, 4, 8, 16 … minutes."""
    return timedelta(minutes=2 ** max(attempts - 1, 0))


def worker_name() -> str:
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def outbox_claim(*, message_id: int, worker: str, now: datetime | None = None) -> bool:
    """Take a due message for `worker`. True only for the one caller whose UPDATE changed it."""
    now = now or timezone.now()
    changed = OutboxMessage.objects.filter(
        pk=message_id,
        status__in=sources_for(S.SENDING),
        next_attempt_at__lte=now,
    ).update(status=S.SENDING, claimed_by=worker, claimed_at=now, attempts=F("attempts") + 1)
    return changed == 1


def _finish(message_id: int, worker: str, target: str, **fields: object) -> bool:
    """Leave `sending` for `target`, only if this worker still holds the claim."""
    changed = OutboxMessage.objects.filter(
        pk=message_id,
        status__in=sources_for(target),
        claimed_by=worker,
    ).update(status=target, **fields)
    if changed != 1:
        logger.warning(
            "短信#%s 已不归 %s 处理（可能已被回收），结果 %s 未记录", message_id, worker, target
        )
    return changed == 1


def _give_up(message: OutboxMessage, worker: str, error: str) -> bool:
    with transaction.atomic():
        done = _finish(message.pk, worker, S.DEAD, last_error=error)
        if done:
            details = {
                "kind": message.kind,
                "to": message.masked_to,
                "attempts": message.attempts,
                "error": error,
            }
            audit_record(actor=None, action="notify.sms_dead", target=message, details=details)
    return done


def _record_failure(message: OutboxMessage, worker: str, error: str) -> str:
    """`message.attempts` already counts the attempt that failed."""
    if message.attempts >= MAX_ATTEMPTS:
        _give_up(message, worker, error)
        return S.DEAD
    retry_at = timezone.now() + backoff(message.attempts)
    _finish(message.pk, worker, S.FAILED, last_error=error, next_attempt_at=retry_at)
    return S.FAILED


def outbox_deliver_one(*, message_id: int, gateway: SmsGateway, worker: str) -> str | None:
    """Claim and send one message. Returns its new status, or None if it was not ours to send."""
    if not outbox_claim(message_id=message_id, worker=worker):
        return None
    message = OutboxMessage.objects.get(pk=message_id)
    try:
        carrier_id = gateway.send(to=message.to_address, body=message.body)
    except Exception as exc:  # any carrier fault, even a bug in its adapter, is a failed attempt
        logger.warning("短信#%s 第%s次发送失败：%s", message_id, message.attempts, exc)
        return _record_failure(message, worker, (str(exc) or type(exc).__name__)[:500])
    _finish(
        message_id,
        worker,
        S.SENT,
        sent_at=timezone.now(),
        carrier_id=str(carrier_id)[:100],
        last_error="",
    )
    return S.SENT


def outbox_reclaim_stuck(*, now: datetime | None = None) -> int:
    """Put back rows whose worker has been silent longer than STUCK_AFTER."""
    now = now or timezone.now()
    stuck = OutboxMessage.objects.filter(status=S.SENDING, claimed_at__lt=now - STUCK_AFTER)
    reclaimed = 0
    for message in stuck:
        if message.attempts >= MAX_ATTEMPTS:
            reclaimed += _give_up(message, message.claimed_by, STUCK_REASON)
        else:
            reclaimed += _finish(
                message.pk,
                message.claimed_by,
                S.FAILED,
                last_error=STUCK_REASON,
                next_attempt_at=now,
            )
    return reclaimed


def outbox_due_ids(*, now: datetime | None = None, limit: int = SWEEP_BATCH) -> list[int]:
    now = now or timezone.now()
    qs = OutboxMessage.objects.filter(status__in=sources_for(S.SENDING), next_attempt_at__lte=now)
    return list(qs.order_by("next_attempt_at", "id").values_list("pk", flat=True)[:limit])


def outbox_deliver(*, ids: list[int] | None = None) -> dict[str, int]:
    """Send the given messages, or — for the periodic sweep — reclaim stuck ones and send every
    due one. Returns how many ended in each status ("skipped": another worker had it)."""
    gateway = get_gateway()
    worker = worker_name()
    if ids is None:
        outbox_reclaim_stuck()
        ids = outbox_due_ids()
    results: Counter[str] = Counter()
    for message_id in ids:
        status = outbox_deliver_one(message_id=int(message_id), gateway=gateway, worker=worker)
        results[str(status) if status else "skipped"] += 1
    return dict(results)
