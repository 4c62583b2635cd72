"""Sending notifications (in-app and SMS) and the few things people do with them.

Other apps call `notify_send` / `notify_role` inside their own transaction: the rows commit or
roll back with the caller's change, and SMS delivery starts only after commit, through a task,
so a slow or broken carrier can never hold up or undo the caller's work.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from wenshu.accounts.models import User
from wenshu.accounts.roles import Role
from wenshu.audit.services import audit_record
from wenshu.lib.errors import Conflict, NotFound
from wenshu.notify import selectors
from wenshu.notify.models import Notification, OutboxMessage, can_transition

SMS_MAX_CHARS = 300  # a few concatenated SMS segments; longer text stays in the in-app notice
SMS_SIGNATURE = "【文枢】"


def _check_args(*, title: str, link: str, kind: str, dedupe_key: str | None) -> None:
    # These are programming errors of the calling app, not user input: fail loudly.
    if not title.strip():
        raise ValueError("notify_send: title is required")
    if link and (not link.startswith("/") or link.startswith("//")):
        raise ValueError("notify_send: link must be a path inside Wenshu, e.g. /keys/12/")
    if not kind or len(kind) > 40:
        raise ValueError("notify_send: kind must be 1–40 characters")
    if dedupe_key is not None and not 0 < len(dedupe_key) <= 160:
        raise ValueError("notify_send: dedupe_key must be 1–160 characters")


def _active_unique(recipients: Iterable[User]) -> list[User]:
    seen: set[int] = set()
    people = []
    for person in recipients:
        if person.pk not in seen and person.status == User.Status.ACTIVE:
            seen.add(person.pk)
            people.append(person)
    return people


def _key(dedupe_key: str | None, person: User) -> str | None:
    return None if dedupe_key is None else f"{dedupe_key}:{person.pk}"


def sms_text(title: str, body: str) -> str:
    text = SMS_SIGNATURE + title.strip() + (f"：{body.strip()}" if body.strip() else "")
    return text if len(text) <= SMS_MAX_CHARS else text[: SMS_MAX_CHARS - 1] + "…"


def _create_inapp(
    people: Sequence[User],
    *,
    title: str,
    body: str,
    link: str,
    kind: str,
    dedupe_key: str | None,
    now: Any,
) -> None:
    rows = [
        Notification(
            recipient=p,
            kind=kind,
            title=title[:200],
            body=body,
            link=link,
            created_at=now,
            dedupe_key=_key(dedupe_key, p),
        )
        for p in people
        if p.notify_inapp
    ]
    Notification.objects.bulk_create(rows, ignore_conflicts=dedupe_key is not None)


def _queue_sms(
    people: Sequence[User], *, text: str, kind: str, dedupe_key: str | None, now: Any
) -> list[int]:
    rows = [
        OutboxMessage(
            recipient=p,
            to_address=p.mobile.strip(),
            body=text,
            kind=kind,
            created_at=now,
            next_attempt_at=now,
            dedupe_key=_key(dedupe_key, p),
        )
        for p in people
        if p.notify_sms and p.mobile.strip()
    ]
    if dedupe_key is None:
        return [row.pk for row in OutboxMessage.objects.bulk_create(rows)]
    # A retried caller finds its earlier rows in place: insert only what is missing.
    OutboxMessage.objects.bulk_create(rows, ignore_conflicts=True)
    keys = [row.dedupe_key for row in rows]
    waiting = OutboxMessage.objects.filter(dedupe_key__in=keys, status=OutboxMessage.Status.PENDING)
    return list(waiting.values_list("pk", flat=True))


def _enqueue_delivery(ids: list[int]) -> None:
    from wenshu.notify.tasks import deliver_outbox  # tasks sit above services: import late

    deliver_outbox(ids)


def _deliver_after_commit(ids: list[int]) -> None:
    # robust: if the queue is unreachable, the caller's committed work still answers normally;
    # the periodic sweep picks the rows up.
    # (A closure, not functools.partial: Django logs a robust hook's failure by __qualname__.)
    if not ids:
        return
    pending = list(ids)

    def deliver_sms_after_commit() -> None:
        _enqueue_delivery(pending)

    transaction.on_commit(deliver_sms_after_commit, robust=True)


def notify_send(
    *,
    recipients: Iterable[User],
    title: str,
    body: str,
    link: str = "",
    sms: bool = True,
    kind: str = "general",
    dedupe_key: str | None = None,
) -> None:
    """Notify active people in-app (if they accept it) and by SMS (if `sms`, they accept it and
    have a mobile number). Call inside the caller's transaction; delivery starts after commit.
    The same `dedupe_key` again adds nothing for a person already notified under it."""
    _check_args(title=title, link=link, kind=kind, dedupe_key=dedupe_key)
    people = _active_unique(recipients)
    if not people:
        return
    now = timezone.now()
    with transaction.atomic():
        _create_inapp(
            people, title=title, body=body, link=link, kind=kind, dedupe_key=dedupe_key, now=now
        )
        if sms:
            ids = _queue_sms(
                people, text=sms_text(title, body), kind=kind, dedupe_key=dedupe_key, now=now
            )
            _deliver_after_commit(ids)


def role_holders(*, role: Role | str, unit: Any = None) -> list[User]:
    """Active holders of a role: in `unit`, or anywhere in the city when unit is None."""
    qs = User.objects.filter(role_grants__role=Role(role), status=User.Status.ACTIVE)
    if unit is not None:
        qs = qs.filter(unit=unit)
    return list(qs.distinct().order_by("id"))


def notify_role(
    *,
    role: Role | str,
    unit: Any = None,
    title: str,
    body: str,
    link: str = "",
    sms: bool = True,
    kind: str = "general",
    dedupe_key: str | None = None,
) -> None:
    """notify_send to every active holder of `role` (city-wide when `unit` is None)."""
    notify_send(
        recipients=role_holders(role=role, unit=unit),
        title=title,
        body=body,
        link=link,
        sms=sms,
        kind=kind,
        dedupe_key=dedupe_key,
    )


def notification_mark_read(*, viewer: User, notification: Notification) -> Notification:
    """Mark one of the viewer's own notifications read; reading it twice changes nothing."""
    if notification.recipient_id != viewer.pk:
        raise NotFound("找不到该通知，或它不是发给您的。")
    with transaction.atomic():
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        notification.refresh_from_db(fields=["read_at"])
    return notification


