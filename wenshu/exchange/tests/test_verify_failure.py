"""A received document whose stored attachment was changed on disk fails verification:
it cannot be signed for, printed or imported; it can be returned or reported as a fault to
the digital office's queue (once per delivery)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from wenshu.documents import services as documents
from wenshu.exchange import services
from wenshu.exchange.models import Delivery, DeliveryEvent
from wenshu.exchange.tests.receiving_helpers import send_to_b
from wenshu.files.services import file_ingest
from wenshu.lib.errors import Conflict
from wenshu.tickets.models import Ticket

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clamd_socket")]


def _attach(city):
    def add(doc):
        upload = file_ingest(
            actor=city.a_staff,
            name="预算表.csv",
            data_or_fileobj="单位,金额\n市财政局,100\n".encode(),
        )
        documents.attachment_add(
            actor=city.a_staff, document=doc, upload=upload, title="2027年度预算表"
        )

    return add


@pytest.fixture
def tampered(city, sealed):
    doc = sealed(before_submit=_attach(city))
    delivery = send_to_b(city, doc)
    stored = doc.attachments.get().upload.stored_file
    Path(default_storage.path(stored.storage_name)).write_bytes(
        "单位,金额\n市财政局,999\n".encode()
    )
    return delivery


def test_an_intact_document_with_an_attachment_verifies(city, sealed):
    delivery = send_to_b(city, sealed(before_submit=_attach(city)))
    assert services.delivery_verify(actor=city.b_clerk, delivery=delivery).ok


def test_a_changed_attachment_fails_and_blocks_signing_printing_and_import(city, tampered):
    result = services.delivery_verify(actor=city.b_clerk, delivery=tampered)
    assert not result.ok and any("附件1" in r for r in result.reasons)
    row = Delivery.objects.get(pk=tampered.pk)
    assert row.status == Delivery.Status.FAILED
    assert row.events.filter(kind=DeliveryEvent.Kind.VERIFY_FAILED).count() == 1
    data = services.registration_defaults(delivery=row)
    with pytest.raises(Conflict, match="验证未通过"):
        services.delivery_sign(actor=city.b_clerk, delivery=row, data=data)
    with pytest.raises(Conflict, match="验证未通过"):
        services.delivery_print(actor=city.b_clerk, delivery=row)
    with pytest.raises(Conflict):
        services.delivery_mark_imported(actor=city.b_clerk, delivery=row)
    assert Delivery.objects.get(pk=row.pk).printed_count == 0


def test_the_page_offers_return_and_fault_report_but_no_print(city, tampered, login):
    page = login(city.b_clerk).get(reverse("exchange:received", args=[tampered.document_id]))
    html = page.content.decode()
    assert page.status_code == 200 and "验证未通过" in html
    assert "退回发文单位" in html and "上报故障" in html
    assert "签收登记</button>" not in html and "print-button" not in html


def test_a_fault_report_reaches_the_digital_office_once(city, tampered, login):
    client = login(city.b_clerk)
    client.get(reverse("exchange:received", args=[tampered.document_id]))
    for _ in range(2):
        response = client.post(reverse("exchange:fault", args=[tampered.pk]), follow=True)
        assert "已向市数字办上报故障" in response.content.decode()
    ticket = Ticket.objects.get(dedupe_key=f"delivery-verify-{tampered.pk}")
    assert ticket.category == "exchange" and "验证未通过" in ticket.summary
    assert tampered.events.filter(kind=DeliveryEvent.Kind.FAULT).count() == 1


def test_a_failed_document_can_be_returned(city, tampered, login):
    client = login(city.b_clerk)
    client.get(reverse("exchange:received", args=[tampered.document_id]))
    client.post(reverse("exchange:return", args=[tampered.pk]), {"reason": "附件校验失败"})
    assert Delivery.objects.get(pk=tampered.pk).status == Delivery.Status.RETURNED
