"""Writing the index: incremental runs (every minute, from ops.schedule) and full rebuilds.

These are system jobs with no acting person: content apps do not call us; we read what
changed since the last run of each source (its watermark) and upsert those entries.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from itertools import islice

from django.db import transaction
from django.utils import timezone

from wenshu.audit.services import audit_record
from wenshu.search.backends import backend
from wenshu.search.models import STORED_TEXT_CHARS, SearchEntry, Watermark
from wenshu.search.registry import Doc, Source, sources
from wenshu.search.segment import segment_for_index

BATCH = 200
# jieba does ~1 MB/0.6 s; the files app already caps extracted text, this caps the rest.
INDEXED_TEXT_CHARS = 500_000
# Items committed by a transaction that began before the last run started carry an earlier
# timestamp; re-reading a little before the watermark catches them (upserts are idempotent).
OVERLAP = timedelta(minutes=5)
_FIELDS = ["unit_id", "owner_id", "date", "title", "text", "indexed_at"]


def _batches(docs: Iterable[Doc]) -> Iterator[list[Doc]]:
    it = iter(docs)
    while batch := list(islice(it, BATCH)):
        yield batch


def _entry(doc: Doc, now: datetime) -> SearchEntry:
    return SearchEntry(
        kind=doc.kind,
        object_id=doc.object_id,
        unit_id=doc.unit_id,
        owner_id=doc.owner_id,
        date=doc.date or now,
        title=(doc.title or "")[:300],
        text=(doc.text or "")[:STORED_TEXT_CHARS],
        indexed_at=now,
    )


def _upsert(batch: list[Doc]) -> None:
    now = timezone.now()
    new = {(d.kind, d.object_id): _entry(d, now) for d in batch}
    with transaction.atomic():
        kinds = {k for k, _ in new}
        old = SearchEntry.objects.select_for_update().filter(
            kind__in=kinds, object_id__in=[o for _, o in new]
        )
        updates = []
        for entry in old:
            fresh = new.pop((entry.kind, entry.object_id), None)
            if fresh is not None:
                fresh.pk = entry.pk
                updates.append(fresh)
        SearchEntry.objects.bulk_update(updates, _FIELDS)
        created = SearchEntry.objects.bulk_create(list(new.values()))
        by_key = {(d.kind, d.object_id): d for d in batch}
        backend().write(
            [
                (e.pk, segment_for_index(_words_of(by_key[(e.kind, e.object_id)])))
                for e in [*updates, *created]
            ]
        )


def _words_of(doc: Doc) -> str:
    return f"{doc.title}\n{doc.text or ''}"[:INDEXED_TEXT_CHARS]


def search_index_docs(*, docs: Iterable[Doc]) -> int:
    """Upsert the given items into the index; returns how many."""
    count = 0
    for batch in _batches(docs):
        _upsert(batch)
        count += len(batch)
    return count


def _index_source(src: Source, since: datetime | None) -> int:
    return search_index_docs(docs=src.items_since(since))


def search_index_incremental() -> dict[str, int]:
    """Index every source's items changed since its watermark (all of them the first time).
    The watermark moves to this run's start only after the source was indexed."""
    done: dict[str, int] = {}
    for src in sources():
        started = timezone.now()
        mark = Watermark.objects.filter(kind=src.kind).first()
        since = mark.since - OVERLAP if mark else None
        done[src.kind] = _index_source(src, since)
        Watermark.objects.update_or_create(kind=src.kind, defaults={"since": started})
    return done


def search_rebuild() -> dict[str, int]:
    """Empty the index and index everything again (management command search_rebuild)."""
    with transaction.atomic():
        backend().clear()
        SearchEntry.objects.all().delete()
        Watermark.objects.all().delete()
        audit_record(actor=None, action="search.rebuild", details={"phase": "cleared"})
    return search_index_incremental()
