"""Meeting notices (会议通知, S2 第二条), the invitations they carry, replies and sign-in.

A ``Meeting`` is sent by a clerk or leader of the organising unit to people and/or units.
Each addressee is one ``Invitation``: a person replies for themself, a unit replies through
its clerk or leader and names who goes. Everyone expected in the room is an ``Attendee``
(a person with an account, or a free-text name and post), and signs in there once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import models
from django.db.models import Q
from django.utils import timezone

from wenshu.lib.errors import Conflict

# Sign-in opens this long before the start and closes this long after the end.
SIGNIN_MARGIN = timedelta(hours=1)


class Meeting(models.Model):
    class Status(models.TextChoices):
        SENT = "sent", "已发出"  # addressees notified; replies and sign-in open
        CANCELLED = "cancelled", "已取消"  # final: replies and sign-in refused

    title = models.CharField("会议名称", max_length=200)
    organiser_unit = models.ForeignKey(
        "org.Unit", verbose_name="组织单位", on_delete=models.PROTECT, related_name="+"
    )
    organiser = models.ForeignKey(
        "accounts.User", verbose_name="组织人", on_delete=models.PROTECT, related_name="+"
    )
    contact_phone = models.CharField("联系电话", max_length=40, blank=True)
    start_at = models.DateTimeField("开始时间")
    end_at = models.DateTimeField("结束时间")
    place = models.CharField("地点", max_length=200)
    agenda = models.TextField("议程")
    requirement = models.CharField("参会要求", max_length=200, blank=True)
    reply_deadline = models.DateTimeField("回复截止时间")
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.SENT)
    cancel_reason = models.CharField("取消原因", max_length=300, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # The code shown on the sign-in screen; changing it also voids the QR codes shown before.
    signin_code = models.CharField("签到码", max_length=8, blank=True)
    signin_code_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField("发出时间", default=timezone.now)

    class Meta:
        ordering = ("-start_at", "-id")
        verbose_name = "会议通知"
        indexes = (
            models.Index(fields=["organiser_unit", "-start_at"], name="meetings_by_organiser"),
            models.Index(
                fields=["signin_code"], name="meetings_signin_code", condition=~Q(signin_code="")
            ),
        )
        constraints = (
            models.CheckConstraint(
                condition=Q(end_at__gt=models.F("start_at")), name="meetings_end_after_start"
            ),
        )

    def __str__(self) -> str:
        return self.title

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def signin_opens_at(self) -> datetime:
        return self.start_at - SIGNIN_MARGIN

    @property
    def signin_closes_at(self) -> datetime:
        return self.end_at + SIGNIN_MARGIN

    def signin_open(self, now: datetime) -> bool:
        return self.signin_opens_at <= now <= self.signin_closes_at

    def replies_open(self, now: datetime) -> bool:
        return not self.is_cancelled and now <= self.reply_deadline

    def move_to(self, target: str) -> None:
        check_transition(
            MEETING_TRANSITIONS, dict(self.Status.choices), self.status, target, "该会议通知"
        )
        self.status = target


MEETING_TRANSITIONS: dict[str, frozenset[str]] = {
    Meeting.Status.SENT: frozenset({Meeting.Status.CANCELLED}),
    Meeting.Status.CANCELLED: frozenset(),
}


def check_transition(
    table: dict[str, frozenset[str]], labels: dict[str, str], current: str, target: str, what: str
) -> None:
    if target not in table.get(current, frozenset()):
        raise Conflict(
            f"{what}当前为“{labels.get(current, current)}”，"
            f"不能改为“{labels.get(target, target)}”。页面可能已过期，请刷新后查看。"
        )


class MeetingMaterial(models.Model):
    """A document handed out with the notice (会议材料), scanned on upload."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="materials")
    upload = models.ForeignKey("files.Upload", on_delete=models.PROTECT, related_name="+")
    added_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("added_at", "id")
        constraints = (
            models.UniqueConstraint(fields=["meeting", "upload"], name="meetings_material_once"),
        )

    def __str__(self) -> str:
        return f"{self.meeting_id}:{self.upload_id}"


