"""Sign-in at the meeting (会议签到).

The organiser opens the sign-in screen: a six-digit code and a QR code of a URL carrying a
signed token (meeting id + current code, valid for the length of the sign-in window). An
attendee who is logged in opens the URL or types the code and is recorded once. Sign-in is
open from one hour before the start until one hour after the end. Only people on the list may
sign in: those named by a reply, and people invited by name (who may come without replying).
Renewing the code voids the QR codes shown before.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core import signing
from django.db import transaction
from django.utils import timezone

from wenshu.accounts.models import User
from wenshu.audit.services import audit_record
from wenshu.lib.errors import Conflict, DomainError, Forbidden, NotFound, Throttled
from wenshu.meetings import selectors
from wenshu.meetings.models import SIGNIN_MARGIN, Attendee, Invitation, Meeting, SigninFailure
from wenshu.meetings.services._common import when

SALT = "wenshu.meetings.signin"
CODE_DIGITS = 6
MAX_FAILURES = 10
FAILURE_WINDOW = timedelta(minutes=15)
NOT_LISTED = (
    "您不在该会议的参会名单中（未受邀请，或未被本单位指定参会），不能签到。"
    "如有疑问请联系会议组织人。"
)
BAD_QR = "签到二维码无效，请重新扫描会场屏幕上的二维码，或输入签到码。"
OLD_QR = "签到二维码已过期或签到码已更换，请扫描会场屏幕上当前的二维码，或输入签到码。"


@dataclass
class SigninScreen:
    meeting: Meeting
    code: str
    token: str


@dataclass
class SigninResult:
    meeting: Meeting
    attendee: Attendee
    already: bool  # signed in before: nothing was changed


def _window_message(meeting: Meeting) -> str:
    return (
        f"不在签到时间内：签到时间为会议开始前 1 小时至结束后 1 小时"
        f"（{when(meeting.signin_opens_at)}至{when(meeting.signin_closes_at)}）。"
    )


def _new_code(meeting: Meeting, now: datetime) -> str:
    """A code no other meeting still open for sign-in is showing."""
    live = Meeting.objects.filter(
        status=Meeting.Status.SENT, end_at__gt=now - SIGNIN_MARGIN
    ).exclude(pk=meeting.pk)
    for _ in range(50):
        code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
        if code != meeting.signin_code and not live.filter(signin_code=code).exists():
            return code
    raise Conflict("暂时无法生成签到码，请稍后重试。")


def signin_token(meeting: Meeting) -> str:
    return signing.dumps({"m": meeting.pk, "c": meeting.signin_code}, salt=SALT)


def _issue(actor: User, meeting: Meeting, *, renew: bool) -> SigninScreen:
    if not selectors.may_manage(actor, meeting):
        raise NotFound(selectors.NOT_FOUND)
    now = timezone.now()
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.is_cancelled:
            raise Conflict("该会议已取消，不能签到。")
        if now > meeting.signin_closes_at:
            raise Conflict("会议已结束超过 1 小时，签到已关闭。")
        if renew or not meeting.signin_code:
            meeting.signin_code, meeting.signin_code_at = _new_code(meeting, now), now
            meeting.save(update_fields=["signin_code", "signin_code_at"])
            audit_record(
                actor=actor,
                action="meetings.signin_code_issued",
                target=meeting,
                details={"renewed": renew},
            )
    return SigninScreen(meeting=meeting, code=meeting.signin_code, token=signin_token(meeting))


def signin_screen(*, actor: User, meeting: Meeting) -> SigninScreen:
    """The code and token to show in the room (made the first time the screen is opened)."""
    return _issue(actor, meeting, renew=False)


def signin_code_renew(*, actor: User, meeting: Meeting) -> SigninScreen:
    """A new code (e.g. the old one was passed on outside the room); old QR codes stop working."""
    return _issue(actor, meeting, renew=True)


def _place(meeting: Meeting, person: User) -> Attendee | Invitation | None:
    """The person's attendee row, or their personal invitation (they may come unannounced)."""
    found = meeting.attendees.filter(person=person).first()
    if found is not None:
        return found
    return meeting.invitations.filter(kind=Invitation.Kind.PERSON, person=person).first()


def _attendee(meeting: Meeting, person: User, place: Attendee | Invitation) -> Attendee:
    if isinstance(place, Attendee):
        return place
    attendee, _ = Attendee.objects.get_or_create(
        meeting=meeting,
        person=person,
        defaults={
            "invitation": place,
            "name": person.display_name,
            "post": person.post,
            "walk_in": True,
        },
    )
    return attendee


