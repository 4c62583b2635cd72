"""The meeting settings, read at call time so tests and operators can change them.

WENSHU_MEETINGS_REPLY_REMINDER_HOURS / WENSHU_MEETINGS_START_REMINDER_HOURS become
settings.MEETINGS_REPLY_REMINDER_HOURS / MEETINGS_START_REMINDER_HOURS (config/settings.py);
until they are declared there the defaults below apply.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings

REPLY_REMINDER_HOURS = 24  # remind those who have not replied this long before the deadline
START_REMINDER_HOURS = 2  # remind attendees this long before the meeting starts


def reply_reminder_lead() -> timedelta:
    return timedelta(
        hours=float(getattr(settings, "MEETINGS_REPLY_REMINDER_HOURS", REPLY_REMINDER_HOURS))
    )


def start_reminder_lead() -> timedelta:
    return timedelta(
        hours=float(getattr(settings, "MEETINGS_START_REMINDER_HOURS", START_REMINDER_HOURS))
    )
