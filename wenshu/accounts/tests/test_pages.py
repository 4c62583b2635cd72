import pytest
from django.test import Client

from conftest import make_person
from wenshu.accounts import services
from wenshu.accounts.models import AccountRequest
from wenshu.audit.models import AuditEvent
from wenshu.org.models import Department

from .helpers import fresh

SECURITY_GETS = [
    "/accounts/security/",
    "/accounts/security/policy/",
    "/accounts/security/roles/",
    "/accounts/security/locked/",
]


def security_posts(city):
    return [
        "/accounts/security/policy/",
        "/accounts/security/roles/",
        f"/accounts/security/roles/{city.a_staff.pk}/revoke/",
        f"/accounts/security/locked/{city.a_staff.pk}/unlock/",
    ]


@pytest.mark.parametrize("who", ["sysadmin", "auditor", "shuziban", "a_admin", "a_staff"])
def test_everyone_but_the_security_administrator_is_refused_on_every_security_console_url(
    city, login, who
):
    c = login(getattr(city, who))
    for path in SECURITY_GETS:
        response = c.get(path)
        assert response.status_code == 403, path
        assert "安全保密管理员的控制台" in response.content.decode()
    for path in security_posts(city):
        response = c.post(path, {"role": "staff", "username": "a_staff", "min_length": 3})
        assert response.status_code == 403, path
    assert services.password_policy().min_length == 6
    assert AuditEvent.objects.filter(
        action="request.refused", actor_id=getattr(city, who).pk
    ).exists()


def test_the_security_administrator_reaches_the_console(city, login):
    c = login(city.secadmin)
    for path in SECURITY_GETS:
        assert c.get(path).status_code == 200, path


def test_an_anonymous_visitor_is_sent_to_login_from_every_page(db, client):
    for path in [
        "/accounts/profile/",
        "/accounts/tokens/",
        "/accounts/people/",
        "/accounts/requests/",
        "/accounts/requests/new/",
        "/accounts/login-history/",
        "/accounts/password/change/",
        *SECURITY_GETS,
        "/accounts/audit/login-history/",
    ]:
        response = client.get(path)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/"), path


@pytest.mark.parametrize(
    "who", ["a_staff", "a_leader", "a_clerk", "sysadmin", "auditor", "secadmin"]
)
def test_people_pages_refuse_people_who_do_not_manage_people(city, login, who):
    c = login(getattr(city, who))
    assert c.get("/accounts/people/").status_code == 403
    assert c.get(f"/accounts/people/{city.a_staff.pk}/").status_code in (403, 404)


def test_a_unit_admin_sees_only_their_own_unit(city, login):
    c = login(city.a_admin)
    page = c.get("/accounts/people/").content.decode()
    assert "a_staff" in page and "b_staff" not in page
    assert c.get(f"/accounts/people/{city.b_staff.pk}/").status_code == 404
    for action in ("roles", "reset", "close"):
        assert (
            c.post(
                f"/accounts/people/{city.b_staff.pk}/{action}/",
                {"role": "clerk", "action": "grant"},
            ).status_code
            == 404
        )


def test_the_digital_office_sees_every_unit_and_filters(city, login):
    c = login(city.shuziban)
    page = c.get("/accounts/people/").content.decode()
    assert "a_staff" in page and "b_staff" in page
    page = c.get(f"/accounts/people/?unit={city.b.pk}").content.decode()
    assert "b_staff" in page and "a_staff" not in page
    page = c.get("/accounts/people/?q=艾科").content.decode()
    assert "a_staff" in page and "a_clerk" not in page


def test_the_people_list_runs_a_fixed_number_of_queries(city, login, django_assert_max_num_queries):
    for n in range(15):
        make_person(f"extra{n}", city.a, "staff", "clerk")
    c = login(city.shuziban)
    c.get("/accounts/people/")
    with django_assert_max_num_queries(14):
        response = c.get("/accounts/people/")
    assert response.status_code == 200 and "extra14" in response.content.decode()


