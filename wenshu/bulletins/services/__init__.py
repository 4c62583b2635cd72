"""Use cases of the bulletins app: permission first, one transaction, audit inside."""

from wenshu.bulletins.services.cleanup import notices_archive_expired
from wenshu.bulletins.services.exports import report_stats_export
from wenshu.bulletins.services.notices import (
    MAX_VALID_DAYS,
    NoticeInput,
    notice_approve,
    notice_check_editable,
    notice_create,
    notice_mark_read,
    notice_recall,
    notice_return,
    notice_submit,
    notice_update,
    notice_withdraw,
)
from wenshu.bulletins.services.reports import (
    ReportInput,
    receiver_set,
    report_adopt,
    report_check_resubmit,
    report_decline,
    report_resubmit,
    report_return,
    report_submit,
    report_withdraw,
)

__all__ = [
    "MAX_VALID_DAYS",
    "NoticeInput",
    "ReportInput",
    "notice_approve",
    "notice_check_editable",
    "notice_create",
    "notice_mark_read",
    "notice_recall",
    "notice_return",
    "notice_submit",
    "notice_update",
    "notice_withdraw",
    "notices_archive_expired",
    "receiver_set",
    "report_adopt",
    "report_check_resubmit",
    "report_decline",
    "report_resubmit",
    "report_return",
    "report_stats_export",
    "report_submit",
    "report_withdraw",
]
