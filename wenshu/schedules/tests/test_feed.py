"""The iCalendar feed: parses with icalendar, holds exactly what the person may see, and a
revoked or regenerated link is a 404."""

from __future__ import annotations

from datetime import timedelta

import pytest
from icalendar import Calendar

from wenshu.lib.errors import Conflict
from wenshu.lib.gm import sm3_hex
from wenshu.schedules import services
from wenshu.schedules.models import FeedLink

pytestmark = pytest.mark.django_db


def _fetch(client, token: str):
    return client.get(f"/schedules/ical/{token}.ics")


def _summaries(response) -> set[str]:
    cal = Calendar.from_ical(response.content)
    return {str(e["SUMMARY"]) for e in cal.walk("VEVENT")}


def test_it_contains_exactly_the_persons_visible_events(client, city, event, meeting_for):
    event(city.a_staff, "科室学习")  # a_staff's own
    event(city.a_clerk, "文书的私事", private=True)  # another person's event
    services.viewer_add(actor=city.a_leader, person=city.a_staff)
    event(city.a_leader, "局长调研", leader=city.a_leader)
    event(city.a_leader, "局长私人安排", leader=city.a_leader, private=True)  # viewers don't see
    event(city.b_leader, "教育局长日程", leader=city.b_leader)  # not shared with a_staff
    meeting_for([city.a_staff])
    meeting_for([city.b_staff], title="别人的会议")
    token = services.feed_create(actor=city.a_staff)
    response = _fetch(client, token)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert _summaries(response) == {"科室学习", "局长调研", "全市财政工作会议"}


def test_each_event_has_the_rfc_5545_properties(client, city, event):
    event(city.a_staff, "科室学习", place="302室")
    event(city.a_staff, "年休假", all_day=True, days=3)
    response = _fetch(client, services.feed_create(actor=city.a_staff))
    cal = Calendar.from_ical(response.content)
    assert str(cal["VERSION"]) == "2.0" and cal["PRODID"]
    by_title = {str(e["SUMMARY"]): e for e in cal.walk("VEVENT")}
    timed = by_title["科室学习"]
    for prop in ("UID", "DTSTAMP", "DTSTART", "DTEND", "LOCATION"):
        assert prop in timed
    assert timed.decoded("DTSTART").utcoffset() == timedelta(0)  # written in UTC
    assert str(timed["LOCATION"]) == "302室"
    whole = by_title["年休假"]
    assert whole.decoded("DTEND") - whole.decoded("DTSTART") == timedelta(days=1)
    assert len({str(e["UID"]) for e in cal.walk("VEVENT")}) == 2


def test_only_the_sm3_digest_of_the_token_is_stored(city):
    token = services.feed_create(actor=city.a_staff)
    assert len(token) >= 43  # 32 random bytes, urlsafe base64
    link = FeedLink.objects.get(person=city.a_staff)
    assert link.digest == sm3_hex(token.encode())
    assert token not in str(FeedLink.objects.filter(pk=link.pk).values().first())


def test_a_revoked_link_returns_404(client, city):
    token = services.feed_create(actor=city.a_staff)
    assert _fetch(client, token).status_code == 200
    assert services.feed_revoke(actor=city.a_staff) == 1
    assert _fetch(client, token).status_code == 404


def test_regenerating_invalidates_the_old_link(client, city):
    old = services.feed_create(actor=city.a_staff)
    new = services.feed_regenerate(actor=city.a_staff)
    assert new != old
    assert _fetch(client, old).status_code == 404
    assert _fetch(client, new).status_code == 200


def test_an_unknown_token_or_an_inactive_persons_link_is_404(client, city):
    assert _fetch(client, "x" * 43).status_code == 404
    token = services.feed_create(actor=city.a_staff)
    city.a_staff.status = "disabled"
    city.a_staff.save(update_fields=["status"])
    assert _fetch(client, token).status_code == 404


def test_a_second_live_link_is_refused(city):
    services.feed_create(actor=city.a_staff)
    with pytest.raises(Conflict):
        services.feed_create(actor=city.a_staff)


def test_the_feed_page_creates_shows_once_and_revokes(login, city):
    c = login(city.a_staff)
    page = c.post("/schedules/feed/", {"action": "create"})
    assert page.status_code == 200
    url = page.context["url"]
    assert "/schedules/ical/" in url and url.endswith(".ics")
    assert "/schedules/ical/" not in c.get("/schedules/feed/").content.decode()  # shown once
    token = url.rsplit("/", 1)[1][:-4]
    assert c.get(f"/schedules/ical/{token}.ics").status_code == 200
    c.post("/schedules/feed/", {"action": "revoke"})
    assert c.get(f"/schedules/ical/{token}.ics").status_code == 404


def test_the_feed_page_needs_a_login(client):
    response = client.get("/schedules/feed/")
    assert response.status_code == 302 and "login" in response["Location"]
