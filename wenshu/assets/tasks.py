"""Background work of the equipment app; the periodic schedule lives in wenshu/ops/schedule.py."""

from __future__ import annotations

import logging

from wenshu.assets.services import loans_remind_overdue

log = logging.getLogger(__name__)


def remind_overdue_loans() -> int:
    """Daily: remind the office and the borrower of every loan past its due date (S3 第五条)."""
    count = loans_remind_overdue()
    if count:
        log.info("reminded %d overdue equipment loans", count)
    return count
