"""/api/v1/bulletins/: the same operations as the pages, refusals as JSON 4xx, outsiders 404."""

from __future__ import annotations

import io
import secrets
from datetime import timedelta

import openpyxl
import pytest
from django.utils import timezone

from wenshu.accounts.api_auth import token_digest
from wenshu.accounts.models import ApiToken
from wenshu.bulletins.models import InfoReport, Notice
from wenshu.bulletins.tests.conftest import publish, report

pytestmark = pytest.mark.django_db
API = "/api/v1/bulletins"


def bearer(person) -> dict[str, str]:
    token = secrets.token_urlsafe(24)
    ApiToken.objects.create(user=person, name="测试", prefix=token[:8], digest=token_digest(token))
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def call(client, person, method, path, body=None, **params):
    headers = bearer(person)
    if method == "get":
        return client.get(f"{API}{path}", params, **headers)
    return getattr(client, method)(
        f"{API}{path}", body or {}, content_type="application/json", **headers
    )


def notice_body(**fields):
    body = {
        "title": "关于报送年度统计数据的通知",
        "body": "请于月底前报送。",
        "expires_on": (timezone.localdate() + timedelta(days=20)).isoformat(),
        "audience": "units",
        "unit_ids": [],
    }
    body.update(fields)
    return body


def test_a_notice_goes_from_draft_to_published_through_the_api(client, city):
    made = call(client, city.a_clerk, "post", "/notices", notice_body(unit_ids=[city.b.pk]))
    assert made.status_code == 201, made.json()
    notice_id = made.json()["id"]
    assert made.json()["status"] == "draft" and made.json()["audience_unit_ids"] == [city.b.pk]
    assert call(client, city.b_staff, "get", f"/notices/{notice_id}").status_code == 404
    assert call(client, city.a_clerk, "post", f"/notices/{notice_id}/submit").status_code == 200
    refused = call(client, city.a_staff, "post", f"/notices/{notice_id}/approve")
    assert refused.status_code == 404  # staff do not see a notice under review
    refused = call(client, city.a_clerk, "post", f"/notices/{notice_id}/approve")
    assert refused.status_code == 403 and refused.json()["error"] == "forbidden"
    assert "只有本单位负责人" in refused.json()["message"]
    pending = call(client, city.a_leader, "get", "/notices/pending").json()
    assert [n["id"] for n in pending["items"]] == [notice_id]
    done = call(client, city.a_leader, "post", f"/notices/{notice_id}/approve", {"opinion": "同意"})
    assert done.status_code == 200 and done.json()["status"] == "published"
    listing = call(client, city.b_staff, "get", "/notices", unread=True).json()
    assert listing["count"] == 1 and listing["items"][0]["is_read"] is False
    assert call(client, city.b_staff, "get", f"/notices/{notice_id}").status_code == 200
    assert call(client, city.b_staff, "get", "/notices", unread=True).json()["count"] == 0
    reads = call(client, city.a_clerk, "get", f"/notices/{notice_id}/reads").json()
    assert {u["unit_id"]: u["readers"] for u in reads["units"]} == {city.a.pk: 0, city.b.pk: 1}
    again = call(client, city.a_leader, "post", f"/notices/{notice_id}/approve")
    assert again.status_code == 409 and again.json()["error"] == "conflict"


def test_bad_notice_input_is_a_4xx_with_a_chinese_message(client, city):
    body = notice_body(expires_on=None, audience="own")
    page = call(client, city.a_clerk, "post", "/notices", body)
    assert page.status_code == 400 and "请填写有效期" in page.json()["message"]
    page = call(client, city.a_clerk, "post", "/notices", notice_body(unit_ids=[999999]))
    assert page.status_code == 400 and "不存在或未注册" in page.json()["message"]
    page = call(client, city.a_clerk, "post", "/notices", notice_body(audience="world"))
    assert page.status_code == 422
    page = call(client, city.a_clerk, "post", "/notices", notice_body(attachment_ids=[12345]))
    assert page.status_code == 404
    page = call(client, city.a_staff, "post", "/notices", notice_body(audience="own"))
    assert page.status_code == 403
    assert not Notice.objects.exists()


def test_the_digital_office_withdraws_through_the_api(client, city):
    notice = publish(city, audience="city")
    assert (
        call(
            client, city.a_leader, "post", f"/notices/{notice.pk}/withdraw", {"reason": "违规"}
        ).status_code
        == 403
    )
    done = call(client, city.shuziban, "post", f"/notices/{notice.pk}/withdraw", {"reason": "违规"})
    assert done.status_code == 200 and done.json()["withdraw_reason"] == "违规"
    oversight = call(client, city.shuziban, "get", "/notices/oversight", status="withdrawn")
    assert oversight.json()["count"] == 1
    assert call(client, city.a_leader, "get", "/notices/oversight").status_code == 403