class Invitation(models.Model):
    """One addressee of a meeting notice: a person, or a unit that decides who goes."""

    class Kind(models.TextChoices):
        PERSON = "person", "个人"
        UNIT = "unit", "单位"

    class Reply(models.TextChoices):
        PENDING = "pending", "未回复"
        ATTEND = "attend", "参加"  # a person: themself; a unit: the attendees it named
        ABSENT = "absent", "不参加"  # with a reason (required)
        SUBSTITUTE = "substitute", "委派他人参加"  # one named person goes instead

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations")
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    person = models.ForeignKey(
        "accounts.User",
        verbose_name="受邀人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The invited unit; for a person, their unit when invited (its clerk may answer for them).
    unit = models.ForeignKey(
        "org.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="+"
    )
    reply = models.CharField("回执", max_length=12, choices=Reply.choices, default=Reply.PENDING)
    reason = models.CharField("不参加事由", max_length=300, blank=True)
    received_at = models.DateTimeField("收到时间", null=True, blank=True)
    received_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    replied_at = models.DateTimeField("回复时间", null=True, blank=True)
    replied_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reply_reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("meeting_id", "kind", "unit_id", "id")
        constraints = (
            models.UniqueConstraint(
                fields=["meeting", "person"],
                condition=Q(kind="person"),
                name="meetings_invite_person_once",
            ),
            models.UniqueConstraint(
                fields=["meeting", "unit"],
                condition=Q(kind="unit"),
                name="meetings_invite_unit_once",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="person", person__isnull=False) | Q(kind="unit", person__isnull=True)
                ),
                name="meetings_invite_kind_matches",
            ),
        )
        indexes = (
            models.Index(fields=["unit", "reply"], name="meetings_invite_unit_reply"),
            models.Index(fields=["person", "reply"], name="meetings_invite_person_reply"),
        )

    def __str__(self) -> str:
        return f"{self.meeting_id}:{self.invitee_name}"

    @property
    def invitee_name(self) -> str:
        if self.kind == self.Kind.PERSON and self.person is not None:
            return self.person.display_name
        return self.unit.short_name or self.unit.full_name

    def move_to(self, target: str) -> None:
        check_transition(REPLY_TRANSITIONS, dict(self.Reply.choices), self.reply, target, "该回执")
        self.reply = target


_ANSWERS = frozenset(
    {Invitation.Reply.ATTEND, Invitation.Reply.ABSENT, Invitation.Reply.SUBSTITUTE}
)
# A reply can be changed (to any answer) until the deadline; it never goes back to pending.
REPLY_TRANSITIONS: dict[str, frozenset[str]] = {
    Invitation.Reply.PENDING: _ANSWERS,
    Invitation.Reply.ATTEND: _ANSWERS,
    Invitation.Reply.ABSENT: _ANSWERS,
    Invitation.Reply.SUBSTITUTE: _ANSWERS,
}


class Attendee(models.Model):
    """Someone expected in the room: named by a reply (or an invitee who came anyway)."""

    class Method(models.TextChoices):
        CODE = "code", "签到码"
        QR = "qr", "扫码"
        MANUAL = "manual", "组织人代签"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendees")
    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="attendees")
    person = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField("姓名", max_length=60)
    post = models.CharField("职务", max_length=60, blank=True)
    substitute = models.BooleanField("代参人", default=False)
    # An invited person who signed in without having replied "参加".
    walk_in = models.BooleanField(default=False)
    signed_in_at = models.DateTimeField("签到时间", null=True, blank=True)
    signin_method = models.CharField(max_length=10, choices=Method.choices, blank=True)
    marked_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    start_reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("invitation_id", "id")
        constraints = (
            models.UniqueConstraint(
                fields=["meeting", "person"],
                condition=Q(person__isnull=False),
                name="meetings_attendee_person_once",
            ),
        )

    def __str__(self) -> str:
        return self.name


class SigninFailure(models.Model):
    """A wrong sign-in code typed; too many in a short time stop further tries."""

    person = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = (models.Index(fields=["person", "at"], name="meetings_signin_fail"),)

    def __str__(self) -> str:
        return f"{self.person_id}@{self.at:%Y-%m-%d %H:%M}"
