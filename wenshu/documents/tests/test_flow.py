"""The whole 发文 flow through the services: draft → 核稿 → 会签 (two departments) → 签发 →
2-of-2 custodians → sealed, and the flow's refusals."""

from __future__ import annotations

import pytest

from wenshu.audit.models import AuditEvent
from wenshu.documents import selectors, services
from wenshu.documents.models import Document, SealAttempt, SealedPackage, VoidedNumber
from wenshu.documents.tests.conftest import (
    TITLE,
    act,
    new_draft,
    open_item,
    plan,
    to_sealed,
    to_signed,
)
from wenshu.lib.errors import Conflict, DomainError, Forbidden, NotFound
from wenshu.lib.package import verify_package
from wenshu.seals.models import SealMaker, SealUseRequest
from wenshu.seals.services import seal_verify
from wenshu.workflow import services as wf_services
from wenshu.workflow.models import ProcessInstance, WorkItem

pytestmark = pytest.mark.django_db


def open_tasks(document: Document) -> list[str]:
    return sorted(
        WorkItem.objects.filter(instance_id=document.process_id, status="open").values_list(
            "task_spec_id", flat=True
        )
    )


def test_it_runs_the_whole_flow_and_the_sealed_package_verifies(city, cast):
    """GIVEN a draft WHEN it is reviewed, countersigned by two departments, signed off and
    approved by both custodians THEN it is sealed, numbered, and its package verifies."""
    doc = new_draft(cast)
    assert doc.status == Document.Status.DRAFT and doc.doc_number == ""
    services.document_submit(actor=cast.drafter, document=doc, plan=plan(cast))
    doc.refresh_from_db()
    assert doc.status == Document.Status.IN_FLOW and open_tasks(doc) == ["review"]
    act(doc, cast.reviewer, opinion="文字已核")
    assert open_tasks(doc) == ["countersign", "countersign"]
    act(doc, cast.dept2_member, opinion="预算科同意")
    act(doc, cast.dept1_member, opinion="办公室无意见")
    assert open_tasks(doc) == ["sign"]
    act(doc, cast.signer, opinion="同意印发")
    doc.refresh_from_db()
    assert doc.status == Document.Status.APPROVED
    assert doc.doc_number == f"白财〔{doc.issue_date.year}〕1号"
    assert doc.signer_name == "艾局长" and doc.issue_date is not None
    assert open_tasks(doc) == ["seal", "seal"]  # one item per custodian
    attempt = SealAttempt.objects.get(document=doc)
    assert attempt.use_request.status == SealUseRequest.Status.PENDING
    assert attempt.requested_by == cast.dispatcher  # the sealing clerk asks the seals service

    services.document_seal_decide(actor=cast.custodian1, document=doc, approve=True)
    doc.refresh_from_db()
    assert doc.status == Document.Status.APPROVED and doc.sealed_at is None  # 1 of 2
    services.document_seal_decide(actor=cast.custodian2, document=doc, approve=True, opinion="同意")
    doc.refresh_from_db()
    assert doc.status == Document.Status.SEALED and doc.sealed_at is not None
    assert doc.sender_name_at_sealing == "白银市财政局"
    assert open_tasks(doc) == ["dispatch"]

    package = SealedPackage.objects.get(document=doc)
    maker = SealMaker.objects.get(is_current=True)
    verdict = verify_package(bytes(package.package), trusted_maker_certs=[bytes(maker.cert_der)])
    assert verdict.ok, verdict.reasons
    assert verdict.doc_number == doc.doc_number and verdict.title == TITLE
    assert verdict.sender == "白银市财政局"
    seal_verdict = seal_verify(
        signature_der=bytes(package.signature_der), digest_hex=package.digest_hex
    )
    assert seal_verdict.ok, seal_verdict.reasons
    assert selectors.package_bytes(document=doc) == bytes(package.package)


def test_the_approval_sheet_lists_every_step_with_person_opinion_and_time(city, cast):
    doc = to_sealed(cast)
    rows = {r.label: r.entries for r in selectors.approval_sheet(viewer=cast.drafter, document=doc)}
    assert [e.completed_by for e in rows["拟稿"]] == [cast.drafter]
    assert [e.opinion for e in rows["核稿"]] == ["文字已核"]
    assert sorted(e.opinion for e in rows["会签"]) == ["办公室无意见", "预算科同意"]
    assert [(e.completed_by, e.opinion) for e in rows["签发"]] == [(cast.signer, "同意印发")]
    assert rows["用印"][0].completed_by == cast.custodian2 and rows["用印"][0].completed_at