def test_every_notice_route_refuses_the_outsider(client, city):
    notice = publish(city, audience="own")
    b = city.b_clerk
    for path in (
        f"/notices/{notice.pk}",
        f"/notices/{notice.pk}/reads",
        f"/notices/{notice.pk}/attachments/1",
    ):
        assert call(client, b, "get", path).status_code == 404, path
    assert call(client, b, "put", f"/notices/{notice.pk}", notice_body()).status_code == 404
    for action in ("submit", "recall", "approve", "return"):
        assert (
            call(client, b, "post", f"/notices/{notice.pk}/{action}", {"opinion": "x"}).status_code
            == 404
        ), action
    assert call(client, b, "get", "/notices").json()["count"] == 0
    assert call(client, b, "get", "/notices/managed").json()["count"] == 0
    assert call(client, city.b_staff, "get", "/notices/managed").status_code == 403
    assert call(client, city.b_staff, "get", "/notices/pending").status_code == 403
    assert client.get(f"{API}/notices").status_code == 401


def test_a_report_is_handled_and_counted_through_the_api(client, city, receivers):
    made = call(
        client,
        city.a_clerk,
        "post",
        "/reports",
        {
            "receiver_id": city.gov_office.pk,
            "category": "gov_info",
            "title": "政务信息一则",
            "body": "正文",
        },
    )
    assert made.status_code == 201, made.json()
    rid = made.json()["id"]
    adopt = {"used_in": "journal", "journal_name": "x", "journal_issue": "1"}
    assert call(client, city.a_clerk, "post", f"/reports/{rid}/adopt", adopt).status_code == 403
    back = call(client, city.gov_clerk, "post", f"/reports/{rid}/return", {"opinion": "请精简"})
    assert back.status_code == 200 and back.json()["status"] == "returned"
    again = call(
        client,
        city.a_clerk,
        "post",
        f"/reports/{rid}/resubmit",
        {"category": "gov_info", "title": "政务信息一则（精简）", "body": "精简后"},
    )
    assert again.status_code == 201 and again.json()["version_ids"] == [rid, again.json()["id"]]
    twice = call(
        client,
        city.a_clerk,
        "post",
        f"/reports/{rid}/resubmit",
        {"category": "gov_info", "title": "再来", "body": "再来"},
    )
    assert twice.status_code == 409
    new_id = again.json()["id"]
    done = call(
        client,
        city.gov_clerk,
        "post",
        f"/reports/{new_id}/adopt",
        {"used_in": "superior", "used_note": "报省委办公厅"},
    )
    assert done.status_code == 200 and done.json()["status"] == "adopted"
    received = call(client, city.gov_clerk, "get", "/reports/received", status="adopted").json()
    assert [r["id"] for r in received["items"]] == [new_id]
    today = timezone.localdate().isoformat()
    stats = call(client, city.gov_clerk, "get", "/reports/stats", date_from=today, date_to=today)
    assert stats.status_code == 200
    [row] = stats.json()["rows"]
    assert (row["unit_id"], row["submitted"], row["adopted"], row["adoption_rate"]) == (
        city.a.pk,
        1,
        1,
        1.0,
    )
    xlsx = call(client, city.shuziban, "get", "/reports/stats.xlsx", date_from=today, date_to=today)
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["B4"].value == "白银市财政局" and sheet["D4"].value == 1


def test_receivers_through_the_api(client, city, receivers):
    mine = call(client, city.a_clerk, "get", "/receivers").json()
    assert {r["unit_id"] for r in mine} == {city.gov_office.pk, city.party_office.pk}
    assert (
        call(client, city.a_admin, "put", f"/receivers/{city.b.pk}", {"active": True}).status_code
        == 403
    )
    done = call(
        client, city.shuziban, "put", f"/receivers/{city.b.pk}", {"active": True, "note": "试点"}
    )
    assert done.status_code == 200 and done.json()["active"] is True
    assert len(call(client, city.shuziban, "get", "/receivers").json()) == 3


def test_every_report_route_refuses_the_outsider(client, city, receivers):
    item = report(city)
    b = city.b_clerk
    for path in (f"/reports/{item.pk}", f"/reports/{item.pk}/attachments/1"):
        assert call(client, b, "get", path).status_code == 404, path
    for action, body in (
        ("adopt", {"used_in": "journal"}),
        ("return", {"opinion": "x"}),
        ("decline", {}),
        ("withdraw", {}),
        ("resubmit", {"category": "other", "title": "t", "body": "b"}),
    ):
        assert call(client, b, "post", f"/reports/{item.pk}/{action}", body).status_code == 404, (
            action
        )
    assert call(client, b, "get", "/reports").json()["count"] == 0
    assert call(client, b, "get", "/reports/received").status_code == 403
    today = timezone.localdate().isoformat()
    assert (
        call(client, b, "get", "/reports/stats", date_from=today, date_to=today).status_code == 403
    )
    assert (
        call(
            client,
            city.gov_clerk,
            "get",
            "/reports/stats",
            date_from=today,
            date_to=today,
            receiver_id=city.party_office.pk,
        ).status_code
        == 404
    )
    assert (
        call(
            client,
            city.a_staff,
            "post",
            "/reports",
            {"receiver_id": city.gov_office.pk, "category": "other", "title": "t", "body": "b"},
        ).status_code
        == 403
    )
    item.refresh_from_db()
    assert item.status == InfoReport.Status.SUBMITTED
