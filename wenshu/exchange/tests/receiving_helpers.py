"""Helpers of the receiving tests: a document of unit A sent to unit B (市教育局)."""

from __future__ import annotations

import io
from typing import Any

import pdfplumber

from wenshu.exchange import services
from wenshu.exchange.models import Delivery
from wenshu.exchange.tests.conftest import key


def send_to_b(city: Any, doc: Any, copies: int = 2) -> Delivery:
    services.document_send(
        actor=city.a_clerk,
        document=doc,
        main_units=[city.b],
        print_allowed=copies,
        idempotency_key=key(),
    )
    return Delivery.objects.get(document=doc, recipient_unit=city.b)


def signed_for(city: Any, delivery: Delivery) -> Delivery:
    services.delivery_verify(actor=city.b_clerk, delivery=delivery)
    services.delivery_sign(
        actor=city.b_clerk,
        delivery=delivery,
        data=services.registration_defaults(delivery=delivery),
    )
    return Delivery.objects.get(pk=delivery.pk)


def pdf_text(data: bytes) -> tuple[str, str]:
    """(the page text, the watermark text): the watermark is drawn rotated."""
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        chars = [c for page in pdf.pages for c in page.chars]
    text = "".join(c["text"] for c in chars if abs(c["matrix"][1]) < 0.01)
    watermark = "".join(c["text"] for c in chars if abs(c["matrix"][1]) >= 0.01)
    return text, watermark
