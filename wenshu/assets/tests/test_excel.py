"""Excel export and import of the register: a round trip updates; a bad row gives a clear error
naming its row and column, and nothing at all is imported."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook, load_workbook

from wenshu.assets import services
from wenshu.assets.models import Asset, AssetMove
from wenshu.assets.services.excel import COLUMNS
from wenshu.assets.tests.conftest import reload
from wenshu.audit.models import AuditEvent
from wenshu.lib import scan
from wenshu.lib.errors import DomainError, Forbidden

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clamd_socket")]


def _sheet(data: bytes):
    return load_workbook(io.BytesIO(data)).active


def _save(sheet) -> bytes:
    out = io.BytesIO()
    sheet.parent.save(out)
    return out.getvalue()


def _book(rows: list[list], header: list[str] | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header or COLUMNS[:11])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _counts(unit) -> tuple[int, int]:
    return Asset.objects.filter(unit=unit).count(), AssetMove.objects.count()


def _row(number, **over):
    values = {
        "资产编号": number,
        "设备类别": "打印机",
        "品牌型号": "惠普 M405",
        "购置日期": "2023-05-06",
        "原值（元）": 2100,
        "序列号": "",
        "使用部门": "",
        "保管人用户名": "",
        "保管人姓名": "",
        "存放地点": "库房",
        "办公自动化专用": "是",
    }
    values.update(over)
    return [values[c] for c in COLUMNS[:11]]


def test_the_export_has_every_column_and_row(city, depts, computer, printer):
    sheet = _sheet(services.register_export(viewer=city.a_staff))
    assert [c.value for c in sheet[1]] == COLUMNS
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == {"ZC-2024-001", "ZC-2024-002"}
    row = dict(zip(COLUMNS, rows["ZC-2024-001"], strict=True))
    assert row["设备类别"] == "计算机" and row["使用部门"] == "财务科"
    assert row["保管人用户名"] == "a_staff" and row["状态"] == "在用"
    assert row["购置日期"] == datetime(2024, 3, 1) and row["原值（元）"] == 4999
    assert row["办公自动化专用"] == "是" and row["已批准接入互联网"] == "否"
    b_sheet = _sheet(services.register_export(viewer=city.b_staff))
    assert b_sheet.max_row == 1  # unit B sees only its own (empty) register


def test_a_round_trip_updates_the_changed_cells(city, depts, computer, printer):
    """GIVEN the exported register WHEN one cell (the printer's department) and one value are
    changed and the file imported THEN those assets are updated, the move is in the history,
    and the untouched row stays as it was."""
    sheet = _sheet(services.register_export(viewer=city.a_admin))
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == "ZC-2024-002":
            row[COLUMNS.index("使用部门")].value = "办公室"
            row[COLUMNS.index("原值（元）")].value = 1999.5
            row[COLUMNS.index("状态")].value = "已报废"  # ignored: the system keeps status
    result = services.register_import(actor=city.a_admin, data=_save(sheet))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    moved = reload(printer)
    assert moved.department == depts.general and moved.status == Asset.Status.IN_USE
    assert str(moved.purchase_value) == "1999.50"
    assert (
        AssetMove.objects.filter(
            asset=printer, kind="import", to_department=depts.general, from_department=None
        ).count()
        == 1
    )
    assert reload(computer).department == depts.finance
    assert AuditEvent.objects.filter(action="asset.imported").count() == 1


def test_import_creates_new_assets(city, depts):
    data = _book(
        [
            _row("NEW-1"),
            _row(
                "NEW-2",
                设备类别="computer",
                使用部门="财务科",
                保管人用户名="a_staff",
                购置日期="2024/1/2",
            ),
        ]
    )
    result = services.register_import(actor=city.a_admin, data=data)
    assert (result.created, result.updated) == (2, 0)
    new = Asset.objects.get(unit=city.a, asset_number="NEW-2")
    assert new.category == "computer" and new.custodian == city.a_staff
    assert new.status == Asset.Status.IN_USE and new.purchase_date == date(2024, 1, 2)


@pytest.mark.parametrize(
    "over, column, message",
    [
        ({"使用部门": "不存在科"}, "使用部门", "本单位没有名为“不存在科”的启用中部门"),
        ({"购置日期": "2023-13-45"}, "购置日期", "无法识别"),
        ({"原值（元）": -5}, "原值（元）", "不能为负数"),
        ({"原值（元）": ""}, "原值（元）", "请填写原值"),
        ({"设备类别": "电冰箱"}, "设备类别", "设备类别“电冰箱”不正确"),
        ({"保管人用户名": "b_staff"}, "保管人用户名", "没有用户名为“b_staff”"),
        ({"办公自动化专用": "也许"}, "办公自动化专用", "请填写“是”或“否”"),
        ({"资产编号": "A B"}, "资产编号", "不能包含空格"),
    ],
)
def test_a_bad_row_names_its_row_and_column_and_nothing_is_imported(
    city, depts, printer, over, column, message
):
    before = _counts(city.a)
    data = _book([_row("OK-1"), _row("ZC-2024-002", 使用部门="办公室"), _row("BAD-3", **over)])
    with pytest.raises(services.ImportRefused) as refused:
        services.register_import(actor=city.a_admin, data=data)
    error = refused.value.errors[0]
    assert (error.row, error.column) == (4, column) and message in error.message
    assert f"第 4 行“{column}”列" in refused.value.message
    assert "没有任何改动" in refused.value.message
    assert _counts(city.a) == before  # OK-1 was not created ...
    assert reload(printer).department is None  # ... and row 3's change was not applied


def test_a_duplicate_asset_number_in_the_file_names_both_rows(city, depts):
    data = _book([_row("D-1"), _row("D-2"), _row("D-1")])
    with pytest.raises(services.ImportRefused) as refused:
        services.register_import(actor=city.a_admin, data=data)
    assert "第 4 行“资产编号”列：资产编号 D-1 与第 2 行重复" in refused.value.message
    assert Asset.objects.filter(unit=city.a).count() == 0


def test_every_bad_cell_is_listed(city, depts):
    data = _book([_row("E-1", 设备类别="x"), _row("E-2", **{"原值（元）": -1, "购置日期": "昨天"})])
    with pytest.raises(services.ImportRefused) as refused:
        services.register_import(actor=city.a_admin, data=data)
    places = {(e.row, e.column) for e in refused.value.errors}
    assert places == {(2, "设备类别"), (3, "购置日期"), (3, "原值（元）")}


def test_moving_an_asset_that_is_away_is_refused(city, depts, printer):
    repair = services.repair_request(actor=city.a_staff, asset=printer, fault="卡纸")
    services.repair_decide(actor=city.a_admin, repair=repair, approve=True)
    data = _book([_row("NEW-9"), _row("ZC-2024-002", 使用部门="办公室")])
    with pytest.raises(services.ImportRefused, match=r"第 3 行.*维修中"):
        services.register_import(actor=city.a_admin, data=data)
    assert not Asset.objects.filter(asset_number="NEW-9").exists()


def test_a_missing_header_or_a_non_excel_file_is_refused(city, depts):
    with pytest.raises(services.ImportRefused, match="第 1 行“原值（元）”列"):
        services.register_import(actor=city.a_admin, data=_book([], header=COLUMNS[:4]))
    with pytest.raises(DomainError, match=r"\.xlsx"):
        services.register_import(actor=city.a_admin, data=b"not,an,excel\nfile")
    with pytest.raises(DomainError, match="没有数据行"):
        services.register_import(actor=city.a_admin, data=_book([]))


def test_an_infected_file_is_refused(city, depts):
    with pytest.raises(DomainError, match="未通过病毒扫描"):
        services.register_import(actor=city.a_admin, data=scan.eicar_test_file())


def test_only_the_office_imports(city, depts):
    with pytest.raises(Forbidden):
        services.register_import(actor=city.a_staff, data=_book([_row("X-1")]))
    assert not Asset.objects.exists()
