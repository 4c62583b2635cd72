"""发文字号 机关代字〔YYYY〕N号 per unit, series and year: no gaps, no duplicates, no reuse.

Decided: a number is given at 签发 (sign-off), inside the sign-off's transaction. The number
is printed on the PDF that the seal signs, and 签发 is the moment the text is approved, so a
draft returned before sign-off never burns a number. The counter row of (unit, series,
year) is locked with select_for_update while the next number is taken, so concurrent sign-offs
queue; the unique constraint on documents (unit, series, number_year, number_n) is the
backstop. A number stays with its document (a withdrawn sign-off keeps it); when the
document is cancelled the number is recorded in VoidedNumber and never given again.
"""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from wenshu.accounts.models import User
from wenshu.documents.models import SERIES_SUFFIX, Document, NumberCounter, Series, VoidedNumber
from wenshu.lib.cnformat import doc_number
from wenshu.lib.errors import DomainError


def number_next(*, unit_id: int, series: str, year: int) -> int:
    """Take the next number of (unit, series, year): 1, 2, 3 … with no gaps."""
    with transaction.atomic():
        lookup = {"unit_id": unit_id, "series": series, "year": year}
        counter = NumberCounter.objects.select_for_update().filter(**lookup).first()
        if counter is None:
            try:
                with transaction.atomic():  # two first numbers of a year race to create it
                    counter = NumberCounter.objects.create(**lookup, last_n=0)
            except IntegrityError:
                counter = NumberCounter.objects.select_for_update().get(**lookup)
        counter.last_n += 1
        counter.save(update_fields=["last_n"])
        return counter.last_n


def agency_code(document: Document) -> str:
    code = (document.unit.agency_code or "").strip()
    if not code:
        raise DomainError(
            f"{document.unit.full_name}尚未设置机关代字，无法编发文字号。请联系市数字办在单位信息中设置。"
        )
    return code + SERIES_SUFFIX[Series(document.series)]


def document_number_assign(document: Document, *, on: date | None = None) -> str:
    """Give the (locked) document its number if it has none; return the number."""
    if document.number_n is not None:
        return document.doc_number
    code = agency_code(document)
    year = (on or timezone.localdate()).year
    n = number_next(unit_id=document.unit_id, series=document.series, year=year)
    document.doc_number = doc_number(code, year, n)
    document.number_year, document.number_n = year, n
    return document.doc_number


def document_number_void(*, document: Document, actor: User | None, reason: str) -> None:
    """Record the (locked, cancelled) document's number as voided; it is never reused."""
    if document.number_n is None or document.number_year is None:
        return
    VoidedNumber.objects.get_or_create(
        unit_id=document.unit_id,
        series=document.series,
        year=document.number_year,
        n=document.number_n,
        defaults={
            "doc_number": document.doc_number,
            "document": document,
            "reason": (reason or "公文作废")[:500],
            "voided_by": actor,
        },
    )
