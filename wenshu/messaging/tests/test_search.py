"""Search in one's own folders by sender, subject, body and date."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine

from wenshu.lib.errors import DomainError
from wenshu.messaging.selectors import search
from wenshu.messaging.tests.helpers import send, to


@pytest.fixture
def mails(city):
    with time_machine.travel("2026-03-02 10:00 +0800", tick=False):
        send(city.a_clerk, to(city.b_staff), subject="预算编制通知", body="请报送预算表")
    with time_machine.travel("2026-03-10 10:00 +0800", tick=False):
        send(city.b_clerk, to(city.b_staff), subject="会议安排", body="周五下午开会")
        send(city.a_clerk, to(city.a_staff), subject="预算编制通知（财政局内部）")
    return city


def subjects(found) -> list[str]:
    return [e.message.subject for e in found]


def test_it_finds_by_sender_name_or_unit(mails):
    assert subjects(search(viewer=mails.b_staff, sender="艾文书")) == ["预算编制通知"]
    assert subjects(search(viewer=mails.b_staff, sender="教育局")) == ["会议安排"]


def test_it_finds_by_subject_and_body(mails):
    assert subjects(search(viewer=mails.b_staff, subject="预算")) == ["预算编制通知"]
    assert subjects(search(viewer=mails.b_staff, body="开会")) == ["会议安排"]


def test_it_finds_by_date_range_in_local_days(mails):
    found = search(viewer=mails.b_staff, date_from=date(2026, 3, 1), date_to=date(2026, 3, 2))
    assert subjects(found) == ["预算编制通知"]
    assert subjects(search(viewer=mails.b_staff, date_from=date(2026, 3, 3))) == ["会议安排"]


def test_it_searches_only_the_viewers_own_mail(mails):
    assert subjects(search(viewer=mails.b_clerk, subject="预算")) == []
    assert subjects(search(viewer=mails.a_clerk, subject="预算", folder="sent")) == [
        "预算编制通知（财政局内部）",
        "预算编制通知",
    ]


def test_an_inverted_range_is_refused(mails):
    with pytest.raises(DomainError, match="开始日期不能晚于结束日期"):
        search(
            viewer=mails.b_staff,
            date_from=date(2026, 3, 3),
            date_to=date(2026, 3, 3) - timedelta(days=1),
        )