def test_the_unit_admin_edits_a_persons_filing(city, login):
    dept = Department.objects.create(unit=city.a, name="预算科")
    c = login(city.a_admin)
    response = c.post(
        f"/accounts/people/{city.a_staff.pk}/",
        {
            "real_name": "艾科员",
            "department": dept.pk,
            "post": "科长",
            "duties": "负责预算编制",
            "mobile": "",
        },
    )
    assert response.status_code == 302
    person = fresh(city.a_staff)
    assert (person.department, person.post, person.duties) == (dept, "科长", "负责预算编制")
    assert AuditEvent.objects.get(action="account.filing_changed").details == {
        "fields": ["department", "post", "duties"]
    }
    bad = c.post(
        f"/accounts/people/{city.a_staff.pk}/",
        {"real_name": "艾科员", "mobile": "999", "post": "处长"},
    )
    assert (
        bad.status_code == 400
        and "手机号码格式不正确" in bad.content.decode()
        and 'value="处长"' in bad.content.decode()
    )


def test_a_person_edits_their_profile_and_it_is_audited(city, login):
    c = login(city.a_clerk)
    response = c.post(
        "/accounts/profile/",
        {
            "mobile": "13912345678",
            "office_phone": "0943-8221234",
            "share_mobile": "on",
            "notify_sms": "on",
        },
    )
    assert response.status_code == 302
    person = fresh(city.a_clerk)
    assert (
        person.mobile,
        person.office_phone,
        person.share_mobile,
        person.notify_sms,
        person.notify_inapp,
    ) == ("13912345678", "0943-8221234", True, True, False)
    event = AuditEvent.objects.get(action="account.profile_changed")
    assert "13912345678" not in str(event.details)


def test_sms_needs_a_mobile_number(city, login):
    response = login(city.a_clerk).post(
        "/accounts/profile/", {"mobile": "", "notify_sms": "on", "office_phone": "12a"}
    )
    assert response.status_code == 400
    assert (
        "办公电话只能包含" in response.content.decode()
        or "须先登记手机号码" in response.content.decode()
    )


def test_navigation_is_by_role(city, login):
    page = login(city.a_staff).get("/workbench/").content.decode()
    assert "个人资料" in page and "API 令牌" in page
    assert "人员管理" not in page and "安全控制台" not in page and "登录记录查询" not in page
    page = login(city.a_admin, c=Client()).get("/workbench/").content.decode()
    assert "人员管理" in page and "账号申请" in page and "安全控制台" not in page
    page = login(city.secadmin, c=Client()).get("/workbench/").content.decode()
    assert "密码策略" in page and "账号解锁" in page and "人员管理" not in page
    page = login(city.auditor, c=Client()).get("/workbench/").content.decode()
    assert "登录记录查询" in page and "密码策略" not in page


def test_workbench_counters_show_pending_requests(city, login):
    services.account_request_open(
        actor=city.a_admin, filing=services.OpeningFiling(username="x_one", real_name="一")
    )
    services.account_request_open(
        actor=city.b_admin, filing=services.OpeningFiling(username="x_two", real_name="二")
    )
    office = login(city.shuziban).get("/workbench/")
    assert ("待审批账号", 2) in [(c.label, n) for c, n in office.context["counters"]]
    unit = login(city.a_admin, c=Client()).get("/workbench/")
    assert ("账号申请", 1) in [(c.label, n) for c, n in unit.context["counters"]]
    staff = login(city.a_staff, c=Client()).get("/workbench/")
    assert not [c for c, _ in staff.context["counters"] if "账号" in c.label]


def test_the_digital_office_opens_an_account_for_a_unit_without_an_administrator(city, login):
    c = login(city.shuziban)
    response = c.post(
        "/accounts/requests/new/",
        {
            "unit": city.gov_office.pk,
            "username": "gov_admin",
            "real_name": "郑管理",
            "roles": ["unit_admin"],
        },
    )
    assert response.status_code == 302
    assert AccountRequest.objects.get().unit == city.gov_office
