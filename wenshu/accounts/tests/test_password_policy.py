import pytest

from conftest import PASSWORD
from wenshu.accounts import services
from wenshu.accounts.models import PasswordPolicy
from wenshu.audit.models import AuditEvent
from wenshu.lib.errors import DomainError, Forbidden

from .helpers import fresh

S2_POLICY = {
    "min_length": 3,
    "max_length": 8,
    "require_letter": True,
    "require_digit": True,
    "require_symbol": False,
    "allow_symbols": False,
    "history_count": 0,
    "max_age_days": 0,
    "lockout_threshold": 5,
    "lockout_minutes": 30,
}


def test_the_default_policy_is_s1_article_14(db):
    policy = services.password_policy()
    assert (
        policy.min_length,
        policy.require_letter,
        policy.require_digit,
        policy.require_symbol,
    ) == (6, True, True, True)
    assert (
        policy.history_count,
        policy.max_age_days,
        policy.lockout_threshold,
        policy.lockout_minutes,
    ) == (5, 90, 5, 30)


@pytest.mark.parametrize(
    "password, problem",
    [
        ("Ab1@x", "至少 6 位"),
        ("abcdef1", "符号"),
        ("abc@def", "数字"),
        ("123@456", "字母"),
    ],
)
def test_it_names_every_rule_an_s1_password_breaks(db, password, problem):
    problems = services.password_problems(password, user=None, policy=services.password_policy())
    assert any(problem in p for p in problems)


def test_it_accepts_a_good_s1_password(db):
    assert (
        services.password_problems("Wenshu@2026", user=None, policy=services.password_policy())
        == []
    )


def test_a_password_equal_to_the_username_is_refused(city):
    city.a_staff.username = "staff@2026a"
    problems = services.password_problems(
        "Staff@2026A", user=city.a_staff, policy=services.password_policy()
    )
    assert "密码不能与用户名相同" in problems


def test_the_s2_township_policy_is_expressible_and_enforced(city):
    services.password_policy_update(actor=city.secadmin, values=S2_POLICY)
    policy = services.password_policy()
    assert services.password_problems("ab12", user=None, policy=policy) == []
    assert any(
        "最多 8 位" in p for p in services.password_problems("abcd12345", user=None, policy=policy)
    )
    assert any(
        "只能由字母和数字" in p
        for p in services.password_problems("ab1@", user=None, policy=policy)
    )
    assert any("至少 3 位" in p for p in services.password_problems("a1", user=None, policy=policy))
    services.password_change(user=city.a_staff, old_password=PASSWORD, new_password="wsh1")
    assert fresh(city.a_staff).check_password("wsh1")


@pytest.mark.parametrize("values", [S2_POLICY, {}])
def test_generated_initial_passwords_satisfy_the_policy(city, values):
    if values:
        services.password_policy_update(actor=city.secadmin, values=values)
    policy = services.password_policy()
    for _ in range(30):
        raw = services.generate_initial_password(policy=policy, username="someone")
        assert services.password_problems(raw, user=None, policy=policy) == []


def test_only_the_security_administrator_sets_the_policy(city):
    for person in (city.sysadmin, city.auditor, city.shuziban, city.a_admin):
        with pytest.raises(Forbidden):
            services.password_policy_update(actor=person, values={"min_length": 8})
    assert services.password_policy().min_length == 6


def test_an_incoherent_policy_is_refused_whole(city):
    with pytest.raises(DomainError, match="不能同时设置"):
        services.password_policy_update(
            actor=city.secadmin,
            values={"require_symbol": True, "allow_symbols": False, "min_length": 9},
        )
    assert services.password_policy().min_length == 6
    with pytest.raises(DomainError, match="最长长度"):
        services.password_policy_update(
            actor=city.secadmin, values={"min_length": 8, "max_length": 6}
        )


def test_a_policy_change_is_audited_with_before_and_after(city):
    services.password_policy_update(actor=city.secadmin, values={"min_length": 8})
    event = AuditEvent.objects.get(action="account.password_policy_changed")
    assert event.actor_id == city.secadmin.pk
    assert event.details["changed"] == {"min_length": [6, 8]}


def test_the_last_five_passwords_may_not_be_reused(city):
    person = city.a_staff
    old = PASSWORD
    for n in range(1, 6):
        new = f"Reuse@{n}x"
        services.password_change(user=person, old_password=old, new_password=new)
        old = new
    with pytest.raises(DomainError, match="最近 5 次"):
        services.password_change(user=person, old_password=old, new_password="Reuse@2x")
    services.password_change(
        user=person, old_password=old, new_password="Fresh@9x"
    )  # a new one is fine


def test_the_new_password_must_differ_from_the_current_one(city):
    with pytest.raises(DomainError, match="不能与当前密码相同"):
        services.password_change(user=city.a_staff, old_password=PASSWORD, new_password=PASSWORD)


def test_a_wrong_old_password_is_refused(city):
    with pytest.raises(DomainError, match="原密码不正确"):
        services.password_change(user=city.a_staff, old_password="nope", new_password="Other@2026")


def test_the_security_console_edits_the_policy_and_keeps_bad_input(city, login):
    c = login(city.secadmin)
    data = {**S2_POLICY, "require_symbol": "on", "allow_symbols": ""}
    data = {k: v for k, v in data.items() if v is not False and v != ""}
    response = c.post("/accounts/security/policy/", data)
    assert response.status_code == 400
    assert "不能同时设置" in response.content.decode()
    assert 'value="8"' in response.content.decode()  # what was typed is kept
    good = {k: v for k, v in S2_POLICY.items() if v is not False}
    response = c.post("/accounts/security/policy/", good)
    assert response.status_code == 302
    assert PasswordPolicy.objects.get().max_length == 8
