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


# audit — DESIGN rule 3 and GB/T 22239 审计记录保护: verify the whole SM3 audit chain once a
# day; a broken chain raises a security alert. 18:30 UTC = 02:30 Asia/Shanghai (Huey runs
# its crontabs in UTC: HUEY["utc"] is True).
@db_periodic_task(crontab(hour="18", minute="30"))
def audit_chain_verify() -> None:
    from wenshu.audit.tasks import audit_verify_daily

    audit_verify_daily()


# seals — S1 第二十二条 用印审批: a use request is valid for 24 hours; every 10 minutes mark the
# older ones expired so custodians' queues and counters drop them.
@db_periodic_task(crontab(minute="*/10"))
def seals_expire_use_requests() -> None:
    from wenshu.seals.tasks import expire_stale_use_requests

    expire_stale_use_requests()


# accounts — idle sessions (WENSHU_SESSION_IDLE_MINUTES): mark idled-out sessions ended in the
# session register and delete expired session rows, every 10 minutes.
@db_periodic_task(crontab(minute="*/10"))
def accounts_sessions_sweep() -> None:
    from wenshu.accounts.services import sessions_sweep

    sessions_sweep()