def test_the_reviewer_returns_it_and_the_drafter_edits_and_resubmits(city, cast):
    doc = new_draft(cast)
    services.document_submit(actor=cast.drafter, document=doc, plan=plan(cast))
    with pytest.raises(Conflict, match="已送审"):
        services.document_update(
            actor=cast.drafter, document=doc, data=services.DraftInput(doc_type="通知", title="改")
        )
    act(doc, cast.reviewer, decision="return", opinion="请补充依据")
    doc.refresh_from_db()
    assert doc.status == Document.Status.DRAFT and open_tasks(doc) == ["draft"]
    services.document_update(
        actor=cast.drafter,
        document=doc,
        data=services.DraftInput(doc_type="通知", title="改后的标题", seal_id=cast.seal.pk),
    )
    services.document_submit(actor=cast.drafter, document=doc)
    doc.refresh_from_db()
    assert doc.status == Document.Status.IN_FLOW and doc.title == "改后的标题"
    assert open_tasks(doc) == ["review"]


def test_the_signer_can_return_it_without_using_a_number(city, cast):
    doc = new_draft(cast)
    services.document_submit(actor=cast.drafter, document=doc, plan=plan(cast, departments=False))
    act(doc, cast.reviewer)
    act(doc, cast.signer, decision="return", opinion="标题不准确")
    doc.refresh_from_db()
    assert doc.status == Document.Status.DRAFT and doc.doc_number == ""


def test_a_step_by_the_wrong_person_is_refused(city, cast):
    doc = new_draft(cast)
    services.document_submit(actor=cast.drafter, document=doc, plan=plan(cast))
    review = open_item(doc, cast.reviewer)
    with pytest.raises(Forbidden, match="不由您办理"):
        services.document_act(actor=cast.signer, document=doc, item_id=review.pk)
    with pytest.raises(NotFound):
        services.document_act(actor=city.b_leader, document=doc, item_id=review.pk)
    with pytest.raises(Forbidden, match="只有拟稿人"):
        services.document_submit(actor=city.a_clerk, document=doc)
    act(doc, cast.reviewer)
    office = open_item(doc, cast.dept1_member)
    with pytest.raises(Forbidden):  # the other department's member
        services.document_act(actor=cast.dept2_member, document=doc, item_id=office.pk)
    doc.refresh_from_db()
    assert sorted(open_tasks(doc)) == ["countersign", "countersign"]


def test_a_custodian_of_another_seal_or_a_leader_cannot_approve_the_seal(city, cast):
    doc = to_signed(cast, departments=False)
    with pytest.raises(NotFound):
        services.document_seal_decide(actor=city.b_clerk, document=doc, approve=True)
    with pytest.raises(Forbidden, match="不是该印章的保管人"):
        services.document_seal_decide(actor=cast.signer, document=doc, approve=True)
    services.document_seal_decide(actor=cast.custodian1, document=doc, approve=True)
    with pytest.raises(Conflict, match="不能重复审批"):
        services.document_seal_decide(actor=cast.custodian1, document=doc, approve=True)


def test_the_seal_step_cannot_be_completed_without_sealing(city, cast):
    """The generic workflow page completes steps too: 用印 refuses unless sealed."""
    doc = to_signed(cast, departments=False)
    item = open_item(doc, cast.custodian1)
    with pytest.raises(Conflict, match="用印"):
        wf_services.work_item_complete(actor=cast.custodian1, item=item)
    with pytest.raises(DomainError, match="用印"):
        services.document_act(actor=cast.custodian1, document=doc, item_id=item.pk)
    doc.refresh_from_db()
    assert doc.status == Document.Status.APPROVED and open_tasks(doc) == ["seal", "seal"]


def test_sealing_twice_is_refused(city, cast):
    doc = to_sealed(cast, departments=False)
    with pytest.raises(Conflict, match="已用印"):
        services.document_seal_decide(actor=cast.custodian1, document=doc, approve=True)
    with pytest.raises(Conflict, match="已用印"):
        services.document_seal_complete(actor=cast.custodian1, document=doc)
    assert SealedPackage.objects.filter(document=doc).count() == 1


def test_editing_after_sealing_is_refused_by_the_service(city, cast):
    doc = to_sealed(cast, departments=False)
    with pytest.raises(Conflict, match="公文已用印，内容不可更改"):
        services.document_update(
            actor=cast.drafter,
            document=doc,
            data=services.DraftInput(doc_type="通知", title="偷改"),
        )
    with pytest.raises(Conflict, match="公文已用印，内容不可更改"):
        services.attachment_add_paper(
            actor=cast.drafter, document=doc, title="图纸", description="纸质送达"
        )


