"""催办: reminding recipients that have not signed for a document, at most once an hour."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from conftest import make_person
from wenshu.audit.models import AuditEvent
from wenshu.exchange import services
from wenshu.exchange.models import Delivery, DeliveryEvent
from wenshu.exchange.tests.conftest import key
from wenshu.lib.errors import Conflict, NotFound, Throttled
from wenshu.notify.models import Notification, OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(city, doc, more):
    """The document sent to B (主送), C (抄送) and, through the group, D."""
    services.document_send(
        actor=city.a_clerk,
        document=doc,
        main_units=[city.b],
        copy_units=[more.c],
        groups=[more.group],
        print_allowed=2,
        idempotency_key=key(),
    )
    return {d.recipient_unit_id: d for d in Delivery.objects.all()}


def reminders(person) -> int:
    return Notification.objects.filter(recipient=person, title__startswith="催办").count()


def test_it_reminds_one_recipients_clerks_in_app_and_by_sms(city, doc, more, sent):
    delivery = services.delivery_remind(actor=city.a_clerk, delivery=sent[more.c.pk])
    assert delivery.remind_count == 1 and delivery.last_reminded_at is not None
    assert reminders(more.c_clerk) == 1 and reminders(more.d_clerk) == 0
    assert OutboxMessage.objects.filter(to_address="13900001111", body__contains="催办").exists()
    event = delivery.events.get(kind=DeliveryEvent.Kind.REMINDED)
    assert event.actor == city.a_clerk
    audit = AuditEvent.objects.get(action="exchange.reminded")
    assert audit.details["delivery_ids"] == [delivery.pk]


def test_a_second_reminder_within_the_hour_is_refused_and_allowed_after(city, more, sent):
    target = sent[more.c.pk]
    services.delivery_remind(actor=city.a_clerk, delivery=target)
    with pytest.raises(Throttled, match="一小时内只能催办一次"):
        services.delivery_remind(actor=city.a_leader, delivery=target)
    assert reminders(more.c_clerk) == 1
    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        services.delivery_remind(actor=city.a_leader, delivery=target)
    assert reminders(more.c_clerk) == 2
    assert Delivery.objects.get(pk=target.pk).remind_count == 2


def test_reminding_all_laggards_reminds_each_once_and_skips_the_recent(city, more, sent):
    services.delivery_remind(actor=city.a_clerk, delivery=sent[city.b.pk])
    document = sent[city.b.pk].document
    result = services.deliveries_remind_laggards(actor=city.a_clerk, document=document)
    assert {d.recipient_unit_id for d in result.reminded} == {more.c.pk, more.d.pk}
    assert [d.recipient_unit_id for d in result.throttled] == [city.b.pk]
    assert reminders(city.b_clerk) == 1 and reminders(more.c_clerk) == 1
    assert reminders(more.d_clerk) == 1


def test_reminding_all_when_all_were_reminded_is_refused(city, more, sent):
    document = sent[city.b.pk].document
    services.deliveries_remind_laggards(actor=city.a_clerk, document=document)
    with pytest.raises(Throttled, match="一小时内都已催办过"):
        services.deliveries_remind_laggards(actor=city.a_admin, document=document)


def test_a_recipient_no_longer_awaiting_is_not_reminded(city, more, sent):
    """Issue 6 moves deliveries on; a status outside AWAITING_SIGNATURE is never reminded."""
    Delivery.objects.update(status="signed", signed_at=timezone.now())
    with pytest.raises(Conflict, match="无需催办"):
        services.delivery_remind(actor=city.a_clerk, delivery=sent[more.c.pk])
    with pytest.raises(Conflict, match="没有需要催办的单位"):
        services.deliveries_remind_laggards(actor=city.a_clerk, document=sent[more.c.pk].document)


@pytest.mark.parametrize("who", ["b_clerk", "b_leader", "a_staff", "a_custodian"])
def test_people_outside_the_sender_trackers_get_not_found(city, more, sent, who):
    person = getattr(city, who)
    with pytest.raises(NotFound):
        services.delivery_remind(actor=person, delivery=sent[more.c.pk])
    with pytest.raises(NotFound):
        services.deliveries_remind_laggards(actor=person, document=sent[more.c.pk].document)
    assert not Notification.objects.filter(title__startswith="催办").exists()


def test_a_recipient_cannot_remind_itself(city, more, sent):
    with pytest.raises(NotFound):
        services.delivery_remind(actor=more.c_clerk, delivery=sent[more.c.pk])


def test_reminding_a_unit_without_clerks_still_records_the_reminder(city, more, sent):
    more.c_clerk.status = "disabled"
    more.c_clerk.save()
    make_person("c_staff", more.c, "staff")
    delivery = services.delivery_remind(actor=city.a_clerk, delivery=sent[more.c.pk])
    assert delivery.events.filter(kind="reminded").count() == 1
