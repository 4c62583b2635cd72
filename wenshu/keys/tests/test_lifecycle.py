"""The key lifecycle (S1 art. 27–32): every transition by the right role, and the refusals."""

from __future__ import annotations

import pytest
from django.utils import timezone

from conftest import make_person
from wenshu.accounts.models import User
from wenshu.audit.models import AuditEvent
from wenshu.keys import services
from wenshu.keys.models import KeyApplication, KeyHolding, KeyKind, KeyLossReport, LoginKey
from wenshu.keys.tests.conftest import active_totp, applied, approved, produced_totp
from wenshu.lib.errors import Conflict, DomainError, Forbidden, NotFound
from wenshu.notify.models import Notification, OutboxMessage

A = KeyApplication.Status
K = LoginKey.Status


def test_it_lets_a_person_apply_for_themselves(city):
    app = services.key_apply(
        actor=city.a_clerk,
        intended_holder=city.a_clerk,
        kind=KeyKind.TOTP,
        reason="办理公文需要登录",
    )
    assert app.status == A.APPLIED and app.unit == city.a and app.applicant == city.a_clerk
    assert AuditEvent.objects.filter(action="key.applied", target_id=str(app.pk)).exists()
    assert Notification.objects.filter(
        recipient=city.zhengfuban, title="新的密钥申请待审批"
    ).exists()


def test_it_lets_the_unit_admin_apply_for_a_colleague(city):
    app = services.key_apply(
        actor=city.a_admin, intended_holder=city.a_staff, kind=KeyKind.WEBAUTHN, reason="新入职科员"
    )
    assert app.intended_holder == city.a_staff and app.applicant == city.a_admin


def test_a_plain_person_cannot_apply_for_a_colleague(city):
    with pytest.raises(Forbidden):
        services.key_apply(
            actor=city.a_clerk, intended_holder=city.a_staff, kind=KeyKind.TOTP, reason="代为申请"
        )


def test_a_unit_admin_cannot_apply_for_another_units_person(city):
    with pytest.raises(NotFound):
        services.key_apply(
            actor=city.a_admin, intended_holder=city.b_staff, kind=KeyKind.TOTP, reason="代为申请"
        )


def test_an_application_needs_a_reason(city):
    with pytest.raises(DomainError, match="理由"):
        services.key_apply(
            actor=city.a_clerk, intended_holder=city.a_clerk, kind=KeyKind.TOTP, reason=" "
        )


def test_a_second_open_application_of_the_same_kind_is_refused(city):
    applied(city)
    with pytest.raises(Conflict, match="在办"):
        applied(city)


def test_a_person_holding_a_key_of_that_kind_cannot_apply_again(city):
    active_totp(city)
    with pytest.raises(Conflict, match="已持有"):
        applied(city)


def test_the_gov_approver_approves_and_the_applicant_is_told(city):
    app = approved(city)
    assert app.status == A.APPROVED and app.reviewed_by == city.zhengfuban
    assert Notification.objects.filter(recipient=city.a_admin, title="密钥申请审批结果").exists()
    assert Notification.objects.filter(recipient=city.shuziban, title="有密钥待制作").exists()


def test_only_the_gov_approver_may_review(city):
    app = applied(city)
    for person in (city.shuziban, city.a_leader, city.secadmin):
        with pytest.raises(Forbidden):
            services.key_application_approve(actor=person, application=app)


def test_the_approver_cannot_approve_their_own_application(city):
    app = services.key_apply(
        actor=city.zhengfuban,
        intended_holder=city.zhengfuban,
        kind=KeyKind.TOTP,
        reason="审批人本人申领",
    )
    with pytest.raises(Forbidden, match="本人"):
        services.key_application_approve(actor=city.zhengfuban, application=app)


def test_a_rejection_needs_a_reason_and_ends_the_application(city):
    app = applied(city)
    with pytest.raises(DomainError, match="理由"):
        services.key_application_reject(actor=city.zhengfuban, application=app, comment="")
    services.key_application_reject(actor=city.zhengfuban, application=app, comment="理由不充分")
    app.refresh_from_db()
    assert app.status == A.REJECTED
    with pytest.raises(Conflict):
        services.key_application_approve(actor=city.zhengfuban, application=app)


def test_approving_twice_is_a_conflict(city):
    app = approved(city)
    with pytest.raises(Conflict, match="已批准待制作"):
        services.key_application_approve(actor=city.zhengfuban, application=app)