def test_the_drafter_withdraws_the_submission_before_the_reviewer_acts(city, cast):
    doc = new_draft(cast)
    services.document_submit(actor=cast.drafter, document=doc, plan=plan(cast))
    doc.refresh_from_db()
    done = WorkItem.objects.get(instance_id=doc.process_id, task_spec_id="draft", status="done")
    services.document_withdraw(actor=cast.drafter, document=doc, item_id=done.pk)
    doc.refresh_from_db()
    assert doc.status == Document.Status.DRAFT and open_tasks(doc) == ["draft"]


def test_withdrawing_after_the_next_person_acted_is_refused(city, cast):
    doc = new_draft(cast)
    services.document_submit(actor=cast.drafter, document=doc, plan=plan(cast))
    doc.refresh_from_db()
    done = WorkItem.objects.get(instance_id=doc.process_id, task_spec_id="draft", status="done")
    act(doc, cast.reviewer)
    with pytest.raises(Conflict, match="不能撤回"):
        services.document_withdraw(actor=cast.drafter, document=doc, item_id=done.pk)


def test_the_signer_withdraws_until_a_custodian_agrees(city, cast):
    doc = to_signed(cast, departments=False)
    sign = WorkItem.objects.get(instance_id=doc.process_id, task_spec_id="sign", status="done")
    number = doc.doc_number
    services.document_withdraw(actor=cast.signer, document=doc, item_id=sign.pk)
    doc.refresh_from_db()
    assert doc.status == Document.Status.IN_FLOW and open_tasks(doc) == ["sign"]
    assert SealAttempt.objects.get(document=doc).status == SealAttempt.Status.WITHDRAWN
    act(doc, cast.signer)
    doc.refresh_from_db()
    assert doc.doc_number == number  # a number stays with its document
    services.document_seal_decide(actor=cast.custodian1, document=doc, approve=True)
    sign = WorkItem.objects.get(instance_id=doc.process_id, task_spec_id="sign", status="done")
    with pytest.raises(Conflict, match="保管人已同意用印"):
        services.document_withdraw(actor=cast.signer, document=doc, item_id=sign.pk)


def test_a_refused_seal_can_be_asked_again_by_a_clerk(city, cast):
    doc = to_signed(cast, departments=False)
    services.document_seal_decide(
        actor=cast.custodian1, document=doc, approve=False, opinion="附件不全"
    )
    assert SealAttempt.objects.get(document=doc).status == SealAttempt.Status.REFUSED
    with pytest.raises(Forbidden, match="文书"):
        services.document_seal_rerequest(actor=cast.custodian1, document=doc)
    services.document_seal_rerequest(actor=city.a_clerk, document=doc)
    for person in (cast.custodian1, cast.custodian2):
        services.document_seal_decide(actor=person, document=doc, approve=True)
    doc.refresh_from_db()
    assert doc.status == Document.Status.SEALED


def test_approvals_given_in_the_seals_queue_are_completed_here(city, cast):
    from wenshu.seals.services import seal_use_decide

    doc = to_signed(cast, departments=False)
    req = SealAttempt.objects.get(document=doc).use_request
    for person in (cast.custodian1, cast.custodian2):
        seal_use_decide(actor=person, request=req, approve=True)
    with pytest.raises(Forbidden):
        services.document_seal_complete(actor=cast.drafter, document=doc)
    services.document_seal_complete(actor=city.a_clerk, document=doc)
    doc.refresh_from_db()
    assert doc.status == Document.Status.SEALED and open_tasks(doc) == ["dispatch"]


def test_cancelling_voids_the_number_and_it_is_never_reused(city, cast):
    doc = to_signed(cast, departments=False)
    with pytest.raises(DomainError, match="原因"):
        services.document_cancel(actor=cast.signer, document=doc, reason="")
    services.document_cancel(actor=cast.signer, document=doc, reason="政策调整，不再发文")
    doc.refresh_from_db()
    assert doc.status == Document.Status.CANCELLED
    assert doc.process.status == ProcessInstance.Status.CANCELLED
    voided = VoidedNumber.objects.get()
    assert voided.doc_number == doc.doc_number and voided.reason == "政策调整，不再发文"
    assert SealAttempt.objects.get(document=doc).status == SealAttempt.Status.WITHDRAWN
    second = to_signed(cast, departments=False)
    assert second.number_n == doc.number_n + 1


