"""督办/催办 of overdue 承办 departments, and the check-in window reminders (S1 art. 17,
S2 art. 5, S4 art. 10). Both are idempotent: a unique row or a conditional UPDATE is claimed
before anything is sent, so a rerun or a second worker sends nothing more."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.utils import timezone

from wenshu.accounts.models import User
from wenshu.accounts.roles import Role
from wenshu.exchange.models import AWAITING_SIGNATURE, Delivery
from wenshu.handling.models import Assignment, CheckinReminder, Handling
from wenshu.notify.services import notify_send, role_holders
from wenshu.org.models import Unit


@dataclass(frozen=True)
class Window:
    start: time
    end: time

    @property
    def label(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


def checkin_windows() -> list[Window]:
    """WENSHU_CHECKIN_WINDOWS, e.g. "08:30-09:30,10:30-11:30" (Asia/Shanghai)."""
    found: list[Window] = []
    for part in str(settings.CHECKIN_WINDOWS).split(","):
        start, _, end = part.strip().partition("-")
        found.append(Window(time.fromisoformat(start.strip()), time.fromisoformat(end.strip())))
    return found


def window_starting(now: datetime) -> Window | None:
    local = timezone.localtime(now)
    return next(
        (
            w
            for w in checkin_windows()
            if (w.start.hour, w.start.minute) == (local.hour, local.minute)
        ),
        None,
    )


def checkin_remind(*, now: datetime | None = None) -> int:
    """At a window's start, one SMS reminder per unit with deliveries not signed for."""
    now = now or timezone.now()
    window = window_starting(now)
    if window is None:
        return 0
    today = timezone.localdate(now)
    lagging = (
        Delivery.objects.filter(
            status__in=AWAITING_SIGNATURE,
            signed_at__isnull=True,
            returned_at__isnull=True,
            delivered_at__lte=now,
        )
        .values("recipient_unit")
        .annotate(n=Count("id"))
        .order_by("recipient_unit")
    )
    sent = 0
    for row in lagging:
        unit = Unit.objects.get(pk=row["recipient_unit"])
        try:
            with transaction.atomic():
                CheckinReminder.objects.create(
                    unit=unit, date=today, window=window.label, pending=row["n"], sent_at=now
                )
                key = f"checkin:{unit.pk}:{today.isoformat()}:{window.label}"
                notify_send(
                    recipients=role_holders(role=Role.CLERK, unit=unit),
                    title="签收提醒",
                    link="/exchange/",
                    body=f"本单位有 {row['n']} 份公文尚未签收，请在 {window.label} 内签收。",
                    kind="checkin",
                    dedupe_key=key,
                )
        except IntegrityError:  # already reminded in this window
            continue
        sent += 1
    return sent


def assignments_remind_overdue(*, now: datetime | None = None) -> int:
    """催办: once a day, each department past its 承办 deadline is reminded (SMS)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    due = Assignment.objects.filter(
        done_at__isnull=True, due__lt=today, handling__status=Handling.Status.HANDLING
    ).select_related("handling__delivery__document", "department")
    sent = 0
    for a in due:
        with transaction.atomic():
            claimed = (
                Assignment.objects.filter(pk=a.pk, done_at__isnull=True)
                .exclude(reminded_on=today)
                .update(reminded_on=today, remind_count=F("remind_count") + 1)
            )
            if not claimed:
                continue
            people = User.objects.filter(department=a.department, status=User.Status.ACTIVE)
            notify_send(
                recipients=people,
                title="催办：" + a.handling.delivery.document.title[:60],
                body=f"承办期限 {a.due:%Y-%m-%d} 已过，请尽快办理。",
                link=f"/handling/{a.handling_id}/",
                kind="handling",
                dedupe_key=f"handling-overdue:{a.pk}:{today.isoformat()}",
            )
            sent += 1
    return sent