def test_the_applicant_may_withdraw_only_while_applied(city):
    app = applied(city)
    with pytest.raises(Forbidden):
        services.key_application_withdraw(actor=city.a_clerk, application=app)
    services.key_application_withdraw(actor=city.a_admin, application=app)
    app.refresh_from_db()
    assert app.status == A.WITHDRAWN
    with pytest.raises(Conflict):
        services.key_application_withdraw(actor=city.a_admin, application=app)


def test_the_digital_office_produces_a_totp_key_with_a_wrapped_secret(city):
    app, key, secret = produced_totp(city)
    assert app.status == A.PRODUCED and key.status == K.PRODUCED and key.holder == city.a_staff
    assert len(secret) == 32 and secret.encode() not in bytes(key.totp_secret_wrapped)
    assert KeyHolding.objects.get(key=key, to_at__isnull=True).holder == city.a_staff
    assert AuditEvent.objects.filter(action="key.produced", target_id=str(key.pk)).exists()


def test_production_needs_an_approved_application_and_the_digital_office(city):
    app = applied(city)
    with pytest.raises(Conflict):
        services.key_produce_totp(actor=city.shuziban, application=app)
    services.key_application_approve(actor=city.zhengfuban, application=app)
    with pytest.raises(Forbidden):
        services.key_produce_totp(actor=city.a_admin, application=app)
    with pytest.raises(DomainError, match="请按申请的类型"):
        services.key_produce_webauthn(
            actor=city.shuziban,
            application=app,
            credential_id="x",
            public_key=b"",
            sign_count=0,
            aaguid="",
            transports=[],
        )


def test_producing_twice_is_a_conflict(city):
    app, _, _ = produced_totp(city)
    with pytest.raises(Conflict):
        services.key_produce_totp(actor=city.shuziban, application=app)
    assert LoginKey.objects.count() == 1


def test_the_pickup_notice_goes_in_app_and_by_sms(city):
    User.objects.filter(pk=city.a_staff.pk).update(mobile="13800000001")
    app, key, _ = produced_totp(city)
    services.key_notify(actor=city.shuziban, application=app)
    key.refresh_from_db()
    assert key.status == K.ISSUED
    assert Notification.objects.filter(recipient=city.a_staff, title="密钥领取通知").exists()
    assert OutboxMessage.objects.filter(
        recipient=city.a_staff, body__contains="密钥领取通知"
    ).exists()


def test_the_pickup_is_recorded_with_who_when_and_how(city):
    app, key, _ = produced_totp(city)
    with pytest.raises(Conflict):  # no notice yet
        services.key_collect(
            actor=city.shuziban, application=app, collected_by_name="张三", method="by_hand"
        )
    services.key_notify(actor=city.shuziban, application=app)
    with pytest.raises(DomainError, match="领取方式"):
        services.key_collect(
            actor=city.shuziban, application=app, collected_by_name="张三", method="post"
        )
    with pytest.raises(DomainError, match="晚于"):
        services.key_collect(
            actor=city.shuziban,
            application=app,
            collected_by_name="张三",
            method="by_hand",
            collected_at=timezone.now() + timezone.timedelta(days=1),
        )
    services.key_collect(
        actor=city.shuziban, application=app, collected_by_name="张三", method="confidential"
    )
    app.refresh_from_db()
    key.refresh_from_db()
    assert (
        app.status == A.COLLECTED
        and app.collected_by_name == "张三"
        and app.collection_method == "confidential"
    )
    assert key.status == K.ACTIVE


def test_a_holder_change_is_filed_and_forces_a_password_change(city):
    key, _ = active_totp(city)
    services.key_holder_change(
        actor=city.shuziban, key=key, new_holder=city.a_clerk, reason="岗位调整"
    )
    key.refresh_from_db()
    city.a_clerk.refresh_from_db()
    assert key.holder == city.a_clerk and city.a_clerk.must_change_password
    history = list(KeyHolding.objects.filter(key=key).order_by("id"))
    assert [h.holder for h in history] == [city.a_staff, city.a_clerk]
    assert history[0].to_at is not None and history[1].to_at is None
    assert AuditEvent.objects.filter(action="key.holder_changed").exists()


def test_a_holder_change_is_refused_across_units_and_to_non_office_staff(city):
    key, _ = active_totp(city)
    with pytest.raises(DomainError, match="本单位"):
        services.key_holder_change(
            actor=city.shuziban, key=key, new_holder=city.b_staff, reason="调动"
        )
    with pytest.raises(Forbidden):
        services.key_holder_change(
            actor=city.a_admin, key=key, new_holder=city.a_clerk, reason="调动"
        )


