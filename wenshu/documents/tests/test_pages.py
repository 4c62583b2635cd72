"""The pages: drafting with a kept form on refusal, the flow, 用印, the files; and every
page and route refuses another unit's person with a 404."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from wenshu.documents.models import Document, DocumentAttachment
from wenshu.documents.tests.conftest import (
    BODY,
    TITLE,
    docx_bytes,
    new_draft,
    open_item,
    to_sealed,
    to_signed,
)

pytestmark = pytest.mark.django_db


def as_client(user) -> Client:
    client = Client()
    client.force_login(user, backend="wenshu.accounts.backends.WenshuBackend")
    return client


def form_data(cast, **overrides):
    return {
        "doc_type": "通知",
        "series": "file",
        "title": TITLE,
        "urgency": "加急",
        "secrecy": "非密",
        "secrecy_period": "",
        "main_recipients": "市直各部门",
        "body_text": BODY,
        "seal": str(cast.seal.pk),
        "issuer_mark": "",
        "issuer_signature": "",
        "note": "",
        "cc": "市委办公室",
        "printer": "",
        **overrides,
    }


def test_the_drafter_writes_a_draft_and_sees_it(city, cast):
    client = as_client(cast.drafter)
    assert client.get(reverse("documents:new")).status_code == 200
    response = client.post(reverse("documents:new"), form_data(cast))
    doc = Document.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/documents/{doc.pk}/"
    page = client.get(f"/documents/{doc.pk}/").content.decode()
    assert TITLE in page and "发文稿纸" in page and "一、总体要求" in page
    assert "送审" in page
    listing = client.get(reverse("documents:list")).content.decode()
    assert TITLE in listing


def test_a_refused_draft_keeps_what_was_typed(city, cast):
    client = as_client(cast.drafter)
    response = client.post(
        reverse("documents:new"),
        form_data(cast, title="机密★ 关于预算的通知", body_text="我打的正文。"),
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "第四十五条、第五十条" in page and "我打的正文。" in page
    assert not Document.objects.exists()


def test_the_preview_button_renders_the_body_without_saving(city, cast):
    client = as_client(cast.drafter)
    response = client.post(reverse("documents:new"), {**form_data(cast), "preview": "1"})
    page = response.content.decode()
    assert response.status_code == 200 and "正文预览" in page and "gw-heading1" in page
    assert not Document.objects.exists()


def test_a_docx_body_is_uploaded_through_the_form(city, cast, clamd_socket):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = as_client(cast.drafter)
    data = form_data(cast, body_text="")
    data["body_docx"] = SimpleUploadedFile("正文.docx", docx_bytes("一、总体要求", "正文内容。"))
    response = client.post(reverse("documents:new"), data)
    assert response.status_code == 302
    doc = Document.objects.get()
    assert doc.body_source == "docx" and doc.body[0]["kind"] == "heading1"
    original = client.get(f"/documents/{doc.pk}/original/")
    assert original.status_code == 200 and original.content.startswith(b"PK")


def test_attachments_page_adds_and_refuses_an_infected_file(city, cast, clamd_socket):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from wenshu.documents.tests.conftest import eicar

    doc = new_draft(cast)
    client = as_client(cast.drafter)
    url = f"/documents/{doc.pk}/attachments/"
    ok = client.post(
        url + "add/", {"file": SimpleUploadedFile("表.csv", b"a,b\n1,2"), "title": "统计表"}
    )
    assert ok.status_code == 302
    bad = client.post(
        url + "add/", {"file": SimpleUploadedFile("病毒.txt", eicar()), "title": "病毒"}
    )
    assert bad.status_code == 400 and "病毒" in bad.content.decode()
    paper = client.post(url + "paper/", {"title": "图纸", "description": "A1 三张，纸质送达"})
    assert paper.status_code == 302
    assert list(DocumentAttachment.objects.values_list("title", flat=True)) == ["统计表", "图纸"]
    attachment = DocumentAttachment.objects.get(title="统计表")
    download = client.get(f"/documents/{doc.pk}/attachments/{attachment.pk}/download/")
    assert download.status_code == 200 and download.content == b"a,b\n1,2"


def test_the_flow_through_the_pages(city, cast):
    doc = new_draft(cast)
    drafter = as_client(cast.drafter)
    assert drafter.get(f"/documents/{doc.pk}/submit/").status_code == 200
    response = drafter.post(
        f"/documents/{doc.pk}/submit/",
        {
            "reviewer": str(cast.reviewer.pk),
            "signer": str(cast.signer.pk),
            "dispatcher": str(cast.dispatcher.pk),
            "opinion": "请核稿",
        },
    )
    assert response.status_code == 302
    item = open_item(doc, cast.reviewer)
    reviewer = as_client(cast.reviewer)
    assert "办理：核稿" in reviewer.get(f"/documents/{doc.pk}/").content.decode()
    wrong = as_client(cast.signer).post(
        f"/documents/{doc.pk}/steps/{item.pk}/", {"decision": "approve", "opinion": ""}
    )
    assert wrong.status_code == 403 and "不由您办理" in wrong.content.decode()
    returned = reviewer.post(f"/documents/{doc.pk}/steps/{item.pk}/", {"decision": "return"})
    assert returned.status_code == 400 and "请填写意见" in returned.content.decode()
    done = reviewer.post(
        f"/documents/{doc.pk}/steps/{item.pk}/", {"decision": "approve", "opinion": "文字已核"}
    )
    assert done.status_code == 302
    page = reviewer.get(f"/documents/{doc.pk}/").content.decode()
    assert "文字已核" in page and "撤回我办理的" in page
    withdraw = reviewer.post(f"/documents/{doc.pk}/steps/{item.pk}/withdraw/")
    assert withdraw.status_code == 302


def test_the_seal_page_lets_both_custodians_approve(city, cast):
    doc = to_signed(cast, departments=False)
    first = as_client(cast.custodian1)
    page = first.get(f"/documents/{doc.pk}/seal/").content.decode()
    assert "同意用印" in page and doc.doc_number in page
    assert (
        first.post(f"/documents/{doc.pk}/seal/decide/", {"decision": "approve"}).status_code == 302
    )
    again = first.post(f"/documents/{doc.pk}/seal/decide/", {"decision": "approve"})
    assert again.status_code == 409 and "不能重复审批" in again.content.decode()
    as_client(cast.custodian2).post(f"/documents/{doc.pk}/seal/decide/", {"decision": "approve"})
    doc.refresh_from_db()
    assert doc.status == Document.Status.SEALED
    clerk = as_client(city.a_clerk)
    pdf = clerk.get(f"/documents/{doc.pk}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    package = clerk.get(f"/documents/{doc.pk}/package/")
    assert package.status_code == 200 and package.content.startswith(b"PK")


def test_the_draft_pdf_preview(city, cast):
    doc = new_draft(cast)
    response = as_client(cast.drafter).get(f"/documents/{doc.pk}/pdf/")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_editing_a_sealed_document_is_refused_on_the_page(city, cast):
    doc = to_sealed(cast, departments=False)
    client = as_client(cast.drafter)
    response = client.get(f"/documents/{doc.pk}/edit/")
    assert response.status_code == 409 and "公文已用印，内容不可更改" in response.content.decode()
    response = client.post(f"/documents/{doc.pk}/edit/", form_data(cast, title="改"))
    assert response.status_code == 409


def test_every_page_and_route_is_a_404_for_another_units_person(city, cast):
    doc = to_sealed(cast, departments=False)
    outsider = as_client(city.b_clerk)
    pk, item = doc.pk, open_item(doc, cast.dispatcher).pk
    gets = [
        "",
        "edit/",
        "attachments/",
        "submit/",
        "seal/",
        "pdf/",
        "package/",
        "original/",
        "attachments/1/download/",
    ]
    posts = [
        "edit/",
        "attachments/add/",
        "attachments/paper/",
        "attachments/1/remove/",
        "submit/",
        f"steps/{item}/",
        f"steps/{item}/withdraw/",
        "cancel/",
        "seal/decide/",
        "seal/complete/",
        "seal/rerequest/",
    ]
    for path in gets:
        assert outsider.get(f"/documents/{pk}/{path}").status_code == 404, path
    for path in posts:
        assert outsider.post(f"/documents/{pk}/{path}", {}).status_code == 404, path


def test_an_uninvolved_colleague_does_not_see_a_submitted_document(city, cast):
    from wenshu.documents import services
    from wenshu.documents.tests.conftest import plan

    doc = new_draft(cast)
    services.document_submit(actor=cast.drafter, document=doc, plan=plan(cast))
    member = as_client(cast.dept1_member)
    assert member.get(f"/documents/{doc.pk}/").status_code == 404  # not yet in the flow
    from wenshu.documents.tests.conftest import act

    act(doc, cast.reviewer)
    assert member.get(f"/documents/{doc.pk}/").status_code == 200  # 会签 is offered now
    from conftest import make_person

    colleague = make_person("a_staff2", city.a, "staff")
    assert as_client(colleague).get(f"/documents/{doc.pk}/").status_code == 404
    assert as_client(city.a_leader).get(f"/documents/{doc.pk}/").status_code == 200


def test_the_list_page_takes_a_bounded_number_of_queries(city, cast, django_assert_max_num_queries):
    for n in range(6):
        new_draft(cast, title=f"第{n}份通知")
    client = as_client(cast.drafter)
    client.get("/documents/")
    with django_assert_max_num_queries(20):
        page = client.get("/documents/")
    assert page.content.decode().count("份通知</a>") == 6


def test_the_workbench_counts_drafts_and_documents_waiting_for_the_seal(city, cast):
    from wenshu.documents import selectors

    new_draft(cast)
    doc = to_signed(cast, departments=False)
    assert selectors.drafts_count(viewer=cast.drafter) == 1
    assert selectors.seal_todo_count(viewer=cast.custodian1) == 1
    assert selectors.seal_todo_count(viewer=cast.drafter) == 0
    bench = as_client(cast.custodian1).get(reverse("web:workbench")).content.decode()
    assert "待用印" in bench
    from wenshu.documents import services

    services.document_seal_decide(actor=cast.custodian1, document=doc, approve=True)
    services.document_seal_decide(actor=cast.custodian2, document=doc, approve=True)
    assert selectors.seal_todo_count(viewer=cast.custodian1) == 0
