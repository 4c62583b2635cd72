"""Who must present a key: the default, administrators, per-unit and per-role overrides."""

from __future__ import annotations

import pytest

from wenshu.keys import services
from wenshu.keys.policy import key_required
from wenshu.keys.tests.conftest import password_step
from wenshu.lib.errors import Conflict, Forbidden


def test_the_development_default_asks_administrators_only(city):
    assert key_required(city.a_admin) and key_required(city.shuziban) and key_required(city.auditor)
    assert not key_required(city.a_clerk) and not key_required(city.zhengfuban)


def test_production_default_asks_everyone(city, settings):
    settings.KEY_REQUIRED_DEFAULT = "all"
    assert key_required(city.a_clerk) and key_required(city.b_staff)


def test_none_asks_nobody_not_even_administrators(city, settings):
    settings.KEY_REQUIRED_DEFAULT = "none"
    assert not key_required(city.a_admin)


def test_the_security_admins_mode_overrides_the_setting(city):
    services.key_policy_set(actor=city.secadmin, mode="all")
    assert key_required(city.a_clerk)
    services.key_policy_set(actor=city.secadmin, mode="")
    assert not key_required(city.a_clerk)


def test_a_unit_exemption_does_not_free_administrators(city):
    services.key_policy_set(actor=city.secadmin, mode="all")
    services.key_policy_rule_add(actor=city.secadmin, unit=city.a, role="", required=False)
    assert not key_required(city.a_clerk)
    assert key_required(city.a_admin)  # administrators always
    assert key_required(city.b_clerk)


def test_the_most_specific_rule_wins(city):
    services.key_policy_rule_add(actor=city.secadmin, unit=None, role="clerk", required=True)
    services.key_policy_rule_add(actor=city.secadmin, unit=city.a, role="", required=False)
    services.key_policy_rule_add(actor=city.secadmin, unit=city.a, role="clerk", required=True)
    assert key_required(city.a_clerk)  # unit+role
    assert not key_required(city.a_staff)  # unit
    assert key_required(city.b_clerk)  # role


def test_only_the_security_admin_edits_the_policy(city):
    for person in (city.sysadmin, city.shuziban, city.a_admin):
        with pytest.raises(Forbidden):
            services.key_policy_set(actor=person, mode="none")


def test_duplicate_rules_are_refused(city):
    services.key_policy_rule_add(actor=city.secadmin, unit=None, role="clerk", required=True)
    with pytest.raises(Conflict):
        services.key_policy_rule_add(actor=city.secadmin, unit=None, role="clerk", required=False)


def test_a_person_who_needs_a_key_but_has_none_is_refused_at_login(city, client):
    answer = password_step(client, city.a_admin)
    assert answer.url == "/keys/login/"
    page = client.get(answer.url)
    assert page.status_code == 403 and "申领密钥" in page.content.decode()
    assert client.get("/workbench/").status_code == 302
    assert client.get("/keys/login/").url == "/accounts/login/"  # the pending login is gone


def test_a_person_who_needs_no_key_logs_in_with_the_password(city, client):
    answer = password_step(client, city.a_clerk)
    assert answer.url == "/workbench/"
