"""/api/v1/exchange/: send, the sender's deliveries, 催办 and the recipient's package."""

from __future__ import annotations

import io
import secrets
import zipfile

import pytest

from wenshu.accounts.api_auth import token_digest
from wenshu.accounts.models import ApiToken
from wenshu.exchange.models import Delivery, Dispatch

pytestmark = pytest.mark.django_db
API = "/api/v1/exchange"


def bearer(person) -> dict[str, str]:
    token = secrets.token_urlsafe(24)
    ApiToken.objects.create(user=person, name="测试", prefix=token[:8], digest=token_digest(token))
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def post(client, person, path, body=None):
    return client.post(
        f"{API}{path}", body or {}, content_type="application/json", **bearer(person)
    )


def get(client, person, path, **params):
    return client.get(f"{API}{path}", params, **bearer(person))


def body(city, more, **extra):
    return {
        "main_unit_ids": [city.b.pk],
        "copy_unit_ids": [more.c.pk],
        "group_ids": [more.group.pk],
        "print_default": 1,
        "print_allowed": {str(city.b.pk): 4},
        "idempotency_key": "api-key-1",
        **extra,
    }


@pytest.fixture
def sent(client, city, doc, more):
    response = post(client, city.a_clerk, f"/documents/{doc.pk}/send", body(city, more))
    assert response.status_code == 201, response.json()
    return response.json()


def test_sending_answers_the_dispatch_and_its_deliveries(city, doc, more, sent):
    assert sent["document_id"] == doc.pk
    assert (sent["main_count"], sent["copy_count"]) == (2, 1)
    assert sent["sender_name"] == "白银市财政局"
    rows = {d["recipient_unit_id"]: d for d in sent["deliveries"]}
    assert rows[city.b.pk]["print_allowed"] == 4 and rows[more.d.pk]["print_allowed"] == 1
    assert rows[more.c.pk]["kind"] == "copy" and rows[more.c.pk]["kind_label"] == "抄送"
    assert rows[city.b.pk]["status"] == "delivered" and rows[city.b.pk]["status_label"] == "待签收"
    assert rows[city.b.pk]["signed_at"] is None and rows[city.b.pk]["printed_count"] == 0


def test_retrying_with_the_same_key_returns_the_first_result(client, city, doc, more, sent):
    again = post(client, city.a_clerk, f"/documents/{doc.pk}/send", body(city, more))
    assert again.status_code == 201 and again.json()["id"] == sent["id"]
    assert Dispatch.objects.count() == 1 and Delivery.objects.count() == 3


def test_a_new_key_after_sending_is_409(client, city, doc, more, sent):
    again = post(
        client,
        city.a_clerk,
        f"/documents/{doc.pk}/send",
        body(city, more, idempotency_key="api-key-2"),
    )
    assert again.status_code == 409
    assert again.json() == {
        "error": "conflict",
        "message": "该公文已发出，不能重复发送。",
        "detail": "该公文已发出，不能重复发送。",
    }


def test_refusals_are_4xx_json(client, city, doc, more):
    path = f"/documents/{doc.pk}/send"
    no_main = post(client, city.a_clerk, path, body(city, more, main_unit_ids=[], group_ids=[]))
    assert no_main.status_code == 400 and "主送机关" in no_main.json()["message"]
    own = post(client, city.a_clerk, path, body(city, more, copy_unit_ids=[city.a.pk]))
    assert own.status_code == 400 and "本单位" in own.json()["message"]
    staff = post(client, city.a_staff, path, body(city, more))
    assert staff.status_code == 403
    bad = post(client, city.a_clerk, path, {"main_unit_ids": [city.b.pk]})
    assert bad.status_code == 422  # no idempotency key
    assert not Delivery.objects.exists()


def test_the_sender_lists_deliveries_with_filters(client, city, doc, more, sent):
    rows = get(client, city.a_leader, f"/documents/{doc.pk}/deliveries").json()
    assert len(rows) == 3
    copy = get(client, city.a_clerk, f"/documents/{doc.pk}/deliveries", kind="copy").json()
    assert [r["recipient_unit_id"] for r in copy] == [more.c.pk]
    named = get(client, city.a_clerk, f"/documents/{doc.pk}/deliveries", q="民政").json()
    assert [r["recipient_name"] for r in named] == ["白银市民政局"]
    listed = get(client, city.a_clerk, "/sent").json()
    assert listed[0]["document_id"] == doc.pk and listed[0]["awaiting"] == 3


def test_reminding_through_the_api(client, city, doc, more, sent):
    target = next(d for d in sent["deliveries"] if d["recipient_unit_id"] == more.c.pk)
    done = post(client, city.a_clerk, f"/deliveries/{target['id']}/remind")
    assert done.status_code == 200 and done.json()["remind_count"] == 1
    again = post(client, city.a_clerk, f"/deliveries/{target['id']}/remind")
    assert again.status_code == 429 and again.json()["error"] == "throttled"
    everyone = post(client, city.a_clerk, f"/documents/{doc.pk}/remind").json()
    assert len(everyone["reminded"]) == 2 and everyone["throttled"] == [target["id"]]


def test_the_recipient_downloads_the_package(client, city, more, sent):
    mine = next(d for d in sent["deliveries"] if d["recipient_unit_id"] == more.c.pk)
    response = get(client, more.c_clerk, f"/deliveries/{mine['id']}/package")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert "signature.der" in zipfile.ZipFile(io.BytesIO(response.content)).namelist()


def test_another_units_delivery_package_is_404(client, city, more, sent):
    theirs = next(d for d in sent["deliveries"] if d["recipient_unit_id"] == city.b.pk)
    for person in (more.c_clerk, city.a_clerk, city.b_staff):
        response = get(client, person, f"/deliveries/{theirs['id']}/package")
        assert response.status_code == 404 and response.json()["error"] == "not_found"


@pytest.mark.parametrize("who", ["b_clerk", "b_leader", "a_staff"])
def test_outsiders_get_404_on_every_sender_route(client, city, doc, more, sent, who):
    person = getattr(city, who)
    delivery_id = sent["deliveries"][0]["id"]
    assert get(client, person, f"/documents/{doc.pk}/deliveries").status_code == 404
    assert post(client, person, f"/deliveries/{delivery_id}/remind").status_code == 404
    assert post(client, person, f"/documents/{doc.pk}/remind").status_code == 404
    if who != "a_staff":
        sent_again = post(client, person, f"/documents/{doc.pk}/send", body(city, more))
        assert sent_again.status_code == 404


def test_the_sent_list_is_refused_to_people_without_a_tracking_role(client, city, sent):
    assert get(client, city.a_staff, "/sent").status_code == 403
    assert get(client, city.b_clerk, "/sent").json() == []


def test_the_api_needs_authentication(client, doc):
    assert client.get(f"{API}/documents/{doc.pk}/deliveries").status_code == 401
