from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from conftest import PASSWORD, make_person
from wenshu.accounts import services
from wenshu.accounts.models import LoginAttempt, User, UserSession
from wenshu.audit.models import AuditEvent
from wenshu.lib.errors import Conflict, Forbidden
from wenshu.org.models import Unit

from .helpers import fresh, login_post


def test_a_person_logs_in_with_the_right_password(city, client):
    response = login_post(client, "a_staff", PASSWORD)
    assert response.status_code == 302 and response.url == "/workbench/"
    assert client.get("/workbench/").status_code == 200
    assert UserSession.objects.filter(user=city.a_staff, ended_at__isnull=True).count() == 1
    assert LoginAttempt.objects.filter(user=city.a_staff, result="success").count() == 1


def test_a_wrong_password_says_how_many_tries_are_left(city, client):
    response = login_post(client, "a_staff", "wrong")
    assert response.status_code == 401
    assert "用户名或密码不正确（再错 4 次将锁定账号）" in response.content.decode()
    assert 'value="a_staff"' in response.content.decode()  # the form keeps the username


def test_an_unknown_name_gets_the_same_message(city, client):
    response = login_post(client, "nobody", "wrong")
    assert "用户名或密码不正确" in response.content.decode()
    assert LoginAttempt.objects.get(username="nobody").result == "unknown_user"


def test_five_wrong_passwords_lock_the_account_for_thirty_minutes(city, client):
    for _ in range(4):
        login_post(client, "a_staff", "wrong")
    response = login_post(client, "a_staff", "wrong")
    assert response.status_code == 423
    assert "密码连续输错 5 次，账号已锁定 30 分钟" in response.content.decode()
    locked = fresh(city.a_staff)
    assert locked.is_locked
    assert locked.locked_until - timezone.now() > timedelta(minutes=29)
    response = login_post(client, "a_staff", PASSWORD)  # even the right password is refused now
    assert response.status_code == 423
    assert "已被锁定" in response.content.decode()
    assert AuditEvent.objects.filter(
        action="account.locked", target_id=str(city.a_staff.pk)
    ).exists()


def test_the_failure_counter_is_committed_although_the_login_is_refused(city, client):
    login_post(client, "a_staff", "wrong")
    login_post(client, "a_staff", "wrong")
    assert fresh(city.a_staff).failed_login_count == 2
    login_post(client, "a_staff", PASSWORD)
    assert fresh(city.a_staff).failed_login_count == 0


def test_the_lock_runs_out_by_itself(city, client):
    for _ in range(5):
        login_post(client, "a_staff", "wrong")
    with time_machine.travel(timezone.now() + timedelta(minutes=31), tick=False):
        assert login_post(client, "a_staff", PASSWORD).status_code == 302


def test_the_security_administrator_unlocks(city, client, login):
    for _ in range(5):
        login_post(client, "a_staff", "wrong")
    admin = login(city.secadmin, c=client.__class__())
    page = admin.get("/accounts/security/locked/")
    assert "a_staff" in page.content.decode()
    response = admin.post(f"/accounts/security/locked/{city.a_staff.pk}/unlock/")
    assert response.status_code == 302
    assert not fresh(city.a_staff).is_locked
    assert AuditEvent.objects.filter(action="account.unlocked", actor_id=city.secadmin.pk).exists()
    assert login_post(client, "a_staff", PASSWORD).status_code == 302


@pytest.mark.parametrize("who", ["a_admin", "shuziban", "sysadmin", "auditor"])
def test_nobody_else_unlocks(city, who):
    User.objects.filter(pk=city.a_staff.pk).update(
        locked_until=timezone.now() + timedelta(minutes=30)
    )
    with pytest.raises(Forbidden):
        services.account_unlock(actor=getattr(city, who), user=city.a_staff)
    assert fresh(city.a_staff).is_locked


def test_unlocking_an_unlocked_account_is_a_conflict(city):
    with pytest.raises(Conflict):
        services.account_unlock(actor=city.secadmin, user=city.a_staff)


def test_one_address_with_too_many_failures_is_throttled(city, client, settings):
    settings.LOGIN_ADDRESS_MAX_FAILURES = 3
    for name in ("x1", "x2", "x3"):
        login_post(client, name, "wrong", ip="10.9.9.9")
    response = login_post(client, "a_staff", PASSWORD, ip="10.9.9.9")
    assert response.status_code == 429
    assert "来自本地址的登录失败次数过多" in response.content.decode()
    assert LoginAttempt.objects.filter(ip="10.9.9.9", result="throttled").exists()
    assert login_post(client, "a_staff", PASSWORD, ip="10.1.1.1").status_code == 302


def test_the_address_throttle_forgets_after_its_window(city, client, settings):
    settings.LOGIN_ADDRESS_MAX_FAILURES = 2
    for name in ("x1", "x2"):
        login_post(client, name, "wrong", ip="10.9.9.9")
    later = timezone.now() + timedelta(minutes=settings.LOGIN_ADDRESS_WINDOW_MINUTES + 1)
    with time_machine.travel(later, tick=False):
        assert login_post(client, "a_staff", PASSWORD, ip="10.9.9.9").status_code == 302


def test_a_person_of_a_deregistered_unit_is_refused(city, client):
    Unit.objects.filter(pk=city.a.pk).update(status=Unit.Status.DEREGISTERED)
    response = login_post(client, "a_staff", PASSWORD)
    assert response.status_code == 403
    assert "所在单位已注销" in response.content.decode()
    assert LoginAttempt.objects.get(user=city.a_staff).result == "inactive"


