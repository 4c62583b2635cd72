"""Meeting notice use cases. Views, API routes and tasks call these; each checks permission
first, runs in one transaction, audits inside it and notifies through wenshu.notify."""

from wenshu.meetings.services.notices import (
    MeetingInput,
    meeting_add_materials,
    meeting_cancel,
    meeting_create,
    meeting_extend_deadline,
)
from wenshu.meetings.services.reminders import ReminderCounts, reminders_send_due
from wenshu.meetings.services.replies import (
    ReplyInput,
    invitation_reply,
    invitations_mark_received,
)
from wenshu.meetings.services.signin import (
    SigninResult,
    SigninScreen,
    attendee_mark_present,
    attendee_sign_in_by_code,
    attendee_sign_in_by_token,
    meeting_for_token,
    signin_code_renew,
    signin_screen,
    signin_token,
)

__all__ = [
    "MeetingInput",
    "ReminderCounts",
    "ReplyInput",
    "SigninResult",
    "SigninScreen",
    "attendee_mark_present",
    "attendee_sign_in_by_code",
    "attendee_sign_in_by_token",
    "invitation_reply",
    "invitations_mark_received",
    "meeting_add_materials",
    "meeting_cancel",
    "meeting_create",
    "meeting_extend_deadline",
    "meeting_for_token",
    "reminders_send_due",
    "signin_code_renew",
    "signin_screen",
    "signin_token",
]
