"""The daily clean-up of expired notices (S2 art. 6: 定期清理本单位发布过的过期信息).

A published notice whose expiry date has passed already left every list (selectors compare
the date); the clean-up archives it and tells each publishing unit's administrators, in one
notification per unit and run, which notices it removed.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from wenshu.accounts.roles import Role
from wenshu.audit.services import audit_record
from wenshu.bulletins import selectors
from wenshu.bulletins.models import Notice
from wenshu.bulletins.services._common import notify, unit_people
from wenshu.org.models import Unit

Status = Notice.Status


def _report_body(notices: list[Notice]) -> str:
    lines = [
        f"{i}. {n.title}（有效期至 {n.expires_on:%Y-%m-%d}）" for i, n in enumerate(notices, 1)
    ]
    return f"以下 {len(notices)} 条通知公告已过有效期，已下架并归档：\n" + "\n".join(lines)


def _archive_unit(unit: Unit, day: date) -> list[Notice]:
    with transaction.atomic():
        expired = list(
            Notice.objects.select_for_update()
            .filter(unit=unit, status=Status.PUBLISHED, expires_on__lt=day)
            .order_by("expires_on", "id")
        )
        if not expired:  # another run took them a moment ago
            return []
        now = timezone.now()
        for notice in expired:
            notice.move_to(Status.ARCHIVED)
            notice.archived_at = notice.updated_at = now
            notice.save(update_fields=["status", "archived_at", "updated_at"])
        audit_record(
            actor=None,
            action="bulletins.notices_archived",
            unit=unit,
            details={
                "date": day.isoformat(),
                "notices": [
                    {"id": n.pk, "title": n.title, "expires_on": n.expires_on.isoformat()}
                    for n in expired
                ],
            },
        )
        # The unit's administrators clean up its information (S2 art. 6); a unit without one
        # gets the report through its leaders so it is never lost.
        admins = unit_people(unit.pk, Role.UNIT_ADMIN) or unit_people(unit.pk, Role.UNIT_LEADER)
        notify(
            admins,
            title=f"过期通知公告清理报告（{day:%Y-%m-%d}）",
            body=_report_body(expired),
            link=reverse("bulletins:notices_manage") + "?status=archived",
            dedupe_key=f"bulletins.cleanup:{unit.pk}:{day.isoformat()}",
        )
    return expired


def notices_archive_expired(*, day: date | None = None) -> dict[int, list[int]]:
    """Archive every published notice whose expiry date is before `day` (default: today in
    Asia/Shanghai). Returns {unit id: [archived notice ids]}. Each unit is its own
    transaction, so one unit's failure does not hold up the others' clean-up."""
    day = day or selectors.today()
    unit_ids = (
        Notice.objects.filter(status=Status.PUBLISHED, expires_on__lt=day)
        .order_by()
        .values_list("unit_id", flat=True)
        .distinct()
    )
    done: dict[int, list[int]] = {}
    for unit in Unit.objects.filter(pk__in=list(unit_ids)).order_by("id"):
        archived = _archive_unit(unit, day)
        if archived:
            done[unit.pk] = [n.pk for n in archived]
    return done
