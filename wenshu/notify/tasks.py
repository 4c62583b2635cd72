"""Background delivery of the SMS outbox (the periodic sweep is in wenshu/ops/schedule.py)."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from wenshu.notify import delivery


@db_task()
def deliver_outbox(ids: list[int] | None = None) -> dict[str, int]:
    """Send these outbox rows (ids, JSON only), or every due one when ids is None.

    No Huey retries here: a failed SMS is rescheduled in its own row with backoff, and a row
    this task could not reach is picked up by the sweep.
    """
    return delivery.outbox_deliver(ids=ids)
