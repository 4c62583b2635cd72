"""Sign-in: by code and by the QR token, inside the window only, once, and only for people on
the list."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import signing

from wenshu.audit.models import AuditEvent
from wenshu.lib.errors import Conflict, DomainError, NotFound, Throttled
from wenshu.meetings import services
from wenshu.meetings.models import Attendee
from wenshu.meetings.services.signin import SALT
from wenshu.meetings.tests.conftest import as_client, invitation_of, reply

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(cast, meeting, time_machine):
    """Unit B named b_staff; unit C sent 李四 (no account); the clock is 30 min before start."""
    city = cast.city
    reply(city.b_clerk, invitation_of(meeting, city.b), "attend", attendee_ids=[city.b_staff.pk])
    reply(
        cast.c_clerk,
        invitation_of(meeting, cast.c),
        "substitute",
        substitute_name="李四",
        substitute_post="副主任",
    )
    time_machine.move_to(meeting.start_at - timedelta(minutes=30), tick=False)
    return services.signin_screen(actor=cast.gov_clerk, meeting=meeting)


def test_a_named_attendee_signs_in_with_the_code_once(cast, meeting, ready, time_machine):
    b_staff = cast.city.b_staff
    first = services.attendee_sign_in_by_code(actor=b_staff, code=ready.code)
    assert not first.already and first.attendee.signin_method == Attendee.Method.CODE
    at = first.attendee.signed_in_at
    time_machine.move_to(meeting.start_at, tick=False)
    again = services.attendee_sign_in_by_code(actor=b_staff, code=f" {ready.code} ")
    assert again.already and again.attendee.signed_in_at == at
    assert Attendee.objects.filter(person=b_staff, signed_in_at__isnull=False).count() == 1
    assert AuditEvent.objects.filter(action="meetings.signed_in").count() == 1


def test_full_width_digits_are_accepted(cast, ready):
    wide = ready.code.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert not services.attendee_sign_in_by_code(actor=cast.city.b_staff, code=wide).already


def test_the_qr_token_signs_in_and_a_renewed_code_voids_it(cast, meeting, ready):
    assert services.meeting_for_token(viewer=cast.city.b_staff, token=ready.token) == meeting
    result = services.attendee_sign_in_by_token(actor=cast.city.b_staff, token=ready.token)
    assert result.attendee.signin_method == Attendee.Method.QR
    renewed = services.signin_code_renew(actor=cast.gov_clerk, meeting=meeting)
    assert renewed.code != ready.code
    with pytest.raises(DomainError, match="已过期或签到码已更换"):
        services.attendee_sign_in_by_token(actor=cast.city.a_leader, token=ready.token)
    with pytest.raises(DomainError, match="签到码不正确"):
        services.attendee_sign_in_by_code(actor=cast.city.a_leader, code=ready.code)
    assert not services.attendee_sign_in_by_token(
        actor=cast.city.a_leader, token=renewed.token
    ).already


def test_a_forged_or_expired_token_is_refused(cast, meeting, ready, time_machine):
    forged = signing.dumps({"m": meeting.pk, "c": ready.code}, salt="something-else")
    with pytest.raises(DomainError, match="二维码无效"):
        services.attendee_sign_in_by_token(actor=cast.city.b_staff, token=forged)
    with pytest.raises(DomainError, match="二维码无效"):
        services.attendee_sign_in_by_token(actor=cast.city.b_staff, token="abc:def")
    # The token lives as long as the sign-in window (4 h here) from when it was shown.
    time_machine.shift(timedelta(hours=4, minutes=1))
    with pytest.raises(DomainError, match="已过期"):
        services.attendee_sign_in_by_token(actor=cast.city.b_staff, token=ready.token)
    assert signing.loads(ready.token, salt=SALT)["m"] == meeting.pk


@pytest.mark.parametrize("offset", [timedelta(hours=-1, minutes=-1), timedelta(hours=3, minutes=1)])
def test_outside_the_window_sign_in_is_refused(cast, meeting, ready, time_machine, offset):
    time_machine.move_to(meeting.start_at + offset, tick=False)  # the meeting lasts 2 h
    with pytest.raises(Conflict, match="不在签到时间内"):
        services.attendee_sign_in_by_code(actor=cast.city.b_staff, code=ready.code)
    assert not Attendee.objects.filter(signed_in_at__isnull=False).exists()


def test_the_window_edges_are_inside(cast, meeting, ready, time_machine):
    time_machine.move_to(meeting.start_at - timedelta(hours=1), tick=False)
    assert not services.attendee_sign_in_by_code(actor=cast.city.b_staff, code=ready.code).already
    time_machine.move_to(meeting.end_at + timedelta(hours=1), tick=False)
    assert not services.attendee_sign_in_by_token(
        actor=cast.city.a_leader, token=ready.token
    ).already


@pytest.mark.parametrize("who", ["a_staff", "b_leader", "b_clerk", "shuziban"])
def test_people_not_on_the_list_are_refused(cast, ready, who):
    person = getattr(cast.city, who)  # a_staff: unit A has not named anyone; B named b_staff
    with pytest.raises(NotFound, match="不在该会议的参会名单中"):
        services.attendee_sign_in_by_code(actor=person, code=ready.code)
    with pytest.raises(NotFound, match="不在该会议的参会名单中"):
        services.attendee_sign_in_by_token(actor=person, token=ready.token)
    assert not Attendee.objects.filter(person=person).exists()


def test_a_person_invited_by_name_may_come_without_replying(cast, meeting, ready):
    result = services.attendee_sign_in_by_code(actor=cast.city.a_leader, code=ready.code)
    assert result.attendee.walk_in and result.attendee.invitation == invitation_of(
        meeting, cast.city.a_leader
    )


def test_wrong_codes_are_limited(cast, ready):
    wrong = "000000" if ready.code != "000000" else "111111"
    for _ in range(10):
        with pytest.raises(DomainError, match="签到码不正确"):
            services.attendee_sign_in_by_code(actor=cast.city.b_staff, code=wrong)
    with pytest.raises(Throttled):
        services.attendee_sign_in_by_code(actor=cast.city.b_staff, code=ready.code)
    with pytest.raises(DomainError, match="6 位数字"):
        services.attendee_sign_in_by_code(actor=cast.city.a_leader, code="12ab")


def test_the_organiser_records_someone_without_an_account(cast, meeting, ready):
    li = Attendee.objects.get(name="李四")
    with pytest.raises(NotFound):
        services.attendee_mark_present(actor=cast.c_clerk, attendee=li)
    done = services.attendee_mark_present(actor=cast.gov_leader, attendee=li)
    assert done.signin_method == Attendee.Method.MANUAL and done.marked_by == cast.gov_leader
    with pytest.raises(Conflict, match="已经签到"):
        services.attendee_mark_present(actor=cast.gov_clerk, attendee=li)


def test_only_the_organising_unit_opens_the_sign_in_screen(cast, meeting, ready):
    for person in (cast.city.b_clerk, cast.city.b_staff, cast.city.a_leader):
        with pytest.raises(NotFound):
            services.signin_screen(actor=person, meeting=meeting)
    again = services.signin_screen(actor=cast.gov_leader, meeting=meeting)
    assert again.code == ready.code  # opening it again shows the same code


def test_a_cancelled_meeting_has_no_sign_in(cast, meeting, ready):
    services.meeting_cancel(actor=cast.gov_clerk, meeting=meeting, reason="改期")
    with pytest.raises(Conflict, match="已取消"):
        services.attendee_sign_in_by_code(actor=cast.city.b_staff, code=ready.code)
    with pytest.raises(Conflict, match="已取消"):
        services.signin_screen(actor=cast.gov_clerk, meeting=meeting)


def test_the_screen_shows_the_code_and_a_qr_image(cast, meeting, ready):
    page = as_client(cast.gov_clerk).get(f"/meetings/{meeting.pk}/signin-screen/")
    html = page.content.decode()
    assert page.status_code == 200 and ready.code in html
    assert 'src="data:image/png;base64,' in html
    assert "<script>" not in html and "style=" not in html
    assert "img-src 'self' data:" in page["Content-Security-Policy"]


def test_the_qr_link_asks_to_confirm_then_signs_in(cast, meeting, ready):
    c = as_client(cast.city.b_staff)
    url = f"/meetings/signin/t/{ready.token}/"
    page = c.get(url)
    assert page.status_code == 200 and "确认签到" in page.content.decode()
    assert not Attendee.objects.filter(signed_in_at__isnull=False).exists()  # GET changes nothing
    done = c.post(url)
    assert done.status_code == 302 and done["Location"] == f"/meetings/{meeting.pk}/"
    assert Attendee.objects.get(person=cast.city.b_staff).signed_in_at is not None
    assert as_client(cast.city.a_staff).get(url).status_code == 404


def test_the_code_page_signs_in_and_shows_refusals(cast, meeting, ready):
    c = as_client(cast.city.b_staff)
    bad = c.post("/meetings/signin/", {"code": "12"})
    assert bad.status_code == 400 and "6 位数字" in bad.content.decode()
    ok = c.post("/meetings/signin/", {"code": ready.code}, follow=True)
    assert "签到成功" in ok.content.decode()
    twice = c.post("/meetings/signin/", {"code": ready.code}, follow=True)
    assert "无需重复签到" in twice.content.decode()
    outsider = as_client(cast.city.a_staff).post("/meetings/signin/", {"code": ready.code})
    assert outsider.status_code == 404 and "不在该会议的参会名单中" in outsider.content.decode()
