"""发文字号: per unit, series and year; no leading zeros, no gaps, no duplicates, no reuse."""

from __future__ import annotations

import threading

import pytest
from django.db import IntegrityError, close_old_connections, connection, transaction

from conftest import make_unit
from wenshu.documents.models import Document, NumberCounter, Series
from wenshu.documents.services import number_next
from wenshu.documents.services.numbering import document_number_assign
from wenshu.documents.tests.conftest import new_draft, to_signed
from wenshu.lib.errors import DomainError


@pytest.mark.django_db
def test_numbers_count_per_unit_series_and_year(city):
    assert [number_next(unit_id=city.a.pk, series=Series.FILE, year=2026) for _ in range(3)] == [
        1,
        2,
        3,
    ]
    assert number_next(unit_id=city.a.pk, series=Series.LETTER, year=2026) == 1
    assert number_next(unit_id=city.a.pk, series=Series.FILE, year=2027) == 1
    assert number_next(unit_id=city.b.pk, series=Series.FILE, year=2026) == 1
    assert NumberCounter.objects.get(unit=city.a, series="file", year=2026).last_n == 3


@pytest.mark.django_db
def test_a_signed_off_document_gets_the_next_number_of_its_series(city, cast):
    first = to_signed(cast, departments=False)
    letter = to_signed(cast, departments=False, series=Series.LETTER, doc_type="函")
    year = first.issue_date.year
    assert first.doc_number == f"白财〔{year}〕1号"
    assert letter.doc_number == f"白财函〔{year}〕1号"
    second = to_signed(cast, departments=False)
    assert second.doc_number == f"白财〔{year}〕2号"  # no leading zeros, no 第


@pytest.mark.django_db
def test_a_unit_without_an_agency_code_cannot_submit(city, cast):
    city.a.agency_code = ""
    city.a.save(update_fields=["agency_code"])
    doc = new_draft(cast)
    from wenshu.documents import services
    from wenshu.documents.tests.conftest import plan

    with pytest.raises(DomainError, match="机关代字"):
        services.document_submit(actor=cast.drafter, document=doc, plan=plan(cast))


@pytest.mark.django_db
def test_the_database_refuses_a_duplicate_number(city, cast):
    doc = new_draft(cast)
    other = new_draft(cast)
    Document.objects.filter(pk=doc.pk).update(number_year=2026, number_n=5)
    with pytest.raises(IntegrityError), transaction.atomic():
        Document.objects.filter(pk=other.pk).update(number_year=2026, number_n=5)


@pytest.mark.django_db
def test_assigning_twice_keeps_the_first_number(city, cast):
    doc = new_draft(cast)
    with transaction.atomic():
        first = document_number_assign(doc)
        assert document_number_assign(doc) == first
    assert NumberCounter.objects.get(unit=city.a).last_n == 1


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_twenty_threads_get_twenty_distinct_consecutive_numbers():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL to take numbers in parallel")
    unit = make_unit("白银市财政局", "市财政局", "白财")
    barrier = threading.Barrier(20)
    numbers: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def take() -> None:
        try:
            barrier.wait()
            n = number_next(unit_id=unit.pk, series=Series.FILE, year=2026)
            with lock:
                numbers.append(n)
        except BaseException as exc:  # reported below: a thread must not swallow it
            errors.append(exc)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=take) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert sorted(numbers) == list(range(1, 21))
    assert NumberCounter.objects.get(unit=unit).last_n == 20