def test_an_unsubmitted_draft_is_private_and_cancelled_by_its_drafter(city, cast):
    doc = new_draft(cast)
    with pytest.raises(NotFound):
        selectors.document_for_viewer(viewer=city.a_leader, document_id=doc.pk)
    with pytest.raises(NotFound):
        services.document_cancel(actor=city.a_leader, document=doc, reason="x")
    services.document_cancel(actor=cast.drafter, document=doc, reason="不发了")
    doc.refresh_from_db()
    assert doc.status == Document.Status.CANCELLED


def test_submitting_twice_starts_one_flow(city, cast):
    doc = new_draft(cast)
    services.document_submit(actor=cast.drafter, document=doc, plan=plan(cast))
    with pytest.raises(Conflict, match="请勿重复提交"):
        services.document_submit(actor=cast.drafter, document=doc, plan=plan(cast))
    assert ProcessInstance.objects.filter(subject_id=str(doc.pk)).count() == 1
    assert AuditEvent.objects.filter(action="documents.submitted").count() == 1


def test_a_draft_without_a_seal_cannot_be_submitted(city, cast):
    doc = new_draft(cast, seal_id=None)
    with pytest.raises(DomainError, match="印章"):
        services.document_submit(actor=cast.drafter, document=doc, plan=plan(cast))
    doc.refresh_from_db()
    assert doc.status == Document.Status.DRAFT and doc.process_id is None


def test_another_unit_can_countersign_and_read_but_not_see_it_as_its_own(city, cast):
    doc = new_draft(cast)
    flow = plan(cast, departments=False)
    flow.countersign_units = [city.b.pk]
    services.document_submit(actor=cast.drafter, document=doc, plan=flow)
    act(doc, cast.reviewer)
    assert selectors.document_for_reader(viewer=city.b_leader, document_id=doc.pk) == doc
    with pytest.raises(NotFound):
        selectors.document_for_viewer(viewer=city.b_leader, document_id=doc.pk)
    with pytest.raises(NotFound):
        selectors.document_for_reader(viewer=city.b_staff, document_id=doc.pk)
    act(doc, city.b_leader, opinion="教育局同意")
    assert open_tasks(doc) == ["sign"]


def test_mark_sent_only_from_sealed_and_only_once(city, cast):
    from django.utils import timezone

    doc = to_signed(cast, departments=False)
    with pytest.raises(Conflict, match="用印后才能发送"):
        services.document_mark_sent(actor=city.a_clerk, document=doc, sent_at=timezone.now())
    services.document_seal_decide(actor=cast.custodian1, document=doc, approve=True)
    services.document_seal_decide(actor=cast.custodian2, document=doc, approve=True)
    doc.refresh_from_db()
    item = services.dispatch_work_item(document=doc)
    assert item is not None and item.task_spec_id == "dispatch"
    with pytest.raises(Conflict, match="分发"):
        wf_services.work_item_complete(actor=city.a_clerk, item=item)
    with pytest.raises(NotFound):
        services.document_mark_sent(actor=city.b_clerk, document=doc, sent_at=timezone.now())
    services.document_mark_sent(actor=city.a_clerk, document=doc, sent_at=timezone.now())
    with pytest.raises(Conflict, match="该公文已发出，不能重复发送"):
        services.document_mark_sent(actor=city.a_clerk, document=doc, sent_at=timezone.now())
    wf_services.work_item_complete(actor=city.a_clerk, item=item, opinion="已分发")
    doc.refresh_from_db()
    assert doc.status == Document.Status.SENT and doc.process.status == "completed"


def test_a_sealed_document_that_must_not_go_out_can_be_cancelled(city, cast):
    """Only the status moves (the database guard allows it); the package stays as sealed."""
    doc = to_sealed(cast, departments=False)
    with pytest.raises(Forbidden):
        services.document_cancel(actor=city.a_clerk, document=doc, reason="暂缓发布")
    services.document_cancel(actor=cast.signer, document=doc, reason="暂缓发布")
    doc.refresh_from_db()
    assert doc.status == Document.Status.CANCELLED and doc.title == TITLE
    assert VoidedNumber.objects.get().doc_number == doc.doc_number
    assert SealedPackage.objects.filter(document=doc).exists()
    with pytest.raises(Conflict, match="作废"):
        services.document_cancel(actor=cast.signer, document=doc, reason="再次")
