"""/api/v1/tickets/: the whole life of a ticket through the API, refusals as JSON 4xx, and
outsiders refused (404) on every route."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from django.utils import timezone

from wenshu.lib.scan import eicar_test_file
from wenshu.tickets import services
from wenshu.tickets.models import Ticket
from wenshu.tickets.tests.conftest import at_office, bearer, report

pytestmark = pytest.mark.django_db
API = "/api/v1/tickets"


def post(client, person, path, body=None):
    return client.post(
        f"{API}{path}", body or {}, content_type="application/json", **bearer(person)
    )


def get(client, person, path, **params):
    return client.get(f"{API}{path}", params, **bearer(person))


def test_the_whole_life_of_a_ticket_through_the_api(city, client):
    made = post(
        client,
        city.a_clerk,
        "",
        {
            "category": "exchange",
            "summary": "收不到来文",
            "urgency": "urgent",
            "related_ref": "白政办〔2026〕5号",
        },
    )
    assert made.status_code == 201, made.json()
    t = made.json()
    assert t["status"] == "reported" and t["urgency_label"] == "紧急"
    assert t["actions"] == ["note", "withdraw"]
    tid = t["id"]
    assert (
        post(client, city.a_admin, f"/{tid}/take", {"note": "查看中"}).json()["status"]
        == "unit_handling"
    )
    assert post(client, city.a_admin, f"/{tid}/escalate", {}).json()["status"] == "escalated"
    assert get(client, city.shuziban, "", scope="queue").json()["count"] == 1
    assert post(client, city.shuziban, f"/{tid}/acknowledge", {}).json()["status"] == "acknowledged"
    assert post(client, city.shuziban, f"/{tid}/start", {}).json()["status"] == "in_progress"
    noted = post(client, city.shuziban, f"/{tid}/notes", {"text": "排查交换服务"})
    assert noted.status_code == 201
    done = post(client, city.shuziban, f"/{tid}/resolve", {"resolution": "已恢复"}).json()
    assert done["status"] == "resolved" and done["acknowledged_at"]
    again = post(client, city.a_clerk, f"/{tid}/reopen", {"reason": "又收不到了"}).json()
    assert again["status"] == "escalated"
    post(client, city.shuziban, f"/{tid}/resolve", {"resolution": "已恢复"})
    closed = post(client, city.a_clerk, f"/{tid}/close", {}).json()
    assert closed["status"] == "closed"
    kinds = [e["kind"] for e in closed["events"]]
    assert kinds[:3] == ["reported", "taken", "escalated"] and kinds[-1] == "closed"


def test_refusals_are_json_with_a_chinese_message(city, client, ticket):
    wrong_role = post(client, city.a_clerk, f"/{ticket.pk}/take", {})
    assert wrong_role.status_code == 403 and wrong_role.json()["error"] == "forbidden"
    assert "系统管理员" in wrong_role.json()["message"]
    post(client, city.a_admin, f"/{ticket.pk}/take", {})
    stale = post(client, city.a_admin, f"/{ticket.pk}/take", {})
    assert stale.status_code == 409 and stale.json()["error"] == "conflict"
    bad = post(client, city.a_clerk, "", {"category": "nope", "summary": "x"})
    assert bad.status_code == 400 and "故障类别" in bad.json()["message"]
    missing = post(client, city.a_clerk, "", {"category": "network"})
    assert missing.status_code == 422


def test_an_outsider_gets_a_404_on_every_route(city, client, ticket):
    for path in ("take", "escalate", "withdraw", "acknowledge", "start", "close"):
        assert post(client, city.b_admin, f"/{ticket.pk}/{path}", {}).status_code == 404, path
    for path, body in (
        ("notes", {"text": "x"}),
        ("resolve", {"resolution": "x"}),
        ("reopen", {"reason": "x"}),
        ("solution", {"solution": "x"}),
    ):
        assert post(client, city.b_admin, f"/{ticket.pk}/{path}", body).status_code == 404, path
    assert get(client, city.b_admin, f"/{ticket.pk}").status_code == 404
    assert get(client, city.b_admin, f"/{ticket.pk}/attachments/1").status_code == 404
    assert get(client, city.b_admin, f"/{ticket.pk}/notices/1/pdf").status_code == 404
    listed = get(client, city.b_admin, "", scope="all").json()
    assert listed["count"] == 0
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.REPORTED


def test_the_api_needs_a_login(city, client, ticket):
    assert client.get(f"{API}/{ticket.pk}").status_code == 401


@pytest.mark.usefixtures("clamd_socket")
def test_attachments_travel_as_base64_and_pass_the_virus_scan(city, client):
    clean = base64.b64encode("日志内容".encode()).decode()
    made = post(
        client,
        city.a_clerk,
        "",
        {
            "category": "function",
            "summary": "报错",
            "attachments": [{"name": "日志.txt", "content_b64": clean}],
        },
    )
    assert made.status_code == 201
    a = made.json()["attachments"][0]
    got = get(client, city.a_clerk, f"/{made.json()['id']}/attachments/{a['id']}")
    assert got.status_code == 200 and got.content == "日志内容".encode()
    virus = base64.b64encode(eicar_test_file()).decode()
    refused = post(
        client,
        city.a_clerk,
        "",
        {
            "category": "function",
            "summary": "报错2",
            "attachments": [{"name": "x.txt", "content_b64": virus}],
        },
    )
    assert refused.status_code == 400 and Ticket.objects.count() == 1
    garbled = post(
        client,
        city.a_clerk,
        "",
        {
            "category": "function",
            "summary": "报错3",
            "attachments": [{"name": "x.txt", "content_b64": "%%%"}],
        },
    )
    assert garbled.status_code == 400 and "Base64" in garbled.json()["message"]


def test_the_solution_and_the_notice_pdf_through_the_api(city, client, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    t = at_office(city, category="exchange")
    time_machine.shift(timedelta(hours=24))
    services.tickets_timers_sweep()
    bad_unit = post(
        client, city.shuziban, f"/{t.pk}/solution", {"solution": "备用线路", "unit_ids": [999999]}
    )
    assert bad_unit.status_code == 400
    made = post(
        client,
        city.shuziban,
        f"/{t.pk}/solution",
        {"solution": "备用线路", "unit_ids": [city.a.pk]},
    )
    assert made.status_code == 201
    latest = made.json()["notices"][0]
    assert latest["version"] == 2 and latest["unit_names"] == ["白银市财政局"]
    pdf = get(client, city.zhengfuban, f"/{t.pk}/notices/{latest['id']}/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_statistics_through_the_api(city, client, ticket):
    today = timezone.localdate().isoformat()
    s = get(client, city.shuziban, "/stats", start=today, end=today).json()
    assert s["total"] == 1 and s["units"][0]["counts"] == {"exchange": 1}
    assert get(client, city.a_clerk, "/stats", start=today, end=today).status_code == 403
    xlsx = get(client, city.a_admin, "/stats.xlsx", start=today, end=today)
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    assert get(client, city.shuziban, "/stats", start="x", end=today).status_code == 422


def test_lists_are_scoped_and_paged(city, client):
    for i in range(3):
        report(city.a_clerk, summary=f"故障{i}")
    report(city.b_staff, summary="教育局")
    mine = get(client, city.a_clerk, "", limit=2).json()
    assert mine["count"] == 3 and len(mine["items"]) == 2
    assert get(client, city.b_admin, "", scope="unit").json()["count"] == 1
    assert get(client, city.shuziban, "", scope="all").json()["count"] == 4
