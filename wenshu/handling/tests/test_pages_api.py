"""Pages and API of 收文办理: the unit's people go through the steps; another unit's people are
refused on every route with a 404."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from wenshu.handling import services
from wenshu.handling.models import Handling
from wenshu.workflow.models import WorkItem


@pytest.fixture
def handling(city: Any, b: Any, signed: Any) -> Handling:
    h = services.delivery_import(actor=city.b_clerk, delivery=signed())
    services.circulation_send(actor=city.b_clerk, handling=h, reader_ids=[city.b_leader.pk])
    return h


def test_the_clerk_proposes_on_the_sheet_and_the_leader_instructs(
    city: Any, b: Any, handling: Handling, login: Any
) -> None:
    client = login(city.b_clerk)
    page = client.get(f"/handling/{handling.pk}/")
    assert page.status_code == 200 and "收文处理笺" in page.content.decode()
    due = (timezone.localdate() + timedelta(days=5)).isoformat()
    bad = client.post(f"/handling/{handling.pk}/propose/", {"opinion": "拟办意见", "due": due})
    assert bad.status_code == 400 and "拟办意见" in bad.content.decode()
    ok = client.post(
        f"/handling/{handling.pk}/propose/",
        {
            "opinion": "拟请贝局长批示",
            "leaders": [city.b_leader.pk],
            "departments": [b.office.pk, b.finance.pk],
            "due": due,
        },
    )
    assert ok.status_code == 302
    item = WorkItem.objects.get(instance_id=handling.process_id, task_spec_id="instruct")
    leader = login(city.b_leader)
    assert (
        leader.post(
            f"/handling/{handling.pk}/items/{item.pk}/",
            {f"i{item.pk}-item_id": item.pk, f"i{item.pk}-opinion": "同意"},
        ).status_code
        == 302
    )
    assert leader.post(f"/handling/{handling.pk}/read/").status_code == 302
    sheet = leader.get(f"/handling/{handling.pk}/").content.decode()
    assert "拟请贝局长批示" in sheet and "同意" in sheet and "贝局长" in sheet


def test_the_api_runs_the_same_steps(city: Any, b: Any, handling: Handling, login: Any) -> None:
    client = login(city.b_clerk)
    due = (timezone.localdate() + timedelta(days=5)).isoformat()
    r = client.post(
        f"/api/v1/handling/{handling.pk}/propose",
        {
            "opinion": "拟办",
            "leader_ids": [city.b_leader.pk],
            "handlers": [{"department_id": b.office.pk, "due": due}],
        },
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    [open_item] = r.json()["open_items"]
    assert open_item["task"] == "instruct"
    bad = client.post(
        f"/api/v1/handling/{handling.pk}/archive",
        {"retention": "D30", "org_code": "BGS"},
        content_type="application/json",
    )
    assert bad.status_code == 409 and bad.json()["message"]
    assert client.get("/api/v1/handling/").json()[0]["id"] == handling.pk


def test_delegations_page_and_api(city: Any, b: Any, login: Any) -> None:
    client = login(city.b_leader)
    now = timezone.localtime()
    fmt = "%Y-%m-%dT%H:%M"
    r = client.post(
        "/handling/delegations/",
        {
            "delegate": b.deputy.pk,
            "starts_at": now.strftime(fmt),
            "ends_at": (now + timedelta(days=1)).strftime(fmt),
            "reason": "出差",
        },
    )
    assert r.status_code == 302
    again = client.post(
        "/handling/delegations/",
        {
            "delegate": b.deputy.pk,
            "starts_at": now.strftime(fmt),
            "ends_at": (now + timedelta(days=1)).strftime(fmt),
        },
    )
    assert again.status_code == 400 and "已指定" in again.content.decode()
    mine = login(b.deputy).get("/api/v1/handling/delegations/mine").json()
    assert mine[0]["principal"] == "贝局长" and mine[0]["active"] is True


def test_outsiders_are_refused_on_every_handling_route(
    city: Any, handling: Handling, login: Any
) -> None:
    pk = handling.pk
    item = WorkItem.objects.get(instance_id=handling.process_id, task_spec_id="propose")
    client = login(city.a_clerk)
    for url in (f"/handling/{pk}/",):
        assert client.get(url).status_code == 404, url
    for url in (
        f"/handling/import/{handling.delivery_id}/",
        f"/handling/{pk}/propose/",
        f"/handling/{pk}/items/{item.pk}/",
        f"/handling/{pk}/archive/",
        f"/handling/{pk}/circulate/",
        f"/handling/{pk}/read/",
    ):
        assert client.post(url, {}).status_code == 404, url
    api = "/api/v1/handling"
    assert client.get(f"{api}/{pk}").status_code == 404
    for url, body in (
        (f"{api}/import/{handling.delivery_id}", {}),
        (f"{api}/{pk}/propose", {"opinion": "x", "leader_ids": [1], "handlers": []}),
        (f"{api}/{pk}/items/{item.pk}", {}),
        (f"{api}/{pk}/archive", {"retention": "D30"}),
        (f"{api}/{pk}/circulate", {"reader_ids": [city.a_clerk.pk]}),
        (f"{api}/{pk}/read", {}),
    ):
        r = client.post(url, body, content_type="application/json")
        assert r.status_code == 404, (url, r.status_code)
    assert client.get(f"{api}/").json() == []
    row = services.delegation_create(
        actor=city.b_leader,
        delegate=city.b_staff,
        starts_at=timezone.now(),
        ends_at=timezone.now() + timedelta(hours=2),
    )
    assert client.post(f"/handling/delegations/{row.pk}/revoke/").status_code == 404
    assert client.post(f"{api}/delegations/{row.pk}/revoke").status_code == 404
