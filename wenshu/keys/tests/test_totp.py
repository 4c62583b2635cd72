"""TOTP second factor under a controlled clock: ±1 step passes, older fails, no replay;
and a loss report ends every live session opened with the key (two real logins)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client

from wenshu.accounts.models import LoginAttempt, UserSession
from wenshu.keys import services, totp
from wenshu.keys.tests.conftest import active_totp, password_step

T0 = datetime(2026, 3, 2, 9, 0, 15, tzinfo=UTC)  # 15 s into a step


@pytest.fixture
def admin_totp(city):
    return active_totp(city, holder=city.a_admin)


def _code(secret, offset_steps, at=T0):
    return totp.code_at_step(secret, totp.current_step(at.timestamp()) + offset_steps)


def _submit(client, code):
    return client.post("/keys/login/", {"code": code})


@pytest.mark.parametrize("offset", [-1, 0, 1])
def test_the_code_of_the_current_previous_or_next_step_logs_in(city, admin_totp, client, offset):
    key, secret = admin_totp
    with time_machine.travel(T0, tick=False):
        assert password_step(client, city.a_admin).url == "/keys/login/"
        answer = _submit(client, _code(secret, offset))
        assert answer.status_code == 302 and answer.url == "/workbench/"
        assert client.get("/workbench/").status_code == 200
    assert UserSession.objects.get(user=city.a_admin).login_key_id == key.pk


@pytest.mark.parametrize("offset", [-3, -2, 2])
def test_an_older_or_too_new_code_fails(city, admin_totp, client, offset):
    _, secret = admin_totp
    with time_machine.travel(T0, tick=False):
        password_step(client, city.a_admin)
        answer = _submit(client, _code(secret, offset))
    assert answer.status_code == 400 and "动态口令不正确" in answer.content.decode()
    assert (
        LoginAttempt.objects.filter(
            user=city.a_admin, result="second_factor_failed", detail__startswith="totp_wrong"
        ).count()
        == 1
    )
    assert client.get("/workbench/").status_code == 302


def test_a_replayed_code_fails_even_in_another_session(city, admin_totp):
    _, secret = admin_totp
    code = _code(secret, 0)
    with time_machine.travel(T0, tick=False):
        first, second = Client(), Client()
        password_step(first, city.a_admin)
        assert _submit(first, code).status_code == 302
        password_step(second, city.a_admin)
        answer = _submit(second, code)
    assert answer.status_code == 400 and "已使用过" in answer.content.decode()
    assert second.get("/workbench/").status_code == 302


def test_an_earlier_step_after_a_later_one_was_used_fails(city, admin_totp):
    _, secret = admin_totp
    with time_machine.travel(T0, tick=False):
        first, second = Client(), Client()
        password_step(first, city.a_admin)
        assert _submit(first, _code(secret, 1)).status_code == 302
        password_step(second, city.a_admin)
        assert "已使用过" in _submit(second, _code(secret, 0)).content.decode()


def test_the_next_step_after_a_used_one_passes(city, admin_totp):
    _, secret = admin_totp
    with time_machine.travel(T0, tick=False) as traveller:
        first = Client()
        password_step(first, city.a_admin)
        assert _submit(first, _code(secret, 0)).status_code == 302
        traveller.shift(totp.STEP_SECONDS)
        second = Client()
        password_step(second, city.a_admin)
        assert _submit(second, _code(secret, 1)).status_code == 302


def test_a_code_that_is_not_six_digits_is_refused_with_a_clear_message(city, admin_totp, client):
    password_step(client, city.a_admin)
    answer = _submit(client, "12ab")
    assert answer.status_code == 400 and "6 位数字" in answer.content.decode()


def test_the_secret_is_stored_only_wrapped_and_tied_to_its_key(city, admin_totp):
    key, secret = admin_totp
    wrapped = bytes(key.totp_secret_wrapped)
    assert secret.encode() not in wrapped
    assert totp.unwrap_secret(wrapped, serial=key.serial) == secret
    from wenshu.lib.gm import UnwrapError

    with pytest.raises(UnwrapError):
        totp.unwrap_secret(wrapped, serial="OTHER-SERIAL")


def test_a_loss_report_ends_the_live_sessions_opened_with_the_key(city, admin_totp):
    """Two clients log in through the real flow with the key; the loss report ends both."""
    _, secret = admin_totp
    with time_machine.travel(T0, tick=False) as traveller:
        first, second = Client(), Client()
        password_step(first, city.a_admin)
        assert _submit(first, _code(secret, 0)).status_code == 302
        traveller.shift(totp.STEP_SECONDS)
        password_step(second, city.a_admin)
        assert _submit(second, _code(secret, 1)).status_code == 302
        assert (
            first.get("/workbench/").status_code == 200
            and second.get("/workbench/").status_code == 200
        )
        key = city.a_admin.login_keys.get()
        report = services.key_report_loss(actor=city.a_admin, key=key, circumstances="会议室遗失")
    assert report.sessions_ended == 2
    for c in (first, second):
        answer = c.get("/workbench/")
        assert answer.status_code == 302 and answer.url.startswith("/accounts/login/")
    assert not UserSession.objects.filter(user=city.a_admin, ended_at__isnull=True).exists()


def test_a_loss_report_through_the_page_ends_the_holders_sessions(city, admin_totp):
    _, secret = admin_totp
    with time_machine.travel(T0, tick=False):
        holder = Client()
        password_step(holder, city.a_admin)
        assert _submit(holder, _code(secret, 0)).status_code == 302
        key = city.a_admin.login_keys.get()
        answer = holder.post(f"/keys/registry/{key.pk}/loss/", {"circumstances": "钥匙串一起丢失"})
    assert answer.status_code == 302 and answer.url == "/accounts/login/"
    assert holder.get("/workbench/").status_code == 302


def test_the_demo_code_command_prints_the_current_code(city, settings, capsys):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    services.key_issue_demo_totp(holder=city.a_admin, secret="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    with time_machine.travel(T0, tick=False):
        call_command("key_totp_code", "a_admin")
        assert capsys.readouterr().out.strip() == _code("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", 0)
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="生产模式"):
        call_command("key_totp_code", "a_admin")


def test_the_demo_code_command_refuses_a_real_key(city):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    active_totp(city, holder=city.a_admin)
    with pytest.raises(CommandError, match="演示"):
        call_command("key_totp_code", "a_admin")
