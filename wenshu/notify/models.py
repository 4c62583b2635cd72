"""In-app notifications and the SMS outbox (S1 第十六条: reminders to the registered mobile).

The outbox is claimed by workers with a conditional UPDATE (see `delivery.py`), so its status
machine below is the one place that says which change is allowed.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone


class Notification(models.Model):
    """One message in a person's "我的通知" list."""

    recipient = models.ForeignKey(
        "accounts.User",
        verbose_name="接收人",
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField("类别", max_length=40, default="general")
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    link = models.CharField("链接", max_length=300, blank=True)  # a path inside Wenshu, never a URL
    created_at = models.DateTimeField("时间", default=timezone.now)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)
    # "<caller's key>:<recipient id>"; lets a retried caller run notify_send again harmlessly.
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = "通知"
        indexes = (models.Index(fields=["recipient", "read_at"], name="notify_recipient_read"),)

    def __str__(self) -> str:
        return self.title

    @property
    def unread(self) -> bool:
        return self.read_at is None


class OutboxMessage(models.Model):
    """One SMS waiting for, or done with, delivery through the gateway."""

    class Status(models.TextChoices):
        PENDING = "pending", "待发送"  # queued (or put back by an administrator)
        SENDING = "sending", "发送中"  # claimed by one worker; reclaimed if it stays too long
        SENT = "sent", "已发送"  # the gateway accepted it; final
        FAILED = "failed", "失败待重试"  # the last attempt failed; retried at next_attempt_at
        DEAD = "dead", "已放弃"  # attempts exhausted; only an administrator revives it

    class Channel(models.TextChoices):
        SMS = "sms", "短信"

    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.SMS)
    recipient = models.ForeignKey(
        "accounts.User",
        verbose_name="接收人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    to_address = models.CharField("手机号码", max_length=20)
    body = models.TextField("短信内容")
    kind = models.CharField("类别", max_length=40, default="general")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField("已尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试时间", default=timezone.now)
    last_error = models.CharField("最近错误", max_length=500, blank=True)
    claimed_by = models.CharField(max_length=100, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    carrier_id = models.CharField("运营商消息编号", max_length=100, blank=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = "短信发件箱"
        indexes = (
            # The sweep's query: due rows that a worker may claim.
            models.Index(
                fields=["next_attempt_at"],
                name="notify_outbox_due",
                condition=Q(status__in=["pending", "failed"]),
            ),
            models.Index(fields=["status", "created_at"], name="notify_outbox_status"),
        )

    def __str__(self) -> str:
        return f"短信#{self.pk} → {self.masked_to}"

    @property
    def masked_to(self) -> str:
        return mask_phone(self.to_address)


S = OutboxMessage.Status
# Allowed status changes. Every UPDATE of `status` takes its WHERE from this table.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.PENDING: frozenset({S.SENDING}),
    S.FAILED: frozenset({S.SENDING}),
    S.SENDING: frozenset({S.SENT, S.FAILED, S.DEAD}),
    S.DEAD: frozenset({S.PENDING}),
    S.SENT: frozenset(),
}


def can_transition(source: str, target: str) -> bool:
    return target in TRANSITIONS.get(source, frozenset())


def sources_for(target: str) -> list[str]:
    """The statuses from which `target` may be reached (the WHERE of a conditional UPDATE)."""
    return sorted(s for s, targets in TRANSITIONS.items() if target in targets)


def mask_phone(number: str) -> str:
    if len(number) < 7:
        return "*" * len(number)
    return f"{number[:3]}****{number[-4:]}"
