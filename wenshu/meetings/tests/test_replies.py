"""Receipts and replies: who may answer, what each answer needs, changes until the deadline,
refusals after it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import make_person
from wenshu.audit.models import AuditEvent
from wenshu.lib.errors import Conflict, DomainError, NotFound
from wenshu.meetings import services
from wenshu.meetings.models import Attendee, Invitation
from wenshu.meetings.tests.conftest import as_client, invitation_of, reply
from wenshu.notify.models import Notification

pytestmark = pytest.mark.django_db
R = Invitation.Reply


def test_a_person_who_attends_is_on_the_list(cast, meeting):
    inv = reply(cast.city.a_leader, invitation_of(meeting, cast.city.a_leader), "attend")
    assert inv.reply == R.ATTEND and inv.replied_by == cast.city.a_leader
    assert inv.received_at is not None  # replying is receiving
    assert [(a.person, a.substitute) for a in inv.attendees.all()] == [(cast.city.a_leader, False)]


def test_a_unit_names_its_attendees_and_they_are_told(cast, meeting):
    city = cast.city
    inv = reply(
        city.b_clerk,
        invitation_of(meeting, city.b),
        "attend",
        attendee_ids=[city.b_staff.pk, city.b_leader.pk],
        extra_attendees=[("司机小王", "驾驶员")],
    )
    assert sorted(a.name for a in inv.attendees.all()) == ["司机小王", "贝局长", "贝科员"]
    told = set(
        Notification.objects.filter(kind="meetings.named").values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"b_staff", "b_leader"}


def test_a_unit_must_name_someone_of_its_own(cast, meeting):
    city = cast.city
    inv = invitation_of(meeting, city.b)
    with pytest.raises(DomainError, match="至少一人"):
        reply(city.b_clerk, inv, "attend")
    with pytest.raises(DomainError, match="只能指定市教育局在职的人员"):
        reply(city.b_clerk, inv, "attend", attendee_ids=[city.a_staff.pk])
    assert invitation_of(meeting, city.b).reply == R.PENDING


def test_absent_needs_a_reason(cast, meeting):
    inv = invitation_of(meeting, cast.c)
    with pytest.raises(DomainError, match="不参加的事由"):
        reply(cast.c_leader, inv, "absent", reason="  ")
    inv = reply(cast.c_leader, inv, "absent", reason="当天有上级检查")
    assert inv.reason == "当天有上级检查" and not inv.attendees.exists()


def test_a_substitute_is_a_person_of_the_unit_or_a_name_and_post(cast, meeting):
    city = cast.city
    mine = invitation_of(meeting, city.a_leader)
    with pytest.raises(DomainError, match="不能是受邀人本人"):
        reply(city.a_leader, mine, "substitute", substitute_id=city.a_leader.pk)
    with pytest.raises(DomainError, match="只能指定市财政局"):
        reply(city.a_leader, mine, "substitute", substitute_id=city.b_staff.pk)
    with pytest.raises(DomainError, match="代参人职务"):
        reply(city.a_leader, mine, "substitute", substitute_name="张三")
    inv = reply(city.a_leader, mine, "substitute", substitute_id=city.a_staff.pk)
    assert [(a.person, a.substitute) for a in inv.attendees.all()] == [(city.a_staff, True)]
    inv = reply(
        cast.c_clerk,
        invitation_of(meeting, cast.c),
        "substitute",
        substitute_name="李四",
        substitute_post="副主任",
    )
    assert [(a.person, a.name, a.post) for a in inv.attendees.all()] == [(None, "李四", "副主任")]


def test_a_reply_can_be_changed_before_the_deadline(cast, meeting):
    city = cast.city
    inv = invitation_of(meeting, city.b)
    reply(city.b_clerk, inv, "attend", attendee_ids=[city.b_staff.pk])
    inv = reply(city.b_leader, inv, "absent", reason="与全省会议冲突")
    assert inv.reply == R.ABSENT and inv.replied_by == city.b_leader
    assert not Attendee.objects.filter(invitation=inv).exists()
    inv = reply(city.b_clerk, inv, "substitute", substitute_id=city.b_staff.pk)
    assert inv.attendees.get().person == city.b_staff
    answers = [e.details["answer"] for e in AuditEvent.objects.filter(action="meetings.replied")]
    assert answers == ["attend", "absent", "substitute"]


def test_after_the_deadline_replies_are_refused_until_it_is_extended(cast, meeting, time_machine):
    city = cast.city
    inv = invitation_of(meeting, city.b)
    time_machine.move_to(meeting.reply_deadline + timedelta(minutes=1), tick=False)
    late = r"回复截止时间（.*）已过.*龚文书（电话 0943-8220000）"
    with pytest.raises(Conflict, match=late) as err:
        reply(city.b_clerk, inv, "absent", reason="出差")
    assert err.value.code == "deadline_passed"
    services.meeting_extend_deadline(
        actor=cast.gov_clerk, meeting=meeting, reply_deadline=timezone.now() + timedelta(hours=3)
    )
    assert reply(city.b_clerk, inv, "absent", reason="出差").reply == R.ABSENT


def test_only_the_invitee_or_the_units_clerk_or_leader_may_answer(cast, meeting):
    city = cast.city
    unit_b = invitation_of(meeting, city.b)
    for outsider in (city.b_staff, city.b_admin, city.a_clerk, cast.gov_clerk):
        with pytest.raises(NotFound):
            reply(outsider, unit_b, "absent", reason="x")
    person = invitation_of(meeting, city.a_leader)
    for outsider in (city.a_staff, city.b_clerk, city.a_admin):
        with pytest.raises(NotFound):
            reply(outsider, person, "attend")


def test_a_clerk_answers_for_a_person_of_the_unit(cast, meeting):
    city = cast.city
    inv = reply(city.a_clerk, invitation_of(meeting, city.a_leader), "attend")
    assert inv.replied_by == city.a_clerk
    assert inv.attendees.get().person == city.a_leader


def test_a_person_is_named_only_once_per_meeting(cast, meeting):
    city = cast.city
    reply(city.a_leader, invitation_of(meeting, city.a_leader), "attend")
    with pytest.raises(DomainError, match="艾局长已在本次会议的参会名单中"):
        reply(
            city.a_clerk, invitation_of(meeting, city.a), "attend", attendee_ids=[city.a_leader.pk]
        )
    assert invitation_of(meeting, city.a).reply == R.PENDING


def test_a_reply_cannot_change_once_someone_signed_in(cast, meeting, time_machine):
    city = cast.city
    meeting.reply_deadline = meeting.start_at  # the deadline reaches into the sign-in window
    meeting.save()
    inv = reply(
        city.b_clerk, invitation_of(meeting, city.b), "attend", attendee_ids=[city.b_staff.pk]
    )
    time_machine.move_to(meeting.start_at - timedelta(minutes=30), tick=False)
    screen = services.signin_screen(actor=cast.gov_clerk, meeting=meeting)
    services.attendee_sign_in_by_code(actor=city.b_staff, code=screen.code)
    with pytest.raises(Conflict, match="已有参会人员签到"):
        reply(city.b_clerk, inv, "absent", reason="改主意")


def test_a_disabled_person_cannot_be_named(cast, meeting):
    gone = make_person("c_gone", cast.c, "staff", status="disabled")
    with pytest.raises(DomainError, match="在职的人员"):
        reply(cast.c_clerk, invitation_of(meeting, cast.c), "attend", attendee_ids=[gone.pk])


def test_receipt_is_recorded_the_first_time_the_notice_is_opened(cast, meeting, time_machine):
    city = cast.city
    inv = invitation_of(meeting, city.b)
    assert inv.received_at is None
    as_client(city.b_staff).get(f"/meetings/{meeting.pk}/")  # not theirs to receive: 404
    assert invitation_of(meeting, city.b).received_at is None
    time_machine.move_to(timezone.now(), tick=False)
    first = timezone.now()
    assert as_client(city.b_leader).get(f"/meetings/{meeting.pk}/").status_code == 200
    inv = invitation_of(meeting, city.b)
    assert (inv.received_at, inv.received_by) == (first, city.b_leader)
    time_machine.move_to(first + timedelta(hours=1), tick=False)
    as_client(city.b_clerk).get(f"/meetings/{meeting.pk}/")
    assert invitation_of(meeting, city.b).received_at == first  # the first opening counts
    assert AuditEvent.objects.filter(action="meetings.received").count() == 1


def test_the_organiser_opening_the_notice_records_no_receipt(cast, meeting):
    as_client(cast.gov_clerk).get(f"/meetings/{meeting.pk}/")
    assert not meeting.invitations.filter(received_at__isnull=False).exists()
