"""Sending a sealed document (S1 art. 36–37): recipients, print permissions, once only."""

from __future__ import annotations

import pytest
from django.utils import timezone

from conftest import make_person, make_unit
from wenshu.audit.models import AuditEvent
from wenshu.documents import services as documents
from wenshu.documents.models import Document
from wenshu.exchange import services
from wenshu.exchange.models import Delivery, DeliveryEvent, Dispatch
from wenshu.exchange.tests.conftest import key
from wenshu.lib.errors import Conflict, DomainError, Forbidden, NotFound
from wenshu.notify.models import Notification, OutboxMessage
from wenshu.org.models import Unit
from wenshu.workflow.models import WorkItem

pytestmark = pytest.mark.django_db


def send(city, doc, more=None, **kwargs):
    args = {
        "actor": city.a_clerk,
        "document": doc,
        "main_units": [city.b],
        "copy_units": [more.c] if more else [],
        "groups": [more.group] if more else [],
        "print_allowed": 2,
        "idempotency_key": key(),
    }
    return services.document_send(**{**args, **kwargs})


def nothing_written(doc) -> bool:
    doc.refresh_from_db()
    return (
        doc.status == Document.Status.SEALED
        and doc.sent_at is None
        and not Dispatch.objects.exists()
        and not Delivery.objects.exists()
        and not DeliveryEvent.objects.exists()
    )


def test_it_sends_to_main_copy_and_a_group(city, doc, more):
    """GIVEN a sealed document WHEN the clerk sends it to B (主送), C (抄送) and the group
    市直各部门 (A, the sender, and D) THEN B, C and D each get one delivery; A gets none."""
    before = timezone.now()
    deliveries = send(city, doc, more)
    by_unit = {d.recipient_unit_id: d for d in deliveries}
    assert set(by_unit) == {city.b.pk, more.c.pk, more.d.pk}
    assert by_unit[city.b.pk].kind == Delivery.Kind.MAIN
    assert by_unit[more.d.pk].kind == Delivery.Kind.MAIN
    assert by_unit[more.c.pk].kind == Delivery.Kind.COPY
    doc.refresh_from_db()
    dispatch = Dispatch.objects.get(document=doc)
    assert doc.status == Document.Status.SENT
    assert before <= dispatch.sent_at <= timezone.now()
    assert doc.sent_at == dispatch.sent_at
    assert (dispatch.main_count, dispatch.copy_count) == (2, 1)
    assert dispatch.groups == [{"id": more.group.pk, "name": "市直各部门", "kind": "main"}]
    assert dispatch.sender_name == "白银市财政局"
    for d in deliveries:
        assert d.status == Delivery.Status.DELIVERED
        assert d.delivered_at == dispatch.sent_at
        assert d.printed_count == 0
        assert d.recipient_name == d.recipient_unit.full_name
        assert [e.kind for e in d.events.all()] == [DeliveryEvent.Kind.DELIVERED]


def test_it_stores_a_print_permission_per_recipient(city, doc, more):
    deliveries = send(
        city, doc, more, print_allowed={city.b.pk: 5, str(more.c.pk): "0"}, print_default=3
    )
    allowed = {d.recipient_unit_id: d.print_allowed for d in Delivery.objects.all()}
    assert allowed == {city.b.pk: 5, more.c.pk: 0, more.d.pk: 3}
    assert len(deliveries) == 3


def test_one_number_sets_every_recipients_permission(city, doc, more):
    send(city, doc, more, print_allowed=4)
    assert set(Delivery.objects.values_list("print_allowed", flat=True)) == {4}


@pytest.mark.parametrize("copies", [-1, 100, "两份", True])
def test_it_refuses_a_bad_print_permission_and_writes_nothing(city, doc, copies):
    with pytest.raises(DomainError, match="允许打印份数应为 0 到 99"):
        send(city, doc, print_allowed={city.b.pk: copies})
    assert nothing_written(doc)


def test_a_unit_in_main_and_copy_counts_as_main(city, doc, more):
    deliveries = send(city, doc, main_units=[city.b, more.c], copy_units=[more.c], groups=[])
    assert {d.recipient_unit_id: d.kind for d in deliveries} == {
        city.b.pk: Delivery.Kind.MAIN,
        more.c.pk: Delivery.Kind.MAIN,
    }


