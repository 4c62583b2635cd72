"""Sending a meeting notice, its refusals, extending the deadline and cancelling."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from conftest import make_person, make_unit
from wenshu.audit.models import AuditEvent
from wenshu.files.services import file_ingest
from wenshu.lib.errors import Conflict, DomainError, Forbidden, NotFound
from wenshu.meetings import services
from wenshu.meetings.models import Invitation, Meeting
from wenshu.meetings.tests.conftest import invitation_of, meeting_input, reply
from wenshu.notify.models import Notification, OutboxMessage
from wenshu.org.models import Unit

pytestmark = pytest.mark.django_db


def test_it_sends_to_units_and_people_and_tells_clerks_and_invitees(cast, meeting):
    city = cast.city
    assert meeting.status == Meeting.Status.SENT
    assert meeting.organiser_unit == city.gov_office
    kinds = sorted((i.kind, i.unit.short_name) for i in meeting.invitations.all())
    assert kinds == [
        ("person", "市财政局"),
        ("unit", "市卫健委"),
        ("unit", "市教育局"),
        ("unit", "市财政局"),
    ]
    told = set(
        Notification.objects.filter(kind="meetings.notice").values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"a_clerk", "b_clerk", "c_clerk", "a_leader"}
    body = Notification.objects.get(recipient=city.a_clerk, kind="meetings.notice").body
    assert "参会要求：请各单位分管负责人参加。请贵单位于" in body
    sms_to = set(
        OutboxMessage.objects.filter(kind="meetings.notice").values_list("to_address", flat=True)
    )
    assert sms_to == {"13900000001", "13900000002", "13900000003"}  # a_leader has no mobile
    assert AuditEvent.objects.filter(action="meetings.sent", target_id=str(meeting.pk)).exists()


def test_a_unit_without_a_clerk_hears_through_its_leader(cast, send):
    lonely = make_unit("白银市统计局", "市统计局", "白统")
    boss = make_person("stat_leader", lonely, "unit_leader")
    send(units=[lonely])
    assert Notification.objects.filter(recipient=boss, kind="meetings.notice").exists()


@pytest.mark.parametrize("who", ["a_staff", "a_admin", "a_custodian", "shuziban"])
def test_only_a_clerk_or_leader_may_send(cast, who):
    with pytest.raises(Forbidden):
        services.meeting_create(
            actor=getattr(cast.city, who), data=meeting_input(unit_ids=[cast.city.b.pk])
        )
    assert not Meeting.objects.exists()


def test_a_leader_may_send_in_the_units_name(cast):
    m = services.meeting_create(
        actor=cast.city.a_leader, data=meeting_input(unit_ids=[cast.city.b.pk])
    )
    assert m.organiser_unit == cast.city.a and m.organiser == cast.city.a_leader


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"end_at": -timedelta(hours=3)}, "结束时间必须晚于开始时间"),
        ({"start_at": -timedelta(days=4), "end_at": -timedelta(days=4)}, "开始时间已过"),
        ({"reply_deadline": timedelta(days=2)}, "不能晚于会议开始时间"),
        ({"reply_deadline": -timedelta(days=3)}, "回复截止时间已过"),
    ],
)
def test_it_refuses_impossible_times(cast, change, message):
    data = meeting_input(unit_ids=[cast.city.b.pk])
    for name, delta in change.items():
        setattr(data, name, getattr(data, name) + delta)
    with pytest.raises(DomainError, match=message):
        services.meeting_create(actor=cast.gov_clerk, data=data)
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("field", ["title", "agenda", "place"])
def test_it_refuses_a_classification_marking(cast, field):
    data = meeting_input(unit_ids=[cast.city.b.pk], **{field: "机密★1年 关于某事项"})
    with pytest.raises(DomainError, match="密级标志") as err:
        services.meeting_create(actor=cast.gov_clerk, data=data)
    assert err.value.code == "classified"
    assert not Meeting.objects.exists()


def test_it_needs_someone_to_invite_and_only_live_units(cast):
    with pytest.raises(DomainError, match="至少选择一个"):
        services.meeting_create(actor=cast.gov_clerk, data=meeting_input())
    gone = make_unit("白银市旧局", "旧局", "白旧")
    Unit.objects.filter(pk=gone.pk).update(status=Unit.Status.DEREGISTERED)
    with pytest.raises(DomainError, match="已注销"):
        services.meeting_create(actor=cast.gov_clerk, data=meeting_input(unit_ids=[gone.pk]))
    assert not Meeting.objects.exists()


def test_required_text_is_required(cast):
    with pytest.raises(DomainError, match="请填写会议地点"):
        services.meeting_create(
            actor=cast.gov_clerk, data=meeting_input(unit_ids=[cast.city.b.pk], place="  ")
        )


@pytest.mark.usefixtures("clamd_socket")
def test_materials_go_with_the_notice_and_must_be_the_senders_own(cast, send):
    mine = file_ingest(actor=cast.gov_clerk, name="议程.txt", data_or_fileobj="会议议程".encode())
    theirs = file_ingest(actor=cast.city.a_clerk, name="x.txt", data_or_fileobj=b"abc")
    with pytest.raises(NotFound):
        services.meeting_create(
            actor=cast.gov_clerk, materials=[theirs], data=meeting_input(unit_ids=[cast.city.b.pk])
        )
    m = services.meeting_create(
        actor=cast.gov_clerk, materials=[mine], data=meeting_input(unit_ids=[cast.city.b.pk])
    )
    assert [x.upload for x in m.materials.all()] == [mine]


@pytest.mark.usefixtures("clamd_socket")
def test_materials_can_be_added_later_and_invitees_are_told(cast, meeting):
    extra = file_ingest(actor=cast.gov_clerk, name="补充.txt", data_or_fileobj="补充材料".encode())
    assert (
        services.meeting_add_materials(actor=cast.gov_clerk, meeting=meeting, uploads=[extra]) == 1
    )
    assert (
        services.meeting_add_materials(actor=cast.gov_clerk, meeting=meeting, uploads=[extra]) == 0
    )  # twice adds nothing
    assert Notification.objects.filter(recipient=cast.c_clerk, kind="meetings.materials").exists()
    with pytest.raises(NotFound):
        services.meeting_add_materials(actor=cast.c_clerk, meeting=meeting, uploads=[extra])


def test_the_deadline_is_extended_later_only_and_pending_invitees_are_told(cast, meeting):
    city = cast.city
    reply(city.a_clerk, invitation_of(meeting, city.a), "attend", attendee_ids=[city.a_staff.pk])
    old = meeting.reply_deadline
    with pytest.raises(DomainError, match="须晚于原截止时间"):
        services.meeting_extend_deadline(
            actor=cast.gov_clerk, meeting=meeting, reply_deadline=old - timedelta(hours=1)
        )
    with pytest.raises(DomainError, match="不能晚于会议开始时间"):
        services.meeting_extend_deadline(
            actor=cast.gov_clerk,
            meeting=meeting,
            reply_deadline=meeting.start_at + timedelta(minutes=1),
        )
    later = services.meeting_extend_deadline(
        actor=cast.gov_leader, meeting=meeting, reply_deadline=old + timedelta(hours=12)
    )
    assert later.reply_deadline == old + timedelta(hours=12)
    told = set(
        Notification.objects.filter(kind="meetings.deadline").values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"b_clerk", "c_clerk", "a_leader"}  # unit A has replied


def test_invitees_cannot_touch_the_deadline_or_cancel(cast, meeting):
    with pytest.raises(NotFound):
        services.meeting_extend_deadline(
            actor=cast.city.a_clerk,
            meeting=meeting,
            reply_deadline=meeting.reply_deadline + timedelta(1),
        )
    with pytest.raises(NotFound):
        services.meeting_cancel(actor=cast.city.b_leader, meeting=meeting, reason="不开了")


def test_cancelling_tells_everyone_and_is_final(cast, meeting):
    city = cast.city
    reply(cast.c_clerk, invitation_of(meeting, cast.c), "attend", attendee_ids=[cast.c_staff.pk])
    with pytest.raises(DomainError, match="请填写取消原因"):
        services.meeting_cancel(actor=cast.gov_clerk, meeting=meeting, reason=" ")
    services.meeting_cancel(actor=cast.gov_clerk, meeting=meeting, reason="议题调整，另行通知")
    told = set(
        Notification.objects.filter(kind="meetings.cancelled").values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"a_clerk", "b_clerk", "c_clerk", "a_leader", "c_staff"}
    with pytest.raises(Conflict, match="已取消"):
        services.meeting_cancel(actor=cast.gov_clerk, meeting=meeting, reason="再取消")
    with pytest.raises(Conflict, match="已取消"):
        reply(city.b_clerk, invitation_of(meeting, city.b), "absent", reason="出差")
    with pytest.raises(Conflict, match="已取消"):
        services.meeting_extend_deadline(
            actor=cast.gov_clerk,
            meeting=meeting,
            reply_deadline=meeting.reply_deadline + timedelta(1),
        )


def test_a_person_invited_twice_is_one_invitation(cast, send):
    m = send(people=[cast.city.a_leader, cast.city.a_leader])
    assert m.invitations.filter(kind=Invitation.Kind.PERSON).count() == 1


def test_times_in_messages_are_beijing_time(cast, send):
    start = timezone.make_aware(datetime(2030, 5, 12, 9, 30))
    send(
        units=[cast.city.b],
        start_at=start,
        end_at=start + timedelta(hours=2),
        reply_deadline=start - timedelta(days=1),
    )
    body = Notification.objects.get(recipient=cast.city.b_clerk).body
    assert "5月12日 09:30—11:30" in body
