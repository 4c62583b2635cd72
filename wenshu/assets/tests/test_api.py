"""/api/v1/assets/: the same operations through the API, refusals as JSON 4xx, and an outsider
refused (404) on every route of another unit's equipment."""

from __future__ import annotations

import io
import secrets
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from wenshu.accounts.api_auth import token_digest
from wenshu.accounts.models import ApiToken
from wenshu.assets import services
from wenshu.assets.models import Asset, RepairRequest

pytestmark = pytest.mark.django_db
API = "/api/v1/assets"


def bearer(person) -> dict[str, str]:
    token = secrets.token_urlsafe(24)
    ApiToken.objects.create(user=person, name="测试", prefix=token[:8], digest=token_digest(token))
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


class Caller:
    def __init__(self, client, person):
        self.client, self.auth = client, bearer(person)

    def get(self, path):
        return self.client.get(f"{API}{path}", **self.auth)

    def post(self, path, body=None):
        return self.client.post(
            f"{API}{path}", body or {}, content_type="application/json", **self.auth
        )

    def put(self, path, body):
        return self.client.put(f"{API}{path}", body, content_type="application/json", **self.auth)

    def delete(self, path):
        return self.client.delete(f"{API}{path}", **self.auth)


NEW = {
    "asset_number": "API-1",
    "category": "computer",
    "model": "华为 擎云 W515",
    "purchase_date": "2025-06-01",
    "purchase_value": "6200.00",
}


def test_the_office_registers_and_reallocates_through_the_api(client, city, depts):
    office = Caller(client, city.a_admin)
    made = office.post(
        "/",
        {
            **NEW,
            "department_id": depts.general.pk,
            "custodian_id": city.a_clerk.pk,
            "location": "201",
        },
    )
    assert made.status_code == 201, made.json()
    asset_id = made.json()["id"]
    assert made.json()["status"] == "in_use" and made.json()["purchase_value"] == "6200.00"
    moved = office.post(
        f"/{asset_id}/assign",
        {
            "department_id": depts.finance.pk,
            "custodian_id": city.a_staff.pk,
            "reason": "财务科新增岗位",
        },
    )
    assert moved.status_code == 200 and moved.json()["department_name"] == "财务科"
    history = office.get(f"/{asset_id}/history").json()
    assert [h["kind"] for h in history] == ["reallocate", "register"]
    assert history[0]["from_department"] == "办公室" and history[0]["reason"] == "财务科新增岗位"
    listed = office.get("/?q=API").json()
    assert listed["count"] == 1 and listed["items"][0]["asset_number"] == "API-1"
    dup = office.post("/", NEW)
    assert dup.status_code == 409 and "不能重复" in dup.json()["message"]
    bad = office.post("/", {**NEW, "asset_number": "API-2", "department_id": depts.b_dept.pk})
    assert bad.status_code == 400 and "本单位启用中的部门" in bad.json()["message"]
    staff = Caller(client, city.a_staff).post("/", {**NEW, "asset_number": "API-3"})
    assert staff.status_code == 403 and "办公室" in staff.json()["message"]


def test_repair_only_through_the_office_in_the_api(client, city, depts, computer):
    staff, office = Caller(client, city.a_staff), Caller(client, city.a_admin)
    record = {
        "fault": "x",
        "vendor": "v",
        "work_done": "w",
        "cost": "10.00",
        "repaired_on": date.today().isoformat(),
    }
    direct = staff.post(f"/{computer.pk}/repairs/direct", record)
    assert direct.status_code == 403
    rule = "各部门不得擅自维修，须由办公室组织维修（设备管理办法第四条）"
    assert rule in direct.json()["message"]
    assert not RepairRequest.objects.exists()
    asked = staff.post(f"/{computer.pk}/repairs", {"fault": "蓝屏", "cause": "系统文件损坏"})
    assert asked.status_code == 201
    rid = asked.json()["id"]
    assert office.post(f"/repairs/{rid}/decide", {"approve": True}).json()["status"] == "approved"
    done = office.post(f"/repairs/{rid}/complete", {k: record[k] for k in record if k != "fault"})
    assert done.status_code == 200 and done.json()["status"] == "completed"
    again = office.post(f"/repairs/{rid}/complete", {k: record[k] for k in record if k != "fault"})
    assert again.status_code == 409
    assert office.post(f"/{computer.pk}/repairs/direct", record).status_code == 201


