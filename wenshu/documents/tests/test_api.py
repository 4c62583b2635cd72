"""/api/v1/documents/: the same operations as the pages; refusals as JSON 4xx; another
unit's person gets 404 on every route."""

from __future__ import annotations

import secrets

import pytest

from wenshu.accounts.api_auth import token_digest
from wenshu.accounts.models import ApiToken
from wenshu.documents.models import Document
from wenshu.documents.tests.conftest import BODY, TITLE, open_item, to_sealed

pytestmark = pytest.mark.django_db
API = "/api/v1/documents"


def bearer(person) -> dict[str, str]:
    token = secrets.token_urlsafe(24)
    ApiToken.objects.create(user=person, name="测试", prefix=token[:8], digest=token_digest(token))
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def call(client, person, method, path, body=None):
    return getattr(client, method)(
        f"{API}{path}", body or {}, content_type="application/json", **bearer(person)
    )


def payload(cast, **overrides):
    return {
        "doc_type": "通知",
        "title": TITLE,
        "urgency": "加急",
        "body_text": BODY,
        "main_recipients": "市直各部门",
        "seal_id": cast.seal.pk,
        **overrides,
    }


def test_the_whole_flow_through_the_api(client, city, cast):
    created = call(client, cast.drafter, "post", "/", payload(cast))
    assert created.status_code == 201, created.json()
    doc = created.json()
    assert doc["status"] == "draft" and doc["body"][1] == {
        "kind": "heading1",
        "text": "一、总体要求",
    }
    pk = doc["id"]
    paper = call(
        client,
        cast.drafter,
        "post",
        f"/{pk}/attachments/paper",
        {"title": "图纸", "description": "纸质送达"},
    )
    assert paper.status_code == 201 and paper.json()["attachments"][0]["paper_only"]
    submitted = call(
        client,
        cast.drafter,
        "post",
        f"/{pk}/submit",
        {
            "reviewer_id": cast.reviewer.pk,
            "signer_id": cast.signer.pk,
            "countersign_departments": [cast.dept1.pk],
        },
    )
    assert submitted.json()["status"] == "in_flow"
    for person in (cast.reviewer, cast.dept1_member, cast.signer):
        steps = call(client, person, "get", f"/{pk}/steps").json()
        mine = [s for s in steps if s["mine"]]
        assert len(mine) == 1, steps
        done = call(
            client,
            person,
            "post",
            f"/{pk}/steps/{mine[0]['id']}",
            {"decision": "approve", "opinion": "同意"},
        )
        assert done.status_code == 200, done.json()
    signed = call(client, cast.drafter, "get", f"/{pk}").json()
    assert signed["status"] == "approved" and signed["doc_number"].startswith("白财〔")
    state = call(client, cast.custodian1, "get", f"/{pk}/seal").json()
    assert state["may_decide"] and state["threshold_k"] == 2
    for person in (cast.custodian1, cast.custodian2):
        assert (
            call(client, person, "post", f"/{pk}/seal/decide", {"approve": True}).status_code == 200
        )
    sealed = call(client, cast.drafter, "get", f"/{pk}").json()
    assert sealed["status"] == "sealed" and sealed["sealed_at"]
    sheet = call(client, cast.drafter, "get", f"/{pk}/sheet").json()
    assert [row["name"] for row in sheet][:3] == ["签发", "会签", "核稿"]
    package = client.get(f"{API}/{pk}/package", **bearer(city.a_clerk))
    assert package.status_code == 200 and package.content.startswith(b"PK")
    pdf = client.get(f"{API}/{pk}/pdf", **bearer(city.a_clerk))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_refusals_are_json_with_a_chinese_message(client, city, cast):
    refused = call(client, cast.drafter, "post", "/", payload(cast, secrecy="秘密"))
    assert refused.status_code == 400
    assert refused.json()["error"] == "classified" and "第四十五条" in refused.json()["message"]
    marked = call(client, cast.drafter, "post", "/", payload(cast, title="机密★ 通知"))
    assert marked.status_code == 400 and "标题" in marked.json()["message"]
    doc = to_sealed(cast, departments=False)
    edit = call(client, cast.drafter, "put", f"/{doc.pk}", payload(cast))
    assert edit.status_code == 409
    assert edit.json()["message"] == "公文已用印，内容不可更改"
    again = call(client, cast.custodian1, "post", f"/{doc.pk}/seal/decide", {"approve": True})
    assert again.status_code == 409


def test_uploads_through_the_api_are_scanned(client, city, cast, clamd_socket):
    from wenshu.documents.tests.conftest import docx_bytes, eicar

    pk = call(client, cast.drafter, "post", "/", payload(cast)).json()["id"]
    headers = bearer(cast.drafter)
    from django.core.files.uploadedfile import SimpleUploadedFile

    ok = client.post(
        f"{API}/{pk}/attachments",
        {"file": SimpleUploadedFile("表.csv", b"a,b"), "title": "统计表"},
        **headers,
    )
    assert ok.status_code == 201 and ok.json()["attachments"][0]["title"] == "统计表"
    virus = client.post(
        f"{API}/{pk}/attachments", {"file": SimpleUploadedFile("x.txt", eicar())}, **headers
    )
    assert virus.status_code == 400 and virus.json()["error"] == "virus_found"
    body = client.post(
        f"{API}/{pk}/body/docx",
        {"file": SimpleUploadedFile("正文.docx", docx_bytes("一、要求", "内容"))},
        **headers,
    )
    assert body.status_code == 200 and body.json()["body_source"] == "docx"


def test_every_route_is_a_404_for_another_units_person(client, city, cast):
    doc = to_sealed(cast, departments=False)
    item = open_item(doc, cast.dispatcher).pk
    pk = doc.pk
    outsider = city.b_clerk
    routes = [
        ("get", f"/{pk}"),
        ("put", f"/{pk}"),
        ("post", f"/{pk}/attachments/paper"),
        ("delete", f"/{pk}/attachments/1"),
        ("post", f"/{pk}/submit"),
        ("post", f"/{pk}/steps/{item}"),
        ("post", f"/{pk}/steps/{item}/withdraw"),
        ("get", f"/{pk}/steps"),
        ("get", f"/{pk}/sheet"),
        ("post", f"/{pk}/cancel"),
        ("get", f"/{pk}/seal"),
        ("post", f"/{pk}/seal/decide"),
        ("post", f"/{pk}/seal/complete"),
        ("post", f"/{pk}/seal/rerequest"),
        ("get", f"/{pk}/pdf"),
        ("get", f"/{pk}/package"),
    ]
    bodies = {
        f"/{pk}": payload(cast),
        f"/{pk}/attachments/paper": {"title": "x", "description": "y"},
        f"/{pk}/cancel": {"reason": "x"},
        f"/{pk}/seal/decide": {"approve": True},
    }
    for method, path in routes:
        response = call(client, outsider, method, path, bodies.get(path))
        assert response.status_code == 404, (method, path, response.content)
    from django.core.files.uploadedfile import SimpleUploadedFile

    for path in (f"/{pk}/attachments", f"/{pk}/body/docx"):
        response = client.post(
            f"{API}{path}", {"file": SimpleUploadedFile("a.docx", b"x")}, **bearer(outsider)
        )
        assert response.status_code == 404, path
    listing = call(client, outsider, "get", "/").json()
    assert listing == []
    assert Document.objects.get(pk=pk).status == "sealed"
