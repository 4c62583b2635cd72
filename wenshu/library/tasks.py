"""Background work of the library. Tasks take ids or nothing, never objects; the periodic
schedule itself lives in wenshu/ops/schedule.py."""

from __future__ import annotations

import logging

from wenshu.library.services import library_trash_purge_expired

log = logging.getLogger(__name__)


def purge_expired_trash() -> int:
    """Purge documents that have been in the trash longer than LIBRARY_TRASH_DAYS."""
    purged = library_trash_purge_expired()
    if purged:
        log.info("library: purged %d documents from the trash", purged)
    return purged
