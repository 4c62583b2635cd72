"""Every periodic task of Wenshu, in one place (STYLE rule 8).

Each entry is a thin wrapper that calls a service or an app's task function; the work and its
retries live in the app. Times are Asia/Shanghai wall-clock unless stated.
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

# Each app adds its block below: a comment naming the rule, then the wrapper.


# notify — S1 第十六条 短信提醒: every minute send due SMS, retry failed ones with backoff and
# reclaim rows whose worker died mid-send.
@db_periodic_task(crontab(minute="*"))
def notify_outbox_sweep() -> None:
    from wenshu.notify.delivery import outbox_deliver

    outbox_deliver(ids=None)
