"""The equipment pages: each role's flow, refusals shown on the page with what was typed kept,
the workbench counter, and outsiders refused (404) on every page."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from wenshu.assets import services
from wenshu.assets.models import Asset, RepairRequest, StockTake
from wenshu.assets.services.excel import COLUMNS
from wenshu.assets.tests.conftest import as_user, reload

pytestmark = pytest.mark.django_db


@pytest.fixture
def requests_of(city, computer, printer):
    """One open request of each kind on unit A's equipment, and a stock-take."""
    repair = services.repair_request(actor=city.a_staff, asset=computer, fault="无法开机")
    loan = services.loan_request(
        actor=city.a_staff,
        asset=printer,
        borrower_unit=city.b,
        borrower_contact="贝科员",
        purpose="会议",
        due_date=date.today() + timedelta(days=5),
    )
    internet = services.internet_request(
        actor=city.a_staff, asset=computer, justification="访问外网业务系统"
    )
    take = services.stocktake_open(actor=city.a_admin)
    return {"repair": repair, "loan": loan, "internet": internet, "stocktake": take}


def _asset_pages(pk):
    names = [
        "detail",
        "edit",
        "assign",
        "stock",
        "retire",
        "antivirus",
        "repair_new",
        "repair_direct",
        "loan_new",
        "internet_new",
    ]
    return [reverse(f"assets:{n}", args=[pk]) for n in names]


def _request_pages(reqs):
    r, lo, i, t = (reqs["repair"].pk, reqs["loan"].pk, reqs["internet"].pk, reqs["stocktake"].pk)
    gets = [
        reverse("assets:repair", args=[r]),
        reverse("assets:loan", args=[lo]),
        reverse("assets:internet", args=[i]),
        reverse("assets:stocktake", args=[t]),
    ]
    posts = [reverse(f"assets:repair_{n}", args=[r]) for n in ("decide", "complete", "withdraw")]
    posts += [
        reverse(f"assets:loan_{n}", args=[lo]) for n in ("decide", "start", "return", "withdraw")
    ]
    posts += [reverse(f"assets:internet_{n}", args=[i]) for n in ("decide", "revoke", "withdraw")]
    posts += [reverse(f"assets:stocktake_{n}", args=[t]) for n in ("close", "missing")]
    return gets, posts


def test_an_outsider_gets_404_on_every_page_of_another_units_equipment(
    city, depts, computer, requests_of
):
    outsider = as_user(city.b_admin)
    for url in _asset_pages(computer.pk):
        assert outsider.get(url).status_code == 404, url
        assert outsider.post(url, {"reason": "x", "fault": "x"}).status_code == 404, url
    gets, posts = _request_pages(requests_of)
    for url in gets[:1] + gets[2:]:
        assert outsider.get(url).status_code == 404, url
    for url in posts:
        assert outsider.post(url, {"decision": "approve", "reason": "x"}).status_code == 404, url
    assert outsider.post(gets[3], {"code": "ZC-2024-001"}).status_code == 404
    page = outsider.get(reverse("assets:register")).content.decode()
    assert "ZC-2024-001" not in page
    assert reload(requests_of["repair"]).status == "pending"
    assert requests_of["stocktake"].entries.count() == 0


def test_the_borrower_reads_the_loan_page_but_cannot_act(city, depts, requests_of):
    loan = requests_of["loan"]
    services.loan_decide(actor=city.a_admin, loan=loan, approve=True)
    page = as_user(city.b_staff).get(reverse("assets:loan", args=[loan.pk]))
    assert page.status_code == 200 and "交付借出" not in page.content.decode()
    assert (
        as_user(city.b_admin).post(reverse("assets:loan_start", args=[loan.pk])).status_code == 404
    )
    assert "ZC-2024-002" in as_user(city.b_staff).get(reverse("assets:borrowed")).content.decode()


def test_office_pages_are_not_found_for_department_staff(city, depts, computer):
    staff = as_user(city.a_staff)
    for url in (
        reverse("assets:new"),
        reverse("assets:import"),
        reverse("assets:managers"),
        reverse("assets:assign", args=[computer.pk]),
        reverse("assets:retire", args=[computer.pk]),
    ):
        assert staff.get(url).status_code == 404, url
    assert staff.get(reverse("assets:detail", args=[computer.pk])).status_code == 200


