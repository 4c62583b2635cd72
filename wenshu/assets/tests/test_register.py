"""The register: entering equipment, assignment and reallocation with history, return to stock,
retirement, equipment managers, and every refusal on the way."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from wenshu.assets import services
from wenshu.assets.models import ASSET_TRANSITIONS, Asset, AssetMove, RepairRequest
from wenshu.assets.tests.conftest import fields, register, reload
from wenshu.audit.models import AuditEvent
from wenshu.lib.errors import Conflict, DomainError, Forbidden, NotFound

pytestmark = pytest.mark.django_db
S = Asset.Status


def test_it_registers_equipment_in_stock_or_in_use(city, depts):
    stocked = register(city, "A-1", category="copier")
    assert stocked.status == S.IN_STOCK and stocked.unit_id == city.a.pk
    used = register(city, "A-2", department=depts.general, custodian=city.a_clerk)
    assert used.status == S.IN_USE
    assert (
        AssetMove.objects.filter(
            asset=used, kind="register", to_department=depts.general, to_custodian=city.a_clerk
        ).count()
        == 1
    )
    assert AuditEvent.objects.filter(action="asset.created", target_id=str(used.pk)).exists()


def test_only_the_office_registers_equipment(city, depts):
    with pytest.raises(Forbidden) as refused:
        services.asset_create(actor=city.a_staff, fields=fields("X-1"))
    assert "办公室" in refused.value.message
    assert not Asset.objects.filter(asset_number="X-1").exists()


def test_an_asset_number_is_unique_per_unit_but_not_across_units(city, depts):
    register(city, "DUP-1")
    with pytest.raises(Conflict, match="已在本单位设备台账中登记"):
        register(city, "DUP-1")
    other = services.asset_create(actor=city.b_admin, fields=fields("DUP-1"))
    assert other.unit_id == city.b.pk


@pytest.mark.parametrize(
    "change, message",
    [
        ({"purchase_value": "-1"}, "不能为负数"),
        ({"purchase_value": "12.345"}, "两位小数"),
        ({"purchase_value": "abc"}, "必须是数字"),
        ({"category": "toaster"}, "设备类别不正确"),
        ({"asset_number": "  "}, "请填写资产编号"),
        ({"asset_number": "A 1"}, "不能包含空格"),
        ({"model": ""}, "请填写品牌型号"),
        ({"purchase_date": date.today() + timedelta(days=3)}, "不能晚于今天"),
    ],
)
def test_it_refuses_bad_facts_with_a_clear_message(city, depts, change, message):
    with pytest.raises(DomainError, match=message):
        services.asset_create(actor=city.a_admin, fields=fields("BAD-1", **change))
    assert not Asset.objects.filter(unit=city.a).exists()


def test_department_and_custodian_must_be_of_the_unit(city, depts):
    with pytest.raises(DomainError, match="本单位启用中的部门"):
        register(city, "D-1", department=depts.b_dept)
    with pytest.raises(DomainError, match="本单位在职人员"):
        register(city, "D-2", custodian=city.b_staff)


def test_reallocation_between_departments_keeps_a_history(city, depts, printer):
    """GIVEN a printer in stock WHEN the office hands it to 办公室, moves it to 财务科, changes
    its custodian and takes it back THEN each step is one history row with from/to, who and why."""
    services.asset_assign(
        actor=city.a_admin,
        asset=printer,
        department=depts.general,
        custodian=city.a_clerk,
        location="201 室",
        reason="文书室打印",
    )
    services.asset_assign(
        actor=city.a_admin,
        asset=printer,
        department=depts.finance,
        custodian=city.a_clerk,
        location="301 室",
        reason="年终决算支援",
    )
    services.asset_assign(
        actor=city.a_admin,
        asset=printer,
        department=depts.finance,
        custodian=city.a_staff,
        location="301 室",
    )
    services.asset_return_to_stock(
        actor=city.a_admin, asset=printer, location="库房", reason="决算结束"
    )
    moves = list(AssetMove.objects.filter(asset=printer).order_by("id"))
    assert [m.kind for m in moves] == ["register", "assign", "reallocate", "custodian", "stock"]
    realloc = moves[2]
    assert (realloc.from_department, realloc.to_department) == (depts.general, depts.finance)
    assert realloc.from_location == "201 室" and realloc.to_location == "301 室"
    assert realloc.moved_by == city.a_admin and realloc.reason == "年终决算支援"
    assert (moves[3].from_custodian, moves[3].to_custodian) == (city.a_clerk, city.a_staff)
    stocked = reload(printer)
    assert stocked.status == S.IN_STOCK and stocked.department is None
    assert stocked.custodian is None and stocked.location == "库房"
    assert AuditEvent.objects.filter(action="asset.reallocate").count() == 1


def test_department_staff_cannot_reallocate(city, depts, computer):
    with pytest.raises(Forbidden, match="设备管理办法第一条"):
        services.asset_assign(
            actor=city.a_staff, asset=computer, department=depts.general, custodian=None
        )
    assert reload(computer).department == depts.finance


def test_an_outsider_cannot_touch_another_units_asset(city, depts, computer):
    with pytest.raises(NotFound):
        services.asset_assign(
            actor=city.b_admin, asset=computer, department=None, custodian=city.b_staff
        )
    with pytest.raises(NotFound):
        services.asset_retire(actor=city.b_admin, asset=computer, reason="x")
    with pytest.raises(NotFound):
        services.repair_request(actor=city.b_staff, asset=computer, fault="坏了")


def test_a_move_that_changes_nothing_is_refused(city, depts, computer):
    with pytest.raises(Conflict, match="无需调配"):
        services.asset_assign(
            actor=city.a_admin,
            asset=computer,
            department=depts.finance,
            custodian=city.a_staff,
            location="财务科 301 室",
        )
    with pytest.raises(DomainError, match="请选择使用部门或保管人"):
        services.asset_assign(actor=city.a_admin, asset=computer, department=None, custodian=None)
    services.asset_return_to_stock(actor=city.a_admin, asset=computer)
    with pytest.raises(Conflict, match="已在库"):
        services.asset_return_to_stock(actor=city.a_admin, asset=computer)


def test_equipment_away_for_repair_cannot_be_reallocated(city, depts, computer):
    repair = services.repair_request(actor=city.a_staff, asset=computer, fault="不开机")
    services.repair_decide(actor=city.a_admin, repair=repair, approve=True)
    with pytest.raises(Conflict, match="维修中"):
        services.asset_assign(
            actor=city.a_admin, asset=computer, department=depts.general, custodian=None
        )
    with pytest.raises(Conflict, match="维修中"):
        services.asset_return_to_stock(actor=city.a_admin, asset=computer)


def test_retirement_is_final_and_voids_open_requests(city, depts, computer):
    repair = services.repair_request(actor=city.a_staff, asset=computer, fault="屏幕闪烁")
    with pytest.raises(DomainError, match="请填写报废原因"):
        services.asset_retire(actor=city.a_admin, asset=computer, reason=" ")
    services.asset_retire(actor=city.a_admin, asset=computer, reason="超过使用年限，无维修价值")
    asset = reload(computer)
    assert asset.status == S.RETIRED and asset.retired_at is not None
    assert RepairRequest.objects.get(pk=repair.pk).status == "cancelled"
    for refused in (
        lambda: services.asset_assign(
            actor=city.a_admin, asset=asset, department=depts.general, custodian=None
        ),
        lambda: services.repair_request(actor=city.a_staff, asset=asset, fault="x"),
        lambda: services.repair_record_direct(
            actor=city.a_admin,
            asset=asset,
            fault="x",
            vendor="v",
            work_done="w",
            cost=1,
            repaired_on=date.today(),
        ),
        lambda: services.loan_request(
            actor=city.a_staff,
            asset=asset,
            borrower_unit=city.b,
            borrower_contact="贝科员",
            purpose="借用",
            due_date=date.today(),
        ),
        lambda: services.asset_retire(actor=city.a_admin, asset=asset, reason="again"),
    ):
        with pytest.raises(DomainError, match="已报废"):
            refused()


def test_equipment_on_loan_cannot_be_retired(city, depts, printer):
    loan = services.loan_request(
        actor=city.a_staff,
        asset=printer,
        borrower_unit=city.b,
        borrower_contact="贝科员 139",
        purpose="会议",
        due_date=date.today() + timedelta(days=3),
    )
    services.loan_decide(actor=city.a_admin, loan=loan, approve=True)
    services.loan_start(actor=city.a_admin, loan=loan)
    with pytest.raises(Conflict, match="外借中，归还后才能报废"):
        services.asset_retire(actor=city.a_admin, asset=printer, reason="坏了")


def test_the_office_corrects_facts_but_not_custody_through_edit(city, depts, computer):
    services.asset_update(
        actor=city.a_admin,
        asset=computer,
        fields=fields("ZC-2024-001", model="联想 启天M450", purchase_value=5200),
    )
    asset = reload(computer)
    assert asset.model == "联想 启天M450" and str(asset.purchase_value) == "5200.00"
    register(city, "ZC-2024-009")
    with pytest.raises(Conflict, match="不能重复"):
        services.asset_update(actor=city.a_admin, asset=computer, fields=fields("ZC-2024-009"))
    with pytest.raises(Forbidden):
        services.asset_update(actor=city.a_clerk, asset=computer, fields=fields("ZC-2024-001"))


def test_an_appointed_equipment_manager_acts_as_the_office(city, depts, computer):
    assert not services.is_office(city.a_clerk)
    manager = services.asset_manager_appoint(actor=city.a_admin, person=city.a_clerk)
    assert services.is_office(city.a_clerk)
    assert city.a_clerk in services.office_people(city.a.pk)
    services.asset_assign(
        actor=city.a_clerk,
        asset=computer,
        department=depts.general,
        custodian=None,
        reason="调往办公室",
    )
    with pytest.raises(Conflict, match="已是设备管理员"):
        services.asset_manager_appoint(actor=city.a_admin, person=city.a_clerk)
    services.asset_manager_remove(actor=city.a_admin, manager=manager)
    assert not services.is_office(city.a_clerk)


def test_only_the_unit_admin_appoints_managers_of_their_own_unit(city, depts):
    with pytest.raises(Forbidden, match="单位系统管理员"):
        services.asset_manager_appoint(actor=city.a_staff, person=city.a_clerk)
    with pytest.raises(NotFound):
        services.asset_manager_appoint(actor=city.a_admin, person=city.b_staff)
    manager = services.asset_manager_appoint(actor=city.b_admin, person=city.b_staff)
    with pytest.raises(NotFound):
        services.asset_manager_remove(actor=city.a_admin, manager=manager)


@pytest.mark.parametrize("current", list(S))
def test_every_transition_outside_the_table_is_refused(current):
    asset = Asset(asset_number="T-1", status=current)
    for target in S:
        trial = Asset(asset_number="T-1", status=current)
        if target in ASSET_TRANSITIONS[current]:
            trial.move_to(target)
            assert trial.status == target
        else:
            with pytest.raises(Conflict, match="不能改为"):
                trial.move_to(target)
    assert asset.status == current
