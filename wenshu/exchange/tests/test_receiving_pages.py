"""The receiving pages and API routes: the inbox with tabs, counters and search; the
delivery page; and every route refusing another unit's people with a 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import make_person, make_unit
from wenshu.exchange import services
from wenshu.exchange.models import Delivery
from wenshu.exchange.tests.receiving_helpers import send_to_b, signed_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def delivery(city, doc):
    return send_to_b(city, doc)


@pytest.fixture
def outsider():
    unit = make_unit("白银市卫生健康委员会", "市卫健委", "白卫")
    return make_person("x_clerk", unit, "clerk")


def test_the_inbox_lists_searches_and_counts(city, sealed, delivery, login):
    send_to_b(city, sealed(title="关于开展安全检查的通知"))
    client = login(city.b_clerk)
    page = client.get(reverse("exchange:inbox")).content.decode()
    assert "关于开展安全检查的通知" in page and delivery.document.title in page
    assert "待签收（2）" in page
    found = client.get(reverse("exchange:inbox"), {"q": "安全检查"}).content.decode()
    assert "关于开展安全检查的通知" in found and delivery.document.title not in found
    by_sender = client.get(reverse("exchange:inbox"), {"sender": "教育局"}).content.decode()
    assert "没有符合条件的收文" in by_sender
    workbench = client.get("/workbench/").content.decode()
    assert "待签收" in workbench


def test_signed_and_returned_tabs(city, sealed, delivery, login):
    signed_for(city, delivery)
    other = send_to_b(city, sealed(title="需要退回的通知"))
    services.delivery_return(actor=city.b_clerk, delivery=other, reason="错发")
    client = login(city.b_clerk)
    signed = client.get(reverse("exchange:inbox"), {"tab": "signed"}).content.decode()
    assert delivery.document.title in signed and "收〔" in signed
    returned = client.get(reverse("exchange:inbox"), {"tab": "returned"}).content.decode()
    assert "需要退回的通知" in returned and delivery.document.title not in returned


def test_the_register_form_keeps_what_was_typed_when_refused(city, delivery, login):
    client = login(city.b_clerk)
    client.get(reverse("exchange:received", args=[delivery.document_id]))
    response = client.post(
        reverse("exchange:sign", args=[delivery.pk]),
        {
            "sender_name": "白银市财政局",
            "title": "自拟标题",
            "copies": "0",
            "received_on": "2026-01-01",
        },
    )
    assert response.status_code == 400 and "自拟标题" in response.content.decode()
    assert Delivery.objects.get(pk=delivery.pk).status == Delivery.Status.VERIFIED


def test_printing_beyond_the_limit_says_why_and_offers_a_request(city, doc, login):
    delivery = signed_for(city, send_to_b(city, doc, copies=1))
    client = login(city.b_clerk)
    first = client.post(reverse("exchange:print", args=[delivery.pk]))
    assert first.status_code == 200 and first["Content-Type"] == "application/pdf"
    second = client.post(reverse("exchange:print", args=[delivery.pk]))
    html = second.content.decode()
    assert second.status_code == 409 and "允许打印的 1 份已全部打印" in html
    assert "追加打印份数" in html


def _routes(delivery):
    d, doc = delivery.pk, delivery.document_id
    pages = [
        ("get", reverse("exchange:received", args=[doc])),
        ("get", reverse("exchange:seal_picture", args=[d])),
        ("get", reverse("exchange:received_package", args=[d])),
    ]
    posts = ["sign", "return", "fault", "print", "request"]
    pages += [("post", reverse(f"exchange:{name}", args=[d])) for name in posts]
    api = [
        ("get", f"/api/v1/exchange/received/{d}"),
        ("post", f"/api/v1/exchange/received/{d}/sign"),
        ("post", f"/api/v1/exchange/received/{d}/return"),
        ("post", f"/api/v1/exchange/received/{d}/fault"),
        ("post", f"/api/v1/exchange/received/{d}/print"),
        ("post", f"/api/v1/exchange/received/{d}/requests"),
    ]
    return pages, api


def test_every_delivery_route_refuses_other_units_people(city, delivery, outsider, login):
    pages, api = _routes(delivery)
    for person in (outsider, city.a_clerk, city.b_staff):
        client = login(person)
        for method, url in pages:
            assert getattr(client, method)(url).status_code == 404, (person, url)
        for method, url in api:
            body = {"reason": "x", "kind": "resend"}  # valid shapes: the 404 is the answer
            kwargs = {"content_type": "application/json", "data": body} if method == "post" else {}
            assert getattr(client, method)(url, **kwargs).status_code == 404, (person, url)
        client.logout()
    assert Delivery.objects.get(pk=delivery.pk).status == Delivery.Status.DELIVERED


def test_the_inbox_shows_nothing_of_other_units(city, delivery, outsider, login):
    client = login(outsider)
    assert delivery.document.title not in client.get(reverse("exchange:inbox")).content.decode()
    assert client.get("/api/v1/exchange/inbox").json() == []
    client.logout()
    assert login(city.b_staff).get(reverse("exchange:inbox")).status_code == 403


def test_requests_are_decided_only_by_the_senders_clerk(city, delivery, outsider, login):
    req = services.delivery_request(
        actor=city.b_clerk, delivery=delivery, kind="resend", reason="无法打开"
    )
    url = reverse("exchange:decide", args=[req.pk])
    for person in (outsider, city.b_clerk):
        client = login(person)
        assert client.post(url, {"decision": "approve"}).status_code == 404
        assert (
            client.post(
                f"/api/v1/exchange/requests/{req.pk}/decide",
                {"approve": True},
                content_type="application/json",
            ).status_code
            == 404
        )
        assert "无法打开" not in client.get(reverse("exchange:requests")).content.decode()
        client.logout()
    client = login(city.a_clerk)
    assert "无法打开" in client.get(reverse("exchange:requests")).content.decode()
    response = client.post(url, {"decision": "approve"}, follow=True)
    assert "已同意" in response.content.decode()


def test_the_api_walks_the_whole_receipt(city, delivery, login):
    client = login(city.b_clerk)
    opened = client.get(f"/api/v1/exchange/received/{delivery.pk}").json()
    assert opened["verification"]["ok"] is True
    reg = client.post(
        f"/api/v1/exchange/received/{delivery.pk}/sign", {}, content_type="application/json"
    )
    assert reg.status_code == 201 and reg.json()["number"] == 1
    for _ in range(2):
        pdf = client.post(f"/api/v1/exchange/received/{delivery.pk}/print")
        assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    refused = client.post(f"/api/v1/exchange/received/{delivery.pk}/print")
    assert refused.status_code == 409 and "全部打印" in refused.json()["message"]
    asked = client.post(
        f"/api/v1/exchange/received/{delivery.pk}/requests",
        {"kind": "more_copies", "count": 1, "reason": "需要"},
        content_type="application/json",
    )
    assert asked.status_code == 201
    bad = client.post(
        f"/api/v1/exchange/received/{delivery.pk}/return",
        {"reason": ""},
        content_type="application/json",
    )
    assert bad.status_code in (400, 409)
    inbox = client.get("/api/v1/exchange/inbox", {"tab": "signed"}).json()
    assert [d["id"] for d in inbox] == [delivery.pk]
