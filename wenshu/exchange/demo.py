"""Sent documents for the demo city (called by `wenshu.ops.demo.load_demo_city`).

Three documents of different kinds go through the real services — a seal for each sending
unit (application → sign-off → approval → production), then 拟稿 → 核稿 → 签发 → 用印 →
分发 to several bureaus — so a newcomer finds an inbox and a tracking page at once. People
are the demo's (`<unit key>_<post>`, see wenshu/ops/demo.py). Adds only what is missing:
a unit's document seal and a document (by unit and title) are made once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from wenshu.accounts.models import User
from wenshu.documents import services as documents
from wenshu.documents.models import Document
from wenshu.exchange.services import document_send
from wenshu.org.models import Unit, UnitGroup
from wenshu.seals import services as seals
from wenshu.seals.models import Seal, SealType
from wenshu.workflow.models import WorkItem

GOV_APPROVER = "zfb_approver"  # 市政府办公室审批人
CITY_ADMIN = "szb_cityadmin"  # 市数字办 (makes the seals)


@dataclass(frozen=True)
class DemoDocument:
    sender: str  # unit key of the demo table
    doc_type: str
    title: str
    body: str
    main_recipients: str  # as printed in the document
    main_units: tuple[str, ...] = ()
    main_groups: tuple[str, ...] = ()
    copy_units: tuple[str, ...] = ()
    urgency: str = ""
    copies: dict[str, int] = field(default_factory=dict)  # print permission per unit key
    default_copies: int = 2


DEMO_DOCUMENTS: tuple[DemoDocument, ...] = (
    DemoDocument(
        "czj",
        "通知",
        "关于做好下一年度部门预算编制工作的通知",
        "一、总体要求\n各部门要坚持过紧日子，统筹各类资金，科学合理编制部门预算。\n"
        "二、时间安排\n请于本月底前通过预算管理一体化系统报送部门预算草案。\n"
        "三、有关要求\n各部门主要负责同志要亲自研究部署，确保按时保质完成。",
        "市直各部门",
        main_groups=("市直各部门",),
        copy_units=("zfb",),
        copies={"zfb": 0},
    ),
    DemoDocument(
        "jyj",
        "函",
        "关于商请协助开展校园周边交通安全综合治理的函",
        "市公安局：\n为保障新学期师生出行安全，我局拟于下月开展校园周边交通安全综合治理，"
        "商请贵局在上下学时段加强校园周边交通疏导。\n盼予支持为谢。",
        "市公安局",
        main_units=("gaj",),
        copy_units=("jtj",),
        urgency="加急",
    ),
    DemoDocument(
        "zfb",
        "通知",
        "关于做好节假日期间值班工作的通知",
        "一、严格值班制度\n各单位要落实领导带班和二十四小时值班制度，确保信息畅通。\n"
        "二、做好应急准备\n遇有重大突发事件，要按规定及时报告，不得迟报、漏报。",
        "各县区人民政府，市政府各部门",
        main_groups=("市直各部门",),
        copy_units=("swb", "rdb"),
        urgency="特急",
        default_copies=1,
    ),
)


def _person(unit_key: str, post: str) -> User:
    return User.objects.get(username=f"{unit_key}_{post}")


def _seal(unit: Unit, key: str) -> Seal:
    """The unit's 公文专用章 in use, made through the seal lifecycle when it has none."""
    found = Seal.objects.filter(
        unit=unit, seal_type=SealType.DOCUMENT, status=Seal.Status.IN_USE
    ).first()
    if found is not None:
        return found
    app = seals.seal_application_submit(
        actor=_person(key, "clerk"),
        data=seals.ApplicationInput(
            kind="new",
            reason="电子公文用章（演示数据）",
            seal_type=SealType.DOCUMENT,
            custodians=[_person(key, "custodian")],
            threshold_k=1,
        ),
    )
    app = seals.seal_application_sign_off(
        actor=_person(key, "leader"), application=app, approve=True, opinion="同意。"
    )
    app = seals.seal_application_decide(
        actor=User.objects.get(username=GOV_APPROVER), application=app, approve=True
    )
    return seals.seal_produce(actor=User.objects.get(username=CITY_ADMIN), application=app)


def _step(document: Document, task: str) -> int:
    return WorkItem.objects.get(
        instance_id=document.process_id, task_spec_id=task, status=WorkItem.Status.OPEN
    ).pk


def _seal_through_flow(demo: DemoDocument, seal: Seal) -> Document:
    key = demo.sender
    # The clerk drafts (文书拟稿): staff accounts may be removed and re-added by the loader,
    # and a person who drafted a document can no longer be deleted.
    clerk, leader = _person(key, "clerk"), _person(key, "leader")
    doc = documents.document_create(
        actor=clerk,
        data=documents.DraftInput(
            doc_type=demo.doc_type,
            title=demo.title,
            urgency=demo.urgency,
            main_recipients=demo.main_recipients,
            body_text=demo.body,
            seal_id=seal.pk,
        ),
    )
    doc = documents.document_submit(actor=clerk, document=doc)
    documents.document_act(
        actor=clerk, document=doc, item_id=_step(doc, "review"), opinion="文种、格式无误，同意。"
    )
    documents.document_act(
        actor=leader, document=doc, item_id=_step(doc, "sign"), opinion="同意印发。"
    )
    documents.document_seal_decide(actor=_person(key, "custodian"), document=doc, approve=True)
    doc.refresh_from_db()
    return doc


def _send(demo: DemoDocument, doc: Document, units: dict[str, Unit]) -> None:
    document_send(
        actor=_person(demo.sender, "clerk"),
        document=doc,
        main_units=[units[k] for k in demo.main_units],
        copy_units=[units[k] for k in demo.copy_units],
        groups=list(UnitGroup.objects.filter(name__in=demo.main_groups)),
        print_allowed={units[k].pk: n for k, n in demo.copies.items()},
        print_default=demo.default_copies,
        idempotency_key=f"demo-{demo.sender}-{doc.pk}",
    )


def ensure_demo_documents(units: dict[str, Unit]) -> int:
    """Seal and send each demo document its unit has not got yet; returns how many."""
    made = 0
    for demo in DEMO_DOCUMENTS:
        unit = units[demo.sender]
        if Document.objects.filter(unit=unit, title=demo.title).exists():
            continue
        doc = _seal_through_flow(demo, _seal(unit, demo.sender))
        _send(demo, doc, units)
        made += 1
    return made