def test_the_holder_reports_a_loss_and_the_key_is_revoked_at_once(city):
    key, _ = active_totp(city)
    report = services.key_report_loss(actor=city.a_staff, key=key, circumstances="出差途中遗失")
    key.refresh_from_db()
    assert key.status == K.LOST and key.ended_at is not None
    assert report.status == KeyLossReport.Status.REPORTED and report.unit == city.a
    assert Notification.objects.filter(recipient=city.shuziban, title="密钥挂失报告").exists()
    assert Notification.objects.filter(
        recipient=city.a_admin, title="密钥挂失，请查明原因"
    ).exists()
    with pytest.raises(Conflict):
        services.key_report_loss(actor=city.a_staff, key=key, circumstances="再报一次")


def test_the_unit_admin_may_report_a_loss_but_not_a_colleague_or_outsider(city):
    key, _ = active_totp(city)
    with pytest.raises(Forbidden):
        services.key_report_loss(actor=city.a_clerk, key=key, circumstances="不是我的")
    with pytest.raises(NotFound):
        services.key_report_loss(actor=city.b_admin, key=key, circumstances="别的单位")
    services.key_report_loss(actor=city.a_admin, key=key, circumstances="单位代为挂失")


def test_findings_then_reapplication_linked_to_the_loss(city):
    key, _ = active_totp(city)
    report = services.key_report_loss(actor=city.a_staff, key=key, circumstances="遗失")
    with pytest.raises(Conflict, match="查明"):
        services.key_reapply(actor=city.a_admin, report=report, reason="重新申领")
    with pytest.raises(Forbidden):
        services.key_loss_findings(actor=city.a_staff, report=report, findings="不慎遗失")
    with pytest.raises(NotFound):
        services.key_loss_findings(actor=city.b_admin, report=report, findings="不慎遗失")
    services.key_loss_findings(
        actor=city.a_admin, report=report, findings="出差途中不慎遗失", handling="批评教育"
    )
    report.refresh_from_db()
    with pytest.raises(Conflict):
        services.key_loss_findings(actor=city.a_admin, report=report, findings="再记一次")
    app = services.key_reapply(actor=city.a_staff, report=report, reason="遗失后重新申领")
    assert (
        app.loss_report == report
        and app.intended_holder == city.a_staff
        and app.kind == KeyKind.TOTP
    )
    with pytest.raises(Conflict):
        services.key_reapply(actor=city.a_admin, report=report, reason="重复申领")


def test_revoking_is_for_the_digital_office(city):
    key, _ = active_totp(city)
    with pytest.raises(Forbidden):
        services.key_revoke(actor=city.secadmin, key=key, reason="不是暂停的密钥")
    services.key_revoke(actor=city.shuziban, key=key, reason="人员调离")
    key.refresh_from_db()
    assert key.status == K.REVOKED
    with pytest.raises(Conflict):
        services.key_revoke(actor=city.shuziban, key=key, reason="再注销")


def test_reinstating_is_only_for_a_suspended_key_by_the_security_admin(city):
    key, _ = active_totp(city)
    with pytest.raises(Conflict):
        services.key_reinstate(actor=city.secadmin, key=key, note="核查无异常")
    LoginKey.objects.filter(pk=key.pk).update(status=K.SUSPENDED)
    with pytest.raises(Forbidden):
        services.key_reinstate(actor=city.shuziban, key=key, note="核查无异常")
    services.key_reinstate(actor=city.secadmin, key=key, note="持有人在其他系统使用过，无复制")
    key.refresh_from_db()
    assert key.status == K.ACTIVE


def test_an_inactive_person_cannot_become_a_holder(city):
    gone = make_person("a_gone", city.a, "staff", status=User.Status.DISABLED)
    with pytest.raises(DomainError, match="不是正常状态"):
        services.key_apply(
            actor=city.a_admin, intended_holder=gone, kind=KeyKind.TOTP, reason="离职人员"
        )


def test_demo_keys_are_refused_in_production(city, settings):
    settings.PRODUCTION = True
    with pytest.raises(DomainError, match="生产模式"):
        services.key_issue_demo_totp(holder=city.a_admin, secret="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    settings.PRODUCTION = False
    key = services.key_issue_demo_totp(
        holder=city.a_admin, secret="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    )
    assert key.status == K.ACTIVE and key.is_demo
