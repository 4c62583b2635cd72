"""Stock-takes (盘点): found, missing (in the register, not found), found but unregistered, and
away for a known reason; then marking the missing ones."""

from __future__ import annotations

import pytest

from wenshu.assets import selectors, services
from wenshu.assets.models import Asset, StockTakeEntry
from wenshu.assets.tests.conftest import register, reload
from wenshu.lib.errors import Conflict, DomainError, Forbidden, NotFound

pytestmark = pytest.mark.django_db
S = Asset.Status


@pytest.fixture
def five(city, depts):
    """Five assets: two will be found, one is missing, one is out for repair, one retired."""
    assets = {n: register(city, f"ST-{n}", department=depts.general) for n in range(1, 6)}
    repair = services.repair_request(actor=city.a_staff, asset=assets[4], fault="坏")
    services.repair_decide(actor=city.a_admin, repair=repair, approve=True)
    services.asset_retire(actor=city.a_admin, asset=assets[5], reason="报废")
    return assets


def test_closing_lists_found_missing_and_unregistered(city, depts, five):
    take = services.stocktake_open(actor=city.a_admin, title="2026 年度盘点")
    services.stocktake_record(actor=city.a_staff, stocktake=take, code="ST-1", location="201")
    services.stocktake_record(
        actor=city.a_clerk,
        stocktake=take,
        code=" ST-2\n",
        condition=StockTakeEntry.Condition.DAMAGED,
    )
    services.stocktake_record(actor=city.a_staff, stocktake=take, code="UNKNOWN-9")
    services.stocktake_record(actor=city.a_staff, stocktake=take, code="ST-5")  # retired
    closed = services.stocktake_close(actor=city.a_admin, stocktake=take)
    result = closed.result
    assert result["found"] == [five[1].pk, five[2].pk]
    assert result["missing"] == [five[3].pk]
    assert result["elsewhere"] == [five[4].pk]
    assert result["unregistered"] == ["ST-5", "UNKNOWN-9"]
    assert result["counts"] == {
        "register": 4,
        "found": 2,
        "missing": 1,
        "elsewhere": 1,
        "unregistered": 2,
    }
    report = selectors.stocktake_report(viewer=city.a_staff, stocktake=closed)
    assert [a.asset_number for a in report["missing"]] == ["ST-3"]


def test_scanning_the_same_code_twice_counts_once(city, depts, five):
    take = services.stocktake_open(actor=city.a_admin)
    _, created = services.stocktake_record(actor=city.a_staff, stocktake=take, code="ST-1")
    entry, again = services.stocktake_record(
        actor=city.a_clerk, stocktake=take, code="ST-1", location="会议室"
    )
    assert created and not again
    assert take.entries.count() == 1 and entry.location == "会议室"
    with pytest.raises(DomainError, match="请输入或扫描资产编号"):
        services.stocktake_record(actor=city.a_staff, stocktake=take, code="  ")


def test_missing_assets_can_be_marked_after_closing(city, depts, five):
    take = services.stocktake_open(actor=city.a_admin)
    services.stocktake_record(actor=city.a_staff, stocktake=take, code="ST-1")
    with pytest.raises(Conflict, match="请先结束盘点"):
        services.stocktake_mark_missing(actor=city.a_admin, stocktake=take, asset_ids=[five[3].pk])
    services.stocktake_close(actor=city.a_admin, stocktake=take)
    with pytest.raises(DomainError, match="只能标记本次盘点未找到的设备"):
        services.stocktake_mark_missing(actor=city.a_admin, stocktake=take, asset_ids=[five[1].pk])
    with pytest.raises(Forbidden):
        services.stocktake_mark_missing(actor=city.a_staff, stocktake=take, asset_ids=[five[3].pk])
    assert (
        services.stocktake_mark_missing(
            actor=city.a_admin, stocktake=take, asset_ids=[five[2].pk, five[3].pk]
        )
        == 2
    )
    assert reload(five[3]).status == S.MISSING
    assert (
        services.stocktake_mark_missing(actor=city.a_admin, stocktake=take, asset_ids=[five[3].pk])
        == 0
    )  # second click
    services.asset_return_to_stock(actor=city.a_admin, asset=five[3], reason="找回")
    assert reload(five[3]).status == S.IN_STOCK


def test_only_the_office_opens_and_closes_and_one_at_a_time(city, depts, five):
    with pytest.raises(Forbidden):
        services.stocktake_open(actor=city.a_staff)
    take = services.stocktake_open(actor=city.a_admin)
    with pytest.raises(Conflict, match="已有进行中的盘点"):
        services.stocktake_open(actor=city.a_admin)
    with pytest.raises(Forbidden):
        services.stocktake_close(actor=city.a_staff, stocktake=take)
    services.stocktake_close(actor=city.a_admin, stocktake=take)
    with pytest.raises(Conflict, match="已结束"):
        services.stocktake_close(actor=city.a_admin, stocktake=take)
    with pytest.raises(Conflict, match="已结束，不能再登记"):
        services.stocktake_record(actor=city.a_staff, stocktake=take, code="ST-1")
    services.stocktake_open(actor=city.a_admin)  # the next one may start


def test_an_outsider_cannot_record_or_see_a_stocktake(city, depts, five):
    take = services.stocktake_open(actor=city.a_admin)
    with pytest.raises(NotFound):
        services.stocktake_record(actor=city.b_staff, stocktake=take, code="ST-1")
    with pytest.raises(NotFound):
        services.stocktake_close(actor=city.b_admin, stocktake=take)
    with pytest.raises(NotFound):
        selectors.stocktake_get(viewer=city.b_admin, pk=take.pk)
    b_take = services.stocktake_open(actor=city.b_admin)
    entry, _ = services.stocktake_record(actor=city.b_staff, stocktake=b_take, code="ST-1")
    assert entry.asset is None  # unit A's ST-1 is not unit B's register
