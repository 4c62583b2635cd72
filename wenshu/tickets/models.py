"""Fault tickets (故障报修/应急, S1 articles 42, 44, 47, 51, 52).

A person reports a fault; the unit's system administrator handles it locally or escalates it
to the digital office (市数字办), which must respond within 24 hours (art. 51). A fault still
not eliminated 24 hours after it reached the digital office is escalated: the digital office
proposes a solution, reports to the government office, and notifies the units on paper
(TicketNotice). Faults found by the system itself arrive in the same queue.

The ticket's states sit in TICKET_TRANSITIONS next to the model; `Ticket.move` refuses
anything else with a Conflict. Every step writes a TicketEvent (the timeline) and an audit
event in the same transaction.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from wenshu.lib.errors import Conflict

# S1 art. 51: "在24小时内作出响应" / "若24小时内仍未排除故障". Flat hours, no working-day calendar.
RESPONSE_HOURS = 24
RESPONSE_WINDOW = timedelta(hours=RESPONSE_HOURS)
# Reminders to the digital office at these fractions of the window (50 % = 12 h, 90 % = 21.6 h).
REMINDER_FRACTIONS = {"remind_50": 0.5, "remind_90": 0.9}
_USER = settings.AUTH_USER_MODEL


class Category(models.TextChoices):
    NETWORK = "network", "网络"
    TERMINAL = "terminal", "终端"
    FUNCTION = "function", "系统功能"
    EXCHANGE = "exchange", "公文交换"
    SEAL = "seal", "电子印章"
    KEY = "key", "密钥"
    OTHER = "other", "其他"


class Urgency(models.TextChoices):
    NORMAL = "normal", "一般"
    URGENT = "urgent", "紧急"
    CRITICAL = "critical", "特急"


class Ticket(models.Model):
    class Status(models.TextChoices):
        REPORTED = "reported", "待单位处理"  # with the unit's system administrator (art. 44)
        UNIT_HANDLING = "unit_handling", "单位处理中"  # the unit admin is on it (art. 47)
        ESCALATED = "escalated", "已上报市数字办"  # at the digital office, not yet answered
        ACKNOWLEDGED = "acknowledged", "市数字办已响应"  # the art. 51 response was given
        IN_PROGRESS = "in_progress", "市数字办处理中"  # being worked on, notes in the timeline
        RESOLVED = "resolved", "已排除"  # fault eliminated; the reporter may reopen for N days
        CLOSED = "closed", "已关闭"  # final unless the reporter reopens within N days

    class Source(models.TextChoices):
        PERSON = "person", "人工报修"
        SYSTEM = "system", "系统自动上报"

    source = models.CharField("来源", max_length=10, choices=Source.choices, default=Source.PERSON)
    # For system tickets: which part of Wenshu raised it ("exchange.delivery_failed" …).
    system_source = models.CharField("上报模块", max_length=60, blank=True)
    # For system tickets: the caller's key; the same key again returns the same ticket.
    dedupe_key = models.CharField(max_length=160, null=True, blank=True, unique=True)
    reporter = models.ForeignKey(
        _USER,
        verbose_name="报修人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The unit whose fault it is; None only for a system-wide fault raised by the system.
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name="报修单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    category = models.CharField("故障类别", max_length=20, choices=Category.choices)
    urgency = models.CharField(
        "紧急程度", max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    summary = models.CharField("故障简述", max_length=200)
    details = models.TextField("故障描述", blank=True)
    affected = models.TextField("影响范围", blank=True)
    related_ref = models.CharField("相关编号", max_length=200, blank=True)
    status = models.CharField(
        "状态", max_length=20, choices=Status.choices, default=Status.REPORTED
    )
    reported_at = models.DateTimeField("报修时间", default=timezone.now)
    # When the report reached the digital office: the start of the 24-hour clock. Raising by
    # the system or reporting straight to the office sets it at once; escalation sets it later.
    reached_office_at = models.DateTimeField("上报市数字办时间", null=True, blank=True)
    due_at = models.DateTimeField("响应时限", null=True, blank=True)
    # Counts how often the clock started (a reopened office ticket starts a new one); the
    # reminders and the breach are deduplicated per round.
    clock_round = models.PositiveIntegerField(default=0)
    handled_by = models.ForeignKey(
        _USER,
        verbose_name="单位处理人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField("响应时间", null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        _USER,
        verbose_name="响应人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    resolved_at = models.DateTimeField("排除时间", null=True, blank=True)
    resolved_by = models.ForeignKey(
        _USER,
        verbose_name="排除人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    resolution = models.TextField("处理结果", blank=True)
    closed_at = models.DateTimeField("关闭时间", null=True, blank=True)
    breached_at = models.DateTimeField("超时升级时间", null=True, blank=True)
    proposed_solution = models.TextField("解决办法", blank=True)
    solution_at = models.DateTimeField("解决办法提出时间", null=True, blank=True)
    solution_by = models.ForeignKey(
        _USER,
        verbose_name="解决办法提出人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The units the paper notice goes to (chosen by the digital office; a default at breach).
    notice_units = models.ManyToManyField(
        "org.Unit", verbose_name="通知单位", blank=True, related_name="+"
    )

    class Meta:
        ordering = ("-reported_at", "-id")
        verbose_name = "故障单"
        indexes = (
            models.Index(fields=["status", "due_at"], name="tickets_status_due"),
            models.Index(fields=["unit", "status"], name="tickets_unit_status"),
            models.Index(fields=["reported_at"], name="tickets_reported_at"),
        )
        constraints = (
            models.CheckConstraint(
                condition=Q(source="system") | Q(reporter__isnull=False),
                name="tickets_person_ticket_has_reporter",
            ),
            models.CheckConstraint(
                condition=Q(reached_office_at__isnull=True) | Q(due_at__isnull=False),
                name="tickets_office_ticket_has_due",
            ),
        )

    def __str__(self) -> str:
        return f"故障单 #{self.pk} {self.summary}"

    @property
    def at_office(self) -> bool:
        """The report reached the digital office (escalated or raised there directly)."""
        return self.reached_office_at is not None

    @property
    def is_open(self) -> bool:
        return self.status not in (self.Status.RESOLVED, self.Status.CLOSED)

    @property
    def is_breached(self) -> bool:
        return self.breached_at is not None

    @property
    def reporter_label(self) -> str:
        reporter = self.reporter if self.reporter_id else None
        if reporter is None:
            return f"系统（{self.system_source or '自动上报'}）"
        return reporter.display_name

    def move(self, target: str, verb: str) -> None:
        """Change status through TICKET_TRANSITIONS (the caller saves, records and audits)."""
        if target not in TICKET_TRANSITIONS.get(self.status, frozenset()):
            raise Conflict(
                f"该故障单当前状态为“{self.get_status_display()}”，不能{verb}。"
                "页面可能已过期，请刷新后查看。"
            )
        self.status = target


S = Ticket.Status
# reported → (unit handling) → escalated → acknowledged → in progress → resolved → closed;
# withdrawal by the reporter while still with the unit; reopening (back to the unit, or to
# the office for a ticket that had reached it) from resolved or closed.
TICKET_TRANSITIONS: dict[str, frozenset[str]] = {
    S.REPORTED: frozenset({S.UNIT_HANDLING, S.ESCALATED, S.RESOLVED, S.CLOSED}),
    S.UNIT_HANDLING: frozenset({S.ESCALATED, S.RESOLVED, S.CLOSED}),
    S.ESCALATED: frozenset({S.ACKNOWLEDGED, S.RESOLVED}),
    S.ACKNOWLEDGED: frozenset({S.IN_PROGRESS, S.RESOLVED}),
    S.IN_PROGRESS: frozenset({S.RESOLVED}),
    S.RESOLVED: frozenset({S.CLOSED, S.REPORTED, S.ESCALATED}),
    S.CLOSED: frozenset({S.REPORTED, S.ESCALATED}),
}
OPEN_AT_OFFICE = (S.ESCALATED, S.ACKNOWLEDGED, S.IN_PROGRESS)
WITH_UNIT = (S.REPORTED, S.UNIT_HANDLING)


class TicketEvent(models.Model):
    """One line of a ticket's timeline (saleor-style events: a readable history)."""

    class Kind(models.TextChoices):
        REPORTED = "reported", "报修"
        RAISED = "raised", "系统自动上报"
        TAKEN = "taken", "单位受理"
        ESCALATED = "escalated", "上报市数字办"
        ACKNOWLEDGED = "acknowledged", "市数字办响应"
        STARTED = "started", "开始处理"
        NOTE = "note", "处理记录"
        RESOLVED = "resolved", "故障排除"
        CLOSED = "closed", "关闭"
        WITHDRAWN = "withdrawn", "撤回报修"
        REOPENED = "reopened", "重新打开"
        REMINDER = "reminder", "时限提醒"
        BREACHED = "breached", "超过24小时未排除，升级"
        SOLUTION = "solution", "提出解决办法"
        NOTICE = "notice", "生成纸质通知"

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField("时间", default=timezone.now)
    actor = models.ForeignKey(
        _USER,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )  # None: the system
    kind = models.CharField("事项", max_length=20, choices=Kind.choices)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    text = models.TextField("说明", blank=True)

    class Meta:
        ordering = ("at", "id")
        verbose_name = "故障单记录"

    def __str__(self) -> str:
        return f"{self.ticket_id}:{self.kind}"

    @property
    def actor_label(self) -> str:
        actor = self.actor if self.actor_id else None
        return actor.display_name if actor is not None else "系统"