def test_a_unit_in_a_copy_group_and_main_counts_as_main(city, doc, more):
    deliveries = send(city, doc, main_units=[more.d], copy_units=[], copy_groups=[more.group])
    assert [(d.recipient_unit_id, d.kind) for d in deliveries] == [(more.d.pk, "main")]


def test_it_notifies_the_recipients_clerks_in_app_and_by_sms(city, doc, more):
    send(city, doc, more)
    notified = set(Notification.objects.filter(kind="exchange").values_list("recipient", flat=True))
    assert notified == {city.b_clerk.pk, more.c_clerk.pk, more.d_clerk.pk}
    sms = OutboxMessage.objects.filter(kind="exchange")
    assert set(sms.values_list("to_address", flat=True)) == {"13900001111", "13900002222"}
    note = Notification.objects.get(recipient=more.c_clerk)
    assert doc.title in note.title and note.link == f"/exchange/received/{doc.pk}/"


def test_it_completes_the_dispatch_step_and_the_flow(city, doc):
    item = WorkItem.objects.get(instance_id=doc.process_id, task_spec_id="dispatch")
    assert item.status == WorkItem.Status.OPEN
    send(city, doc)
    item.refresh_from_db()
    assert item.status == WorkItem.Status.DONE and item.completed_by == city.a_clerk
    assert item.instance.status == "completed"


def test_it_is_audited(city, doc, more):
    send(city, doc, more)
    event = AuditEvent.objects.get(action="exchange.document_sent")
    assert event.actor_id == city.a_clerk.pk
    assert event.details["document_id"] == doc.pk
    assert sorted(event.details["main"]) == sorted([city.b.pk, more.d.pk])
    assert event.details["copy"] == [more.c.pk]


# --- once only -----------------------------------------------------------------------------


def test_the_same_key_twice_sends_once_and_returns_the_first_result(city, doc, more):
    same = key()
    first = send(city, doc, more, idempotency_key=same)
    again = send(city, doc, more, idempotency_key=same)
    assert sorted(d.pk for d in again) == sorted(d.pk for d in first)
    assert Dispatch.objects.count() == 1 and Delivery.objects.count() == 3
    assert Notification.objects.filter(kind="exchange").count() == 3


def test_a_different_key_after_sending_is_a_conflict(city, doc, more):
    send(city, doc, more)
    with pytest.raises(Conflict, match="该公文已发出"):
        send(city, doc, more)
    assert Dispatch.objects.count() == 1 and Delivery.objects.count() == 3


def test_another_clerk_retrying_the_key_is_told_it_was_sent(city, doc):
    same = key()
    send(city, doc, idempotency_key=same)
    other = make_person("a_clerk2", city.a, "clerk")
    with pytest.raises(Conflict, match="该公文已发出"):
        send(city, doc, actor=other, idempotency_key=same)


def test_a_missing_idempotency_key_is_refused(city, doc):
    with pytest.raises(DomainError, match="防重复提交"):
        send(city, doc, idempotency_key="  ")
    assert nothing_written(doc)


def test_a_failure_later_in_the_sending_writes_nothing(city, doc, more, monkeypatch):
    """Deliveries are created in one transaction: if the notification step raises inside it,
    no dispatch, no delivery and no state change survive."""

    def broken(**kwargs):
        raise RuntimeError("通知服务异常")

    monkeypatch.setattr("wenshu.notify.services.notify_send", broken)
    with pytest.raises(RuntimeError):
        send(city, doc, more)
    assert nothing_written(doc)
    step = WorkItem.objects.get(instance_id=doc.process_id, task_spec_id="dispatch")
    assert step.status == WorkItem.Status.OPEN


