"""/api/v1/schedules/: events CRUD and the range query, with outsiders refused."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

import pytest

from wenshu.schedules import services
from wenshu.schedules.models import Event
from wenshu.schedules.tests.conftest import soon

pytestmark = pytest.mark.django_db
BASE = "/api/v1/schedules"


def _range(days: int = 7) -> str:
    start = soon(0, 0)
    return urlencode(
        {"start": start.isoformat(), "end": (start + timedelta(days=days)).isoformat()}
    )


def test_it_creates_reads_updates_and_deletes_an_event(login, city):
    c = login(city.a_staff)
    body = {
        "title": "处务会",
        "start_at": "2026-12-01T09:00:00+08:00",
        "end_at": "2026-12-01T10:00:00+08:00",
        "place": "302室",
    }
    created = c.post(f"{BASE}/events", body, content_type="application/json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert c.get(f"{BASE}/events/{pk}").json()["place"] == "302室"
    updated = c.put(
        f"{BASE}/events/{pk}", {**body, "title": "处务会（改）"}, content_type="application/json"
    )
    assert updated.json()["title"] == "处务会（改）"
    assert c.delete(f"{BASE}/events/{pk}").status_code == 204
    assert not Event.objects.exists()


def test_bad_input_is_a_4xx_with_a_chinese_message(login, city):
    c = login(city.a_staff)
    response = c.post(
        f"{BASE}/events",
        {"title": "处务会", "start_at": "2026-12-01T10:00:00", "end_at": "2026-12-01T09:00:00"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "结束时间" in response.json()["message"]


def test_the_range_query_merges_events_and_meetings(login, city, event, meeting_for):
    event(city.a_staff, "科室学习")
    meeting_for([city.a_staff])
    rows = login(city.a_staff).get(f"{BASE}/items?{_range()}").json()
    assert {(r["kind"], r["title"]) for r in rows} == {
        ("personal", "科室学习"),
        ("meeting", "全市财政工作会议"),
    }


def test_an_outsider_gets_404_for_events_and_leader_schedules(login, city, event):
    done = event(city.a_staff, "科室学习")
    event(city.a_leader, "局长调研", leader=city.a_leader)
    c = login(city.b_staff)
    assert c.get(f"{BASE}/events/{done.pk}").status_code == 404
    assert (
        c.put(
            f"{BASE}/events/{done.pk}",
            {"title": "x", "start_at": "2026-12-01T09:00:00", "end_at": "2026-12-01T10:00:00"},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert c.delete(f"{BASE}/events/{done.pk}").status_code == 404
    assert c.get(f"{BASE}/items?{_range()}&leader_id={city.a_leader.pk}").status_code == 404
    assert (
        c.post(
            f"{BASE}/events?leader_id={city.a_leader.pk}",
            {"title": "x", "start_at": "2026-12-01T09:00:00", "end_at": "2026-12-01T10:00:00"},
            content_type="application/json",
        ).status_code
        == 404
    )


def test_a_viewer_reads_the_leader_range_but_cannot_write(login, city, event):
    services.viewer_add(actor=city.a_leader, person=city.a_staff)
    event(city.a_leader, "局长调研", leader=city.a_leader)
    c = login(city.a_staff)
    rows = c.get(f"{BASE}/items?{_range()}&leader_id={city.a_leader.pk}").json()
    assert [r["title"] for r in rows] == ["局长调研"]
    refused = c.post(
        f"{BASE}/events?leader_id={city.a_leader.pk}",
        {"title": "x", "start_at": "2026-12-01T09:00:00", "end_at": "2026-12-01T10:00:00"},
        content_type="application/json",
    )
    assert refused.status_code == 403


def test_the_api_needs_authentication(client):
    assert client.get(f"{BASE}/items?{_range()}").status_code == 401