@pytest.mark.parametrize("status", [User.Status.CLOSED, User.Status.DISABLED])
def test_a_closed_or_disabled_account_is_refused(city, client, status):
    User.objects.filter(pk=city.a_staff.pk).update(status=status)
    response = login_post(client, "a_staff", PASSWORD)
    assert response.status_code == 403
    assert "不能登录" in response.content.decode()


def test_a_closed_persons_open_session_stops_working(city, login):
    c = login(city.a_staff)
    User.objects.filter(pk=city.a_staff.pk).update(status=User.Status.CLOSED)
    assert c.get("/workbench/").status_code == 302


def test_an_idle_session_is_logged_out_after_thirty_one_minutes(city, client):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        login_post(client, "a_staff", PASSWORD)
        assert client.get("/workbench/").status_code == 200
        traveller.shift(timedelta(minutes=31))
        response = client.get("/workbench/")
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_a_session_used_every_ten_minutes_stays(city, client):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        login_post(client, "a_staff", PASSWORD)
        for _ in range(9):  # an hour and a half of steady work
            traveller.shift(timedelta(minutes=10))
            assert client.get("/workbench/").status_code == 200


def test_the_sweep_marks_idle_sessions_ended(city, client):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        login_post(client, "a_staff", PASSWORD)
        traveller.shift(timedelta(minutes=31))
        assert services.sessions_sweep() == 1
    live = UserSession.objects.get(user=city.a_staff)
    assert live.ended_at is not None and live.end_reason == "idle_timeout"


def test_logout_ends_the_session(city, client):
    login_post(client, "a_staff", PASSWORD)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert UserSession.objects.get(user=city.a_staff).end_reason == "logout"
    assert client.get("/workbench/").status_code == 302


def test_a_new_person_is_forced_to_change_the_initial_password_first(city, client):
    make_person("newbie", city.a, "staff", must_change_password=True)
    response = login_post(client, "newbie", PASSWORD)
    assert response.status_code == 302
    for path in ("/workbench/", "/accounts/profile/", "/accounts/tokens/"):
        response = client.get(path)
        assert response.status_code == 302 and response.url == "/accounts/password/change/", path
    page = client.get("/accounts/password/change/").content.decode()
    assert "必须先修改密码" in page
    api = client.get("/api/v1/accounts/tokens")
    assert api.status_code == 403 and api.json()["error"] == "password_change_required"
    assert client.get("/api/v1/accounts/me").json()["must_change_password"] is True
    response = client.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password": "Newbie#2026", "new_password2": "Newbie#2026"},
    )
    assert response.status_code == 302
    assert client.get("/workbench/").status_code == 200
    assert not User.objects.get(username="newbie").must_change_password


def test_a_refused_password_change_keeps_the_person_on_the_form(city, login):
    c = login(city.a_staff)
    response = c.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password": "short", "new_password2": "short"},
    )
    assert response.status_code == 400
    assert "密码至少 6 位" in response.content.decode()
    response = c.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password": "Good@2026x", "new_password2": "Other@2026x"},
    )
    assert "两次输入的新密码不一致" in response.content.decode()


def test_changing_the_password_keeps_this_session_and_ends_the_others(city, client, login):
    other = login(city.a_staff, c=client.__class__())
    login_post(client, "a_staff", PASSWORD)
    login_post(other, "a_staff", PASSWORD)
    client.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password": "Changed@2026", "new_password2": "Changed@2026"},
    )
    assert client.get("/workbench/").status_code == 200
    assert other.get("/workbench/").status_code == 302
    live = UserSession.objects.filter(user=city.a_staff, ended_at__isnull=True)
    assert live.count() == 1
    assert live.get().session_key == client.session.session_key


def test_an_old_password_gets_a_reminder_after_login_not_a_forced_change(city, client):
    User.objects.filter(pk=city.a_staff.pk).update(
        password_changed_at=timezone.now() - timedelta(days=91)
    )
    login_post(client, "a_staff", PASSWORD)
    page = client.get("/workbench/")
    assert page.status_code == 200
    assert "您的密码已使用超过 90 天" in page.content.decode()
    assert "请尽快" in client.get("/accounts/profile/").content.decode()


def test_a_recent_password_gets_no_reminder(city, client):
    login_post(client, "a_staff", PASSWORD)
    assert "已使用超过" not in client.get("/workbench/").content.decode()


def test_a_person_sees_their_own_login_history(city, client):
    login_post(client, "a_staff", "wrong", ip="10.2.3.4")
    login_post(client, "a_staff", PASSWORD, ip="10.2.3.4")
    login_post(client.__class__(), "a_clerk", "wrong", ip="10.7.7.7")
    page = client.get("/accounts/login-history/").content.decode()
    assert "10.2.3.4" in page and "密码错误" in page and "成功" in page
    assert "10.7.7.7" not in page


def test_the_audit_administrator_searches_everyones_login_history(city, client, login):
    login_post(client, "a_clerk", "wrong", ip="10.7.7.7")
    login_post(client, "ghost", "wrong", ip="10.8.8.8")
    c = login(city.auditor, c=client.__class__())
    page = c.get("/accounts/audit/login-history/").content.decode()
    assert "10.7.7.7" in page and "ghost" in page
    page = c.get("/accounts/audit/login-history/?username=a_clerk").content.decode()
    assert "10.7.7.7" in page and "ghost" not in page


@pytest.mark.parametrize("who", ["secadmin", "sysadmin", "shuziban", "a_admin", "a_staff"])
def test_only_the_audit_administrator_reaches_the_login_history_search(city, login, who):
    response = login(getattr(city, who)).get("/accounts/audit/login-history/")
    assert response.status_code == 403
    assert "安全审计员的控制台" in response.content.decode()
