"""In a real browser: a person adds an event from the week view, sees it there and in the
month view, creates a subscription link and a phone-like client reads the .ics from it."""

from __future__ import annotations

from datetime import timedelta
from urllib.request import urlopen

import pytest
from django.utils import timezone
from icalendar import Calendar
from selenium.webdriver.common.by import By

from wenshu.web.testing import click_and_wait, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _set(b, name: str, value: str) -> None:
    field = b.find_element(By.NAME, name)
    if field.get_attribute("type") == "datetime-local":
        b.execute_script("arguments[0].value = arguments[1];", field, value)
    else:
        field.clear()
        field.send_keys(value)


def test_a_person_adds_an_event_and_subscribes(browser_login, live_server, city):
    b = browser_login(city.a_staff)
    b.get(live_server.url + "/workbench/")
    click_and_wait(b, b.find_element(By.LINK_TEXT, "日程安排"))
    click_and_wait(b, b.find_element(By.LINK_TEXT, "新建日程"))
    start = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
    _set(b, "title", "科室学习")
    _set(b, "place", "302室")
    _set(b, "start_at", start.strftime("%Y-%m-%dT%H:%M"))
    _set(b, "end_at", (start - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    save = b.find_element(By.XPATH, "//button[normalize-space()='保存']")
    click_and_wait(b, save, "结束时间不能早于开始时间")
    assert b.find_element(By.NAME, "title").get_attribute("value") == "科室学习"  # kept
    _set(b, "end_at", (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    click_and_wait(b, b.find_element(By.XPATH, "//button[normalize-space()='保存']"), "日程已保存")
    assert "科室学习" in b.find_element(By.CSS_SELECTOR, "tr.today").text
    screenshot(b, "schedules-week")
    assert "科室学习" in click_and_wait(b, b.find_element(By.LINK_TEXT, "月视图"), css="td.today")
    screenshot(b, "schedules-month")
    click_and_wait(b, b.find_element(By.LINK_TEXT, "订阅到手机日历"))
    create = b.find_element(By.XPATH, "//button[normalize-space()='生成订阅链接']")
    url = click_and_wait(b, create, "http", css="#feed-url").strip()
    with urlopen(url, timeout=10) as response:  # noqa: S310 (the live test server)
        cal = Calendar.from_ical(response.read())
    assert [str(e["SUMMARY"]) for e in cal.walk("VEVENT")] == ["科室学习"]
    screenshot(b, "schedules-feed")
