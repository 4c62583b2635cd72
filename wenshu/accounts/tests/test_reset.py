from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import PASSWORD, make_person
from wenshu.accounts import services
from wenshu.accounts.models import RoleGrant, User, UserSession
from wenshu.audit.models import AuditEvent
from wenshu.lib.errors import Conflict, Forbidden, NotFound

from .helpers import fresh, login_post


def test_the_unit_administrator_restores_an_initial_password(city, client):
    login_post(client, "a_staff", PASSWORD)
    raw = services.password_reset(actor=city.a_admin, user=city.a_staff)
    person = fresh(city.a_staff)
    assert person.check_password(raw) and person.must_change_password
    assert services.password_problems(raw, user=person, policy=services.password_policy()) == []
    assert client.get("/workbench/").status_code == 302  # the old session has ended
    assert UserSession.objects.get(user=city.a_staff).end_reason == "password_reset"
    event = AuditEvent.objects.get(action="account.password_reset")
    assert raw not in str(event.details) and raw not in event.target_repr


def test_the_initial_password_forces_a_change_at_the_next_login(city, client):
    raw = services.password_reset(actor=city.a_admin, user=city.a_staff)
    login_post(client, "a_staff", raw)
    assert client.get("/workbench/").url == "/accounts/password/change/"


def test_a_reset_also_lifts_a_lockout(city):
    User.objects.filter(pk=city.a_staff.pk).update(
        locked_until=timezone.now() + timedelta(minutes=20)
    )
    services.password_reset(actor=city.a_admin, user=city.a_staff)
    assert not fresh(city.a_staff).is_locked


def test_the_digital_office_is_refused_where_the_unit_has_an_administrator(city):
    with pytest.raises(Forbidden, match="第十四条"):
        services.password_reset(actor=city.shuziban, user=city.a_staff)
    assert fresh(city.a_staff).check_password(PASSWORD)


def test_the_digital_office_resets_where_the_unit_has_no_administrator(city):
    RoleGrant.objects.filter(user=city.a_admin).delete()
    raw = services.password_reset(actor=city.shuziban, user=city.a_staff)
    assert fresh(city.a_staff).check_password(raw)


def test_the_digital_office_resets_a_unit_administrator_who_is_the_only_one(city):
    raw = services.password_reset(actor=city.shuziban, user=city.a_admin)
    assert fresh(city.a_admin).check_password(raw)


def test_a_closed_unit_administrator_does_not_count(city):
    User.objects.filter(pk=city.a_admin.pk).update(status=User.Status.CLOSED)
    services.password_reset(actor=city.shuziban, user=city.a_staff)


def test_another_units_administrator_gets_not_found(city):
    with pytest.raises(NotFound):
        services.password_reset(actor=city.b_admin, user=city.a_staff)


@pytest.mark.parametrize("who", ["a_leader", "a_clerk", "secadmin", "sysadmin"])
def test_people_who_are_not_the_unit_administrator_are_refused(city, who):
    with pytest.raises((Forbidden, NotFound)):
        services.password_reset(actor=getattr(city, who), user=city.a_staff)


def test_nobody_resets_their_own_password(city):
    with pytest.raises(Forbidden, match="不能为自己"):
        services.password_reset(actor=city.a_admin, user=city.a_admin)


def test_a_closed_account_cannot_be_reset(city):
    User.objects.filter(pk=city.a_staff.pk).update(status=User.Status.CLOSED)
    with pytest.raises(Conflict):
        services.password_reset(actor=city.a_admin, user=city.a_staff)


def test_the_reset_page_shows_the_password_once_and_never_caches_it(city, login):
    c = login(city.a_admin)
    response = c.post(f"/accounts/people/{city.a_staff.pk}/reset/")
    page = response.content.decode()
    assert response.status_code == 200 and 'class="once-secret"' in page
    assert "no-store" in response.headers["Cache-Control"]
    detail = c.get(f"/accounts/people/{city.a_staff.pk}/").content.decode()
    assert "once-secret" not in detail


def test_the_reset_page_refuses_the_digital_office_with_the_rule(city, login):
    response = login(city.shuziban).post(f"/accounts/people/{city.a_staff.pk}/reset/")
    assert response.status_code == 403
    assert "应由该单位系统管理员" in response.content.decode()


def test_the_reset_page_is_a_404_for_another_unit(city, login):
    assert login(city.b_admin).post(f"/accounts/people/{city.a_staff.pk}/reset/").status_code == 404


def test_a_gov_office_person_without_an_admin_is_reset_by_the_digital_office(city):
    person = make_person("gov_staff", city.gov_office, "staff")
    services.password_reset(actor=city.shuziban, user=person)
    assert fresh(person).must_change_password
