"""Acceptance (issue 7): in a real browser the organiser sends a meeting notice to three
units, two reply (one sends a substitute), the organiser's live table shows it, and the reminder
task, run with a controlled clock, reminds exactly the third unit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By

from wenshu.meetings import tasks
from wenshu.meetings.models import Invitation, Meeting
from wenshu.meetings.tests.conftest import as_client
from wenshu.notify.models import Notification, OutboxMessage
from wenshu.web.testing import click_and_wait, screenshot, wait_for_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _set(b, name: str, value: str) -> None:
    field = b.find_element(By.NAME, name)
    if field.get_attribute("type") == "datetime-local":
        # Typing into a date-time control depends on the browser's locale; set it directly.
        b.execute_script("arguments[0].value = arguments[1];", field, value)
    else:
        field.clear()
        field.send_keys(value)


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _send_notice(b, live_server, cast) -> Meeting:
    b.get(live_server.url + "/workbench/")
    click_and_wait(b, b.find_element(By.LINK_TEXT, "会议通知"))
    click_and_wait(b, b.find_element(By.LINK_TEXT, "发会议通知"))
    start = timezone.now() + timedelta(days=3)
    for name, value in (
        ("title", "全市政务信息化工作推进会"),
        ("place", "市政府三楼第一会议室"),
        ("agenda", "一、通报进展\n二、部署工作"),
        ("requirement", "请各单位分管负责人参加"),
        ("start_at", _local(start)),
        ("end_at", _local(start + timedelta(hours=2))),
        ("reply_deadline", _local(start - timedelta(days=1))),
    ):
        _set(b, name, value)
    for unit in (cast.city.a, cast.city.b, cast.c):
        b.find_element(By.CSS_SELECTOR, f'input[name="units"][value="{unit.pk}"]').click()
    send = b.find_element(By.XPATH, "//button[normalize-space()='发出会议通知']")
    click_and_wait(b, send, "会议通知已发出")
    assert "/table/" in b.current_url
    return Meeting.objects.get()


def _open_from_workbench(b, live_server, title: str) -> None:
    b.get(live_server.url + "/workbench/")
    counter = b.find_element(By.PARTIAL_LINK_TEXT, "待回复会议")
    assert counter.find_element(By.CLASS_NAME, "n").text == "1"
    click_and_wait(b, counter)
    click_and_wait(b, b.find_element(By.LINK_TEXT, title))


def _submit_reply(b, inv: Invitation) -> None:
    click_and_wait(
        b, b.find_element(By.CSS_SELECTOR, f"#reply-{inv.pk} button[type=submit]"), "回执已提交"
    )


def test_three_units_two_replies_one_substitute_and_the_third_is_reminded(
    cast, live_server, browser_login, time_machine
):
    city = cast.city
    b = browser_login(cast.gov_clerk)
    meeting = _send_notice(b, live_server, cast)
    rows = b.find_elements(By.CSS_SELECTOR, "#meeting-table tbody tr")
    assert len(rows) == 3 and all("未回复" in r.text for r in rows)

    # Unit A's clerk names who goes.
    b = browser_login(city.a_clerk)
    _open_from_workbench(b, live_server, meeting.title)
    inv_a = meeting.invitations.get(unit=city.a)
    b.find_element(By.CSS_SELECTOR, f'input[name="inv{inv_a.pk}-answer"][value="attend"]').click()
    b.find_element(
        By.CSS_SELECTOR, f'input[name="inv{inv_a.pk}-attendees"][value="{city.a_staff.pk}"]'
    ).click()
    _submit_reply(b, inv_a)

    # Unit B's leader cannot go and sends someone else.
    b = browser_login(city.b_clerk)
    _open_from_workbench(b, live_server, meeting.title)
    inv_b = meeting.invitations.get(unit=city.b)
    b.find_element(
        By.CSS_SELECTOR, f'input[name="inv{inv_b.pk}-answer"][value="substitute"]'
    ).click()
    assert not b.find_element(By.NAME, f"inv{inv_b.pk}-reason").is_displayed()  # reply.js
    _set(b, f"inv{inv_b.pk}-substitute_name", "钱七")
    _set(b, f"inv{inv_b.pk}-substitute_post", "副局长")
    screenshot(b, "meetings-unit-reply")
    _submit_reply(b, inv_b)

    # The organiser's table shows both replies; it polls, so a receipt by C appears by itself.
    b = browser_login(cast.gov_clerk)
    b.get(f"{live_server.url}/meetings/{meeting.pk}/table/")
    # Rows are read by script: the table's polling may swap them between two reads.
    row_a = wait_for_text(b, css=f"#invitation-{inv_a.pk}")
    row_b = wait_for_text(b, css=f"#invitation-{inv_b.pk}")
    inv_c = meeting.invitations.get(unit=cast.c)
    assert "参加" in row_a and "艾科员" in row_a and "已收到" in row_a
    assert "委派他人参加" in row_b and "钱七（副局长）［代参］" in row_b
    assert "未回复" in wait_for_text(b, css=f"#invitation-{inv_c.pk}")
    as_client(cast.c_clerk).get(f"/meetings/{meeting.pk}/")  # unit C opens it, does not reply
    wait_for_text(b, "已收到", css=f"#invitation-{inv_c.pk}")  # the table polls every 10 s
    assert "已回复 2" in wait_for_text(b, css="#meeting-table")
    shot = screenshot(b, "meetings-organiser-table")
    assert shot.exists() and shot.stat().st_size > 0
    code = click_and_wait(b, b.find_element(By.LINK_TEXT, "签到屏幕"), css="#signin-code").strip()
    assert code.isdigit() and len(code) == 6
    qr = b.find_element(By.CSS_SELECTOR, "img[alt='签到二维码']")
    assert qr.get_attribute("src").startswith("data:image/png;base64,")
    assert b.execute_script("return arguments[0].naturalWidth;", qr) > 0  # the CSP let it in
    screenshot(b, "meetings-signin-screen")

    # The reminder task with a controlled clock: 12 hours before the deadline.
    time_machine.move_to(meeting.reply_deadline - timedelta(hours=12), tick=False)
    assert tasks.send_due_reminders() == {"reply": 1, "start": 0}
    reminded = Notification.objects.filter(kind="meetings.reply_reminder")
    assert [n.recipient for n in reminded] == [cast.c_clerk]
    sms = OutboxMessage.objects.filter(kind="meetings.reply_reminder")
    assert [m.to_address for m in sms] == [cast.c_clerk.mobile]
    assert tasks.send_due_reminders() == {"reply": 0, "start": 0}  # run twice: nothing new
    assert reminded.count() == 1 and sms.count() == 1
