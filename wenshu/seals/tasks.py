"""Background work of the seals app; the periodic schedule lives in wenshu/ops/schedule.py."""

from __future__ import annotations

import logging

from wenshu.seals.services import seal_use_expire_stale

log = logging.getLogger(__name__)


def expire_stale_use_requests() -> int:
    """Mark seal-use requests older than 24 hours expired (seal_sign refuses them anyway;
    this keeps the custodians' queues and counters honest)."""
    count = seal_use_expire_stale()
    if count:
        log.info("expired %d seal use requests", count)
    return count