def test_a_failing_audit_write_writes_nothing_either(city, doc, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("审计写入失败")

    monkeypatch.setattr("wenshu.exchange.services.sending.audit_record", broken)
    with pytest.raises(RuntimeError):
        send(city, doc)
    assert nothing_written(doc)


# --- refusals ------------------------------------------------------------------------------


def test_a_deregistered_recipient_is_refused_by_name_and_nothing_is_written(city, doc):
    gone = make_unit("白银市粮食局", "市粮食局", "白粮")
    Unit.objects.filter(pk=gone.pk).update(status=Unit.Status.DEREGISTERED, in_directory=False)
    with pytest.raises(DomainError, match="白银市粮食局”已注销"):
        send(city, doc, main_units=[city.b, gone])
    assert nothing_written(doc)


def test_a_unit_outside_the_directory_is_refused_by_name(city, doc):
    hidden = make_unit("白银市档案馆", "市档案馆", "白档")
    Unit.objects.filter(pk=hidden.pk).update(in_directory=False)
    with pytest.raises(DomainError, match="白银市档案馆”不在公文交换目录中"):
        send(city, doc, copy_units=[hidden])
    assert nothing_written(doc)


def test_a_deregistered_member_of_a_group_is_left_out(city, doc, more):
    Unit.objects.filter(pk=more.d.pk).update(status=Unit.Status.DEREGISTERED, in_directory=False)
    deliveries = send(city, doc, more)
    assert more.d.pk not in {d.recipient_unit_id for d in deliveries}


def test_the_sender_unit_cannot_be_a_recipient(city, doc):
    with pytest.raises(DomainError, match="不能把公文发给本单位"):
        send(city, doc, main_units=[city.b], copy_units=[city.a])
    assert nothing_written(doc)


def test_at_least_one_main_recipient_is_needed(city, doc, more):
    with pytest.raises(DomainError, match="至少选择一个主送机关"):
        send(city, doc, main_units=[], copy_units=[more.c])
    assert nothing_written(doc)


def test_a_group_holding_only_the_sender_gives_no_main_recipient(city, doc, more):
    more.group.units.set([city.a])
    with pytest.raises(DomainError, match="至少选择一个主送机关"):
        send(city, doc, main_units=[], groups=[more.group])


def test_an_unknown_unit_id_is_refused(city, doc):
    with pytest.raises(DomainError, match="找不到所选的收文单位"):
        send(city, doc, main_units=[999999])


@pytest.mark.parametrize("who", ["a_staff", "a_leader", "a_admin", "a_custodian"])
def test_only_a_clerk_may_send(city, doc, who):
    with pytest.raises(Forbidden, match="分发"):
        send(city, doc, actor=getattr(city, who))
    assert nothing_written(doc)


def test_a_clerk_of_another_unit_gets_not_found(city, doc):
    with pytest.raises(NotFound):
        send(city, doc, actor=city.b_clerk, main_units=[city.a])
    assert nothing_written(doc)


def test_the_named_dispatcher_sends_and_other_clerks_may_not(city, sealed):
    dispatcher = make_person("a_clerk2", city.a, "clerk", real_name="艾文书二")
    doc = sealed(plan=documents.FlowPlan(dispatcher_id=dispatcher.pk))
    with pytest.raises(Forbidden, match="艾文书二"):
        send(city, doc)
    send(city, doc, actor=dispatcher)
    assert Dispatch.objects.get().sent_by == dispatcher


def test_a_clerk_sends_a_sealed_document_without_an_open_dispatch_step(city, doc):
    WorkItem.objects.filter(instance_id=doc.process_id, task_spec_id="dispatch").update(
        status=WorkItem.Status.CANCELLED
    )
    assert len(send(city, doc)) == 1
    with pytest.raises(Forbidden, match="只有本单位文书"):
        send(city, doc, actor=city.a_staff)


def test_a_document_not_yet_sealed_is_refused(city, seal):
    draft = documents.document_create(
        actor=city.a_staff,
        data=documents.DraftInput(doc_type="通知", title="草稿", body_text="正文", seal_id=seal.pk),
    )
    with pytest.raises(Conflict, match="用印后才能发送"):
        send(city, draft)
    assert not Delivery.objects.exists()


def test_a_cancelled_document_is_refused(city, doc):
    documents.document_cancel(actor=city.a_leader, document=doc, reason="不再印发")
    with pytest.raises(Conflict, match="已作废"):
        send(city, doc)
    assert not Delivery.objects.exists()


def test_the_recipient_name_is_kept_as_it_was_at_sending(city, doc):
    (delivery,) = send(city, doc)
    Unit.objects.filter(pk=city.b.pk).update(full_name="白银市教育和体育局")
    delivery.refresh_from_db()
    assert delivery.recipient_name == "白银市教育局"


def test_urgent_documents_say_so_in_the_notice(city, sealed):
    doc = sealed(urgency="特急")
    send(city, doc)
    assert Notification.objects.get(recipient=city.b_clerk).title.startswith("【特急】")
