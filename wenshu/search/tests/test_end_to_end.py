"""Search over a real official document: drafted, 核稿, 签发 and sealed through the documents
services, sent through the exchange, indexed by the indexer. The sender's people and the
recipient unit's clerk find it by a word of its body; the outsider unit (B) finds nothing, and
nobody outside the sending unit finds a document that was never sent or was withdrawn."""

from __future__ import annotations

import secrets
from typing import Any

import pytest

from conftest import make_person, make_unit
from wenshu.documents import services as documents
from wenshu.documents.models import Document
from wenshu.exchange import services as exchange
from wenshu.exchange.tests.conftest import make_seal
from wenshu.search.selectors import search
from wenshu.search.services import search_index_incremental
from wenshu.workflow.models import WorkItem

pytestmark = pytest.mark.django_db

# Words of the bodies only: the titles say nothing of them.
SENT_BODY = "各单位要切实做好冬季供暖燃煤储备，确保供暖季安全稳定运行。"
UNSENT_BODY = "加强危险化学品运输车辆动态监管，严防道路运输事故发生。"
WITHDRAWN_BODY = "开展城市桥梁隧道结构安全排查，建立病害台账。"


def _open_item(doc: Document, task: str) -> WorkItem:
    return WorkItem.objects.get(
        instance_id=doc.process_id, task_spec_id=task, status=WorkItem.Status.OPEN
    )


def _draft(city: Any, seal: Any, *, title: str, body: str) -> Document:
    doc = documents.document_create(
        actor=city.a_staff,
        data=documents.DraftInput(
            doc_type="通知",
            title=title,
            main_recipients="白银市交通运输局",
            body_text=body,
            seal_id=seal.pk,
        ),
    )
    return documents.document_submit(actor=city.a_staff, document=doc)


def _sealed(city: Any, seal: Any, *, title: str, body: str) -> Document:
    """拟稿 (a_staff) → 核稿 (a_clerk) → 签发 (a_leader) → 用印 (a_custodian)."""
    doc = _draft(city, seal, title=title, body=body)
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


def _found(viewer: Any, q: str) -> list[int]:
    return [h.object_id for h in search(viewer=viewer, q=q, kind="document").hits]


@pytest.fixture
def world(city: Any) -> Any:
    """The cast plus the recipient unit C (市交通局) with its clerk and a staff member."""
    c = make_unit("白银市交通运输局", "市交通局", "白交")
    city.c = c
    city.c_clerk = make_person("c_clerk", c, "clerk", real_name="丛文书")
    city.c_staff = make_person("c_staff", c, "staff", real_name="丛科员")
    city.seal = make_seal(city)
    return city


def test_a_sent_documents_body_is_found_by_the_sender_and_the_recipients_clerk(world):
    doc = _sealed(world, world.seal, title="关于做好今冬明春有关工作的通知", body=SENT_BODY)
    search_index_incremental()
    # sealed but not yet sent: the sending unit finds it, the unit it is meant for does not
    assert _found(world.a_clerk, "燃煤储备") == [doc.pk]
    assert _found(world.c_clerk, "燃煤储备") == []

    exchange.document_send(
        actor=world.a_clerk,
        document=doc,
        main_units=[world.c],
        print_allowed=2,
        idempotency_key=secrets.token_hex(8),
    )
    search_index_incremental()
    for person in (world.a_staff, world.a_clerk, world.a_leader, world.c_clerk):
        assert _found(person, "燃煤储备") == [doc.pk], person.username
    [hit] = search(viewer=world.c_clerk, q="燃煤储备").hits
    assert hit.url == f"/exchange/received/{doc.pk}/" and "燃煤" in hit.snippet
    [hit] = search(viewer=world.a_staff, q="燃煤储备").hits
    assert hit.url == f"/documents/{doc.pk}/"


def test_the_outsider_unit_finds_nothing(world):
    doc = _sealed(world, world.seal, title="关于做好今冬明春有关工作的通知", body=SENT_BODY)
    exchange.document_send(
        actor=world.a_clerk,
        document=doc,
        main_units=[world.c],
        print_allowed=2,
        idempotency_key=secrets.token_hex(8),
    )
    search_index_incremental()
    for person in (world.b_clerk, world.b_leader, world.b_admin, world.b_staff, world.c_staff):
        assert search(viewer=person, q="燃煤储备").total == 0, person.username
        assert search(viewer=person, q="今冬明春").total == 0, person.username


def test_an_unsent_or_withdrawn_draft_stays_inside_the_sending_unit(world):
    unsent = _sealed(world, world.seal, title="关于加强运输安全的通知", body=UNSENT_BODY)
    withdrawn = _draft(world, world.seal, title="关于开展安全排查的通知", body=WITHDRAWN_BODY)
    search_index_incremental()
    assert _found(world.a_staff, "桥梁隧道") == [withdrawn.pk]  # indexed while in the flow
    documents.document_cancel(actor=world.a_staff, document=withdrawn, reason="内容需重新研究")
    search_index_incremental()
    assert _found(world.a_clerk, "危险化学品") == [unsent.pk]
    assert _found(world.a_staff, "危险化学品") == [unsent.pk]
    for person in (world.c_clerk, world.b_clerk):
        assert _found(person, "危险化学品") == [], person.username
        assert _found(person, "桥梁隧道") == [], person.username
