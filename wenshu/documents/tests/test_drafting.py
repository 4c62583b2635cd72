"""Drafting: the elements, the body (typed or .docx), attachments, and what is refused."""

from __future__ import annotations

import pytest

from wenshu.documents import services
from wenshu.documents.models import Document, DocumentAttachment
from wenshu.documents.tests.conftest import (
    docx_bytes,
    draft_input,
    eicar,
    new_draft,
)
from wenshu.files.services import file_ingest
from wenshu.lib.errors import Conflict, DomainError, Forbidden, NotFound

pytestmark = pytest.mark.django_db


def test_a_draft_gets_the_units_defaults_and_a_structured_body(city, cast):
    doc = new_draft(cast)
    assert doc.unit == city.a and doc.drafter == cast.drafter
    assert doc.issuer_mark == "白银市财政局文件" and doc.issuer_signature == "白银市财政局"
    assert doc.printer == "白银市财政局办公室" and doc.cc == "市委办公室、市人大常委会办公室"
    assert [p["kind"] for p in doc.body] == [
        "paragraph",
        "heading1",
        "heading2",
        "heading3",
        "heading4",
        "paragraph",
    ]
    assert doc.body[1] == {"kind": "heading1", "text": "一、总体要求"}
    assert doc.secrecy == "非密" and doc.doc_number == ""


@pytest.mark.parametrize("level", ["秘密", "机密", "绝密", "内部"])
def test_a_classified_level_is_refused_naming_the_rule(city, cast, level):
    with pytest.raises(DomainError, match="第四十五条、第五十条") as refused:
        new_draft(cast, secrecy=level)
    assert refused.value.code == "classified"
    assert not Document.objects.exists()


def test_a_secrecy_period_is_refused(city, cast):
    with pytest.raises(DomainError, match="涉密"):
        new_draft(cast, secrecy_period="1年")


@pytest.mark.parametrize(
    ("field", "value", "where"),
    [
        ("title", "秘密★1年 关于预算的通知", "标题"),
        ("body_text", "一、总体要求\n本件为机密★长期，请妥善保管。", "正文"),
        ("main_recipients", "密级：秘密", "主送机关"),
        ("note", "绝密★", "附注"),
    ],
)
def test_a_classification_marking_anywhere_is_refused(city, cast, field, value, where):
    with pytest.raises(DomainError, match=f"位于{where}.*第四十五条"):
        new_draft(cast, **{field: value})


def test_an_ordinary_word_containing_mi_is_not_a_marking(city, cast):
    doc = new_draft(cast, title="关于加强商业秘密保护和保密工作的通知")
    assert doc.pk


def test_a_body_uploaded_as_docx_keeps_its_headings_and_the_original(city, cast, clamd_socket):
    data = docx_bytes("为做好预算编制工作，现通知如下。", "一、编制原则", "（一）量入为出。")
    upload = file_ingest(actor=cast.drafter, name="预算通知.docx", data_or_fileobj=data)
    doc = new_draft(cast, body_upload=upload)
    assert doc.body_source == Document.BodySource.DOCX and doc.body_original == upload
    assert [p["kind"] for p in doc.body] == ["paragraph", "heading1", "heading2"]
    services.document_update(
        actor=cast.drafter, document=doc, data=draft_input(cast, body_text="改为手工输入的正文。")
    )
    doc.refresh_from_db()
    assert doc.body_source == Document.BodySource.TYPED and doc.body_original is None


def test_a_docx_carrying_a_marking_is_refused_at_upload(city, cast, clamd_socket):
    data = docx_bytes("秘密★1年", "关于某事项的请示")
    with pytest.raises(DomainError, match="密级标志"):
        file_ingest(actor=cast.drafter, name="请示.docx", data_or_fileobj=data)


