"""/api/v1/workflow/: to-do, complete, withdraw, definitions; refusals as JSON 4xx."""

from __future__ import annotations

import secrets

import pytest

from wenshu.accounts.api_auth import token_digest
from wenshu.accounts.models import ApiToken
from wenshu.workflow.models import ProcessDefinition
from wenshu.workflow.tests import bpmn_samples as samples
from wenshu.workflow.tests.conftest import act, item_of, open_steps, start_fawen

pytestmark = pytest.mark.django_db
API = "/api/v1/workflow"


def bearer(person) -> dict[str, str]:
    token = secrets.token_urlsafe(24)
    ApiToken.objects.create(user=person, name="测试", prefix=token[:8], digest=token_digest(token))
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def get(client, person, path):
    return client.get(f"{API}{path}", **bearer(person))


def post(client, person, path, body=None):
    return client.post(
        f"{API}{path}", body or {}, content_type="application/json", **bearer(person)
    )


def test_the_todo_list_and_completing_a_step(city, cast, client):
    instance = start_fawen(city, cast)
    todo = get(client, cast.drafter, "/todo").json()
    assert [(t["task_spec_id"], t["name"], t["decisions"]) for t in todo] == [
        ("draft", "拟稿", ["approve"])
    ]
    item_id = todo[0]["id"]
    done = post(
        client,
        cast.drafter,
        f"/items/{item_id}/complete",
        {"opinion": "初稿", "data": {"pages": 2}},
    )
    assert done.status_code == 200, done.json()
    body = done.json()
    assert (
        body["status"] == "done"
        and body["history"][0]["opinion"] == "初稿"
        and body["may_withdraw"]
    )
    review = get(client, cast.reviewer, "/todo").json()[0]
    assert (
        review["decisions"] == ["approve", "return"]
        and review["offered_to"] == cast.reviewer.display_name
    )
    returned = post(
        client, cast.reviewer, f"/items/{review['id']}/complete", {"decision": "return"}
    )
    assert returned.status_code == 400 and "请填写意见" in returned.json()["message"]
    assert open_steps(instance) == ["review"]


def test_double_completion_and_withdrawal(city, cast, client):
    instance = start_fawen(city, cast)
    item_id = item_of(instance, cast.drafter).pk
    assert post(client, cast.drafter, f"/items/{item_id}/complete").status_code == 200
    twice = post(client, cast.drafter, f"/items/{item_id}/complete")
    assert twice.status_code == 409 and twice.json()["error"] == "conflict"
    withdrawn = post(client, cast.drafter, f"/items/{item_id}/withdraw")
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    assert open_steps(instance) == ["draft"]
    assert post(client, cast.drafter, f"/items/{item_id}/withdraw").status_code == 409


def test_the_wrong_person_and_outsiders_are_refused(city, cast, client):
    instance = start_fawen(city, cast)
    done = act(instance, cast.drafter)
    review_id = item_of(instance, cast.reviewer).pk
    wrong = post(client, cast.signer, f"/items/{review_id}/complete")
    assert wrong.status_code == 403 and wrong.json()["error"] == "forbidden"
    assert post(client, cast.signer, f"/items/{done.pk}/withdraw").status_code == 403
    for path in (f"/items/{review_id}",):
        assert get(client, city.b_clerk, path).status_code == 404
    assert post(client, city.b_clerk, f"/items/{review_id}/complete").status_code == 404
    assert post(client, city.b_clerk, f"/items/{done.pk}/withdraw").status_code == 404
    assert get(client, city.b_clerk, "/todo").json() == []
    start_fawen(city, cast)
    assert len(get(client, cast.drafter, "/todo").json()) == 1  # the first draft is done
    assert len(get(client, cast.reviewer, "/todo?limit=1&offset=0").json()) == 1
    assert client.get(f"{API}/todo").status_code == 401
    assert open_steps(instance) == ["review"]


def test_bad_data_is_a_clear_4xx(city, cast, client):
    instance = start_fawen(city, cast)
    item_id = item_of(instance, cast.drafter).pk
    reserved = post(
        client, cast.drafter, f"/items/{item_id}/complete", {"data": {"decision": "return"}}
    )
    assert reserved.status_code == 400 and "保留" in reserved.json()["message"]
    shape = post(client, cast.drafter, f"/items/{item_id}/complete", {"data": [1, 2]})
    assert shape.status_code == 422
    unknown = post(client, cast.drafter, f"/items/{item_id}/complete", {"decision": "explode"})
    assert unknown.status_code == 400 and "只能选择" in unknown.json()["message"]


def test_the_digital_office_lists_and_replaces_definitions(city, client):
    created = post(
        client,
        city.shuziban,
        "/definitions",
        {
            "key": "fawen",
            "unit_id": city.a.pk,
            "bpmn_xml": samples.FAWEN_SHORT,
            "filename": "s.bpmn",
        },
    )
    assert created.status_code == 201, created.json()
    assert created.json()["process_id"] == "fawen_short" and created.json()["unit_id"] == city.a.pk
    listed = get(client, city.shuziban, "/definitions").json()
    assert {(d["key"], d["unit_id"]) for d in listed} == {("fawen", city.a.pk)}
    detail = get(client, city.shuziban, f"/definitions/{created.json()['id']}").json()
    assert detail["bpmn_xml"] == samples.FAWEN_SHORT
    bad = post(
        client,
        city.shuziban,
        "/definitions",
        {"key": "fawen", "unit_id": city.a.pk, "bpmn_xml": samples.FAWEN_WITHOUT_SEAL},
    )
    assert (
        bad.status_code == 400
        and bad.json()["error"] == "bpmn_invalid"
        and "用印" in bad.json()["message"]
    )
    nowhere = post(
        client,
        city.shuziban,
        "/definitions",
        {"key": "fawen", "unit_id": 999999, "bpmn_xml": samples.FAWEN_SHORT},
    )
    assert nowhere.status_code == 404


def test_definitions_are_refused_to_everyone_else(city, client):
    definition_id = post(
        client,
        city.shuziban,
        "/definitions",
        {"key": "fawen", "unit_id": None, "bpmn_xml": samples.FAWEN_SHORT},
    ).json()["id"]
    for person in (city.a_admin, city.b_clerk, city.sysadmin):
        assert get(client, person, "/definitions").status_code == 403
        assert get(client, person, f"/definitions/{definition_id}").status_code == 403
        refused = post(
            client,
            person,
            "/definitions",
            {"key": "fawen", "unit_id": city.b.pk, "bpmn_xml": samples.FAWEN_SHORT},
        )
        assert refused.status_code == 403
    assert ProcessDefinition.objects.count() == 1
