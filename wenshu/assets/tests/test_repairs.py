"""Repairs only through the office (S3 第四条): request → decision → repair record → back in use;
a direct repair record by a department is refused with the rule named."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from wenshu.assets import services
from wenshu.assets.models import Asset, RepairRequest
from wenshu.assets.services._common import RULE_REPAIR
from wenshu.assets.tests.conftest import reload
from wenshu.lib.errors import Conflict, DomainError, Forbidden, NotFound
from wenshu.notify.models import Notification

pytestmark = pytest.mark.django_db
S = Asset.Status


def _record(**extra):
    data = {
        "vendor": "白银市联想服务站",
        "work_done": "更换电源",
        "cost": "180.00",
        "repaired_on": date.today(),
    }
    data.update(extra)
    return data


def test_a_repair_goes_through_the_office_and_back_into_use(city, depts, computer):
    repair = services.repair_request(
        actor=city.a_staff, asset=computer, fault="无法开机", cause="电源指示灯不亮，疑似电源损坏"
    )
    assert repair.status == "pending"
    assert Notification.objects.filter(recipient=city.a_admin, kind="assets").exists()
    services.repair_decide(actor=city.a_admin, repair=repair, approve=True, note="送修")
    assert reload(computer).status == S.UNDER_REPAIR
    done = services.repair_complete(actor=city.a_admin, repair=repair, **_record())
    assert done.status == "completed" and str(done.cost) == "180.00"
    assert done.vendor == "白银市联想服务站" and done.completed_by == city.a_admin
    assert reload(computer).status == S.IN_USE
    assert Notification.objects.filter(recipient=city.a_staff, title="设备已修复").exists()


def test_a_repaired_stock_item_goes_back_to_stock(city, depts, printer):
    repair = services.repair_request(actor=city.a_clerk, asset=printer, fault="卡纸")
    services.repair_decide(actor=city.a_admin, repair=repair, approve=True)
    services.repair_complete(actor=city.a_admin, repair=repair, **_record(cost=0))
    assert reload(printer).status == S.IN_STOCK


def test_a_direct_repair_record_by_a_department_is_refused_with_the_rule(city, depts, computer):
    with pytest.raises(Forbidden) as refused:
        services.repair_record_direct(
            actor=city.a_staff, asset=computer, fault="自行修理", **_record()
        )
    assert RULE_REPAIR in refused.value.message
    assert "各部门不得擅自维修，须由办公室组织维修（设备管理办法第四条）" in refused.value.message
    assert not RepairRequest.objects.exists()
    assert reload(computer).status == S.IN_USE


def test_the_office_may_record_a_repair_it_organised_itself(city, depts, computer):
    repair = services.repair_record_direct(
        actor=city.a_admin,
        asset=computer,
        fault="键盘失灵",
        **_record(work_done="更换键盘", cost="60"),
    )
    assert repair.direct and repair.status == "completed" and str(repair.cost) == "60.00"
    assert reload(computer).status == S.IN_USE


def test_only_the_office_decides_and_completes(city, depts, computer):
    repair = services.repair_request(actor=city.a_staff, asset=computer, fault="蓝屏")
    with pytest.raises(Forbidden, match="设备管理办法第四条"):
        services.repair_decide(actor=city.a_clerk, repair=repair, approve=True)
    services.repair_decide(actor=city.a_admin, repair=repair, approve=True)
    with pytest.raises(Forbidden, match="各部门不得擅自维修"):
        services.repair_complete(actor=city.a_staff, repair=repair, **_record())
    assert reload(repair).status == "approved"


def test_a_refusal_needs_a_reason_and_leaves_the_asset_in_use(city, depts, computer):
    repair = services.repair_request(actor=city.a_staff, asset=computer, fault="风扇噪音")
    with pytest.raises(DomainError, match="请填写办公室意见"):
        services.repair_decide(actor=city.a_admin, repair=repair, approve=False)
    services.repair_decide(actor=city.a_admin, repair=repair, approve=False, note="属正常噪音")
    assert reload(repair).status == "rejected" and reload(computer).status == S.IN_USE
    assert Notification.objects.filter(recipient=city.a_staff, title="设备报修未同意").exists()


def test_every_illegal_step_is_a_conflict(city, depts, computer):
    repair = services.repair_request(actor=city.a_staff, asset=computer, fault="无法联网")
    with pytest.raises(Conflict, match="待办公室审批"):
        services.repair_complete(actor=city.a_admin, repair=repair, **_record())
    services.repair_decide(actor=city.a_admin, repair=repair, approve=True)
    with pytest.raises(Conflict):
        services.repair_decide(actor=city.a_admin, repair=repair, approve=True)  # double click
    with pytest.raises(Conflict):
        services.repair_withdraw(actor=city.a_staff, repair=repair)
    services.repair_complete(actor=city.a_admin, repair=repair, **_record())
    with pytest.raises(Conflict):
        services.repair_complete(actor=city.a_admin, repair=repair, **_record())


def test_one_open_repair_per_asset_and_only_usable_assets(city, depts, computer):
    services.repair_request(actor=city.a_staff, asset=computer, fault="a")
    with pytest.raises(Conflict, match="请勿重复报修"):
        services.repair_request(actor=city.a_clerk, asset=computer, fault="b")
    with pytest.raises(Conflict, match="进行中的报修单"):
        services.repair_record_direct(actor=city.a_admin, asset=computer, fault="c", **_record())


def test_the_requester_withdraws_a_pending_repair(city, depts, computer):
    repair = services.repair_request(actor=city.a_staff, asset=computer, fault="a")
    with pytest.raises(Forbidden, match="只有报修人"):
        services.repair_withdraw(actor=city.a_clerk, repair=repair)
    services.repair_withdraw(actor=city.a_staff, repair=repair)
    assert reload(repair).status == "withdrawn"
    services.repair_request(actor=city.a_staff, asset=computer, fault="again")  # may file anew


def test_repair_record_dates_and_costs_are_checked(city, depts, computer):
    repair = services.repair_request(actor=city.a_staff, asset=computer, fault="a")
    services.repair_decide(actor=city.a_admin, repair=repair, approve=True)
    with pytest.raises(DomainError, match="不能为负数"):
        services.repair_complete(actor=city.a_admin, repair=repair, **_record(cost="-5"))
    with pytest.raises(DomainError, match="不能晚于今天"):
        services.repair_complete(
            actor=city.a_admin,
            repair=repair,
            **_record(repaired_on=date.today() + timedelta(days=1)),
        )
    with pytest.raises(DomainError, match="不能早于报修日期"):
        services.repair_complete(
            actor=city.a_admin,
            repair=repair,
            **_record(repaired_on=date.today() - timedelta(days=30)),
        )
    with pytest.raises(DomainError, match="请填写维修单位"):
        services.repair_complete(actor=city.a_admin, repair=repair, **_record(vendor=""))
    assert reload(repair).status == "approved"


def test_an_outsider_cannot_act_on_a_repair(city, depts, computer):
    repair = services.repair_request(actor=city.a_staff, asset=computer, fault="a")
    for act in (
        lambda: services.repair_decide(actor=city.b_admin, repair=repair, approve=True),
        lambda: services.repair_complete(actor=city.b_admin, repair=repair, **_record()),
        lambda: services.repair_withdraw(actor=city.b_staff, repair=repair),
        lambda: services.repair_record_direct(
            actor=city.b_admin, asset=computer, fault="x", **_record()
        ),
    ):
        with pytest.raises(NotFound):
            act()
    assert reload(repair).status == "pending"