def test_attachments_files_and_paper_only(city, cast, clamd_socket):
    doc = new_draft(cast)
    upload = file_ingest(
        actor=cast.drafter, name="预算表.csv", data_or_fileobj="单位,金额\n市财政局,100".encode()
    )
    services.attachment_add(actor=cast.drafter, document=doc, upload=upload, title="2027年度预算表")
    services.attachment_add_paper(
        actor=cast.drafter,
        document=doc,
        title="办公楼改造图纸",
        description="A1 图纸 3 张，随纸质件送达",
    )
    rows = list(DocumentAttachment.objects.filter(document=doc).order_by("position"))
    assert [(a.position, a.title, a.paper_only) for a in rows] == [
        (1, "2027年度预算表", False),
        (2, "办公楼改造图纸", True),
    ]
    services.attachment_remove(actor=cast.drafter, document=doc, attachment_id=rows[0].pk)
    assert list(
        DocumentAttachment.objects.filter(document=doc).values_list("position", "title")
    ) == [(1, "办公楼改造图纸")]


def test_an_infected_attachment_is_refused_and_nothing_is_attached(city, cast, clamd_socket):
    doc = new_draft(cast)
    with pytest.raises(DomainError) as refused:
        file_ingest(actor=cast.drafter, name="附件.txt", data_or_fileobj=eicar())
    assert refused.value.code == "virus_found"
    assert not DocumentAttachment.objects.filter(document=doc).exists()


def test_an_attachment_with_a_marking_is_refused(city, cast, clamd_socket):
    with pytest.raises(DomainError, match="密级标志"):
        file_ingest(
            actor=cast.drafter, name="说明.txt", data_or_fileobj="机密★5年\n项目说明".encode()
        )
    doc = new_draft(cast)
    with pytest.raises(DomainError, match="位于纸质附件说明"):
        services.attachment_add_paper(
            actor=cast.drafter, document=doc, title="图纸", description="秘密★ 图纸两张"
        )


def test_someone_elses_upload_cannot_be_attached(city, cast, clamd_socket):
    doc = new_draft(cast)
    upload = file_ingest(actor=city.a_clerk, name="表.txt", data_or_fileobj=b"a,b")
    with pytest.raises(Forbidden, match="本人"):
        services.attachment_add(actor=cast.drafter, document=doc, upload=upload)


def test_only_the_drafter_edits_and_another_unit_does_not_see_it(city, cast):
    doc = new_draft(cast)
    with pytest.raises(NotFound):
        services.document_update(
            actor=city.b_staff, document=doc, data=draft_input(cast, title="改")
        )
    with pytest.raises(NotFound):  # an unsubmitted draft is private to its drafter
        services.document_update(
            actor=city.a_clerk, document=doc, data=draft_input(cast, title="改")
        )
    with pytest.raises(NotFound):
        services.attachment_add_paper(actor=city.b_staff, document=doc, title="x", description="y")


def test_only_people_doing_business_may_draft(city, cast):
    with pytest.raises(Forbidden, match="拟稿"):
        services.document_create(actor=city.a_admin, data=draft_input(cast))
    with pytest.raises(Forbidden):
        services.document_create(actor=city.sysadmin, data=draft_input(cast))


def test_a_seal_of_another_unit_is_refused(city, cast):
    with pytest.raises(DomainError, match="本单位在用"):  # cast.seal is unit A's
        services.document_create(actor=city.b_staff, data=draft_input(cast))


def test_empty_title_and_bad_choices_are_refused(city, cast):
    with pytest.raises(DomainError, match="标题"):
        new_draft(cast, title="  ")
    with pytest.raises(DomainError, match="文种"):
        new_draft(cast, doc_type="便条")
    with pytest.raises(DomainError, match="紧急程度"):
        new_draft(cast, urgency="火急")


def test_a_cancelled_draft_cannot_be_edited(city, cast):
    doc = new_draft(cast)
    services.document_cancel(actor=cast.drafter, document=doc, reason="重复拟稿")
    with pytest.raises(Conflict, match="作废"):
        services.document_update(actor=cast.drafter, document=doc, data=draft_input(cast))