def test_loans_and_internet_in_the_api(client, city, depts, computer):
    staff, office = Caller(client, city.a_staff), Caller(client, city.a_admin)
    loan = staff.post(
        f"/{computer.pk}/loans",
        {
            "borrower_unit_id": city.b.pk,
            "borrower_contact": "贝科员",
            "purpose": "会议",
            "due_date": (date.today() + timedelta(days=3)).isoformat(),
        },
    )
    assert loan.status_code == 201
    lid = loan.json()["id"]
    early = office.post(f"/loans/{lid}/start")
    assert early.status_code == 409 and "不经办公室同意，设备不准外借" in early.json()["message"]
    office.post(f"/loans/{lid}/decide", {"approve": True})
    assert office.post(f"/loans/{lid}/start").json()["status"] == "lent"
    assert Caller(client, city.b_admin).get(f"/loans/{lid}").status_code == 200  # borrower reads
    assert Caller(client, city.b_admin).post(f"/loans/{lid}/return").status_code == 404
    assert office.post(f"/loans/{lid}/return", {"note": "完好"}).json()["status"] == "returned"

    req = staff.post(f"/{computer.pk}/internet", {"justification": "外网申报"}).json()
    refused = office.post(f"/internet/{req['id']}/decide", {"approve": True})
    assert refused.status_code == 400 and "正版杀毒软件" in refused.json()["message"]
    ok = office.post(
        f"/internet/{req['id']}/decide",
        {"approve": True, "antivirus_product": "奇安信天擎", "antivirus_version": "10.0"},
    )
    assert ok.json()["status"] == "approved"
    assert office.get(f"/{computer.pk}").json()["antivirus_product"] == "奇安信天擎"
    pending = office.get("/requests?which=all").json()
    assert len(pending["loans"]) == 1 and len(pending["internet"]) == 1


def test_stocktake_and_excel_in_the_api(client, city, depts, computer, printer, clamd_socket):
    office, staff = Caller(client, city.a_admin), Caller(client, city.a_staff)
    take = office.post("/stocktakes", {"title": "季度盘点"}).json()
    entry = staff.post(f"/stocktakes/{take['id']}/entries", {"code": "ZC-2024-001"}).json()
    assert entry["in_register"] and entry["created"]
    staff.post(f"/stocktakes/{take['id']}/entries", {"code": "LOOSE-1"})
    closed = office.post(f"/stocktakes/{take['id']}/close").json()
    assert closed["result"]["missing"] == [printer.pk]
    assert closed["result"]["unregistered"] == ["LOOSE-1"]
    marked = office.post(f"/stocktakes/{take['id']}/mark-missing", {"asset_ids": [printer.pk]})
    assert marked.json() == {"count": 1}

    data = office.get("/export.xlsx")
    assert data.status_code == 200
    sheet = load_workbook(io.BytesIO(data.content)).active
    sheet["C2"] = "联想 启天M460"  # row 2 is ZC-2024-001 (sorted by asset number)
    sheet.append(["BAD-1", "打印机", "m", "2024-01-01", -1])
    out = io.BytesIO()
    sheet.parent.save(out)
    bad = client.post(f"{API}/import", {"file": io.BytesIO(out.getvalue())}, **office.auth)
    assert bad.status_code == 400
    assert bad.json()["errors"] == [{"row": 4, "column": "原值（元）", "message": "原值不能为负数"}]
    assert Asset.objects.get(pk=computer.pk).model == "联想 启天M428"
    sheet.delete_rows(4)
    out = io.BytesIO()
    sheet.parent.save(out)
    good = client.post(f"{API}/import", {"file": io.BytesIO(out.getvalue())}, **office.auth)
    assert good.json() == {"created": 0, "updated": 1, "unchanged": 1}
    assert Asset.objects.get(pk=computer.pk).model == "联想 启天M460"


