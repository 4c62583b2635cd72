"""Background work of the bulletins app; the periodic schedule lives in wenshu/ops/schedule.py."""

from __future__ import annotations

import logging

from wenshu.bulletins.services import notices_archive_expired

log = logging.getLogger(__name__)


def archive_expired_notices() -> int:
    """Archive expired notices and report to each unit's administrators (S2 art. 6)."""
    done = notices_archive_expired()
    count = sum(len(ids) for ids in done.values())
    if count:
        log.info("archived %d expired notices of %d units", count, len(done))
    return count
