"""The workbench pages of each role, and outsiders refused on every page."""

from __future__ import annotations

import pytest

from wenshu.audit.models import AuditEvent
from wenshu.keys.models import KeyApplication, KeyLossReport, KeyPolicyRule, LoginKey
from wenshu.keys.tests.conftest import active_totp, applied, approved, produced_totp


def test_an_applicant_applies_through_the_page(city, login):
    c = login(city.a_admin)
    page = c.get("/keys/applications/new/")
    assert page.status_code == 200 and "艾科员" in page.content.decode()
    answer = c.post(
        "/keys/applications/new/",
        {"intended_holder": city.a_staff.pk, "kind": "totp", "reason": "新入职需要登录"},
    )
    app = KeyApplication.objects.get()
    assert answer.status_code == 302 and answer.url == f"/keys/applications/{app.pk}/"
    assert "新入职需要登录" in c.get(answer.url).content.decode()


def test_a_refused_application_keeps_what_was_typed(city, login):
    applied(city)
    c = login(city.a_admin)
    answer = c.post(
        "/keys/applications/new/",
        {"intended_holder": city.a_staff.pk, "kind": "totp", "reason": "再申请一次试试"},
    )
    body = answer.content.decode()
    assert answer.status_code == 409 and "在办" in body and "再申请一次试试" in body


def test_a_plain_person_can_only_choose_themselves(city, login):
    c = login(city.a_clerk)
    answer = c.post(
        "/keys/applications/new/",
        {"intended_holder": city.a_staff.pk, "kind": "totp", "reason": "替同事申请"},
    )
    assert answer.status_code == 400 and not KeyApplication.objects.exists()


def test_the_approver_sees_the_queue_and_decides(city, login):
    app = applied(city)
    c = login(city.zhengfuban)
    assert "待审批密钥申请" in c.get("/workbench/").content.decode()
    assert f"#{app.pk}" in c.get("/keys/approvals/").content.decode()
    answer = c.post(f"/keys/applications/{app.pk}/review/", {"decision": "reject", "comment": ""})
    assert answer.status_code == 400 and "理由" in answer.content.decode()
    answer = c.post(
        f"/keys/applications/{app.pk}/review/", {"decision": "approve", "comment": "同意"}
    )
    assert answer.status_code == 302
    app.refresh_from_db()
    assert app.status == KeyApplication.Status.APPROVED


def test_the_digital_office_makes_notifies_and_records_pickup(city, login):
    app = approved(city)
    c = login(city.shuziban)
    assert "待制作密钥" in c.get("/workbench/").content.decode()
    assert f"#{app.pk}" in c.get("/keys/office/").content.decode()
    shown = c.post(f"/keys/applications/{app.pk}/produce/", {"serial": ""})
    body = shown.content.decode()
    assert shown.status_code == 200 and "data:image/png;base64," in body and "只显示这一次" in body
    assert "no-store" in shown["Cache-Control"]
    again = c.post(f"/keys/applications/{app.pk}/produce/", {"serial": ""})
    assert again.status_code == 409 and LoginKey.objects.count() == 1
    assert c.post(f"/keys/applications/{app.pk}/notify/").status_code == 302
    answer = c.post(
        f"/keys/applications/{app.pk}/collect/",
        {"collected_by_name": "王领取", "collection_method": "by_hand", "collected_at": ""},
    )
    assert answer.status_code == 302
    assert LoginKey.objects.get().status == LoginKey.Status.ACTIVE


def test_the_webauthn_production_page_carries_the_ceremony_urls_and_no_inline_script(city, login):
    app = approved(city, kind="webauthn")
    page = login(city.shuziban).get(f"/keys/applications/{app.pk}/produce/").content.decode()
    assert f"/keys/applications/{app.pk}/webauthn/options/" in page and "keys/webauthn.js" in page
    assert "<script>" not in page and "style=" not in page


def test_the_registry_filters_by_status_and_unit(city, login):
    active_totp(city)
    produced_totp(city, holder=city.b_staff)
    c = login(city.shuziban)
    assert "艾科员" in c.get("/keys/registry/?status=active").content.decode()
    page = c.get(f"/keys/registry/?unit={city.b.pk}").content.decode()
    assert "贝科员" in page and "艾科员" not in page


def test_a_unit_admin_sees_only_the_units_keys(city, login):
    key, _ = active_totp(city)
    other_app, other, _ = produced_totp(city, holder=city.b_staff)
    c = login(city.a_admin)
    assert "艾科员" in c.get("/keys/registry/").content.decode()
    assert c.get(f"/keys/registry/{key.pk}/").status_code == 200
    assert c.get(f"/keys/registry/{other.pk}/").status_code == 404
    assert c.get(f"/keys/applications/{other_app.pk}/").status_code == 404


def test_the_holder_sees_and_reports_their_key(city, login):
    key, _ = active_totp(city)
    c = login(city.a_staff)
    assert key.serial in c.get("/keys/mine/").content.decode()
    answer = c.post(f"/keys/registry/{key.pk}/loss/", {"circumstances": "丢失"})
    assert answer.status_code == 302
    assert KeyLossReport.objects.filter(key=key).exists()


