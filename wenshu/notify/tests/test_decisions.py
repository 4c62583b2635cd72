"""The digital office's decisions on units' and accounts' requests reach the person who filed
them: exactly one notification each, to that person only, and a refusal names its reason."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import make_person
from wenshu.accounts import services as accounts
from wenshu.lib.errors import DomainError
from wenshu.notify.models import Notification, OutboxMessage
from wenshu.org import services as org
from wenshu.org.models import Deregistration
from wenshu.org.tests.conftest import application_args


@pytest.fixture
def shuziban2(city: Any) -> Any:
    return make_person("shuziban2", city.digital_office, "city_admin", real_name="钱数办")


def only_notice_for(person: Any) -> Notification:
    """The one notification there is, and it is the person's."""
    notices = list(Notification.objects.all())
    assert [n.recipient_id for n in notices] == [person.pk], [str(n) for n in notices]
    return notices[0]


def _rename(city: Any) -> Any:
    return org.unit_rename_request(
        actor=city.a_admin,
        unit=city.a,
        new_full_name="白银市财政和国资委",
        new_short_name="市财国委",
        new_admin=city.a_admin,
        kept_people=[city.a_leader, city.a_clerk],
    )


def _deregistration(city: Any, actor: Any) -> Any:
    return org.unit_deregister_request(
        actor=actor, unit=city.b, reason="机构改革撤销", disposal=Deregistration.Disposal.ARCHIVE
    )


def _opening(city: Any, **changes: Any) -> Any:
    filing = accounts.OpeningFiling(username="zhangsan", real_name="张三", **changes)
    return accounts.account_request_open(actor=city.a_admin, filing=filing).request


# --- units -------------------------------------------------------------------------------


def test_it_tells_the_filer_that_the_unit_is_registered(city, shuziban2):
    application = org.unit_apply(actor=city.shuziban, **application_args())
    assert not Notification.objects.exists()  # filing alone tells no one
    org.unit_review(actor=shuziban2, unit=application.unit, approve=True)
    notice = only_notice_for(city.shuziban)
    assert notice.title == "您提交的单位登记申请（白银市审计局）已通过审核，单位已注册"
    assert notice.link == f"/org/applications/{application.pk}/"
    assert "钱数办" in notice.body and notice.kind == "request_decided"


def test_a_refused_registration_tells_the_superiors_admin_the_reason(city):
    application = org.unit_apply(actor=city.a_admin, **application_args(superior=city.a))
    org.unit_review(
        actor=city.shuziban, unit=application.unit, approve=False, reason="上级意见未盖章"
    )
    notice = only_notice_for(city.a_admin)
    assert "未通过审核" in notice.title
    assert "退回理由：上级意见未盖章" in notice.body


def test_a_carried_out_rename_tells_the_unit_admin(city):
    request = _rename(city)
    org.unit_rename_approve(actor=city.shuziban, request=request)
    notice = only_notice_for(city.a_admin)
    assert notice.title == "您提交的名称变更申请（白银市财政局 → 白银市财政和国资委）已办理"
    assert notice.link == f"/org/renames/{request.pk}/"


def test_a_returned_rename_carries_the_reason(city):
    request = _rename(city)
    org.unit_rename_reject(actor=city.shuziban, request=request, reason="来函未附党组决定")
    notice = only_notice_for(city.a_admin)
    assert notice.title.endswith("已退回")
    assert "来函未附党组决定" in notice.body


def test_a_returned_deregistration_carries_the_reason(city):
    request = _deregistration(city, city.b_admin)
    org.unit_deregister_reject(actor=city.shuziban, request=request, reason="文件处理方式未定")
    notice = only_notice_for(city.b_admin)
    assert notice.title == "您提交的注销申请（白银市教育局）已退回"
    assert "文件处理方式未定" in notice.body
    assert notice.link == f"/org/deregistrations/{request.pk}/"


def test_a_deregistration_filed_by_the_digital_office_tells_its_filer(city, shuziban2):
    request = _deregistration(city, city.shuziban)
    org.unit_deregister(actor=shuziban2, request=request)
    assert "单位已注销" in only_notice_for(city.shuziban).title


def test_a_carried_out_deregistration_tells_no_one_whose_account_ended_with_the_unit(city):
    org.unit_deregister(actor=city.shuziban, request=_deregistration(city, city.b_admin))
    assert not Notification.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_a_decision_that_is_refused_notifies_no_one(city):
    request = _rename(city)
    with pytest.raises(DomainError):
        org.unit_rename_reject(actor=city.shuziban, request=request, reason="  ")
    assert not Notification.objects.exists()


# --- accounts ----------------------------------------------------------------------------


def test_an_approved_opening_tells_the_unit_admin_but_never_the_password(city):
    request = _opening(city)
    raw = accounts.account_request_approve(actor=city.shuziban, request=request).initial_password
    notice = only_notice_for(city.a_admin)
    assert notice.title == "您提交的开设账号申请（张三，zhangsan）已批准，账号已开设"
    assert notice.link == f"/accounts/requests/{request.pk}/"
    assert raw and raw not in notice.title + notice.body


def test_a_refused_opening_carries_the_reason(city):
    request = _opening(city)
    accounts.account_request_reject(actor=city.shuziban, request=request, reason="职责未备案")
    notice = only_notice_for(city.a_admin)
    assert notice.title.endswith("已驳回") and "退回理由：职责未备案" in notice.body


def test_an_approved_closing_tells_the_filer_not_the_closed_person(city):
    request = accounts.account_request_close(actor=city.a_admin, person=city.a_staff).request
    accounts.account_request_approve(actor=city.shuziban, request=request, note="已办理离岗手续")
    notice = only_notice_for(city.a_admin)
    assert "账号已注销" in notice.title and "审核意见：已办理离岗手续" in notice.body


def test_an_auto_approved_request_tells_no_one(city, settings):
    settings.ACCOUNT_AUTO_APPROVE = True
    assert _opening(city).status == "approved"
    assert not Notification.objects.exists()


def test_a_filer_with_a_mobile_also_gets_one_sms(city):
    city.a_admin.mobile = "13800000009"
    city.a_admin.save(update_fields=["mobile"])
    request = _opening(city)
    accounts.account_request_reject(actor=city.shuziban, request=request, reason="职责未备案")
    sms = OutboxMessage.objects.get()
    assert sms.recipient == city.a_admin and "职责未备案" in sms.body
    # the same decision delivered twice (a retried signal) adds nothing
    from wenshu.accounts.signals import send_account_request_decided

    request.refresh_from_db()
    send_account_request_decided(
        request=request, actor=city.shuziban, approved=False, reason="职责未备案"
    )
    assert Notification.objects.count() == 1 and OutboxMessage.objects.count() == 1
