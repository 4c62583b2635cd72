"""Week and month pages, the event form, and refusals of people who may not see."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wenshu.schedules import services
from wenshu.schedules.models import Event

pytestmark = pytest.mark.django_db


def test_the_week_page_shows_own_events_and_meetings_with_today(login, city, event, meeting_for):
    event(city.a_staff, "科室学习", days=1)
    event(city.a_clerk, "别人的事", days=1)
    meeting = meeting_for([city.a_staff], days=1)
    day = timezone.localtime(meeting.start_at).date()
    page = login(city.a_staff).get(f"/schedules/week/?d={day:%Y-%m-%d}")
    html = page.content.decode()
    assert page.status_code == 200
    assert "科室学习" in html and "全市财政工作会议" in html and "别人的事" not in html
    assert "上一周" in html and "下一周" in html
    assert "/meetings/" in html  # the meeting links to its page, read-only


def test_today_is_marked(login, city):
    assert 'aria-current="date"' in login(city.a_staff).get("/schedules/week/").content.decode()
    assert 'aria-current="date"' in login(city.a_staff).get("/schedules/month/").content.decode()


def test_prev_and_next_weeks_move_by_seven_days(login, city, event):
    event(city.a_staff, "下周的事", days=7)
    c = login(city.a_staff)
    today = timezone.localdate()
    nxt = c.get("/schedules/week/").context["next"]
    assert (nxt - today).days in range(1, 8)
    assert "下周的事" in c.get(f"/schedules/week/?d={nxt:%Y-%m-%d}").content.decode()
    assert c.get("/schedules/week/?d=not-a-date").status_code == 200  # falls back to today


def test_the_month_page_lists_the_month(login, city, event):
    done = event(city.a_staff, "月度例会", days=0)
    month = timezone.localtime(done.start_at).strftime("%Y-%m")
    page = login(city.a_staff).get(f"/schedules/month/?m={month}")
    assert page.status_code == 200 and "月度例会" in page.content.decode()
    assert "上一月" in page.content.decode()


def test_the_form_keeps_input_when_refused(login, city):
    c = login(city.a_staff)
    response = c.post(
        "/schedules/events/new/",
        {
            "title": "处务会",
            "start_at": "2026-12-01T10:00",
            "end_at": "2026-12-01T09:00",
            "place": "302室",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "结束时间不能早于开始时间" in html and "302室" in html and "处务会" in html
    assert not Event.objects.exists()


def test_the_form_creates_edits_and_deletes(login, city):
    c = login(city.a_staff)
    response = c.post(
        "/schedules/events/new/",
        {
            "title": "处务会",
            "start_at": "2026-12-01T09:00",
            "end_at": "2026-12-01T10:00",
            "remind_minutes": "15",
        },
    )
    assert response.status_code == 302
    done = Event.objects.get()
    assert done.owner == city.a_staff and done.remind_minutes == 15
    assert c.get(f"/schedules/events/{done.pk}/edit/").status_code == 200
    c.post(
        f"/schedules/events/{done.pk}/edit/",
        {"title": "处务会（改）", "start_at": "2026-12-01T09:00", "end_at": "2026-12-01T10:00"},
    )
    done.refresh_from_db()
    assert done.title == "处务会（改）"
    assert c.post(f"/schedules/events/{done.pk}/delete/").status_code == 302
    assert not Event.objects.exists()


def test_another_persons_event_is_404_on_every_page(login, city, event):
    done = event(city.a_staff, "科室学习")
    c = login(city.b_staff)
    assert c.get(f"/schedules/events/{done.pk}/").status_code == 404
    assert c.get(f"/schedules/events/{done.pk}/edit/").status_code == 404
    assert c.post(f"/schedules/events/{done.pk}/delete/").status_code == 404
    assert login(city.a_clerk).get(f"/schedules/events/{done.pk}/").status_code == 404
    assert Event.objects.filter(pk=done.pk).exists()


def test_pages_need_a_login(client):
    for path in ("/schedules/week/", "/schedules/month/", "/schedules/events/new/"):
        response = client.get(path)
        assert response.status_code == 302 and "login" in response["Location"]


def test_the_week_page_query_count_does_not_grow_with_events(login, city, event, meeting_for):
    c = login(city.a_staff)
    services.viewer_add(actor=city.a_leader, person=city.a_staff)
    event(city.a_staff, "第一项")
    with CaptureQueriesContext(connection) as few:
        c.get("/schedules/week/?d=" + f"{timezone.localdate():%Y-%m-%d}")
    for n in range(10):
        event(city.a_staff, f"日程{n}", days=n % 5)
        event(city.a_leader, f"领导日程{n}", leader=city.a_leader, days=n % 5)
    meeting_for([city.a_staff])
    with CaptureQueriesContext(connection) as many:
        c.get("/schedules/week/?d=" + f"{timezone.localdate():%Y-%m-%d}")
    assert len(many.captured_queries) <= len(few.captured_queries) + 1  # + the meetings' join