def notifications_mark_all_read(*, viewer: User) -> int:
    with transaction.atomic():
        return Notification.objects.filter(recipient=viewer, read_at__isnull=True).update(
            read_at=timezone.now()
        )


def outbox_retry(*, actor: User, message: OutboxMessage) -> OutboxMessage:
    """Put a given-up SMS back in the queue with a fresh set of attempts (audited)."""
    selectors.outbox_message_get(viewer=actor, message_id=message.pk)  # permission first
    target = OutboxMessage.Status.PENDING
    with transaction.atomic():
        locked = OutboxMessage.objects.select_for_update().get(pk=message.pk)
        if not can_transition(locked.status, target):
            raise Conflict(
                f"只有“已放弃”的短信可以重新发送，这条短信当前为“{locked.get_status_display()}”。"
                "请刷新页面查看最新状态。"
            )
        previous = {"attempts": locked.attempts, "last_error": locked.last_error}
        locked.status, locked.attempts, locked.next_attempt_at = target, 0, timezone.now()
        locked.claimed_by, locked.claimed_at = "", None
        locked.save(
            update_fields=["status", "attempts", "next_attempt_at", "claimed_by", "claimed_at"]
        )
        audit_record(
            actor=actor,
            action="notify.sms_retry",
            target=locked,
            details={"kind": locked.kind, "to": locked.masked_to, **previous},
        )
        _deliver_after_commit([locked.pk])
    return locked
