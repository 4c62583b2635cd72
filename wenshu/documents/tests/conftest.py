"""Document fixtures: unit A's people for the 发文 flow, its 公文专用章 (2 of 2 custodians),
and helpers that take a document through the flow with the real services."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import pytest

from conftest import make_person
from wenshu.documents import services
from wenshu.documents.models import Document
from wenshu.org.models import Department
from wenshu.seals import services as seal_services
from wenshu.seals.models import Seal
from wenshu.workflow.models import WorkItem
from wenshu.workflow.selectors import offered_to

BODY = """为进一步加强市级财政资金管理，规范预算编制行为，现就有关事项通知如下。
一、总体要求
（一）坚持统筹兼顾。全面反映部门收支，做到应编尽编。
1.各部门要于2026年12月10日前报送预算草案。
（1）报送纸质和电子文本各一份。
特此通知。"""
TITLE = "关于做好2027年度市级部门预算编制工作的通知"


@dataclass
class Cast:
    drafter: Any
    reviewer: Any
    dept1: Any
    dept2: Any
    dept1_member: Any
    dept2_member: Any
    signer: Any
    custodian1: Any
    custodian2: Any
    dispatcher: Any
    seal: Seal


@pytest.fixture(autouse=True)
def _flow_registered() -> None:
    """Another app's test may have replaced the fawen assignment resolver (the registry holds
    one per key) without restoring it; the documents app's own registration is put back."""
    from wenshu.documents.services import flow

    flow.register()


def make_seal(city: Any, custodians: list[Any], k: int) -> Seal:
    """A 公文专用章 of unit A made through the real seal lifecycle."""
    app = seal_services.seal_application_submit(
        actor=city.a_clerk,
        data=seal_services.ApplicationInput(
            kind="new",
            reason="公文专用章用于电子公文签章",
            seal_type="document",
            custodians=custodians,
            threshold_k=k,
        ),
    )
    app = seal_services.seal_application_sign_off(
        actor=city.a_leader, application=app, approve=True
    )
    app = seal_services.seal_application_decide(
        actor=city.zhengfuban, application=app, approve=True
    )
    return seal_services.seal_produce(actor=city.shuziban, application=app)


@pytest.fixture
def cast(city: Any) -> Cast:
    dept1 = Department.objects.create(unit=city.a, name="办公室")
    dept2 = Department.objects.create(unit=city.a, name="预算科")
    custodian2 = make_person("a_custodian2", city.a, "seal_custodian", real_name="艾保管二")
    return Cast(
        drafter=city.a_staff,
        reviewer=city.a_clerk,
        dept1=dept1,
        dept2=dept2,
        dept1_member=make_person("a_office", city.a, "staff", real_name="艾办公", department=dept1),
        dept2_member=make_person("a_budget", city.a, "staff", real_name="艾预算", department=dept2),
        signer=city.a_leader,
        custodian1=city.a_custodian,
        custodian2=custodian2,
        dispatcher=city.a_clerk,
        seal=make_seal(city, [city.a_custodian, custodian2], 2),
    )


def draft_input(cast: Cast, **overrides: Any) -> services.DraftInput:
    values: dict[str, Any] = {
        "doc_type": "通知",
        "title": TITLE,
        "urgency": "加急",
        "main_recipients": "市直各部门、各单位",
        "body_text": BODY,
        "note": "此件公开发布",
        "cc": "市委办公室\n市人大常委会办公室",
        "seal_id": cast.seal.pk,
        **overrides,
    }
    return services.DraftInput(**values)


def new_draft(cast: Cast, **overrides: Any) -> Document:
    return services.document_create(actor=cast.drafter, data=draft_input(cast, **overrides))


def plan(cast: Cast, *, departments: bool = True) -> services.FlowPlan:
    return services.FlowPlan(
        reviewer_id=cast.reviewer.pk,
        countersign_departments=[cast.dept1.pk, cast.dept2.pk] if departments else [],
        signer_id=cast.signer.pk,
        dispatcher_id=cast.dispatcher.pk,
    )


def open_item(document: Document, person: Any, task: str | None = None) -> WorkItem:
    document.refresh_from_db()
    items = WorkItem.objects.filter(instance_id=document.process_id, status="open")
    if task:
        items = items.filter(task_spec_id=task)
    found = [i for i in items if offered_to(person, i)]
    assert len(found) == 1, f"{person} has {len(found)} open items"
    return found[0]


def act(document: Document, person: Any, decision: str = "approve", opinion: str = "") -> WorkItem:
    if decision != "approve" and not opinion:
        opinion = "请修改后再报"
    item = open_item(document, person)
    return services.document_act(
        actor=person,
        document=document,
        item_id=item.pk,
        decision=decision,
        opinion=opinion or "同意",
    )


def to_signed(cast: Cast, *, departments: bool = True, **overrides: Any) -> Document:
    """Draft → 核稿 → 会签 (two departments) → 签发: the document waits for its custodians."""
    doc = new_draft(cast, **overrides)
    services.document_submit(
        actor=cast.drafter, document=doc, plan=plan(cast, departments=departments)
    )
    act(doc, cast.reviewer, opinion="文字已核")
    if departments:
        act(doc, cast.dept1_member, opinion="办公室无意见")
        act(doc, cast.dept2_member, opinion="预算科同意")
    act(doc, cast.signer, opinion="同意印发")
    doc.refresh_from_db()
    return doc


def to_sealed(cast: Cast, **overrides: Any) -> Document:
    doc = to_signed(cast, **overrides)
    services.document_seal_decide(actor=cast.custodian1, document=doc, approve=True)
    services.document_seal_decide(actor=cast.custodian2, document=doc, approve=True)
    doc.refresh_from_db()
    return doc


def docx_bytes(*paragraphs: str) -> bytes:
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def eicar() -> bytes:
    """The EICAR test signature, built from two halves so no file here carries it whole."""
    first = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$"
    second = b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
    return first + second
