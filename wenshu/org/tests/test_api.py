"""The org API: same rules as the pages, outsiders get 404, bad bodies a 4xx JSON error."""

from __future__ import annotations

import json

import pytest

from wenshu.org import services
from wenshu.org.models import Deregistration, RequestStatus, Unit, UnitGroup
from wenshu.org.tests.conftest import application_args

API = "/api/v1/org"


def _post(client, url, body, method="post"):
    return getattr(client, method)(
        API + url, data=json.dumps(body), content_type="application/json"
    )


def _application_body(**overrides):
    body = application_args(**overrides)
    body["superior_signed_on"] = str(body.pop("superior_signed_on"))
    body.pop("superior")
    return body


def test_it_lists_the_directory(city, login):
    response = login(city.a_staff).get(API + "/units", {"q": "教育"})
    assert response.status_code == 200
    assert [u["short_name"] for u in response.json()["items"]] == ["市教育局"]


def test_it_requires_authentication(client, city):
    assert client.get(API + "/units").status_code == 401


def test_unit_detail_with_names_and_outsider_404(city, login):
    response = login(city.a_admin).get(f"{API}/units/{city.a.pk}")
    assert (
        response.status_code == 200 and response.json()["names"][0]["full_name"] == "白银市财政局"
    )
    outsider = login(city.b_admin).get(f"{API}/units/{city.a.pk}")
    assert outsider.status_code == 404 and outsider.json()["error"] == "not_found"
    assert login(city.shuziban).get(f"{API}/units/999999").status_code == 404


def test_filing_and_reviewing_through_the_api(city, shuziban2, login, client):
    filer = login(city.a_admin)
    response = _post(filer, "/applications", _application_body())
    assert response.status_code == 201, response.json()
    application_id = response.json()["id"]
    assert response.json()["unit"]["superior_id"] == city.a.pk
    refused = _post(filer, f"/applications/{application_id}/review", {"approve": True})
    assert refused.status_code == 403
    reviewer = login(shuziban2, client.__class__())
    assert [a["id"] for a in reviewer.get(API + "/applications").json()] == [application_id]
    done = _post(reviewer, f"/applications/{application_id}/review", {"approve": True})
    assert done.status_code == 200 and done.json()["unit"]["status"] == "registered"
    again = _post(reviewer, f"/applications/{application_id}/review", {"approve": True})
    assert again.status_code == 409 and "已注册" in again.json()["message"]


def test_application_for_an_outsider_is_404(city, login):
    application = services.unit_apply(actor=city.a_admin, **application_args())
    response = _post(
        login(city.b_admin), f"/applications/{application.pk}/review", {"approve": True}
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {"full_name": "白银市审计局"},
        {**_application_body(), "superior_signed_on": "not a date"},
        {**_application_body(), "full_name": ""},
    ],
)
def test_a_malformed_application_is_a_422(city, login, body):
    response = _post(login(city.shuziban), "/applications", body)
    assert response.status_code == 422 and response.json()["error"] == "validation"


def test_broken_json_is_a_400(city, login):
    response = login(city.shuziban).post(
        API + "/applications", data="{not json", content_type="application/json"
    )
    assert response.status_code == 400 and "message" in response.json()


def test_a_rule_refusal_is_a_4xx_json(city, login):
    response = _post(
        login(city.shuziban), "/applications", _application_body(full_name="白银市财政局")
    )
    assert response.status_code == 409 and "不能重名" in response.json()["message"]


