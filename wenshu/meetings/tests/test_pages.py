"""The meeting pages: sending through the form, the lists, the live table, the workbench
counter, and outsiders refused (404) on every route."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from wenshu.files.services import file_ingest
from wenshu.meetings import selectors, services
from wenshu.meetings.models import Attendee, Invitation, Meeting, MeetingMaterial
from wenshu.meetings.tests.conftest import as_client, invitation_of, reply

pytestmark = pytest.mark.django_db

# Built from two halves so no file of the repository carries the whole test signature.
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _form(cast, **overrides):
    now = timezone.now()
    data = {
        "title": "全市安全生产工作会议",
        "place": "市政府二楼会议室",
        "agenda": "一、通报\n二、部署",
        "start_at": _local(now + timedelta(days=3)),
        "end_at": _local(now + timedelta(days=3, hours=2)),
        "reply_deadline": _local(now + timedelta(days=2)),
        "requirement": "",
        "contact_phone": "8220000",
        "units": [cast.city.a.pk, cast.city.b.pk],
        "people": [cast.c_leader.pk],
    }
    data.update(overrides)
    return data


def test_a_clerk_sends_a_notice_through_the_form(cast):
    c = as_client(cast.gov_clerk)
    assert c.get(reverse("meetings:new")).status_code == 200
    response = c.post(reverse("meetings:new"), _form(cast))
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/meetings/{meeting.pk}/table/"
    assert meeting.invitations.count() == 3


def test_a_refused_form_keeps_what_was_typed(cast):
    c = as_client(cast.gov_clerk)
    response = c.post(reverse("meetings:new"), _form(cast, title="机密★ 专项会议"))
    html = response.content.decode()
    assert response.status_code == 400 and "密级标志" in html
    assert "二、部署" in html and "市政府二楼会议室" in html
    late = _local(timezone.now() + timedelta(days=4))
    response = c.post(reverse("meetings:new"), _form(cast, reply_deadline=late))
    assert "回复截止时间不能晚于会议开始时间" in response.content.decode()
    assert f'value="{late}"' in response.content.decode()
    response = c.post(reverse("meetings:new"), _form(cast, units=[], people=[]))
    assert response.status_code == 400
    assert "至少选择一个参会单位或参会人员" in response.content.decode()
    assert not Meeting.objects.exists()


@pytest.mark.usefixtures("clamd_socket")
def test_an_infected_material_is_refused_and_nothing_is_sent(cast):
    c = as_client(cast.gov_clerk)
    bad = SimpleUploadedFile("议程.txt", EICAR, content_type="text/plain")
    response = c.post(reverse("meetings:new"), {**_form(cast), "materials": [bad]})
    assert response.status_code == 400 and "病毒" in response.content.decode()
    assert not Meeting.objects.exists() and not MeetingMaterial.objects.exists()
    good = SimpleUploadedFile("议程.txt", "会议议程".encode(), content_type="text/plain")
    response = c.post(reverse("meetings:new"), {**_form(cast), "materials": [good]})
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    upload = meeting.materials.get().upload
    download = as_client(cast.city.a_clerk).get(
        reverse("meetings:material", args=[meeting.pk, upload.pk])
    )
    assert download.status_code == 200 and download.content == "会议议程".encode()
    for outsider in (cast.city.a_staff, cast.city.shuziban):
        assert (
            as_client(outsider)
            .get(reverse("meetings:material", args=[meeting.pk, upload.pk]))
            .status_code
            == 404
        )


def test_staff_cannot_open_the_send_form(cast):
    assert as_client(cast.city.a_staff).get(reverse("meetings:new")).status_code == 403


def test_the_lists_show_received_and_organised_meetings(cast, meeting):
    received = as_client(cast.city.b_clerk).get(reverse("meetings:list")).content.decode()
    assert meeting.title in received and "市教育局：未回复" in received
    organised = as_client(cast.gov_leader).get(reverse("meetings:list") + "?box=organised")
    assert meeting.title in organised.content.decode() and "0 / 4" in organised.content.decode()
    for outsider in (cast.city.b_staff, cast.city.shuziban):
        page = as_client(outsider).get(reverse("meetings:list") + "?box=organised")
        assert meeting.title not in page.content.decode()


def test_the_reply_form_on_the_notice_page(cast, meeting):
    city = cast.city
    inv = invitation_of(meeting, city.b)
    c = as_client(city.b_clerk)
    url = reverse("meetings:reply", args=[meeting.pk, inv.pk])
    bad = c.post(url, {f"inv{inv.pk}-answer": "absent", f"inv{inv.pk}-reason": ""})
    assert bad.status_code == 400 and "请填写不参加的事由" in bad.content.decode()
    ok = c.post(
        url,
        {
            f"inv{inv.pk}-answer": "attend",
            f"inv{inv.pk}-attendees": [city.b_staff.pk],
            f"inv{inv.pk}-extra_attendees": "王五 科长\n赵六，干事",
        },
    )
    assert ok.status_code == 302
    assert sorted(Attendee.objects.filter(invitation=inv).values_list("name", "post")) == [
        ("王五", "科长"),
        ("贝科员", ""),
        ("赵六", "干事"),
    ]
    page = c.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "修改回执" in page and "王五" in page


def test_after_the_deadline_the_page_says_so(cast, meeting, time_machine):
    inv = invitation_of(meeting, cast.city.b)
    time_machine.move_to(meeting.reply_deadline + timedelta(minutes=1), tick=False)
    c = as_client(cast.city.b_clerk)
    page = c.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "回复截止时间已过" in page
    late = c.post(
        reverse("meetings:reply", args=[meeting.pk, inv.pk]),
        {f"inv{inv.pk}-answer": "absent", f"inv{inv.pk}-reason": "出差"},
    )
    assert late.status_code == 409 and "已过，不能再回复或修改回执" in late.content.decode()


def test_the_live_table_polls_and_shows_replies(cast, meeting):
    city = cast.city
    reply(
        city.a_clerk,
        invitation_of(meeting, city.a),
        "substitute",
        substitute_name="钱七",
        substitute_post="副局长",
    )
    c = as_client(cast.gov_clerk)
    page = c.get(reverse("meetings:table", args=[meeting.pk])).content.decode()
    assert 'hx-trigger="every 10s"' in page
    assert f'hx-get="/meetings/{meeting.pk}/table/rows/"' in page
    assert "钱七（副局长）［代参］" in page and "<script>" not in page
    rows = c.get(reverse("meetings:table_rows", args=[meeting.pk]))
    assert rows.status_code == 200 and "<html" not in rows.content.decode()
    assert "钱七" in rows.content.decode()


def test_the_live_table_needs_a_fixed_number_of_queries(
    cast, meeting, send, django_assert_max_num_queries
):
    city = cast.city
    big = send(units=[city.a, city.b, cast.c, city.secrecy_bureau], people=[city.a_leader])
    reply(
        city.a_clerk,
        invitation_of(big, city.a),
        "attend",
        attendee_ids=[city.a_staff.pk, city.a_custodian.pk],
    )
    c = as_client(cast.gov_clerk)
    with django_assert_max_num_queries(14):
        assert c.get(reverse("meetings:table_rows", args=[big.pk])).status_code == 200


def test_the_workbench_counts_pending_replies(cast, meeting):
    page = as_client(cast.city.b_clerk).get("/workbench/").content.decode()
    assert "待回复会议" in page and "会议通知" in page
    assert selectors.pending_reply_count(viewer=cast.city.b_clerk) == 1
    assert selectors.pending_reply_count(viewer=cast.city.a_clerk) == 2  # unit A + a_leader
    assert selectors.pending_reply_count(viewer=cast.city.a_leader) == 2
    assert selectors.pending_reply_count(viewer=cast.city.b_staff) == 0
    reply(cast.city.b_clerk, invitation_of(meeting, cast.city.b), "absent", reason="出差")
    assert selectors.pending_reply_count(viewer=cast.city.b_leader) == 0


def test_meetings_for_person_gives_the_calendar_its_meetings(cast, meeting, send):
    city = cast.city
    start, end = meeting.start_at - timedelta(days=1), meeting.end_at + timedelta(days=1)
    assert list(selectors.meetings_for_person(viewer=city.a_leader, start=start, end=end)) == [
        meeting
    ]
    assert not selectors.meetings_for_person(viewer=city.b_staff, start=start, end=end).exists()
    reply(city.b_clerk, invitation_of(meeting, city.b), "attend", attendee_ids=[city.b_staff.pk])
    assert list(selectors.meetings_for_person(viewer=city.b_staff, start=start, end=end)) == [
        meeting
    ]
    assert not selectors.meetings_for_person(  # outside the period
        viewer=city.a_leader, start=end, end=end + timedelta(days=1)
    ).exists()
    services.meeting_cancel(actor=cast.gov_clerk, meeting=meeting, reason="改期")
    assert not selectors.meetings_for_person(viewer=city.a_leader, start=start, end=end).exists()


def _routes(meeting: Meeting, inv: Invitation, attendee: Attendee) -> list[tuple[str, str]]:
    pk = meeting.pk
    return [
        ("get", reverse("meetings:detail", args=[pk])),
        ("post", reverse("meetings:reply", args=[pk, inv.pk])),
        ("post", reverse("meetings:deadline", args=[pk])),
        ("post", reverse("meetings:cancel", args=[pk])),
        ("post", reverse("meetings:materials", args=[pk])),
        ("get", reverse("meetings:material", args=[pk, 1])),
        ("get", reverse("meetings:table", args=[pk])),
        ("get", reverse("meetings:table_rows", args=[pk])),
        ("get", reverse("meetings:export", args=[pk])),
        ("get", reverse("meetings:signin_screen", args=[pk])),
        ("post", reverse("meetings:signin_renew", args=[pk])),
        ("post", reverse("meetings:attendee_present", args=[pk, attendee.pk])),
    ]


def test_an_outsider_gets_404_on_every_meeting_route(cast, meeting):
    city = cast.city
    inv = invitation_of(meeting, city.a)
    reply(city.a_clerk, inv, "attend", attendee_ids=[city.a_staff.pk])
    attendee = inv.attendees.get()
    for outsider in (city.b_staff, city.shuziban, city.a_admin):
        c = as_client(outsider)
        for method, url in _routes(meeting, inv, attendee):
            assert getattr(c, method)(url).status_code == 404, (outsider.username, url)
    assert not Meeting.objects.filter(status="cancelled").exists()
    assert Attendee.objects.filter(signed_in_at__isnull=False).count() == 0


def test_an_invitee_of_another_unit_gets_404_on_the_organisers_routes(cast, meeting):
    city = cast.city
    inv = invitation_of(meeting, city.a)
    reply(city.a_clerk, inv, "attend", attendee_ids=[city.a_staff.pk])
    attendee = inv.attendees.get()
    c = as_client(city.b_clerk)
    for method, url in _routes(meeting, inv, attendee)[1:]:
        if "/materials/1/" in url:
            continue
        assert getattr(c, method)(url).status_code == 404, url
    assert invitation_of(meeting, city.a).reply == Invitation.Reply.ATTEND


def test_pages_need_a_login(client, meeting):
    for url in (
        "/meetings/",
        f"/meetings/{meeting.pk}/",
        "/meetings/signin/",
        f"/meetings/{meeting.pk}/table/",
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login" in response["Location"]


@pytest.mark.usefixtures("clamd_socket")
def test_the_organiser_adds_materials_from_the_page(cast, meeting):
    c = as_client(cast.gov_clerk)
    f = SimpleUploadedFile("补充材料.txt", "补充".encode(), content_type="text/plain")
    response = c.post(reverse("meetings:materials", args=[meeting.pk]), {"materials": [f]})
    assert response.status_code == 302
    assert [m.upload.name for m in meeting.materials.all()] == ["补充材料.txt"]
    other = file_ingest(actor=cast.gov_clerk, name="x.txt", data_or_fileobj=b"x")
    assert other.pk  # exists but not a material of this meeting
    assert (
        as_client(cast.city.a_clerk)
        .get(reverse("meetings:material", args=[meeting.pk, other.pk]))
        .status_code
        == 404
    )
