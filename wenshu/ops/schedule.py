"""Every periodic task of Wenshu, in one place (STYLE rule 8).

Each entry is a thin wrapper that calls a service or an app's task function; the work and its
retries live in the app. Times are Asia/Shanghai wall-clock unless stated.
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

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


# meetings — S2 第二条 会议通知及时回复: every 5 minutes remind those who have not replied as
# the reply deadline nears (SMS to the person or the unit's clerks) and remind attendees before
# the meeting starts; each reminder is sent once (claimed rows + notify dedupe keys).
@db_periodic_task(crontab(minute="*/5"))
def meetings_send_reminders() -> None:
    from wenshu.meetings.tasks import send_due_reminders

    send_due_reminders()


# bulletins — S2 第六条 定期清理过期信息: every day archive the notices whose expiry date has
# passed and report to each publishing unit's administrators what was removed. 16:10 UTC =
# 00:10 Asia/Shanghai, just after the date changes.
@db_periodic_task(crontab(hour="16", minute="10"))
def bulletins_archive_expired_notices() -> None:
    from wenshu.bulletins.tasks import archive_expired_notices

    archive_expired_notices()


# assets — S3 第五条 设备外借: remind the office and the borrower unit's administrators of every
# loan past its due date, once per loan per day. It runs hourly in office hours (09:05–18:05
# Asia/Shanghai = 01–10 UTC) so a server down at nine still reminds that day; the service keeps
# it to one reminder a day however often it runs.
@db_periodic_task(crontab(hour="1-10", minute="5"))
def assets_remind_overdue_loans() -> None:
    from wenshu.assets.tasks import remind_overdue_loans

    remind_overdue_loans()


# tickets — S1 第五十一条 24小时内作出响应: every 5 minutes remind the digital office at 50 % and
# 90 % of the 24 hours, escalate tickets still unresolved at 24 hours (government office
# notified, paper notice generated) and close tickets whose reopen window has passed. Each step
# is claimed once per ticket and clock round, so reruns and parallel workers change nothing.
@db_periodic_task(crontab(minute="*/5"))
def tickets_timers() -> None:
    from wenshu.tickets.tasks import tickets_sweep

    tickets_sweep()


# library — trash (docs/parts/library.md): documents deleted more than WENSHU_LIBRARY_TRASH_DAYS
# ago are purged; daily at 03:10 Shanghai (19:10 UTC).
@db_periodic_task(crontab(hour="19", minute="10"))
def library_purge_expired_trash() -> None:
    from wenshu.library.tasks import purge_expired_trash

    purge_expired_trash()


# schedules — S1 第四条 个人日程计划: every minute remind people of their events (and a leader's
# keepers of the leader's events) the chosen number of minutes before the start; each event is
# claimed once per start time (conditional UPDATE + notify dedupe key), so reruns send nothing new.
@db_periodic_task(crontab(minute="*"))
def schedules_send_reminders() -> None:
    from wenshu.schedules.tasks import send_due_reminders

    send_due_reminders()


# search — the full-text index is kept current by this sweep, not by the content apps: every
# minute index each source's items changed since the last run (results lag by at most about a
# minute). The lock keeps a slow run and the next one from indexing side by side.
@db_periodic_task(crontab(minute="*"))
@lock_task("search-index-changes")
def search_index_changes() -> None:
    from wenshu.search.tasks import index_changes

    index_changes()


# handling — S1 第十七条 签收时段 / S2 第五条 / S4 第十条: every minute; at the start of each
# check-in window (WENSHU_CHECKIN_WINDOWS, Asia/Shanghai) units with deliveries not signed for
# get one SMS reminder to their clerks (once per unit, date and window: a unique row).
@db_periodic_task(crontab(minute="*"))
def handling_checkin_reminders() -> None:
    from wenshu.handling.services import checkin_remind

    checkin_remind()


# handling — 督办/催办: 承办 departments past their deadline are reminded once a day; it runs
# hourly in office hours (09:15–17:15 Shanghai = 01–09 UTC), the claim keeps it to once a day.
@db_periodic_task(crontab(hour="1-9", minute="15"))
def handling_remind_overdue() -> None:
    from wenshu.handling.services import assignments_remind_overdue

    assignments_remind_overdue()