def test_the_office_registers_equipment_through_the_page(city, depts):
    office = as_user(city.a_admin)
    data = {
        "asset_number": "P-1",
        "category": "fax",
        "model": "松下 KX-FT",
        "serial_number": "",
        "purchase_date": "2022-01-05",
        "purchase_value": "880",
        "is_oa_equipment": "on",
        "note": "",
        "department": depts.general.pk,
        "custodian": "",
        "location": "201",
    }
    page = office.post(reverse("assets:new"), data)
    asset = Asset.objects.get(asset_number="P-1")
    assert page.status_code == 302 and page["Location"] == reverse("assets:detail", args=[asset.pk])
    again = office.post(reverse("assets:new"), data)
    assert again.status_code == 409 and "不能重复" in again.content.decode()
    assert 'value="松下 KX-FT"' in again.content.decode()  # what was typed is kept


def test_a_department_persons_direct_repair_record_is_refused_on_the_page(city, depts, computer):
    page = as_user(city.a_staff).post(
        reverse("assets:repair_direct", args=[computer.pk]),
        {
            "fault": "自己修",
            "vendor": "路边店",
            "work_done": "换电源",
            "cost": "50",
            "repaired_on": date.today().isoformat(),
        },
    )
    assert page.status_code == 403
    html = page.content.decode()
    assert "各部门不得擅自维修，须由办公室组织维修（设备管理办法第四条）" in html
    assert "路边店" in html and not RepairRequest.objects.exists()


def test_the_repair_flow_through_the_pages(city, depts, computer):
    staff, office = as_user(city.a_staff), as_user(city.a_admin)
    page = staff.post(
        reverse("assets:repair_new", args=[computer.pk]), {"fault": "无法开机", "cause": "电源坏"}
    )
    repair = RepairRequest.objects.get()
    assert page.status_code == 302
    refused = office.post(
        reverse("assets:repair_decide", args=[repair.pk]), {"decision": "reject", "note": ""}
    )
    assert refused.status_code == 400 and "请填写办公室意见" in refused.content.decode()
    office.post(reverse("assets:repair_decide", args=[repair.pk]), {"decision": "approve"})
    assert reload(computer).status == "under_repair"
    office.post(
        reverse("assets:repair_complete", args=[repair.pk]),
        {
            "vendor": "联想服务站",
            "work_done": "更换电源",
            "cost": "180",
            "repaired_on": date.today().isoformat(),
        },
    )
    assert reload(repair).status == "completed" and reload(computer).status == "in_use"
    assert "联想服务站" in staff.get(reverse("assets:repair", args=[repair.pk])).content.decode()


def test_internet_approval_without_antivirus_is_refused_on_the_page(city, depts, requests_of):
    req = requests_of["internet"]
    url = reverse("assets:internet_decide", args=[req.pk])
    page = as_user(city.a_admin).post(
        url,
        {
            "decision": "approve",
            "note": "同意接入",
            "antivirus_product": "",
            "antivirus_version": "",
        },
    )
    assert page.status_code == 400
    assert "必须安装正版杀毒软件" in page.content.decode() and "同意接入" in page.content.decode()
    as_user(city.a_admin).post(
        url, {"decision": "approve", "antivirus_product": "火绒", "antivirus_version": "6.0"}
    )
    assert reload(req).status == "approved"


def test_the_loan_flow_through_the_pages(city, depts, requests_of):
    loan, office = requests_of["loan"], as_user(city.a_admin)
    refused = office.post(reverse("assets:loan_start", args=[loan.pk]))
    assert refused.status_code == 409 and "不经办公室同意，设备不准外借" in refused.content.decode()
    office.post(reverse("assets:loan_decide", args=[loan.pk]), {"decision": "approve"})
    office.post(reverse("assets:loan_start", args=[loan.pk]))
    assert reload(loan).status == "lent"
    office.post(reverse("assets:loan_return", args=[loan.pk]), {"note": "完好"})
    assert reload(loan).status == "returned"