def _sign_in(actor: User, meeting: Meeting, *, method: str) -> SigninResult:
    now = timezone.now()
    place = _place(meeting, actor)
    if place is None:
        raise NotFound(NOT_LISTED)
    if meeting.is_cancelled:
        raise Conflict("该会议已取消，不能签到。")
    if not meeting.signin_open(now):
        raise Conflict(_window_message(meeting))
    with transaction.atomic():
        attendee = _attendee(meeting, actor, place)
        changed = Attendee.objects.filter(pk=attendee.pk, signed_in_at__isnull=True).update(
            signed_in_at=now, signin_method=method
        )
        attendee.refresh_from_db()
        if changed:
            audit_record(
                actor=actor,
                action="meetings.signed_in",
                target=meeting,
                details={"attendee": attendee.pk, "method": method},
            )
    return SigninResult(meeting=meeting, attendee=attendee, already=not changed)


def _require_active(actor: User) -> None:
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise Forbidden("请先登录后再签到。")


def _load_token(token: str) -> Meeting:
    try:
        data = signing.loads(token, salt=SALT)
        meeting = Meeting.objects.select_related("organiser_unit").get(pk=int(data["m"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError, Meeting.DoesNotExist):
        raise DomainError(BAD_QR, code="bad_token") from None
    # Valid for the length of the sign-in window from when the screen showed it.
    max_age = meeting.signin_closes_at - meeting.signin_opens_at
    try:
        signing.loads(token, salt=SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise DomainError(OLD_QR, code="old_token") from None
    if not meeting.signin_code or data.get("c") != meeting.signin_code:
        raise DomainError(OLD_QR, code="old_token")
    return meeting


def meeting_for_token(*, viewer: User, token: str) -> Meeting:
    """The meeting a sign-in QR code points to, for the confirmation page (checks as signing)."""
    _require_active(viewer)
    meeting = _load_token(token)
    if _place(meeting, viewer) is None:
        raise NotFound(NOT_LISTED)
    return meeting


def attendee_sign_in_by_token(*, actor: User, token: str) -> SigninResult:
    _require_active(actor)
    return _sign_in(actor, _load_token(token), method=Attendee.Method.QR)


def _normalise_code(code: str) -> str:
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", code or ""))


def _check_throttle(actor: User) -> None:
    since = timezone.now() - FAILURE_WINDOW
    if SigninFailure.objects.filter(person=actor, at__gte=since).count() >= MAX_FAILURES:
        raise Throttled("签到码输入错误次数过多，请 15 分钟后再试，或请会议组织人代为签到。")


def _fail(actor: User, exc: DomainError) -> DomainError:
    SigninFailure.objects.create(person=actor)  # kept: the refusal below does not undo it
    return exc


def attendee_sign_in_by_code(*, actor: User, code: str) -> SigninResult:
    """Sign in with the code on the screen; wrong codes are counted and limited."""
    _require_active(actor)
    _check_throttle(actor)
    code = _normalise_code(code)
    if not re.fullmatch(rf"\d{{{CODE_DIGITS}}}", code):
        raise DomainError(f"签到码为 {CODE_DIGITS} 位数字，请核对会场屏幕上的签到码。")
    candidates = list(Meeting.objects.filter(signin_code=code).order_by("-start_at"))
    if not candidates:
        raise _fail(actor, DomainError("签到码不正确，请核对会场屏幕上的签到码。", code="bad_code"))
    mine = [m for m in candidates if _place(m, actor) is not None]
    if not mine:
        raise _fail(actor, NotFound(NOT_LISTED))
    now = timezone.now()
    meeting = next((m for m in mine if m.signin_open(now) and not m.is_cancelled), mine[0])
    return _sign_in(actor, meeting, method=Attendee.Method.CODE)


def attendee_mark_present(*, actor: User, attendee: Attendee) -> Attendee:
    """The organiser records someone who came without signing in (no account, no phone)."""
    meeting = attendee.meeting
    if not selectors.may_manage(actor, meeting):
        raise NotFound(selectors.NOT_FOUND)
    if meeting.is_cancelled:
        raise Conflict("该会议已取消，不能签到。")
    now = timezone.now()
    if not meeting.signin_open(now):
        raise Conflict(_window_message(meeting))
    with transaction.atomic():
        changed = Attendee.objects.filter(pk=attendee.pk, signed_in_at__isnull=True).update(
            signed_in_at=now, signin_method=Attendee.Method.MANUAL, marked_by=actor
        )
        if not changed:
            raise Conflict(f"{attendee.name}已经签到，无需重复登记。")
        audit_record(
            actor=actor,
            action="meetings.marked_present",
            target=meeting,
            details={"attendee": attendee.pk, "name": attendee.name},
        )
    attendee.refresh_from_db()
    return attendee
