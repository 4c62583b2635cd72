"""Exporting the adoption statistics: figures leave the system, so the export is audited."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from wenshu.accounts.models import User
from wenshu.audit.services import audit_record
from wenshu.bulletins import selectors
from wenshu.bulletins.export import stats_workbook


def report_stats_export(
    *,
    actor: User,
    date_from: date,
    date_to: date,
    receiver_id: int | None = None,
) -> tuple[bytes, str]:
    """The statistics workbook (bytes) and a file name, for the statistics' viewers."""
    stats = selectors.report_stats(
        viewer=actor, date_from=date_from, date_to=date_to, receiver_id=receiver_id
    )
    data = stats_workbook(stats)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="bulletins.report_stats_exported",
            details={
                "date_from": date_from.isoformat(),
                "date_to": date_to.isoformat(),
                "receiver": stats.receiver.pk if stats.receiver else None,
                "rows": len(stats.rows),
            },
        )
    return data, f"信息采用统计_{date_from:%Y%m%d}-{date_to:%Y%m%d}.xlsx"
