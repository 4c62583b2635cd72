import pytest

from wenshu.accounts import services
from wenshu.accounts.models import RoleGrant, User
from wenshu.accounts.roles import Role
from wenshu.audit.models import AuditEvent
from wenshu.lib.errors import Conflict, DomainError, Forbidden, NotFound

from .helpers import fresh


def roles_of(user):
    return set(RoleGrant.objects.filter(user=user).values_list("role", flat=True))


def test_the_unit_administrator_grants_and_revokes_unit_roles(city):
    services.role_grant(actor=city.a_admin, user=city.a_staff, role=Role.CLERK)
    assert roles_of(city.a_staff) == {"staff", "clerk"}
    services.role_revoke(actor=city.a_admin, user=city.a_staff, role="clerk")
    assert roles_of(city.a_staff) == {"staff"}
    actions = list(
        AuditEvent.objects.filter(action__startswith="account.role_").values_list(
            "action", "details"
        )
    )
    assert actions == [
        ("account.role_granted", {"role": "clerk"}),
        ("account.role_revoked", {"role": "clerk"}),
    ]


def test_another_units_administrator_gets_not_found(city):
    with pytest.raises(NotFound):
        services.role_grant(actor=city.b_admin, user=city.a_staff, role=Role.CLERK)


def test_a_non_administrator_of_the_unit_is_refused(city):
    with pytest.raises(Forbidden, match="只能由该单位的系统管理员"):
        services.role_grant(actor=city.a_leader, user=city.a_staff, role=Role.CLERK)


def test_nobody_grants_themselves_a_role(city):
    with pytest.raises(Forbidden, match="不能管理自己的角色"):
        services.role_grant(actor=city.a_admin, user=city.a_admin, role=Role.CLERK)
    with pytest.raises(Forbidden, match="不能管理自己的角色"):
        services.role_revoke(actor=city.secadmin, user=city.secadmin, role=Role.SECURITY_ADMIN)


def test_only_the_digital_office_names_a_unit_administrator(city):
    with pytest.raises(Forbidden, match="市数字办"):
        services.role_grant(actor=city.a_admin, user=city.a_staff, role=Role.UNIT_ADMIN)
    with pytest.raises(Forbidden, match="市数字办"):
        services.role_grant(actor=city.secadmin, user=city.a_staff, role=Role.UNIT_ADMIN)
    services.role_grant(actor=city.shuziban, user=city.a_staff, role=Role.UNIT_ADMIN)
    assert "unit_admin" in roles_of(city.a_staff)


def test_the_digital_office_does_not_grant_ordinary_unit_roles(city):
    with pytest.raises(Forbidden, match="只能由该单位的系统管理员"):
        services.role_grant(actor=city.shuziban, user=city.a_staff, role=Role.CLERK)


@pytest.mark.parametrize(
    "role",
    sorted(
        r.value
        for r in (
            Role.CITY_ADMIN,
            Role.GOV_APPROVER,
            Role.SECRECY_OFFICER,
            Role.SYSTEM_ADMIN,
            Role.AUDIT_ADMIN,
        )
    ),
)
def test_city_roles_are_granted_only_by_the_security_administrator(city, role):
    person = city.b_staff
    RoleGrant.objects.filter(user=person).delete()
    for wrong in (city.shuziban, city.sysadmin, city.b_admin):
        with pytest.raises((Forbidden, NotFound)):
            services.role_grant(actor=wrong, user=person, role=role)
    services.role_grant(actor=city.secadmin, user=person, role=role)
    assert roles_of(person) == {role}


def test_a_separated_administrator_holds_nothing_else(city):
    with pytest.raises(DomainError, match="三员分立"):
        services.role_grant(actor=city.secadmin, user=city.sysadmin, role=Role.AUDIT_ADMIN)
    with pytest.raises(DomainError, match="三员分立"):
        services.role_grant(actor=city.secadmin, user=city.a_staff, role=Role.SYSTEM_ADMIN)
    with pytest.raises(DomainError, match="三员分立"):
        services.role_grant(actor=city.shuziban, user=city.auditor, role=Role.UNIT_ADMIN)


def test_a_leader_may_not_also_keep_the_seal(city):
    with pytest.raises(DomainError, match="签发与用印须分离"):
        services.role_grant(actor=city.a_admin, user=city.a_leader, role=Role.SEAL_CUSTODIAN)


def test_the_digital_office_may_not_also_approve_for_the_gov_office(city):
    with pytest.raises(DomainError, match="审批与办理须分离"):
        services.role_grant(actor=city.secadmin, user=city.shuziban, role=Role.GOV_APPROVER)


def test_a_role_held_twice_or_revoked_when_not_held_is_a_conflict(city):
    with pytest.raises(Conflict):
        services.role_grant(actor=city.a_admin, user=city.a_clerk, role=Role.CLERK)
    with pytest.raises(Conflict):
        services.role_revoke(actor=city.a_admin, user=city.a_clerk, role=Role.SEAL_CUSTODIAN)


def test_an_unknown_role_is_refused(city):
    with pytest.raises(DomainError, match="没有"):
        services.role_grant(actor=city.a_admin, user=city.a_staff, role="emperor")


def test_a_closed_account_gets_no_roles(city):
    User.objects.filter(pk=city.a_staff.pk).update(status=User.Status.CLOSED)
    with pytest.raises(Conflict):
        services.role_grant(actor=city.a_admin, user=fresh(city.a_staff), role=Role.CLERK)


def test_the_person_page_grants_a_role(city, login):
    c = login(city.a_admin)
    response = c.post(
        f"/accounts/people/{city.a_staff.pk}/roles/", {"role": "clerk", "action": "grant"}
    )
    assert response.status_code == 302
    assert "clerk" in roles_of(city.a_staff)


def test_the_person_page_shows_the_rule_when_refused(city, login):
    c = login(city.a_admin)
    response = c.post(
        f"/accounts/people/{city.a_leader.pk}/roles/", {"role": "seal_custodian", "action": "grant"}
    )
    assert response.status_code == 400
    assert "签发与用印须分离" in response.content.decode()


def test_the_security_console_shows_a_forbidden_combination_and_keeps_the_input(city, login):
    c = login(city.secadmin)
    response = c.post("/accounts/security/roles/", {"username": "b_staff", "role": "system_admin"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "三员分立" in page and 'value="b_staff"' in page
    assert roles_of(city.b_staff) == {"staff"}


def test_the_security_console_grant_form(city, login):
    RoleGrant.objects.filter(user=city.b_staff).delete()
    c = login(city.secadmin)
    assert (
        c.post(
            "/accounts/security/roles/", {"username": "b_staff", "role": "secrecy_officer"}
        ).status_code
        == 302
    )
    assert roles_of(city.b_staff) == {"secrecy_officer"}
    page = c.get("/accounts/security/roles/").content.decode()
    assert "b_staff" in page
    response = c.post(
        f"/accounts/security/roles/{city.b_staff.pk}/revoke/", {"role": "secrecy_officer"}
    )
    assert response.status_code == 302 and roles_of(city.b_staff) == set()
    response = c.post(
        "/accounts/security/roles/", {"username": "nobody", "role": "secrecy_officer"}
    )
    assert response.status_code == 400 and "找不到该用户名" in response.content.decode()
