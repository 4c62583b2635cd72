import pytest

from conftest import PASSWORD
from wenshu.accounts import services
from wenshu.accounts.models import AccountRequest, ApiToken, RoleGrant, User, UserSession
from wenshu.audit.models import AuditEvent
from wenshu.lib.errors import Conflict, DomainError, Forbidden, NotFound
from wenshu.org.models import Department, Unit

from .helpers import fresh, login_post


def filing(**changes):
    values = {
        "username": "zhangsan",
        "real_name": "张三",
        "post": "科员",
        "duties": "负责收文登记",
        "mobile": "13800000001",
        "roles": ["staff", "clerk"],
    }
    return services.OpeningFiling(**{**values, **changes})


def test_an_opening_goes_from_the_unit_admin_to_the_digital_office(city):
    decision = services.account_request_open(actor=city.a_admin, filing=filing())
    assert decision.initial_password is None
    req = decision.request
    assert req.status == "pending" and req.unit == city.a
    assert not User.objects.filter(username="zhangsan").exists()
    done = services.account_request_approve(actor=city.shuziban, request=req)
    person = User.objects.get(username="zhangsan")
    assert person.status == "active" and person.must_change_password
    assert person.check_password(done.initial_password)
    assert {g.role for g in person.role_grants.all()} == {"staff", "clerk"}
    assert (person.duties, person.mobile, person.unit) == ("负责收文登记", "13800000001", city.a)
    assert fresh_request(req).status == "approved" and fresh_request(req).person == person


def fresh_request(req):
    return AccountRequest.objects.get(pk=req.pk)


def test_the_initial_password_is_never_stored_or_audited(city):
    req = services.account_request_open(actor=city.a_admin, filing=filing()).request
    raw = services.account_request_approve(actor=city.shuziban, request=req).initial_password
    for event in AuditEvent.objects.all():
        assert raw not in str(event.details) and raw not in event.target_repr
    person = User.objects.get(username="zhangsan")
    assert raw not in person.password


def test_the_new_person_logs_in_and_must_change_first(city, client):
    req = services.account_request_open(actor=city.a_admin, filing=filing()).request
    raw = services.account_request_approve(actor=city.shuziban, request=req).initial_password
    login_post(client, "zhangsan", raw)
    assert client.get("/workbench/").url == "/accounts/password/change/"


def test_with_auto_approve_the_requester_gets_the_password_at_once(city, settings):
    settings.ACCOUNT_AUTO_APPROVE = True
    decision = services.account_request_open(actor=city.a_admin, filing=filing())
    assert decision.request.status == "approved" and decision.initial_password
    assert User.objects.get(username="zhangsan").check_password(decision.initial_password)


def test_a_duplicate_username_is_refused_city_wide(city):
    with pytest.raises(Conflict, match="全市唯一"):
        services.account_request_open(actor=city.a_admin, filing=filing(username="B_Staff"))
    services.account_request_open(actor=city.a_admin, filing=filing())
    with pytest.raises(Conflict, match="待审批"):
        services.account_request_open(actor=city.b_admin, filing=filing())


def test_a_rejected_username_is_free_again(city):
    req = services.account_request_open(actor=city.a_admin, filing=filing()).request
    services.account_request_reject(actor=city.shuziban, request=req, reason="姓名有误")
    services.account_request_open(actor=city.a_admin, filing=filing(real_name="张叁"))


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"username": "1abc"}, "用户名须以字母开头"),
        ({"username": "ab"}, "用户名须以字母开头"),
        ({"real_name": "  "}, "请填写姓名"),
        ({"mobile": "12345"}, "手机号码格式不正确"),
        ({"roles": []}, "至少选择一个角色"),
        ({"roles": ["unit_leader", "seal_custodian"]}, "签发与用印须分离"),
    ],
)
def test_bad_filings_are_refused_with_a_message(city, changes, message):
    with pytest.raises(DomainError, match=message):
        services.account_request_open(actor=city.a_admin, filing=filing(**changes))
    assert not AccountRequest.objects.exists()


@pytest.mark.parametrize("role", ["unit_admin", "security_admin", "city_admin"])
def test_a_unit_admin_cannot_file_for_admin_or_city_roles(city, role):
    with pytest.raises(Forbidden):
        services.account_request_open(actor=city.a_admin, filing=filing(roles=[role]))


