"""Exchange fixtures: sealed documents of unit A made through the real services (seal
lifecycle, drafting, 核稿, 签发, the custodian's approval), and more recipient units."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from conftest import make_person, make_unit
from wenshu.documents import services as documents
from wenshu.documents.models import Document
from wenshu.org.models import UnitGroup
from wenshu.seals import services as seals
from wenshu.workflow.models import WorkItem


def make_seal(city: Any) -> Any:
    """Unit A's 公文专用章, kept by a_custodian alone (1 of 1 approves each use)."""
    app = seals.seal_application_submit(
        actor=city.a_clerk,
        data=seals.ApplicationInput(
            kind="new",
            reason="电子公文用章",
            seal_type="document",
            custodians=[city.a_custodian],
            threshold_k=1,
        ),
    )
    app = seals.seal_application_sign_off(actor=city.a_leader, application=app, approve=True)
    app = seals.seal_application_decide(actor=city.zhengfuban, application=app, approve=True)
    return seals.seal_produce(actor=city.shuziban, application=app)


def _open_item(document: Document, task: str) -> WorkItem:
    return WorkItem.objects.get(
        instance_id=document.process_id, task_spec_id=task, status=WorkItem.Status.OPEN
    )


def seal_document(
    city: Any,
    seal: Any,
    *,
    title: str = "关于做好2026年预算编制工作的通知",
    urgency: str = "",
    plan: documents.FlowPlan | None = None,
    before_submit: Callable[[Document], Any] | None = None,
) -> Document:
    """Draft (a_staff) → 核稿 (a_clerk) → 签发 (a_leader) → 用印 (a_custodian): SEALED, with
    the 分发 step open for the unit's clerks (or the plan's dispatcher)."""
    doc = documents.document_create(
        actor=city.a_staff,
        data=documents.DraftInput(
            doc_type="通知",
            title=title,
            urgency=urgency,
            main_recipients="市直各部门",
            body_text="一、总体要求\n各单位要按照本通知要求，认真做好预算编制工作。",
            seal_id=seal.pk,
        ),
    )
    if before_submit is not None:  # e.g. add attachments while it is a draft
        before_submit(doc)
    doc = documents.document_submit(actor=city.a_staff, document=doc, plan=plan)
    documents.document_act(
        actor=city.a_clerk, document=doc, item_id=_open_item(doc, "review").pk, opinion="同意。"
    )
    documents.document_act(
        actor=city.a_leader, document=doc, item_id=_open_item(doc, "sign").pk, opinion="同意印发。"
    )
    documents.document_seal_decide(actor=city.a_custodian, document=doc, approve=True)
    doc.refresh_from_db()
    assert doc.status == Document.Status.SEALED, doc.status
    return doc


@pytest.fixture
def seal(city: Any) -> Any:
    return make_seal(city)


@pytest.fixture
def sealed(city: Any, seal: Any) -> Callable[..., Document]:
    """sealed(**kwargs) → a new SEALED document of unit A."""
    return lambda **kwargs: seal_document(city, seal, **kwargs)


@pytest.fixture
def doc(sealed: Callable[..., Document]) -> Document:
    return sealed()


@dataclass
class Recipients:
    c: Any  # 市公安局
    d: Any  # 市民政局, reached through the group
    group: UnitGroup  # 市直各部门: unit A (the sender), unit D
    c_clerk: Any
    d_clerk: Any


@pytest.fixture
def more(city: Any) -> Recipients:
    """Two more registered units with clerks (with mobiles, for SMS) and a group."""
    c = make_unit("白银市公安局", "市公安局", "白公")
    d = make_unit("白银市民政局", "市民政局", "白民")
    group = UnitGroup.objects.create(name="市直各部门")
    group.units.add(city.a, d)
    return Recipients(
        c=c,
        d=d,
        group=group,
        c_clerk=make_person("c_clerk", c, "clerk", real_name="程文书", mobile="13900001111"),
        d_clerk=make_person("d_clerk", d, "clerk", real_name="丁文书", mobile="13900002222"),
    )


def key() -> str:
    """A fresh idempotency key, as the send page makes one per form."""
    return secrets.token_hex(16)