class TicketAttachment(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    upload = models.ForeignKey("files.Upload", on_delete=models.PROTECT, related_name="+")
    event = models.ForeignKey(
        TicketEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("added_at", "id")
        constraints = (
            models.UniqueConstraint(fields=["ticket", "upload"], name="tickets_attachment_once"),
        )

    def __str__(self) -> str:
        return f"{self.ticket_id}:{self.upload_id}"


class TicketAlarm(models.Model):
    """A timer step that fired: one row per (ticket, clock round, kind), so the 5-minute sweep
    never sends a reminder twice or escalates twice, however often or concurrently it runs."""

    class Kind(models.TextChoices):
        REMIND_50 = "remind_50", "50% 时限提醒"
        REMIND_90 = "remind_90", "90% 时限提醒"
        BREACH = "breach", "24小时未排除升级"

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="alarms")
    round = models.PositiveIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("at", "id")
        constraints = (
            models.UniqueConstraint(fields=["ticket", "round", "kind"], name="tickets_alarm_once"),
        )

    def __str__(self) -> str:
        return f"{self.ticket_id}:{self.round}:{self.kind}"


class TicketNotice(models.Model):
    """The paper notice (纸质通知, S1 art. 51) to the affected units, as the printable PDF it
    was generated as. Each new solution or list of units makes a new version; old versions
    stay as they were printed."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="notices")
    version = models.PositiveIntegerField()
    round = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        _USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )  # None: generated at the breach
    title = models.CharField("标题", max_length=200)
    solution = models.TextField("解决办法")
    # [{"id": …, "name": …}] with the names the units had when the notice was made.
    units = models.JSONField("通知单位", default=list)
    pdf = models.BinaryField(editable=False)

    class Meta:
        ordering = ("ticket_id", "-version")
        constraints = (
            models.UniqueConstraint(fields=["ticket", "version"], name="tickets_notice_version"),
        )

    def __str__(self) -> str:
        return f"{self.title}（第 {self.version} 版）"

    @property
    def unit_names(self) -> list[str]:
        return [str(u.get("name", "")) for u in self.units]