def test_a_department_of_another_unit_is_refused(city):
    other = Department.objects.create(unit=city.b, name="办公室")
    with pytest.raises(DomainError, match="不属于该单位"):
        services.account_request_open(actor=city.a_admin, filing=filing(department_id=other.pk))


@pytest.mark.parametrize("who", ["a_leader", "a_staff", "secadmin", "sysadmin"])
def test_only_a_unit_administrator_files(city, who):
    with pytest.raises((Forbidden, NotFound)):
        services.account_request_open(actor=getattr(city, who), filing=filing())


def test_another_units_admin_cannot_file_for_unit_a(city):
    with pytest.raises(NotFound):
        services.account_request_open(actor=city.b_admin, filing=filing(), unit_id=city.a.pk)


def test_the_digital_office_files_only_for_a_unit_without_an_administrator(city):
    with pytest.raises(Forbidden, match="第十二条"):
        services.account_request_open(actor=city.shuziban, filing=filing(), unit_id=city.a.pk)
    decision = services.account_request_open(
        actor=city.shuziban, filing=filing(roles=["unit_admin"]), unit_id=city.gov_office.pk
    )
    assert decision.request.unit == city.gov_office


def test_a_deregistered_unit_gets_no_new_accounts(city):
    Unit.objects.filter(pk=city.a.pk).update(status=Unit.Status.DEREGISTERED)
    with pytest.raises(Conflict):
        services.account_request_open(actor=fresh(city.a_admin), filing=filing())


@pytest.mark.parametrize("who", ["secadmin", "sysadmin", "auditor", "a_admin", "b_admin"])
def test_only_the_digital_office_approves(city, who):
    req = services.account_request_open(actor=city.a_admin, filing=filing()).request
    with pytest.raises(Forbidden, match="市数字办审批"):
        services.account_request_approve(actor=getattr(city, who), request=req)
    assert fresh_request(req).status == "pending"


def test_a_decided_request_cannot_be_decided_again(city):
    req = services.account_request_open(actor=city.a_admin, filing=filing()).request
    services.account_request_approve(actor=city.shuziban, request=req)
    with pytest.raises(Conflict, match="已批准"):
        services.account_request_approve(actor=city.shuziban, request=req)
    with pytest.raises(Conflict):
        services.account_request_reject(actor=city.shuziban, request=req, reason="晚了")
    assert User.objects.filter(username="zhangsan").count() == 1


def test_a_rejection_needs_a_reason(city):
    req = services.account_request_open(actor=city.a_admin, filing=filing()).request
    with pytest.raises(DomainError, match="理由"):
        services.account_request_reject(actor=city.shuziban, request=req, reason=" ")
    services.account_request_reject(actor=city.shuziban, request=req, reason="职责未写明")
    assert fresh_request(req).decision_note == "职责未写明"


def test_the_requester_withdraws_but_another_unit_cannot(city):
    req = services.account_request_open(actor=city.a_admin, filing=filing()).request
    with pytest.raises(NotFound):
        services.account_request_withdraw(actor=city.b_admin, request=req)
    with pytest.raises(Forbidden):
        services.account_request_withdraw(actor=city.a_staff, request=req)
    services.account_request_withdraw(actor=city.a_admin, request=req)
    assert fresh_request(req).status == "withdrawn"


def test_closing_an_account_ends_its_sessions_and_tokens(city, client):
    login_post(client, "a_staff", PASSWORD)
    services.api_token_create(actor=city.a_staff, name="脚本")
    req = services.account_request_close(
        actor=city.a_admin, person=city.a_staff, reason="调离"
    ).request
    assert fresh(city.a_staff).status == "active"
    services.account_request_approve(actor=city.shuziban, request=req)
    assert fresh(city.a_staff).status == "closed"
    assert client.get("/workbench/").status_code == 302
    assert UserSession.objects.get(user=city.a_staff).end_reason == "account_closed"
    assert not ApiToken.objects.filter(user=city.a_staff, revoked_at__isnull=True).exists()
    assert RoleGrant.objects.filter(user=city.a_staff).exists()  # history kept
    assert login_post(client, "a_staff", PASSWORD).status_code == 403


def test_closing_refusals(city):
    with pytest.raises(NotFound):
        services.account_request_close(actor=city.b_admin, person=city.a_staff)
    with pytest.raises(Forbidden):
        services.account_request_close(actor=city.a_leader, person=city.a_staff)
    with pytest.raises(Forbidden, match="自己"):
        services.account_request_close(actor=city.a_admin, person=city.a_admin)
    services.account_request_close(actor=city.a_admin, person=city.a_staff)
    with pytest.raises(Conflict, match="已有待审批"):
        services.account_request_close(actor=city.a_admin, person=city.a_staff)


