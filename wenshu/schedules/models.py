"""Personal events, leaders' schedules (领导日程) with their keepers and viewers, and the
secret iCalendar subscription links.

A leader's schedule is a set of events whose `owner` is the leader and whose `calendar` is
LEADER; the leader names who keeps it (ScheduleKeeper) and who may see it (ScheduleViewer).
Times are stored in UTC; an all-day event runs from local midnight to the local midnight after
its last day.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone


class Event(models.Model):
    class Calendar(models.TextChoices):
        PERSONAL = "personal", "个人日程"  # seen only by its owner
        LEADER = "leader", "领导日程"  # seen by the leader, the keepers and the named viewers

    calendar = models.CharField(
        "日程类别", max_length=10, choices=Calendar.choices, default=Calendar.PERSONAL
    )
    owner = models.ForeignKey(
        "accounts.User", verbose_name="日程所属人", on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField("标题", max_length=200)
    start_at = models.DateTimeField("开始时间")
    end_at = models.DateTimeField("结束时间")
    all_day = models.BooleanField("全天", default=False)
    place = models.CharField("地点", max_length=200, blank=True)
    note = models.TextField("备注", blank=True)
    remind_minutes = models.PositiveIntegerField("提前提醒（分钟）", null=True, blank=True)
    private = models.BooleanField("不公开", default=False)  # leader schedule: keepers only
    reminded_at = models.DateTimeField(null=True, blank=True)  # claimed by the reminder sweep
    created_by = models.ForeignKey(
        "accounts.User", verbose_name="录入人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("start_at", "id")
        indexes = (
            models.Index(fields=["owner", "start_at"]),
            models.Index(fields=["reminded_at", "start_at"]),
        )
        constraints = (
            models.CheckConstraint(
                condition=Q(end_at__gte=models.F("start_at")),
                name="schedules_event_end_after_start",
            ),
        )

    def __str__(self) -> str:
        return self.title


class ScheduleKeeper(models.Model):
    """A person (secretary, clerk) who keeps a leader's schedule for them."""

    leader = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["leader", "person"], name="schedules_keeper_once"),
        )

    def __str__(self) -> str:
        return f"{self.person_id} keeps {self.leader_id}"


class ScheduleViewer(models.Model):
    """A person, or every person of a unit, who may see a leader's schedule."""

    leader = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = (
            models.CheckConstraint(
                condition=(
                    Q(person__isnull=False, unit__isnull=True)
                    | Q(person__isnull=True, unit__isnull=False)
                ),
                name="schedules_viewer_person_xor_unit",
            ),
            models.UniqueConstraint(
                fields=["leader", "person"],
                condition=Q(person__isnull=False),
                name="schedules_viewer_person_once",
            ),
            models.UniqueConstraint(
                fields=["leader", "unit"],
                condition=Q(unit__isnull=False),
                name="schedules_viewer_unit_once",
            ),
        )

    def __str__(self) -> str:
        return f"{self.person_id or self.unit_id} sees {self.leader_id}"


class FeedLink(models.Model):
    """A secret iCalendar link. Only the SM3 digest of the token is kept; a revoked link
    stays as a record (revoked_at) and answers 404."""

    person = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(revoked_at__isnull=True),
                name="schedules_one_live_feed",
            ),
        )

    def __str__(self) -> str:
        return f"feed of {self.person_id}"
