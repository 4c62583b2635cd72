"""/api/v1/meetings/: the same rules as the pages, JSON errors, outsiders refused with 404."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from wenshu.meetings.models import Attendee, Meeting
from wenshu.meetings.tests.conftest import as_client, invitation_of, reply

pytestmark = pytest.mark.django_db
BASE = "/api/v1/meetings/"


def _post(c, url, data):
    return c.post(url, json.dumps(data), content_type="application/json")


def _payload(cast, **overrides):
    start = timezone.now() + timedelta(days=3)
    data = {
        "title": "预算编制工作会",
        "place": "财政局会议室",
        "agenda": "研究预算",
        "start_at": start.isoformat(),
        "end_at": (start + timedelta(hours=1)).isoformat(),
        "reply_deadline": (start - timedelta(days=1)).isoformat(),
        "unit_ids": [cast.city.b.pk, cast.c.pk],
        "person_ids": [cast.city.a_leader.pk],
    }
    data.update(overrides)
    return data


def test_a_clerk_sends_and_units_reply_through_the_api(cast):
    city = cast.city
    created = _post(as_client(cast.gov_clerk), BASE, _payload(cast))
    assert created.status_code == 201, created.content
    meeting_id = created.json()["id"]
    assert created.json()["manage"] is True
    detail = as_client(city.b_clerk).get(f"{BASE}{meeting_id}")
    mine = detail.json()["my_invitations"]
    assert [i["invitee"] for i in mine] == ["市教育局"] and mine[0]["received_at"]
    url = f"{BASE}{meeting_id}/invitations/{mine[0]['id']}/reply"
    answered = _post(
        as_client(city.b_clerk),
        url,
        {
            "answer": "attend",
            "attendee_ids": [city.b_staff.pk],
            "extra_attendees": [{"name": "王五", "post": "科长"}],
        },
    )
    assert answered.status_code == 200, answered.content
    assert [a["name"] for a in answered.json()["attendees"]] == ["贝科员", "王五"]
    table = as_client(cast.gov_clerk).get(f"{BASE}{meeting_id}/invitations").json()
    assert table["summary"]["replied"] == 1 and table["summary"]["invited"] == 3


def test_naive_times_are_beijing_time(cast):
    start = (timezone.localtime() + timedelta(days=3)).replace(
        hour=9, minute=0, second=0, microsecond=0, tzinfo=None
    )
    data = _payload(
        cast,
        start_at=start.isoformat(),
        end_at=(start + timedelta(hours=1)).isoformat(),
        reply_deadline=(start - timedelta(days=1)).isoformat(),
    )
    assert _post(as_client(cast.gov_clerk), BASE, data).status_code == 201
    assert timezone.localtime(Meeting.objects.get().start_at).hour == 9


def test_refusals_are_json_4xx(cast, meeting, time_machine):
    staff = _post(as_client(cast.city.a_staff), BASE, _payload(cast))
    assert staff.status_code == 403 and staff.json()["error"] == "forbidden"
    bad = _post(as_client(cast.gov_clerk), BASE, _payload(cast, end_at=timezone.now().isoformat()))
    assert bad.status_code == 400 and "结束时间必须晚于开始时间" in bad.json()["message"]
    wrong = _post(as_client(cast.gov_clerk), BASE, _payload(cast, title=None))
    assert wrong.status_code == 422
    inv = invitation_of(meeting, cast.c)
    url = f"{BASE}{meeting.pk}/invitations/{inv.pk}/reply"
    absent = _post(as_client(cast.c_clerk), url, {"answer": "absent"})
    assert absent.status_code == 400 and "不参加的事由" in absent.json()["message"]
    time_machine.move_to(meeting.reply_deadline + timedelta(seconds=1), tick=False)
    late = _post(as_client(cast.c_clerk), url, {"answer": "absent", "reason": "出差"})
    assert late.status_code == 409 and late.json()["error"] == "deadline_passed"


def test_deadline_cancel_and_sign_in_through_the_api(cast, meeting, time_machine):
    city = cast.city
    c = as_client(cast.gov_clerk)
    later = (meeting.reply_deadline + timedelta(hours=2)).isoformat()
    assert _post(c, f"{BASE}{meeting.pk}/deadline", {"reply_deadline": later}).status_code == 200
    reply(city.b_clerk, invitation_of(meeting, city.b), "attend", attendee_ids=[city.b_staff.pk])
    time_machine.move_to(meeting.start_at - timedelta(minutes=5), tick=False)
    c = as_client(cast.gov_clerk)  # a fresh session: the old one idled out over the days
    screen = c.get(f"{BASE}{meeting.pk}/signin-screen").json()
    assert len(screen["code"]) == 6 and "/meetings/signin/t/" in screen["url"]
    token = screen["url"].rstrip("/").rsplit("/", 1)[1]
    signed = _post(as_client(city.b_staff), f"{BASE}signin", {"token": token})
    assert signed.status_code == 200 and signed.json()["already"] is False
    again = _post(as_client(city.b_staff), f"{BASE}signin", {"code": screen["code"]})
    assert again.json()["already"] is True
    outsider = _post(as_client(city.a_staff), f"{BASE}signin", {"code": screen["code"]})
    assert outsider.status_code == 404
    cancelled = _post(c, f"{BASE}{meeting.pk}/cancel", {"reason": "改期"})
    assert cancelled.json()["status"] == "cancelled"


def test_the_calendar_lists_the_persons_meetings(cast, meeting):
    start = (meeting.start_at - timedelta(days=1)).isoformat()
    end = (meeting.end_at + timedelta(days=1)).isoformat()
    mine = as_client(cast.city.a_leader).get(f"{BASE}calendar", {"start": start, "end": end})
    assert [m["id"] for m in mine.json()] == [meeting.pk]
    none = as_client(cast.city.b_staff).get(f"{BASE}calendar", {"start": start, "end": end})
    assert none.json() == []
    bad = as_client(cast.city.b_staff).get(f"{BASE}calendar", {"start": end, "end": start})
    assert bad.status_code == 400


@pytest.mark.usefixtures("clamd_socket")
def test_materials_are_uploaded_and_downloaded(cast, meeting):
    c = as_client(cast.gov_clerk)
    f = SimpleUploadedFile("议程.txt", "议程内容".encode(), content_type="text/plain")
    added = c.post(f"{BASE}{meeting.pk}/materials", {"files": [f]})
    assert added.status_code == 201, added.content
    upload_id = added.json()[0]["upload_id"]
    got = as_client(cast.c_clerk).get(f"{BASE}{meeting.pk}/materials/{upload_id}")
    assert got.status_code == 200 and got.content == "议程内容".encode()
    assert (
        as_client(cast.city.b_staff).get(f"{BASE}{meeting.pk}/materials/{upload_id}").status_code
        == 404
    )


def test_an_outsider_gets_404_on_every_api_route(cast, meeting):
    city = cast.city
    inv = invitation_of(meeting, city.a)
    reply(city.a_clerk, inv, "attend", attendee_ids=[city.a_staff.pk])
    attendee = Attendee.objects.get(invitation=inv)
    m = f"{BASE}{meeting.pk}"
    routes = [
        ("get", m, None),
        ("post", f"{m}/invitations/{inv.pk}/reply", {"answer": "attend"}),
        ("get", f"{m}/invitations", None),
        ("get", f"{m}/export.xlsx", None),
        ("post", f"{m}/deadline", {"reply_deadline": timezone.now().isoformat()}),
        ("post", f"{m}/cancel", {"reason": "x"}),
        ("get", f"{m}/materials/1", None),
        ("get", f"{m}/signin-screen", None),
        ("post", f"{m}/signin-screen/renew", None),
        ("post", f"{m}/attendees/{attendee.pk}/present", None),
    ]
    for outsider in (city.b_staff, city.shuziban):
        c = as_client(outsider)
        for method, url, body in routes:
            response = _post(c, url, body or {}) if method == "post" else c.get(url)
            assert response.status_code == 404, (outsider.username, url, response.content)
            assert response.json()["error"] == "not_found"
    listed = as_client(city.b_staff).get(BASE).json()
    assert listed["count"] == 0
    b_clerk = as_client(city.b_clerk)
    for method, url, body in routes[1:]:
        response = _post(b_clerk, url, body or {}) if method == "post" else b_clerk.get(url)
        assert response.status_code == 404, url