def test_a_closed_account_cannot_be_closed_again(city):
    User.objects.filter(pk=city.a_staff.pk).update(status=User.Status.CLOSED)
    with pytest.raises(Conflict):
        services.account_request_close(actor=city.a_admin, person=fresh(city.a_staff))


def test_every_step_is_audited(city):
    req = services.account_request_open(actor=city.a_admin, filing=filing()).request
    services.account_request_approve(actor=city.shuziban, request=req)
    person = User.objects.get(username="zhangsan")
    services.account_request_close(actor=city.a_admin, person=person)
    close = AccountRequest.objects.get(kind="close")
    services.account_request_approve(actor=city.shuziban, request=close)
    actions = list(
        AuditEvent.objects.filter(action__startswith="account.").values_list("action", flat=True)
    )
    for expected in (
        "account.open_requested",
        "account.opened",
        "account.role_granted",
        "account.close_requested",
        "account.closed",
    ):
        assert expected in actions


# ---- pages ----


def test_the_unit_admin_files_on_the_page_and_the_form_keeps_input_on_refusal(city, login):
    c = login(city.a_admin)
    form = {"username": "b_staff", "real_name": "重名", "roles": ["staff"], "mobile": "13800000002"}
    response = c.post("/accounts/requests/new/", form)
    assert response.status_code == 400
    page = response.content.decode()
    assert "已被使用" in page and 'value="重名"' in page
    response = c.post("/accounts/requests/new/", {**form, "username": "lisi"})
    req = AccountRequest.objects.get(username="lisi")
    assert response.status_code == 302 and response.url == f"/accounts/requests/{req.pk}/"


def test_the_digital_office_approves_on_the_page_and_sees_the_password_once(city, login):
    req = services.account_request_open(actor=city.a_admin, filing=filing()).request
    c = login(city.shuziban)
    assert "批准" in c.get(f"/accounts/requests/{req.pk}/").content.decode()
    response = c.post(f"/accounts/requests/{req.pk}/approve/", {"note": "同意"})
    assert response.status_code == 200 and 'class="once-secret"' in response.content.decode()
    assert "no-store" in response.headers["Cache-Control"]
    again = c.post(f"/accounts/requests/{req.pk}/approve/", {"note": "同意"})  # a double click
    assert again.status_code == 409 and "once-secret" not in again.content.decode()


def test_the_security_administrator_is_refused_on_approvals(city, login):
    req = services.account_request_open(actor=city.a_admin, filing=filing()).request
    c = login(city.secadmin)
    assert c.get("/accounts/requests/").status_code == 403
    assert c.get(f"/accounts/requests/{req.pk}/").status_code == 404
    response = c.post(f"/accounts/requests/{req.pk}/approve/")
    assert response.status_code == 404
    assert fresh_request(req).status == "pending"


def test_the_request_pages_refuse_outsiders(city, login):
    req = services.account_request_open(actor=city.a_admin, filing=filing()).request
    b = login(city.b_admin)
    assert b.get(f"/accounts/requests/{req.pk}/").status_code == 404
    assert b.post(f"/accounts/requests/{req.pk}/withdraw/").status_code == 404
    assert "zhangsan" not in b.get("/accounts/requests/").content.decode()
    clerk = login(city.a_clerk, c=b.__class__())
    assert clerk.get("/accounts/requests/").status_code == 403
    assert clerk.get("/accounts/requests/new/").status_code == 403


def test_the_reject_page_asks_for_a_reason(city, login):
    req = services.account_request_open(actor=city.a_admin, filing=filing()).request
    c = login(city.shuziban)
    response = c.post(f"/accounts/requests/{req.pk}/reject/", {"reason": ""})
    assert response.status_code == 400 and "理由" in response.content.decode()
    assert c.post(f"/accounts/requests/{req.pk}/reject/", {"reason": "重复申报"}).status_code == 302
    assert fresh_request(req).status == "rejected"


def test_the_person_page_files_a_closing(city, login):
    c = login(city.a_admin)
    response = c.post(f"/accounts/people/{city.a_staff.pk}/close/", {"reason": "退休"})
    req = AccountRequest.objects.get(kind="close")
    assert response.status_code == 302 and req.reason == "退休" and req.person == city.a_staff