def test_the_workbench_counts_the_offices_pending_requests(city, depts, requests_of):
    page = as_user(city.a_admin).get(reverse("web:workbench")).content.decode()
    assert "待审批设备申请" in page and "设备管理" in page
    assert (
        "待审批设备申请" not in as_user(city.a_staff).get(reverse("web:workbench")).content.decode()
    )
    assert services.office_people(city.a.pk) == [city.a_admin]
    from wenshu.assets.selectors import pending_count

    assert pending_count(viewer=city.a_admin) == 3 and pending_count(viewer=city.b_admin) == 0
    listed = as_user(city.a_admin).get(reverse("assets:requests")).content.decode()
    assert "无法开机" in listed and "访问外网业务系统" in listed


def test_the_register_list_filters_and_stays_cheap(
    city, depts, computer, printer, django_assert_max_num_queries
):
    office = as_user(city.a_admin)
    page = office.get(reverse("assets:register"), {"category": "printer"}).content.decode()
    assert "ZC-2024-002" in page and "ZC-2024-001" not in page
    page = office.get(reverse("assets:register"), {"q": "001"}).content.decode()
    assert "ZC-2024-001" in page and "ZC-2024-002" not in page
    for n in range(20):
        services.asset_create(
            actor=city.a_admin,
            fields=services.AssetFields(
                asset_number=f"Q-{n}",
                category="printer",
                model="m",
                purchase_date=date(2024, 1, 1),
                purchase_value=1,
            ),
            department=depts.general,
            custodian=city.a_staff,
        )
    with django_assert_max_num_queries(25):
        assert office.get(reverse("assets:register")).status_code == 200


def test_a_stocktake_through_the_pages(city, depts, computer, printer):
    office = as_user(city.a_admin)
    office.post(reverse("assets:stocktakes"), {"title": "年终盘点"})
    take = StockTake.objects.get()
    url = reverse("assets:stocktake", args=[take.pk])
    assert (
        as_user(city.a_staff).post(url, {"code": "ZC-2024-001\n", "condition": "good"}).status_code
        == 302
    )
    office.post(url, {"code": "NOPE-1", "condition": "good"})
    office.post(reverse("assets:stocktake_close", args=[take.pk]))
    page = office.get(url).content.decode()
    assert "NOPE-1" in page and "ZC-2024-002" in page and "标记为盘亏" in page
    office.post(reverse("assets:stocktake_missing", args=[take.pk]), {"assets": [printer.pk]})
    assert reload(printer).status == "missing"


@pytest.mark.usefixtures("clamd_socket")
def test_the_import_page_shows_each_bad_cell_and_imports_nothing(city, depts, computer):
    book = Workbook()
    book.active.append(COLUMNS[:5])
    book.active.append(["N-1", "打印机", "m", "2024-01-01", 10])
    book.active.append(["N-2", "打印机", "m", "2024-01-01", -10])
    out = io.BytesIO()
    book.save(out)
    upload = SimpleUploadedFile("台账.xlsx", out.getvalue())
    page = as_user(city.a_admin).post(reverse("assets:import"), {"file": upload})
    html = page.content.decode()
    assert page.status_code == 400 and "第 3 行“原值（元）”列" in html and "不能为负数" in html
    assert Asset.objects.filter(unit=city.a).count() == 1
    export = as_user(city.a_staff).get(reverse("assets:export"))
    assert export.status_code == 200 and export["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )


def test_the_unit_admin_appoints_a_manager_on_the_page(city, depts):
    admin = as_user(city.a_admin)
    assert admin.post(reverse("assets:managers"), {"person": city.a_clerk.pk}).status_code == 302
    assert services.is_office(city.a_clerk)
    assert admin.post(reverse("assets:managers"), {"person": city.b_staff.pk}).status_code == 400
    clerk_nav = as_user(city.a_clerk).get(reverse("assets:register")).content.decode()
    assert "设备盘点" in clerk_nav and "登记设备" in clerk_nav
