"""Expiry and the daily clean-up (S2 art. 6), on a controlled clock (time-machine)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from conftest import make_person
from wenshu.audit.models import AuditEvent
from wenshu.bulletins import selectors
from wenshu.bulletins.models import Notice
from wenshu.bulletins.tasks import archive_expired_notices
from wenshu.bulletins.tests.conftest import publish
from wenshu.lib.errors import NotFound
from wenshu.notify.models import Notification

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)


def at(days: int, hour: int = 9, minute: int = 0) -> datetime:
    return (START + timedelta(days=days)).replace(hour=hour, minute=minute)


def reports_to(person) -> list[Notification]:
    return list(Notification.objects.filter(recipient=person, title__contains="清理报告"))


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def test_an_expired_notice_leaves_the_lists_at_midnight_before_any_clean_up(city, clock):
    notice = publish(city, audience="city", expires_on=START.date() + timedelta(days=2))
    clock.move_to(at(2, 23, 59))  # the last minute of its last day
    assert selectors.notices_for_reading(viewer=city.b_staff).filter(pk=notice.pk).exists()
    clock.move_to(at(3, 0, 1))
    assert not selectors.notices_for_reading(viewer=city.b_staff).exists()
    assert selectors.notices_unread_count(viewer=city.b_staff) == 0
    with pytest.raises(NotFound):
        selectors.notice_get(viewer=city.b_staff, pk=notice.pk)
    notice.refresh_from_db()
    assert notice.status == Notice.Status.PUBLISHED  # not archived until the clean-up runs
    assert selectors.notice_get(viewer=city.a_clerk, pk=notice.pk)  # the unit still manages it


def test_the_clean_up_archives_expired_notices_and_reports_once_to_each_unit_admin(city, clock):
    a_admin2 = make_person("a_admin2", city.a, "unit_admin", real_name="艾管理二")
    a_old = publish(city, title="春节值班安排", expires_on=START.date() + timedelta(days=1))
    a_old2 = publish(city, title="一季度考勤通报", expires_on=START.date() + timedelta(days=2))
    a_live = publish(city, title="全年工作要点", expires_on=START.date() + timedelta(days=90))
    b_old = publish(
        city,
        author=city.b_clerk,
        title="教育局内部通知",
        expires_on=START.date() + timedelta(days=1),
    )
    clock.move_to(at(5, 0, 10))

    assert archive_expired_notices() == 3

    statuses = dict(Notice.objects.values_list("pk", "status"))
    assert statuses == {
        a_old.pk: "archived",
        a_old2.pk: "archived",
        a_live.pk: "published",
        b_old.pk: "archived",
    }
    for admin in (city.a_admin, a_admin2):
        [report] = reports_to(admin)
        assert "春节值班安排" in report.body and "一季度考勤通报" in report.body
        assert "全年工作要点" not in report.body and "教育局内部通知" not in report.body
    [b_report] = reports_to(city.b_admin)
    assert "教育局内部通知" in b_report.body and "春节值班安排" not in b_report.body
    assert reports_to(city.a_leader) == [] and reports_to(city.a_clerk) == []
    events = AuditEvent.objects.filter(action="bulletins.notices_archived")
    assert events.count() == 2 and events.get(unit_id=city.a.pk).actor_id is None


def test_a_second_run_archives_nothing_and_reports_nothing(city, clock):
    publish(city, expires_on=START.date())
    clock.move_to(at(1, 0, 10))
    assert archive_expired_notices() == 1
    assert archive_expired_notices() == 0
    clock.move_to(at(2, 0, 10))
    assert archive_expired_notices() == 0
    assert len(reports_to(city.a_admin)) == 1


def test_archived_notices_stay_for_the_unit_and_the_digital_office_only(city, clock):
    notice = publish(city, audience="city", expires_on=START.date())
    clock.move_to(at(1, 0, 10))
    archive_expired_notices()
    assert selectors.notices_of_unit(viewer=city.a_clerk, status="archived").get() == notice
    assert selectors.notices_city(viewer=city.shuziban, status="archived").get() == notice
    with pytest.raises(NotFound):
        selectors.notice_get(viewer=city.b_staff, pk=notice.pk)


def test_a_unit_without_an_administrator_gets_the_report_through_its_leaders(city, clock):
    publish(city, author=city.b_clerk, expires_on=START.date())
    city.b_admin.status = "disabled"
    city.b_admin.save()
    clock.move_to(at(1, 0, 10))
    archive_expired_notices()
    assert len(reports_to(city.b_leader)) == 1


def test_the_clean_up_is_scheduled_daily_in_the_ops_schedule():
    from wenshu.ops import schedule

    task = schedule.bulletins_archive_expired_notices.task_class()
    # 16:10 UTC is 00:10 in Asia/Shanghai: the first minutes of the new day.
    assert task.validate_datetime(datetime(2026, 3, 2, 16, 10))
    assert not task.validate_datetime(datetime(2026, 3, 2, 16, 11))


def test_the_scheduled_wrapper_runs_the_clean_up(city, clock):
    from wenshu.ops import schedule

    notice = publish(city, expires_on=START.date())
    clock.move_to(at(1, 0, 10))
    schedule.bulletins_archive_expired_notices.call_local()
    notice.refresh_from_db()
    assert notice.status == Notice.Status.ARCHIVED