def test_findings_and_reapplication_pages(city, login):
    key, _ = active_totp(city)
    c = login(city.a_admin)
    c.post(f"/keys/registry/{key.pk}/loss/", {"circumstances": "丢失"})
    report = KeyLossReport.objects.get()
    assert c.get(f"/keys/losses/{report.pk}/").status_code == 200
    assert c.post(f"/keys/losses/{report.pk}/findings/", {"findings": ""}).status_code == 400
    assert (
        c.post(
            f"/keys/losses/{report.pk}/findings/", {"findings": "不慎遗失", "handling": ""}
        ).status_code
        == 302
    )
    answer = c.post(
        f"/keys/losses/{report.pk}/reapply/", {"kind": "webauthn", "reason": "换用安全密钥"}
    )
    assert answer.status_code == 302
    assert KeyApplication.objects.filter(loss_report=report, kind="webauthn").exists()


def test_the_holder_change_page_lists_only_colleagues(city, login):
    key, _ = active_totp(city)
    c = login(city.shuziban)
    page = c.get(f"/keys/registry/{key.pk}/holder/").content.decode()
    assert "艾文书" in page and "贝科员" not in page
    answer = c.post(
        f"/keys/registry/{key.pk}/holder/", {"new_holder": city.b_staff.pk, "reason": "调动"}
    )
    assert answer.status_code == 400
    answer = c.post(
        f"/keys/registry/{key.pk}/holder/", {"new_holder": city.a_clerk.pk, "reason": "岗位调整"}
    )
    assert answer.status_code == 302


def test_the_security_admin_edits_the_policy_and_it_is_audited(city, login):
    c = login(city.secadmin)
    assert c.get("/keys/policy/").status_code == 200
    assert c.post("/keys/policy/", {"form": "mode", "mode": "all"}).status_code == 302
    answer = c.post(
        "/keys/policy/",
        {"form": "rule", "unit": city.b.pk, "role": "", "required": "0", "note": "试点单位暂缓"},
    )
    assert answer.status_code == 302
    rule = KeyPolicyRule.objects.get()
    assert AuditEvent.objects.filter(action="key.policy_changed").exists()
    assert AuditEvent.objects.filter(action="key.policy_rule_added").exists()
    bad = c.post("/keys/policy/", {"form": "rule", "unit": "", "role": "", "required": "1"})
    assert bad.status_code == 400 and "须指定单位或角色" in bad.content.decode()
    assert c.post(f"/keys/policy/rules/{rule.pk}/delete/").status_code == 302
    assert not KeyPolicyRule.objects.exists()


def test_the_security_admin_sees_suspended_keys(city, login):
    key, _ = active_totp(city)
    LoginKey.objects.filter(pk=key.pk).update(
        status=LoginKey.Status.SUSPENDED, status_reason="签名计数异常"
    )
    c = login(city.secadmin)
    assert "签名计数异常" in c.get("/keys/suspended/").content.decode()
    assert c.post(f"/keys/registry/{key.pk}/reinstate/", {"reason": "已核查"}).status_code == 302


def test_the_nav_shows_the_keys_section(city, login):
    page = login(city.a_staff).get("/workbench/").content.decode()
    assert "印章与密钥" in page and "我的密钥" in page and "密钥审批" not in page


@pytest.mark.parametrize(
    "path",
    ["/keys/approvals/", "/keys/office/", "/keys/policy/", "/keys/suspended/", "/keys/registry/"],
)
def test_role_pages_are_404_for_a_plain_person(city, login, path):
    assert login(city.b_staff).get(path).status_code == 404


def test_an_outsider_is_refused_on_every_object_page(city, login):
    key, _ = active_totp(city)
    app = key.application
    c = login(city.a_staff)
    c.post(f"/keys/registry/{key.pk}/loss/", {"circumstances": "丢失"})
    report = KeyLossReport.objects.get()
    outsider = login(city.b_admin)
    for path in [
        f"/keys/applications/{app.pk}/",
        f"/keys/applications/{app.pk}/produce/",
        f"/keys/applications/{app.pk}/collect/",
        f"/keys/registry/{key.pk}/",
        f"/keys/registry/{key.pk}/loss/",
        f"/keys/registry/{key.pk}/holder/",
        f"/keys/registry/{key.pk}/revoke/",
        f"/keys/registry/{key.pk}/reinstate/",
        f"/keys/losses/{report.pk}/",
        f"/keys/losses/{report.pk}/reapply/",
    ]:
        assert outsider.get(path).status_code == 404, path
    for path in [
        f"/keys/applications/{app.pk}/withdraw/",
        f"/keys/applications/{app.pk}/review/",
        f"/keys/applications/{app.pk}/notify/",
        f"/keys/losses/{report.pk}/findings/",
    ]:
        assert outsider.post(path).status_code == 404, path


def test_anonymous_visitors_go_to_login(client, db):
    assert client.get("/keys/mine/").url.startswith("/accounts/login/")


def test_the_list_pages_do_not_query_per_row(city, login, django_assert_max_num_queries):
    for holder in (city.a_staff, city.a_clerk, city.a_leader, city.b_staff, city.b_clerk):
        active_totp(city, holder=holder)
    c = login(city.shuziban)
    for path in ("/keys/registry/", "/keys/applications/", "/keys/office/"):
        with django_assert_max_num_queries(14):
            assert c.get(path).status_code == 200