def test_managers_in_the_api(client, city, depts):
    admin = Caller(client, city.a_admin)
    made = admin.post("/managers", {"person_id": city.a_clerk.pk})
    assert made.status_code == 201
    assert admin.post("/managers", {"person_id": city.b_staff.pk}).status_code == 404
    assert Caller(client, city.b_admin).delete(f"/managers/{made.json()['id']}").status_code == 404
    assert admin.delete(f"/managers/{made.json()['id']}").status_code == 204
    assert not services.is_office(city.a_clerk)


def test_an_outsider_gets_404_on_every_route(client, city, depts, computer):
    repair = services.repair_request(actor=city.a_staff, asset=computer, fault="x")
    internet = services.internet_request(actor=city.a_staff, asset=computer, justification="x")
    loan_asset = services.asset_create(
        actor=city.a_admin,
        fields=services.AssetFields(
            asset_number="L-1",
            category="printer",
            model="m",
            purchase_date=date(2024, 1, 1),
            purchase_value=1,
        ),
    )
    loan = services.loan_request(
        actor=city.a_staff,
        asset=loan_asset,
        borrower_unit=city.digital_office,
        borrower_contact="x",
        purpose="x",
        due_date=date.today(),
    )
    take = services.stocktake_open(actor=city.a_admin)
    outsider = Caller(client, city.b_admin)
    a, r, i, lo, t = computer.pk, repair.pk, internet.pk, loan.pk, take.pk
    for path in (
        f"/{a}",
        f"/{a}/history",
        f"/repairs/{r}",
        f"/internet/{i}",
        f"/loans/{lo}",
        f"/stocktakes/{t}",
        f"/stocktakes/{t}/entries",
    ):
        assert outsider.get(path).status_code == 404, path
    record = {
        "fault": "x",
        "vendor": "v",
        "work_done": "w",
        "cost": "1",
        "repaired_on": date.today().isoformat(),
    }
    for path, body in (
        (f"/{a}/assign", {"custodian_id": city.b_staff.pk}),
        (f"/{a}/stock", {}),
        (f"/{a}/retire", {"reason": "x"}),
        (f"/{a}/antivirus", {"product": "p", "version": "v"}),
        (f"/{a}/repairs", {"fault": "x"}),
        (f"/{a}/repairs/direct", record),
        (f"/{a}/internet", {"justification": "x"}),
        (
            f"/{a}/loans",
            {
                "borrower_unit_id": city.b.pk,
                "borrower_contact": "x",
                "purpose": "x",
                "due_date": date.today().isoformat(),
            },
        ),
        (f"/repairs/{r}/decide", {"approve": True}),
        (f"/repairs/{r}/withdraw", {}),
        (f"/repairs/{r}/complete", {k: v for k, v in record.items() if k != "fault"}),
        (f"/internet/{i}/decide", {"approve": False, "note": "x"}),
        (f"/internet/{i}/revoke", {"reason": "x"}),
        (f"/internet/{i}/withdraw", {}),
        (f"/loans/{lo}/decide", {"approve": True}),
        (f"/loans/{lo}/start", {}),
        (f"/loans/{lo}/return", {}),
        (f"/loans/{lo}/withdraw", {}),
        (f"/stocktakes/{t}/entries", {"code": "ZC-2024-001"}),
        (f"/stocktakes/{t}/close", {}),
        (f"/stocktakes/{t}/mark-missing", {"asset_ids": [a]}),
    ):
        assert outsider.post(path, body).status_code == 404, path
    assert outsider.put(f"/{a}", {**NEW, "asset_number": "HACK"}).status_code == 404
    assert outsider.get("/").json()["count"] == 0
    assert outsider.get("/requests?which=all").json() == {
        "repairs": [],
        "loans": [],
        "internet": [],
    }
    assert Asset.objects.get(pk=a).asset_number == "ZC-2024-001"
    assert RepairRequest.objects.get(pk=r).status == "pending"