def test_rename_request_and_approval(city, login, client):
    admin = login(city.a_admin)
    response = _post(
        admin,
        f"/units/{city.a.pk}/renames",
        {
            "new_full_name": "白银市财政和国资委",
            "new_short_name": "市财国委",
            "new_admin_id": city.a_clerk.pk,
            "kept_people_ids": [city.a_leader.pk],
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert city.a_staff.pk in body["closing_people_ids"] and body["kept_people_ids"] == sorted(
        [city.a_leader.pk, city.a_clerk.pk]
    )
    office = login(city.shuziban, client.__class__())
    approved = _post(office, f"/renames/{body['id']}/approve", {})
    assert approved.status_code == 200 and approved.json()["status"] == RequestStatus.APPROVED
    city.a.refresh_from_db()
    assert city.a.full_name == "白银市财政和国资委"


def test_rename_refusals(city, login):
    outsider = _post(
        login(city.b_admin),
        f"/units/{city.a.pk}/renames",
        {"new_full_name": "x", "new_short_name": "y", "new_admin_id": city.b_admin.pk},
    )
    assert outsider.status_code == 404
    stranger = _post(
        login(city.a_admin),
        f"/units/{city.a.pk}/renames",
        {"new_full_name": "x", "new_short_name": "y", "new_admin_id": city.b_admin.pk},
    )
    assert stranger.status_code == 400 and "不属于本单位" in stranger.json()["message"]
    assert (
        _post(
            login(city.a_admin), f"/units/{city.a.pk}/renames", {"new_full_name": "x"}
        ).status_code
        == 422
    )
    request = services.unit_rename_request(
        actor=city.a_admin,
        unit=city.a,
        new_full_name="x局",
        new_short_name="x",
        new_admin=city.a_admin,
        kept_people=[],
    )
    assert _post(login(city.b_admin), f"/renames/{request.pk}/approve", {}).status_code == 404
    assert _post(login(city.a_admin), f"/renames/{request.pk}/approve", {}).status_code == 403
    rejected = _post(login(city.shuziban), f"/renames/{request.pk}/reject", {"reason": "来函不全"})
    assert rejected.json()["status"] == RequestStatus.REJECTED


def test_merge_through_the_api(city, login):
    office = login(city.shuziban)
    response = _post(
        office,
        "/merges",
        {
            "source_ids": [city.a.pk, city.b.pk],
            "new_unit": {"full_name": "白银市财政教育局", "short_name": "市财教局"},
            "people_action": "move",
            "person_actions": {str(city.b_staff.pk): "disable"},
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["target_is_new"] and city.b_staff.pk in body["people_outcome"]["disabled"]
    assert sorted(body["source_ids"]) == sorted([city.a.pk, city.b.pk])


@pytest.mark.parametrize(
    "body,status",
    [
        ({"source_ids": ["A"], "target_id": None}, 400),
        ({"source_ids": [], "target_id": "A"}, 422),
        ({"source_ids": [999999], "target_id": "A"}, 404),
        ({"source_ids": "abc"}, 422),
        ({"source_ids": ["B"], "target_id": "A", "people_action": "fire"}, 422),
    ],
)
def test_malformed_merges_are_4xx(city, login, body, status):
    ids = {"A": city.a.pk, "B": city.b.pk}
    real = {
        key: [ids.get(v, v) for v in value] if isinstance(value, list) else ids.get(value, value)
        for key, value in body.items()
    }
    assert _post(login(city.shuziban), "/merges", real).status_code == status


def test_merge_refusals(city, login):
    assert (
        _post(
            login(city.a_admin), "/merges", {"source_ids": [city.b.pk], "target_id": city.a.pk}
        ).status_code
        == 403
    )
    same = _post(
        login(city.shuziban), "/merges", {"source_ids": [city.a.pk], "target_id": city.a.pk}
    )
    assert same.status_code == 400 and "自身" in same.json()["message"]
    office = _post(
        login(city.shuziban),
        "/merges",
        {"source_ids": [city.digital_office.pk], "target_id": city.a.pk},
    )
    assert office.status_code == 400 and "市数字办" in office.json()["message"]


def test_deregistration_through_the_api(city, login, client):
    response = _post(
        login(city.b_admin),
        f"/units/{city.b.pk}/deregistrations",
        {"reason": "撤销", "disposal": "destroy", "disposal_note": "监督销毁"},
    )
    assert response.status_code == 201
    dereg_id = response.json()["id"]
    assert (
        _post(
            login(city.a_admin, client.__class__()), f"/deregistrations/{dereg_id}/execute", {}
        ).status_code
        == 404
    )
    assert _post(login(city.b_admin), f"/deregistrations/{dereg_id}/execute", {}).status_code == 403
    done = _post(login(city.shuziban), f"/deregistrations/{dereg_id}/execute", {})
    assert done.status_code == 200 and done.json()["status"] == "approved"
    city.b.refresh_from_db()
    assert city.b.status == Unit.Status.DEREGISTERED


def test_deregistration_refusals(city, login):
    assert (
        _post(
            login(city.a_admin),
            f"/units/{city.b.pk}/deregistrations",
            {"reason": "撤销", "disposal": "destroy"},
        ).status_code
        == 404
    )
    bad = _post(
        login(city.b_admin),
        f"/units/{city.b.pk}/deregistrations",
        {"reason": "撤销", "disposal": "x"},
    )
    assert bad.status_code == 400
    assert (
        _post(
            login(city.b_admin), f"/units/{city.b.pk}/deregistrations", {"disposal": "archive"}
        ).status_code
        == 422
    )
    dereg = services.unit_deregister_request(
        actor=city.b_admin, unit=city.b, reason="撤销", disposal=Deregistration.Disposal.ARCHIVE
    )
    rejected = _post(login(city.shuziban), f"/deregistrations/{dereg.pk}/reject", {"reason": ""})
    assert rejected.status_code == 400


def test_departments_crud(city, login):
    admin = login(city.a_admin)
    created = _post(
        admin,
        f"/units/{city.a.pk}/departments",
        {"name": "预算科", "info_officer_id": city.a_clerk.pk},
    )
    assert created.status_code == 201 and created.json()["info_officer_id"] == city.a_clerk.pk
    dept_id = created.json()["id"]
    patched = _post(
        admin, f"/departments/{dept_id}", {"name": "预算管理科", "info_officer_id": None}, "patch"
    )
    assert patched.status_code == 200 and patched.json()["info_officer_id"] is None
    off = _post(admin, f"/departments/{dept_id}", {"is_active": False}, "patch")
    assert off.json()["is_active"] is False and off.json()["name"] == "预算管理科"
    listing = admin.get(f"{API}/units/{city.a.pk}/departments").json()
    assert [d["name"] for d in listing] == ["预算管理科"]


def test_departments_refuse_outsiders_and_bad_bodies(city, login):
    dept = services.department_create(actor=city.a_admin, unit=city.a, name="预算科")
    outsider = login(city.b_admin)
    assert _post(outsider, f"/units/{city.a.pk}/departments", {"name": "x"}).status_code == 404
    assert _post(outsider, f"/departments/{dept.pk}", {"name": "x"}, "patch").status_code == 404
    assert outsider.get(f"{API}/units/{city.a.pk}/departments").status_code == 404
    admin = login(city.a_admin)
    assert _post(admin, f"/departments/{dept.pk}", {"order": -1}, "patch").status_code == 422
    assert _post(admin, f"/units/{city.a.pk}/departments", {"name": ""}).status_code == 422


def test_groups_crud(city, login, client):
    office = login(city.shuziban)
    created = _post(office, "/groups", {"name": "市直各部门", "unit_ids": [city.a.pk]})
    assert created.status_code == 201
    group_id = created.json()["id"]
    members = _post(
        office, f"/groups/{group_id}/members", {"unit_ids": [city.a.pk, city.b.pk]}, "put"
    )
    assert {u["id"] for u in members.json()["units"]} == {city.a.pk, city.b.pk}
    renamed = _post(office, f"/groups/{group_id}", {"name": "市直部门"}, "patch")
    assert renamed.json()["name"] == "市直部门"
    reader = login(city.a_staff, client.__class__())
    assert [g["name"] for g in reader.get(API + "/groups").json()] == ["市直部门"]
    assert office.delete(f"{API}/groups/{group_id}").status_code == 204
    assert not UnitGroup.objects.exists()


def test_groups_refuse_others_and_bad_bodies(city, login):
    group = services.group_create(actor=city.shuziban, name="各县区")
    staff = login(city.a_admin)
    assert _post(staff, "/groups", {"name": "x"}).status_code == 403
    assert (
        _post(staff, f"/groups/{group.pk}/members", {"unit_ids": [city.a.pk]}, "put").status_code
        == 403
    )
    assert staff.delete(f"{API}/groups/{group.pk}").status_code == 403
    office = login(city.shuziban)
    assert (
        _post(office, f"/groups/{group.pk}/members", {"unit_ids": "all"}, "put").status_code == 422
    )
    assert _post(office, "/groups/999999/members", {"unit_ids": []}, "put").status_code == 404
    assert (
        _post(office, f"/groups/{group.pk}/members", {"unit_ids": [999999]}, "put").status_code
        == 404
    )
